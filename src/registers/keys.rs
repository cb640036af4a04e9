//! A register's keys and its calendar token: added, listed, made read-only, revoked; each
//! kept only as its digest. A key opens the register's API; the calendar token opens its
//! calendar feed alone (a subscribing calendar cannot send a header, so the token travels in
//! the address, and is worth less than a key: it reads the open matters and nothing else).

use sqlx::Row;
use subtle::ConstantTimeEq;

use super::{Registers, RegistersError, digest, now};

/// The key that opened a register: its label (the history's `by`) and whether it only reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holder {
    /// The key's label.
    pub label: String,
    /// Whether it only reads.
    pub read_only: bool,
    /// The key's digest (the rate limit's bucket; not a secret, and never shown).
    pub digest: String,
}

/// A key as the register lists it: never the key itself.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct KeyInfo {
    /// Its label: a clerk or a system.
    pub label: String,
    /// Whether it only reads.
    pub read_only: bool,
    /// When it was added (UTC, RFC 3339).
    pub created_at: String,
    /// When it was revoked, if it was.
    pub revoked_at: Option<String>,
}

/// A new calendar token, shown once: `qxc_` and 32 random bytes from the operating system, in
/// hex (a key starts `qxr_`: the two are told apart at a glance, and neither opens the other's
/// door).
///
/// # Errors
/// When the operating system gives no random bytes.
pub fn new_calendar_token() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(format!("qxc_{}", crate::base::hex(&bytes)))
}

/// Whether `offered` (a digest) is among `kept`, each compared in constant time (all of them,
/// so that the time does not say which one matched).
fn matches<'r>(kept: impl Iterator<Item = &'r str>, offered: &str) -> Option<&'r str> {
    let mut found = None;
    for digest in kept {
        if bool::from(digest.as_bytes().ct_eq(offered.as_bytes())) {
            found = Some(digest);
        }
    }
    found
}

impl Registers {
    /// The key of register `id` that `offered` is, unless revoked; none when there is no such
    /// register, the key is not one of its, or it was revoked: the three are not told apart.
    ///
    /// # Errors
    /// [`RegistersError::Database`].
    pub async fn holder(&self, id: &str, offered: &str) -> Result<Option<Holder>, RegistersError> {
        let offered = digest(offered);
        let rows = sqlx::query(
            "SELECT label, key_digest, read_only FROM register_keys WHERE register_id = $1 AND revoked_at IS NULL",
        )
        .bind(id)
        .fetch_all(self.ready().await?)
        .await?;
        let digests: Vec<String> = rows
            .iter()
            .map(|row| row.try_get("key_digest"))
            .collect::<Result<_, _>>()?;
        let Some(found) = matches(digests.iter().map(String::as_str), &offered) else {
            return Ok(None);
        };
        let row = &rows[digests.iter().position(|d| d == found).unwrap_or_default()];
        Ok(Some(Holder {
            label: row.try_get("label")?,
            read_only: row.try_get::<i64, _>("read_only")? != 0,
            digest: offered,
        }))
    }

    /// Adds `key` (kept as its digest) to register `id` under `label`.
    ///
    /// # Errors
    /// [`RegistersError::LabelTaken`] when a key of the register (revoked or not) has that
    /// label; [`RegistersError::Database`].
    pub async fn add_key(
        &self,
        id: &str,
        label: &str,
        key: &str,
        read_only: bool,
    ) -> Result<KeyInfo, RegistersError> {
        let at = now();
        // Not a unique violation to interpret (each database words it its own way): a label
        // taken is an insert of no row.
        let added = sqlx::query(
            "INSERT INTO register_keys (register_id, label, key_digest, created_at, read_only) SELECT $1, $2, $3, $4, $5 WHERE NOT EXISTS (SELECT 1 FROM register_keys WHERE register_id = $1 AND label = $2)",
        )
        .bind(id)
        .bind(label)
        .bind(digest(key))
        .bind(&at)
        .bind(i64::from(read_only))
        .execute(self.ready().await?)
        .await;
        match added {
            Ok(done) if done.rows_affected() == 1 => Ok(KeyInfo {
                label: label.to_owned(),
                read_only,
                created_at: at,
                revoked_at: None,
            }),
            // Two adding the same label at once: the primary key refuses the second.
            Ok(_) | Err(sqlx::Error::Database(_)) => Err(RegistersError::LabelTaken),
            Err(e) => Err(e.into()),
        }
    }

    /// Every key of register `id`, revoked ones included, in the order they were added.
    ///
    /// # Errors
    /// [`RegistersError::Database`].
    pub async fn keys(&self, id: &str) -> Result<Vec<KeyInfo>, RegistersError> {
        let rows = sqlx::query(
            "SELECT label, read_only, created_at, revoked_at FROM register_keys WHERE register_id = $1 ORDER BY created_at, label",
        )
        .bind(id)
        .fetch_all(self.ready().await?)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(KeyInfo {
                    label: row.try_get("label")?,
                    read_only: row.try_get::<i64, _>("read_only")? != 0,
                    created_at: row.try_get("created_at")?,
                    revoked_at: row.try_get("revoked_at")?,
                })
            })
            .collect()
    }

    /// Revokes the key `label` of register `id` (a key revoked already stays as it was). The
    /// register's last writing key is not revoked: without one, nobody could write to it or
    /// add a key again.
    ///
    /// # Errors
    /// [`RegistersError::NoSuchKey`]; [`RegistersError::LastWritingKey`];
    /// [`RegistersError::Database`].
    pub async fn revoke_key(&self, id: &str, label: &str) -> Result<(), RegistersError> {
        let mut tx = self.ready().await?.begin().await?;
        // A write to the register's row first: it takes the row's lock (PostgreSQL) or the
        // database's (SQLite) until the end, so that two revocations of the last two writing
        // keys cannot each see the other still there.
        sqlx::query("UPDATE registers SET name = name WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let key = sqlx::query(
            "SELECT read_only, revoked_at FROM register_keys WHERE register_id = $1 AND label = $2",
        )
        .bind(id)
        .bind(label)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(RegistersError::NoSuchKey)?;
        if key.try_get::<Option<String>, _>("revoked_at")?.is_some() {
            return Ok(());
        }
        if key.try_get::<i64, _>("read_only")? == 0 {
            let writers: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM register_keys WHERE register_id = $1 AND read_only = 0 AND revoked_at IS NULL",
            )
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
            if writers <= 1 {
                return Err(RegistersError::LastWritingKey);
            }
        }
        sqlx::query(
            "UPDATE register_keys SET revoked_at = $1 WHERE register_id = $2 AND label = $3",
        )
        .bind(now())
        .bind(id)
        .bind(label)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Makes `token` (kept as its digest) register `id`'s calendar token, in place of any
    /// before it.
    ///
    /// # Errors
    /// [`RegistersError::Database`].
    pub async fn set_calendar_token(&self, id: &str, token: &str) -> Result<(), RegistersError> {
        sqlx::query(
            "UPDATE registers SET calendar_digest = $1, calendar_created_at = $2 WHERE id = $3",
        )
        .bind(digest(token))
        .bind(now())
        .bind(id)
        .execute(self.ready().await?)
        .await?;
        Ok(())
    }

    /// Revokes register `id`'s calendar token, if it has one.
    ///
    /// # Errors
    /// [`RegistersError::Database`].
    pub async fn clear_calendar_token(&self, id: &str) -> Result<(), RegistersError> {
        sqlx::query(
            "UPDATE registers SET calendar_digest = NULL, calendar_created_at = NULL WHERE id = $1",
        )
        .bind(id)
        .execute(self.ready().await?)
        .await?;
        Ok(())
    }

    /// The name of register `id` and the digest of its calendar token, when `offered` is that
    /// token; none when there is no such register, it has no token, or `offered` is not it.
    ///
    /// # Errors
    /// [`RegistersError::Database`].
    pub async fn calendar_holder(
        &self,
        id: &str,
        offered: &str,
    ) -> Result<Option<(String, String)>, RegistersError> {
        let offered = digest(offered);
        let row = sqlx::query("SELECT name, calendar_digest FROM registers WHERE id = $1")
            .bind(id)
            .fetch_optional(self.ready().await?)
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let kept: Option<String> = row.try_get("calendar_digest")?;
        if matches(kept.iter().map(String::as_str), &offered).is_none() {
            return Ok(None);
        }
        Ok(Some((row.try_get("name")?, offered)))
    }
}

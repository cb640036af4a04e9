//! The registers' database: registers, their keys (kept only as digests), their matters and
//! every change to them. SQLite (embedded: a file in `QIXIAN_STATE_DIR`, or in memory without
//! one) or PostgreSQL (`QIXIAN_DATABASE_URL`), through sqlx's `Any` driver: one set of
//! migrations ([`MIGRATIONS`]) and every query written once, in SQL both databases read
//! (`$1` parameters, text dates, 64-bit integers).
//!
//! A matter's row holds what its office wrote (the period as `/v1/deadlines` takes it) and a
//! version; the due date is never stored but computed on read ([`crate::register`]), except
//! the one the office acknowledged. An update names the version it read and is refused when
//! another came first; every change, a deletion included, is a row of `matter_history`
//! written in the same transaction.

mod keys;
mod open;
mod probe;
#[cfg(test)]
mod tests;

pub use keys::{Holder, KeyInfo, new_calendar_token};
pub use probe::Probed;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, FixedOffset, NaiveDate, SecondsFormat, Utc};
use sha2::{Digest, Sha256};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};
use tokio::sync::OnceCell;

use crate::deadline::Input;
use crate::register::Matter;

/// The migrations, in order, run at start-up on either database: each is applied once, and
/// recorded in `register_migrations`.
pub const MIGRATIONS: &[(i64, &str)] = &[
    (
        1,
        "CREATE TABLE registers (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE register_keys (
        register_id TEXT NOT NULL REFERENCES registers (id),
        label TEXT NOT NULL,
        key_digest TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (register_id, label)
    );
    CREATE TABLE matters (
        register_id TEXT NOT NULL REFERENCES registers (id),
        id TEXT NOT NULL,
        version BIGINT NOT NULL,
        doc_number TEXT NOT NULL,
        subject TEXT NOT NULL,
        sender TEXT NOT NULL,
        handler TEXT NOT NULL,
        notes TEXT NOT NULL,
        period TEXT NOT NULL,
        completed_at TEXT,
        acknowledged_due TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (register_id, id)
    );
    CREATE TABLE matter_history (
        register_id TEXT NOT NULL REFERENCES registers (id),
        matter_id TEXT NOT NULL,
        version BIGINT NOT NULL,
        at TEXT NOT NULL,
        action TEXT NOT NULL,
        by_label TEXT NOT NULL,
        changed TEXT NOT NULL,
        matter TEXT NOT NULL,
        PRIMARY KEY (register_id, matter_id, version)
    )",
    ),
    // Keys that only read, keys revoked (kept, so that the history's labels stay theirs and a
    // label is never given twice), and each register's calendar token, kept as its digest.
    (
        2,
        "ALTER TABLE register_keys ADD COLUMN read_only BIGINT NOT NULL DEFAULT 0;
    ALTER TABLE register_keys ADD COLUMN revoked_at TEXT;
    ALTER TABLE registers ADD COLUMN calendar_digest TEXT;
    ALTER TABLE registers ADD COLUMN calendar_created_at TEXT",
    ),
    // The data version each acknowledged due date was computed on: the days that moved a
    // matter are the changes since it (null for a matter kept before: they cannot be named).
    (
        3,
        "ALTER TABLE matters ADD COLUMN acknowledged_version TEXT",
    ),
    // A register's revision, one more with every change of its matters (in the change's own
    // transaction): a replica that has read the matters at that revision reads them again
    // only when it has moved.
    (
        4,
        "ALTER TABLE registers ADD COLUMN revision BIGINT NOT NULL DEFAULT 0",
    ),
];

/// The migrations of the state replicas share through PostgreSQL ([`crate::shared`]): run
/// after [`MIGRATIONS`], in the same transaction and under the same lock, on PostgreSQL only
/// (with SQLite, or no database, that state stays in `QIXIAN_STATE_DIR` or in memory).
/// Numbered from 101, so that the registers' own migrations keep their numbers.
pub const SHARED_MIGRATIONS: &[(i64, &str)] = &[(
    101,
    "CREATE TABLE data_blobs (
        sha256 TEXT PRIMARY KEY,
        bytes BYTEA NOT NULL,
        kept_at TEXT NOT NULL
    );
    CREATE TABLE data_versions (
        version TEXT PRIMARY KEY,
        since_us BIGINT NOT NULL,
        recipe TEXT NOT NULL
    );
    CREATE TABLE data_feed_files (
        year BIGINT PRIMARY KEY,
        sha256 TEXT NOT NULL,
        url TEXT NOT NULL,
        bytes BYTEA NOT NULL,
        accepted_at TEXT NOT NULL
    );
    CREATE TABLE data_withdrawals (
        year BIGINT PRIMARY KEY,
        sha256 TEXT NOT NULL,
        withdrawn_at TEXT NOT NULL
    );
    CREATE TABLE webhook_outbox (
        id TEXT NOT NULL,
        target TEXT NOT NULL,
        url TEXT NOT NULL,
        created_ms BIGINT NOT NULL,
        attempts BIGINT NOT NULL DEFAULT 0,
        next_attempt_ms BIGINT NOT NULL,
        body TEXT NOT NULL,
        claimed_until_ms BIGINT NOT NULL DEFAULT 0,
        claimed_by TEXT,
        sent_ms BIGINT,
        PRIMARY KEY (id, target)
    );
    CREATE INDEX webhook_outbox_waiting ON webhook_outbox (next_attempt_ms) WHERE sent_ms IS NULL",
)];

/// How many matters, over all registers, each process keeps as last read (see
/// [`Registers::rows`]): a register of 10,000 and then some.
const ROWS_KEPT: u64 = 20_000;

/// How long a piece of work waits for a connection before it fails as the database's error.
/// sqlx tries again while the database refuses, so a database that is down costs each piece
/// of work this long.
pub const WAIT: Duration = Duration::from_secs(5);

/// A register's matters as read at one revision.
type Rows = Arc<Vec<Result<Kept, Unreadable>>>;

/// The label of the key a register is created with.
pub const FIRST_KEY: &str = "first";

/// The registers' database: a pool of connections made when first needed, and the migrations
/// run once before the first statement (started at start-up, retried on the next use while
/// the database cannot be reached, so that the rest of the service answers meanwhile).
#[derive(Clone, Debug)]
pub struct Registers {
    pool: AnyPool,
    migrated: Arc<OnceCell<()>>,
    /// PostgreSQL (rather than SQLite): replicas that start together take turns migrating.
    postgres: bool,
    /// Where the matters are kept.
    kind: Kind,
    /// Each register's matters as last read, with the revision they were read at.
    read: moka::sync::Cache<String, (i64, Rows)>,
}

/// Where a service's registers are kept, as `/readyz` says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A PostgreSQL database (`QIXIAN_DATABASE_URL`): what replicas share.
    Postgresql,
    /// A SQLite file (`registers.db` in `QIXIAN_STATE_DIR`, or a `sqlite://` URL).
    Sqlite,
    /// Memory only: nothing written survives a restart.
    Memory,
}

/// The key of the PostgreSQL advisory lock the migrations are run under (any number no other
/// user of the database takes: "qixian" in ASCII).
const MIGRATION_LOCK: i64 = 0x71_69_78_69_61_6e;

/// A matter as kept: its id, its version and when it was created and last changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Kept {
    /// Its id within its register.
    pub id: String,
    /// Its version: 1 when created, one more at each change.
    pub version: i64,
    /// What its office wrote.
    pub matter: Matter,
    /// When it was created (UTC, RFC 3339).
    pub created_at: String,
    /// When it was last changed (UTC, RFC 3339).
    pub updated_at: String,
}

/// One change of a matter, as the history keeps it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Change {
    /// The matter.
    pub matter_id: String,
    /// The version the change made.
    pub version: i64,
    /// When (UTC, RFC 3339).
    pub at: String,
    /// What was done: `created`, `updated`, `completed`, `reopened`, `acknowledged`, `deleted`.
    pub action: String,
    /// The label of the key that did it.
    pub by: String,
    /// The fields it changed.
    pub changed: Vec<String>,
    /// The matter as it stood after the change (before it, for a deletion), as JSON.
    pub matter: serde_json::Value,
}

/// A stored matter that does not read back: its id, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unreadable {
    /// Its id (empty when not even that reads back).
    pub id: String,
    /// What does not read back, for the log and the operator.
    pub why: String,
}

/// Why the registers' database did not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum RegistersError {
    /// The database cannot be reached or refused the statement.
    #[error("the registers' database: {0}")]
    Database(#[from] sqlx::Error),
    /// No such matter in this register.
    #[error("no such matter")]
    NotFound,
    /// The matter changed since the version the caller read.
    #[error("the matter is at version {current}, not the one given")]
    Stale {
        /// Its version now.
        current: i64,
    },
    /// No key of that label in the register.
    #[error("no such key")]
    NoSuchKey,
    /// A key of that label exists already (revoked ones included: a label names one key for
    /// good, so that the history's labels stay unambiguous).
    #[error("the label is taken")]
    LabelTaken,
    /// The key is the register's last one that writes: revoking it would leave no way to
    /// write (or to add a key).
    #[error("the last writing key")]
    LastWritingKey,
    /// A row that does not read back (written by another program).
    #[error("a stored matter does not read back: {0}")]
    Corrupt(String),
}

/// A new register's key, shown once: `qxr_` and 32 random bytes from the operating system, in hex.
///
/// # Errors
/// When the operating system gives no random bytes.
pub fn new_key() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(format!("qxr_{}", crate::base::hex(&bytes)))
}

/// A key's digest, as kept.
pub(crate) fn digest(key: &str) -> String {
    crate::base::hex(&Sha256::digest(key.as_bytes()))
}

/// A new id: 16 random bytes in hex (not a secret: a register's id is in its URLs).
fn new_id() -> String {
    crate::base::hex(&fastrand::u128(..).to_le_bytes())
}

pub(crate) fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The matter's fields as the history shows them (the period without its empty fields).
fn matter_json(matter: &Matter) -> serde_json::Value {
    serde_json::json!({
        "doc_number": matter.doc_number,
        "subject": matter.subject,
        "sender": matter.sender,
        "handler": matter.handler,
        "notes": matter.notes,
        "period": period_json(&matter.period),
        "completed_at": matter.completed_at.map(|at| at.to_rfc3339()),
        "acknowledged_due": matter.acknowledged_due.map(|d| d.to_string()),
        "acknowledged_version": matter.acknowledged_version,
    })
}

/// A period as JSON, with only the fields it sets.
pub fn period_json(period: &Input) -> serde_json::Value {
    let mut value = serde_json::to_value(period).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        object.retain(|_, v| !(v.is_null() || v.as_array().is_some_and(Vec::is_empty)));
    }
    value
}

/// The names of the fields that differ between two states of a matter.
fn changed_fields(old: Option<&Matter>, new: &Matter) -> Vec<&'static str> {
    let Some(old) = old else {
        return vec!["*"];
    };
    [
        ("doc_number", old.doc_number != new.doc_number),
        ("subject", old.subject != new.subject),
        ("sender", old.sender != new.sender),
        ("handler", old.handler != new.handler),
        ("notes", old.notes != new.notes),
        ("period", old.period != new.period),
        ("completed_at", old.completed_at != new.completed_at),
        (
            "acknowledged_due",
            old.acknowledged_due != new.acknowledged_due,
        ),
        (
            "acknowledged_version",
            old.acknowledged_version != new.acknowledged_version,
        ),
    ]
    .into_iter()
    .filter_map(|(name, differs)| differs.then_some(name))
    .collect()
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// Binds what its office wrote of `m`, in [`MATTER_COLUMNS`]' order (`doc_number` to
/// `acknowledged_version`).
fn bind_fields<'q>(query: AnyQuery<'q>, m: &'q Matter) -> AnyQuery<'q> {
    query
        .bind(&m.doc_number)
        .bind(&m.subject)
        .bind(&m.sender)
        .bind(&m.handler)
        .bind(&m.notes)
        .bind(period_json(&m.period).to_string())
        .bind(m.completed_at.map(|at| at.to_rfc3339()))
        .bind(m.acknowledged_due.map(|d| d.to_string()))
        .bind(&m.acknowledged_version)
}

const MATTER_COLUMNS: &str = "id, version, doc_number, subject, sender, handler, notes, period, \
                              completed_at, acknowledged_due, acknowledged_version, created_at, \
                              updated_at";

fn kept_of(row: &AnyRow) -> Result<Kept, RegistersError> {
    let text = |name: &str| row.try_get::<String, _>(name);
    let maybe = |name: &str| row.try_get::<Option<String>, _>(name);
    let period = text("period")?;
    let period = Input::from_json(period.as_bytes())
        .map_err(|e| RegistersError::Corrupt(format!("period: {e:?}")))?;
    let completed_at = maybe("completed_at")?
        .map(|t| DateTime::<FixedOffset>::parse_from_rfc3339(&t))
        .transpose()
        .map_err(|e| RegistersError::Corrupt(format!("completed_at: {e}")))?;
    let acknowledged_due = maybe("acknowledged_due")?
        .map(|t| t.parse::<NaiveDate>())
        .transpose()
        .map_err(|e| RegistersError::Corrupt(format!("acknowledged_due: {e}")))?;
    Ok(Kept {
        id: text("id")?,
        version: row.try_get("version")?,
        matter: Matter {
            doc_number: text("doc_number")?,
            subject: text("subject")?,
            sender: text("sender")?,
            handler: text("handler")?,
            notes: text("notes")?,
            period,
            completed_at,
            acknowledged_due,
            acknowledged_version: maybe("acknowledged_version")?,
        },
        created_at: text("created_at")?,
        updated_at: text("updated_at")?,
    })
}

/// A stored row of register `register` that does not read back, and why (logged as a
/// warning, for the operator).
fn unreadable(register: &str, row: &AnyRow, e: &RegistersError) -> Unreadable {
    let id = row.try_get::<String, _>("id").unwrap_or_default();
    tracing::warn!(register, matter = %id, cause = %e, "a stored matter does not read back");
    Unreadable {
        id,
        why: e.to_string(),
    }
}

impl Registers {
    /// Opens the database and runs its migrations: [`Registers::connect`], then
    /// [`Registers::ready`].
    ///
    /// # Errors
    /// [`RegistersError::Database`] when it cannot be opened or migrated.
    pub async fn open(url: Option<&str>, state_dir: Option<&Path>) -> Result<Self, RegistersError> {
        let registers = Self::connect(url, state_dir)?;
        registers.ready().await?;
        Ok(registers)
    }

    /// The database at `url` when given (`postgres://…`, `sqlite://…`), else `registers.db`
    /// in `state_dir`, else a database in memory; no connection is made yet.
    ///
    /// # Errors
    /// [`RegistersError::Database`] for a URL that names no database sqlx speaks.
    pub fn connect(url: Option<&str>, state_dir: Option<&Path>) -> Result<Self, RegistersError> {
        Self::connect_waiting(url, state_dir, WAIT)
    }

    /// [`Registers::connect`], with a piece of work waiting at most `wait` for a connection
    /// (tests of a database that is down wait less than [`WAIT`]).
    ///
    /// # Errors
    /// [`RegistersError::Database`] for a URL that names no database sqlx speaks.
    pub fn connect_waiting(
        url: Option<&str>,
        state_dir: Option<&Path>,
        wait: Duration,
    ) -> Result<Self, RegistersError> {
        sqlx::any::install_default_drivers();
        let (url, in_memory) = match (url, state_dir) {
            (Some(url), _) => (url.to_owned(), false),
            (None, Some(dir)) => (
                format!("sqlite://{}?mode=rwc", dir.join("registers.db").display()),
                false,
            ),
            (None, None) => ("sqlite::memory:".to_owned(), true),
        };
        let sqlite = url.starts_with("sqlite:");
        let pool = AnyPoolOptions::new()
            // Each connection to `sqlite::memory:` is a database of its own: one connection.
            .max_connections(if in_memory { 1 } else { 8 })
            .min_connections(u32::from(in_memory))
            .idle_timeout(if in_memory {
                None
            } else {
                Some(Duration::from_secs(600))
            })
            .max_lifetime(if in_memory {
                None
            } else {
                Some(Duration::from_secs(1800))
            })
            .acquire_timeout(wait)
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if sqlite {
                        // Written through before a write is acknowledged (a kill -9 loses
                        // nothing answered 2xx); writers wait for each other rather than fail.
                        for pragma in [
                            "PRAGMA journal_mode = WAL",
                            "PRAGMA synchronous = FULL",
                            "PRAGMA busy_timeout = 5000",
                            "PRAGMA foreign_keys = ON",
                        ] {
                            sqlx::query(pragma).execute(&mut *conn).await?;
                        }
                    }
                    Ok(())
                })
            })
            .connect_lazy(&url)?;
        Ok(Registers {
            pool,
            migrated: Arc::new(OnceCell::new()),
            read: moka::sync::Cache::builder()
                .max_capacity(ROWS_KEPT)
                .weigher(|_, (_, rows): &(i64, Rows)| {
                    u32::try_from(rows.len())
                        .unwrap_or(u32::MAX)
                        .saturating_add(1)
                })
                .build(),
            postgres: url.starts_with("postgres"),
            kind: match (url.starts_with("postgres"), in_memory) {
                (true, _) => Kind::Postgresql,
                (false, true) => Kind::Memory,
                (false, false) => Kind::Sqlite,
            },
        })
    }

    /// Where the matters are kept.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// Whether the database has been reached and its migrations applied (no round trip: a
    /// readiness probe must not wait on the database).
    pub fn is_migrated(&self) -> bool {
        self.migrated.initialized()
    }

    /// The pool, once the migrations have run.
    ///
    /// # Errors
    /// [`RegistersError::Database`] while the database cannot be reached or migrated.
    pub async fn ready(&self) -> Result<&AnyPool, RegistersError> {
        self.migrated.get_or_try_init(|| self.migrate()).await?;
        Ok(&self.pool)
    }

    /// Applies the migrations not yet applied, all in one transaction: none or all of them.
    /// On PostgreSQL the transaction first takes an advisory lock, so that replicas started
    /// together take turns (the second finds the work done) instead of both creating the same
    /// tables and one failing; on SQLite the transaction's first statement is a write, which takes the
    /// database's one write lock for the whole transaction (a read first would make a
    /// snapshot that another process's migration could outdate).
    async fn migrate(&self) -> Result<(), RegistersError> {
        const LEDGER: &str = "CREATE TABLE IF NOT EXISTS register_migrations (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)";
        if !self.postgres {
            sqlx::query(LEDGER).execute(&self.pool).await?;
        }
        let mut tx = self.pool.begin().await?;
        if self.postgres {
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(MIGRATION_LOCK)
                .execute(&mut *tx)
                .await?;
            sqlx::query(LEDGER).execute(&mut *tx).await?;
        } else {
            sqlx::query("UPDATE register_migrations SET version = version WHERE version < 0")
                .execute(&mut *tx)
                .await?;
        }
        let shared = if self.postgres {
            SHARED_MIGRATIONS
        } else {
            &[]
        };
        for &(version, sql) in MIGRATIONS.iter().chain(shared) {
            let done: Option<i64> =
                sqlx::query_scalar("SELECT version FROM register_migrations WHERE version = $1")
                    .bind(version)
                    .fetch_optional(&mut *tx)
                    .await?;
            if done.is_some() {
                continue;
            }
            for statement in sql.split(';').filter(|s| !s.trim().is_empty()) {
                sqlx::query(statement).execute(&mut *tx).await?;
            }
            sqlx::query("INSERT INTO register_migrations (version, applied_at) VALUES ($1, $2)")
                .bind(version)
                .bind(now())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Creates a register named `name` with `key` as its first key (kept only as its
    /// digest); returns its id.
    ///
    /// # Errors
    /// [`RegistersError::Database`].
    pub async fn create_register(&self, name: &str, key: &str) -> Result<String, RegistersError> {
        let (id, at) = (new_id(), now());
        let mut tx = self.ready().await?.begin().await?;
        sqlx::query("INSERT INTO registers (id, name, created_at) VALUES ($1, $2, $3)")
            .bind(&id)
            .bind(name)
            .bind(&at)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO register_keys (register_id, label, key_digest, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(&id)
        .bind(FIRST_KEY)
        .bind(digest(key))
        .bind(&at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Keeps a new matter in register `register` (which must exist: its key was checked);
    /// `by` is the label of the key that wrote it.
    ///
    /// # Errors
    /// [`RegistersError::Database`].
    pub async fn insert(
        &self,
        register: &str,
        matter: Matter,
        by: &str,
    ) -> Result<Kept, RegistersError> {
        let mut kept = self
            .insert_all(register, vec![matter], "created", by)
            .await?;
        kept.pop()
            .ok_or_else(|| RegistersError::Corrupt("an insert kept nothing".to_owned()))
    }

    /// Keeps every one of `matters` in register `register`, in one transaction: all of them
    /// or, when one fails, none; `action` names them in the history (`created`, `imported`).
    ///
    /// # Errors
    /// [`RegistersError::Database`].
    pub async fn insert_all(
        &self,
        register: &str,
        matters: Vec<Matter>,
        action: &str,
        by: &str,
    ) -> Result<Vec<Kept>, RegistersError> {
        let at = now();
        let sql = format!(
            "INSERT INTO matters (register_id, {MATTER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
        );
        let mut tx = self.ready().await?.begin().await?;
        let mut all = Vec::with_capacity(matters.len());
        for matter in matters {
            let kept = Kept {
                id: new_id(),
                version: 1,
                matter,
                created_at: at.clone(),
                updated_at: at.clone(),
            };
            let query = sqlx::query(&sql)
                .bind(register)
                .bind(&kept.id)
                .bind(kept.version);
            bind_fields(query, &kept.matter)
                .bind(&kept.created_at)
                .bind(&kept.updated_at)
                .execute(&mut *tx)
                .await?;
            record(&mut tx, register, &kept, action, by, None).await?;
            all.push(kept);
        }
        tx.commit().await?;
        Ok(all)
    }

    /// The matter `id` of register `register`.
    ///
    /// # Errors
    /// [`RegistersError::NotFound`]; [`RegistersError::Database`].
    pub async fn get(&self, register: &str, id: &str) -> Result<Kept, RegistersError> {
        let row = sqlx::query(&format!(
            "SELECT {MATTER_COLUMNS} FROM matters WHERE register_id = $1 AND id = $2"
        ))
        .bind(register)
        .bind(id)
        .fetch_optional(self.ready().await?)
        .await?
        .ok_or(RegistersError::NotFound)?;
        kept_of(&row)
    }

    /// Every matter of register `register` that reads back, in the order they were created;
    /// one that does not is left out, with a warning in the log ([`Registers::rows`] says
    /// which).
    ///
    /// # Errors
    /// [`RegistersError::Database`].
    pub async fn list(&self, register: &str) -> Result<Vec<Kept>, RegistersError> {
        Ok(self
            .rows(register)
            .await?
            .iter()
            .filter_map(|row| row.as_ref().ok().cloned())
            .collect())
    }

    /// Every matter of register `register`, in the order they were created, each as it reads
    /// back or, for a row that does not (written by another program, or by a version that
    /// kept what this one cannot read), its id and why: one such row does not hide the
    /// others. Each is logged as a warning.
    ///
    /// The register's revision is read first, and the matters again only when it differs
    /// from the one they were last read at: every change of a matter moves the revision in
    /// its own transaction, so an unchanged revision means nothing was written since (on
    /// this replica or another), and the rows read after the revision are at least as new
    /// as it. Reading thousands of rows costs far more than counting their deadlines (sqlx
    /// hands each row from SQLite's thread and converts it, column by column).
    ///
    /// # Errors
    /// [`RegistersError::Database`].
    pub async fn rows(&self, register: &str) -> Result<Rows, RegistersError> {
        let pool = self.ready().await?;
        let revision: Option<i64> =
            sqlx::query_scalar("SELECT revision FROM registers WHERE id = $1")
                .bind(register)
                .fetch_optional(pool)
                .await?;
        let revision = revision.unwrap_or(-1);
        if let Some((at, rows)) = self.read.get(register)
            && at == revision
        {
            return Ok(rows);
        }
        let rows = sqlx::query(&format!(
            "SELECT {MATTER_COLUMNS} FROM matters WHERE register_id = $1 ORDER BY created_at, id"
        ))
        .bind(register)
        .fetch_all(pool)
        .await?;
        let rows: Rows = Arc::new(Self::read_back(register, &rows));
        self.read
            .insert(register.to_owned(), (revision, Arc::clone(&rows)));
        Ok(rows)
    }

    /// Each row as it reads back, or its id and why not (logged).
    fn read_back(register: &str, rows: &[AnyRow]) -> Vec<Result<Kept, Unreadable>> {
        rows.iter()
            .map(|row| kept_of(row).map_err(|e| unreadable(register, row, &e)))
            .collect()
    }

    /// Replaces matter `id` by what `change` makes of it, when it is still at `expected` (or,
    /// with none, at the version just read); `action` names the change in the history. A
    /// change that leaves the matter as it was writes nothing, and gives it back as it is.
    ///
    /// # Errors
    /// [`RegistersError::NotFound`]; [`RegistersError::Stale`] when another change came
    /// first; [`RegistersError::Database`]; whatever `change` refuses, as `E`.
    pub async fn update<E: From<RegistersError>>(
        &self,
        register: &str,
        id: &str,
        expected: Option<i64>,
        action: &str,
        by: &str,
        change: impl FnOnce(&Matter) -> Result<Matter, E>,
    ) -> Result<Kept, E> {
        let old = self.get(register, id).await?;
        let expected = expected.unwrap_or(old.version);
        if expected != old.version {
            return Err(RegistersError::Stale {
                current: old.version,
            }
            .into());
        }
        let matter = change(&old.matter)?;
        // A change that changes nothing (办结 of a matter done, an edit that gives its fields
        // again) writes nothing: no new version, no history row.
        if matter == old.matter {
            return Ok(old);
        }
        let new = Kept {
            version: old.version + 1,
            matter,
            updated_at: now(),
            ..old.clone()
        };
        let mut tx = self
            .ready()
            .await?
            .begin()
            .await
            .map_err(RegistersError::from)?;
        // The write first, guarded by the version: the transaction takes the write lock at
        // once, and a change that came between the read and here updates no row.
        let query = sqlx::query(
            "UPDATE matters SET version = $1, doc_number = $2, subject = $3, sender = $4, handler = $5, notes = $6, period = $7, completed_at = $8, acknowledged_due = $9, acknowledged_version = $10, updated_at = $11 WHERE register_id = $12 AND id = $13 AND version = $14",
        )
        .bind(new.version);
        let updated = bind_fields(query, &new.matter)
            .bind(&new.updated_at)
            .bind(register)
            .bind(id)
            .bind(expected)
            .execute(&mut *tx)
            .await
            .map_err(RegistersError::from)?;
        if updated.rows_affected() == 0 {
            drop(tx);
            return Err(self.why_not(register, id).await.into());
        }
        record(&mut tx, register, &new, action, by, Some(&old.matter)).await?;
        tx.commit().await.map_err(RegistersError::from)?;
        Ok(new)
    }

    /// Deletes matter `id` when it is still at `expected` (or, with none, whatever its
    /// version); the history keeps it, as it stood, under a version of its own.
    ///
    /// # Errors
    /// [`RegistersError::NotFound`]; [`RegistersError::Stale`]; [`RegistersError::Database`].
    pub async fn delete(
        &self,
        register: &str,
        id: &str,
        expected: Option<i64>,
        by: &str,
    ) -> Result<(), RegistersError> {
        let old = self.get(register, id).await?;
        let expected = expected.unwrap_or(old.version);
        let mut tx = self.ready().await?.begin().await?;
        let deleted =
            sqlx::query("DELETE FROM matters WHERE register_id = $1 AND id = $2 AND version = $3")
                .bind(register)
                .bind(id)
                .bind(expected)
                .execute(&mut *tx)
                .await?;
        if deleted.rows_affected() == 0 {
            drop(tx);
            return Err(self.why_not(register, id).await);
        }
        let gone = Kept {
            version: old.version + 1,
            updated_at: now(),
            ..old
        };
        record(&mut tx, register, &gone, "deleted", by, Some(&gone.matter)).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Why a guarded write changed no row: the matter is gone, or at another version.
    async fn why_not(&self, register: &str, id: &str) -> RegistersError {
        match self.get(register, id).await {
            Ok(now) => RegistersError::Stale {
                current: now.version,
            },
            Err(e) => e,
        }
    }

    /// The changes of register `register`'s matters, the latest first: at most `limit`, after
    /// the change `after` names (the last of the page before), and whether more follow.
    ///
    /// # Errors
    /// [`RegistersError::Database`].
    pub async fn history(
        &self,
        register: &str,
        after: Option<&HistoryAfter>,
        limit: usize,
    ) -> Result<(Vec<Change>, bool), RegistersError> {
        let after_sql = if after.is_some() {
            " AND (at < $3 OR (at = $3 AND (matter_id > $4 OR (matter_id = $4 AND version < $5))))"
        } else {
            ""
        };
        let sql = format!(
            "SELECT matter_id, version, at, action, by_label, changed, matter FROM matter_history WHERE register_id = $1{after_sql} ORDER BY at DESC, matter_id, version DESC LIMIT $2"
        );
        let mut query = sqlx::query(&sql)
            .bind(register)
            .bind(i64::try_from(limit).unwrap_or(i64::MAX).saturating_add(1));
        if let Some(after) = after {
            query = query
                .bind(&after.at)
                .bind(&after.matter_id)
                .bind(after.version);
        }
        let rows = query.fetch_all(self.ready().await?).await?;
        let more = rows.len() > limit;
        let changes = rows
            .iter()
            .take(limit)
            .map(|row| {
                let changed: String = row.try_get("changed")?;
                let matter: String = row.try_get("matter")?;
                Ok(Change {
                    matter_id: row.try_get("matter_id")?,
                    version: row.try_get("version")?,
                    at: row.try_get("at")?,
                    action: row.try_get("action")?,
                    by: row.try_get("by_label")?,
                    changed: changed
                        .split(',')
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect(),
                    matter: serde_json::from_str(&matter)
                        .map_err(|e| RegistersError::Corrupt(format!("history: {e}")))?,
                })
            })
            .collect::<Result<_, RegistersError>>()?;
        Ok((changes, more))
    }
}

/// Where a page of the history ends: its last change, from which the next page goes on.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HistoryAfter {
    /// When the change was made.
    pub at: String,
    /// Its matter.
    pub matter_id: String,
    /// The version it made.
    pub version: i64,
}

impl From<&Change> for HistoryAfter {
    fn from(change: &Change) -> Self {
        HistoryAfter {
            at: change.at.clone(),
            matter_id: change.matter_id.clone(),
            version: change.version,
        }
    }
}

/// Writes one row of the history, in the transaction of the change it records.
async fn record(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    register: &str,
    kept: &Kept,
    action: &str,
    by: &str,
    old: Option<&Matter>,
) -> Result<(), RegistersError> {
    let changed = if action == "deleted" {
        Vec::new()
    } else {
        changed_fields(old, &kept.matter)
    };
    sqlx::query(
        "INSERT INTO matter_history (register_id, matter_id, version, at, action, by_label, changed, matter) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(register)
    .bind(&kept.id)
    .bind(kept.version)
    .bind(&kept.updated_at)
    .bind(action)
    .bind(by)
    .bind(changed.join(","))
    .bind(matter_json(&kept.matter).to_string())
    .execute(&mut **tx)
    .await?;
    // In the same transaction: a replica whose copy is at the revision before reads again.
    sqlx::query("UPDATE registers SET revision = revision + 1 WHERE id = $1")
        .bind(register)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

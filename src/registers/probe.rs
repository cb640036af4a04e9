//! One look at the database for the operator (`/readyz`, `/metrics`): whether it answers, the
//! migration it is at and, on PostgreSQL, how many webhook deliveries wait in its outbox.

use super::*;

/// What one probe of the database read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Probed {
    /// The highest migration recorded in `register_migrations` (the database's, which a newer
    /// replica may have moved past this build's).
    pub migration_version: i64,
    /// Webhook deliveries waiting in `webhook_outbox` (`sent_ms IS NULL`); none without
    /// PostgreSQL, where the outbox is not in the database.
    pub outbox_waiting: Option<i64>,
}

impl Registers {
    /// One round trip to the database: the highest migration applied and, on PostgreSQL, the
    /// webhook outbox's backlog, read in one statement. Runs the migrations first when they
    /// have not run yet (a database down at start-up is migrated once it answers).
    ///
    /// It waits on the database as long as the pool lets it: a caller that must not wait
    /// (a readiness probe) calls it in the background, with a timeout of its own.
    ///
    /// # Errors
    /// [`RegistersError::Database`] while the database cannot be reached, migrated or read.
    pub async fn probe(&self) -> Result<Probed, RegistersError> {
        let pool = self.ready().await?;
        if self.postgres {
            let row = sqlx::query(
                "SELECT (SELECT MAX(version) FROM register_migrations) AS migration_version,
                    (SELECT COUNT(*) FROM webhook_outbox WHERE sent_ms IS NULL) AS outbox_waiting",
            )
            .fetch_one(pool)
            .await?;
            Ok(Probed {
                migration_version: row.try_get("migration_version")?,
                outbox_waiting: Some(row.try_get("outbox_waiting")?),
            })
        } else {
            let version: i64 = sqlx::query_scalar("SELECT MAX(version) FROM register_migrations")
                .fetch_one(pool)
                .await?;
            Ok(Probed {
                migration_version: version,
                outbox_waiting: None,
            })
        }
    }
}

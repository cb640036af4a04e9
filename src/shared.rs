//! The state replicas share when `QIXIAN_DATABASE_URL` names PostgreSQL: the history of
//! versions, the feed's accepted and withdrawn files, the version in force and the webhook
//! outbox live in the database ([`crate::registers::SHARED_MIGRATIONS`]), written in
//! transactions, instead of in a directory every replica mounts. Without PostgreSQL nothing of
//! this is used: the state directory (or memory) keeps that state, as for one process.
//!
//! The store and the webhooks' backlog are synchronous, called where blocking is allowed (the
//! store's changes on blocking threads, the backlog through `spawn_blocking`); the database is
//! asynchronous. [`Shared`] bridges the two: it owns a small runtime of its own, on which its
//! connections are made and every statement runs, and [`Shared::run`] waits for one piece of
//! work there. It must never be called on a thread that serves requests, which must not wait:
//! what requests read (the versions kept, the data in force) is held in memory and refreshed
//! from the database by the changes and the follower.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use crate::registers::{Registers, RegistersError};

/// One delivery of an event to one subscriber, as a change writes it into `webhook_outbox` in
/// the change's own transaction (the transactional outbox): the webhooks make these rows
/// (`store::OutboxHook`), the store writes them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxRow {
    /// The event's `webhook-id`, the same on every replica for the same change.
    pub id: String,
    /// The subscriber's key: a digest of its URL.
    pub target: String,
    /// The subscriber's URL without credentials.
    pub url: String,
    /// When the event was made, in Unix milliseconds.
    pub created_ms: i64,
    /// When the first attempt is due, in Unix milliseconds.
    pub next_attempt_ms: i64,
    /// The body, byte for byte as every attempt sends it.
    pub body: String,
}

/// Writes `row` into `webhook_outbox`, unless the same delivery is there already (waiting, or
/// made within the day its mark is kept).
///
/// # Errors
/// The database's.
pub async fn insert_outbox_row<'c, E>(executor: E, row: OutboxRow) -> Result<(), RegistersError>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    sqlx::query(
        "INSERT INTO webhook_outbox (id, target, url, created_ms, attempts, next_attempt_ms, body)
         VALUES ($1, $2, $3, $4, 0, $5, $6) ON CONFLICT (id, target) DO NOTHING",
    )
    .bind(row.id)
    .bind(row.target)
    .bind(row.url)
    .bind(row.created_ms)
    .bind(row.next_attempt_ms)
    .bind(row.body)
    .execute(executor)
    .await?;
    Ok(())
}

/// A piece of work for the database, given the migrated pool.
pub type Work<T> = Pin<Box<dyn Future<Output = Result<T, RegistersError>> + Send>>;

/// The shared state's connection to PostgreSQL, with the runtime its statements run on.
pub struct Shared {
    /// Its own pool (made on `runtime`), migrated like the registers' — the same migrations,
    /// the same ledger and lock, so that replicas starting together migrate once.
    registers: Registers,
    /// Dropped without waiting (a store may be dropped where blocking is not allowed).
    runtime: Option<tokio::runtime::Runtime>,
    /// The URL, for the listener's connection of its own (never shown: it may hold a password).
    url: secrecy::SecretString,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared").finish_non_exhaustive()
    }
}

/// Why the shared state cannot be set up.
#[derive(Debug, thiserror::Error)]
pub enum SharedError {
    /// The runtime its statements run on cannot be started.
    #[error("the shared state's runtime cannot be started")]
    Runtime(#[source] std::io::Error),
    /// The URL names no database sqlx can speak to.
    #[error(transparent)]
    Database(#[from] RegistersError),
}

impl Shared {
    /// The shared state at `url`, when it names PostgreSQL (`postgres://`, `postgresql://`);
    /// `Ok(None)` for any other URL (SQLite keeps only the registers). No connection is made
    /// yet: the first piece of work makes one and runs the migrations, and a database that is
    /// down fails that work, not start-up.
    ///
    /// # Errors
    /// [`SharedError`] when the runtime cannot start or the URL is not one sqlx speaks.
    pub fn connect(url: &str) -> Result<Option<Self>, SharedError> {
        Self::connect_waiting(url, crate::registers::WAIT)
    }

    /// [`Shared::connect`], with a piece of work waiting at most `wait` for a connection.
    ///
    /// # Errors
    /// As [`Shared::connect`].
    pub fn connect_waiting(url: &str, wait: Duration) -> Result<Option<Self>, SharedError> {
        if !url.starts_with("postgres") {
            return Ok(None);
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("qixian-shared")
            .enable_all()
            .build()
            .map_err(SharedError::Runtime)?;
        let registers = {
            let _on_its_runtime = runtime.enter();
            Registers::connect_waiting(Some(url), None, wait)?
        };
        Ok(Some(Shared {
            registers,
            runtime: Some(runtime),
            url: secrecy::SecretString::from(url),
        }))
    }

    /// Runs `work` on the shared state's runtime with the migrated pool, and waits for it.
    /// Call it only where blocking is allowed (a blocking thread, start-up): never on a
    /// thread that serves requests.
    ///
    /// # Errors
    /// The work's error, or [`RegistersError::Database`] when the database cannot be reached
    /// or migrated.
    pub fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(sqlx::AnyPool) -> Work<T> + Send + 'static,
    ) -> Result<T, RegistersError> {
        let registers = self.registers.clone();
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        let task = async move {
            let outcome = match registers.ready().await {
                Ok(pool) => work(pool.clone()).await,
                Err(e) => Err(e),
            };
            let _ = tx.send(outcome);
        };
        match &self.runtime {
            Some(runtime) => drop(runtime.spawn(task)),
            None => return Err(RegistersError::Database(sqlx::Error::PoolClosed)),
        }
        rx.recv()
            .unwrap_or(Err(RegistersError::Database(sqlx::Error::WorkerCrashed)))
    }

    /// The registers' handle on the shared state's pool (for `is_migrated` and the like).
    pub fn registers(&self) -> &Registers {
        &self.registers
    }

    /// A connection of its own that listens on `channel` (`LISTEN`), for notifications of
    /// changes; made when the future runs (on the shared runtime), and failing as a
    /// connection does when the database is down.
    pub fn listener(
        &self,
        channel: &'static str,
    ) -> impl Future<Output = Result<sqlx::postgres::PgListener, sqlx::Error>> + Send + use<> {
        use secrecy::ExposeSecret;
        let url = self.url.expose_secret().to_owned();
        async move {
            let mut listener = sqlx::postgres::PgListener::connect(&url).await?;
            listener.listen(channel).await?;
            Ok(listener)
        }
    }

    /// A handle on the shared state's runtime, to spawn its background work (the follower).
    pub fn handle(&self) -> Option<tokio::runtime::Handle> {
        self.runtime.as_ref().map(|r| r.handle().clone())
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// For the tests on PostgreSQL: a schema of their own in the database at
/// `QIXIAN_TEST_DATABASE_URL`, so that tests running at once do not follow each other's data.
#[cfg(test)]
pub(crate) mod testing {
    use std::sync::Arc;

    use super::Shared;

    /// A fresh schema, dropped at the end; each [`Schema::connect`] is a replica on it, whose
    /// first work migrates it.
    pub(crate) struct Schema {
        /// A connection to the database outside the schema (it makes and drops it).
        pub admin: Shared,
        /// The schema's name.
        pub name: String,
        /// The test database's URL, in this schema.
        pub url: String,
    }

    impl Schema {
        /// A fresh schema named after `tag` and the process.
        pub(crate) fn new(tag: &str) -> Self {
            let url = std::env::var("QIXIAN_TEST_DATABASE_URL").expect("QIXIAN_TEST_DATABASE_URL");
            let admin = Shared::connect(&url).unwrap().expect("a PostgreSQL URL");
            let name = format!("{tag}_{}", std::process::id());
            admin
                .run({
                    let name = name.clone();
                    move |pool| {
                        Box::pin(async move {
                            for statement in [
                                format!("DROP SCHEMA IF EXISTS {name} CASCADE"),
                                format!("CREATE SCHEMA {name}"),
                            ] {
                                sqlx::query(&statement).execute(&pool).await?;
                            }
                            Ok(())
                        })
                    }
                })
                .unwrap();
            let join = if url.contains('?') { '&' } else { '?' };
            let url = format!("{url}{join}options=-c%20search_path%3D{name}");
            Schema { admin, name, url }
        }

        /// A replica's connection to the schema.
        pub(crate) fn connect(&self) -> Arc<Shared> {
            Arc::new(
                Shared::connect(&self.url)
                    .unwrap()
                    .expect("a PostgreSQL URL"),
            )
        }

        /// One number the schema's tables answer (`{schema}` in `sql` names it).
        pub(crate) fn count(&self, sql: &str) -> i64 {
            let sql = sql.replace("{schema}", &self.name);
            self.admin
                .run(move |pool| {
                    Box::pin(async move { Ok(sqlx::query_scalar(&sql).fetch_one(&pool).await?) })
                })
                .unwrap()
        }
    }

    impl Drop for Schema {
        fn drop(&mut self) {
            let sql = format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name);
            let _ = self.admin.run(move |pool| {
                Box::pin(async move {
                    sqlx::query(&sql).execute(&pool).await?;
                    Ok(())
                })
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bridge from a blocking thread, on PostgreSQL at `QIXIAN_TEST_DATABASE_URL`: the
    /// migrations run (the shared tables exist) and bytes go in and come back as they were.
    #[test]
    #[ignore = "needs PostgreSQL: scripts/register-postgres.sh"]
    fn work_runs_on_the_shared_runtime_and_bytes_come_back_whole() {
        let schema = testing::Schema::new("shared_bridge");
        let shared = schema.connect();
        let bytes: Vec<u8> = (0..=255).collect();
        let sha = format!("test-{}", std::process::id());
        let (given, key) = (bytes.clone(), sha.clone());
        let back: Vec<u8> = shared
            .run(move |pool| {
                Box::pin(async move {
                    sqlx::query("DELETE FROM data_blobs WHERE sha256 = $1")
                        .bind(key.clone())
                        .execute(&pool)
                        .await?;
                    sqlx::query(
                        "INSERT INTO data_blobs (sha256, bytes, kept_at) VALUES ($1, $2, 'now')",
                    )
                    .bind(key.clone())
                    .bind(given)
                    .execute(&pool)
                    .await?;
                    let back = sqlx::query_scalar("SELECT bytes FROM data_blobs WHERE sha256 = $1")
                        .bind(key)
                        .fetch_one(&pool)
                        .await?;
                    Ok(back)
                })
            })
            .unwrap();
        assert_eq!(back, bytes);
        assert!(Shared::connect("sqlite::memory:").unwrap().is_none());
    }
}

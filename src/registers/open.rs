//! Every register, and the open matters of every register at once (a check of the whole
//! database, as the tests make after a kill); the `register.matters_moved` webhook goes
//! register by register instead, so that it holds one register's matters at a time.

use super::*;

impl Registers {
    /// The id of every register, in order: what a change of the data goes through, one
    /// register's matters at a time ([`Registers::rows`]).
    ///
    /// # Errors
    /// [`RegistersError::Database`].
    pub async fn register_ids(&self) -> Result<Vec<String>, RegistersError> {
        Ok(sqlx::query_scalar("SELECT id FROM registers ORDER BY id")
            .fetch_all(self.ready().await?)
            .await?)
    }

    /// Every open matter (not done) of every register, with its register's id, register by
    /// register and in the order they were created.
    ///
    /// A row that does not read back is left out, with a warning (as [`Registers::rows`]
    /// does): one such row does not keep every other register's matters from being told.
    ///
    /// # Errors
    /// [`RegistersError::Database`].
    pub async fn open_matters(&self) -> Result<Vec<(String, Kept)>, RegistersError> {
        let rows = sqlx::query(&format!(
            "SELECT register_id, {MATTER_COLUMNS} FROM matters WHERE completed_at IS NULL ORDER BY register_id, created_at, id"
        ))
        .fetch_all(self.ready().await?)
        .await?;
        Ok(rows
            .iter()
            .filter_map(|row| {
                let register: String = row.try_get("register_id").unwrap_or_default();
                match kept_of(row) {
                    Ok(kept) => Some((register, kept)),
                    Err(e) => {
                        unreadable(&register, row, &e);
                        None
                    }
                }
            })
            .collect())
    }
}

//! The open matters of every register at once: what a change of the data may have moved
//! (the `register.matters_moved` webhook reads them after each change).

use super::*;

impl Registers {
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

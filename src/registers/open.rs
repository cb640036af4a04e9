//! The open matters of every register at once: what a change of the data may have moved
//! (the `register.matters_moved` webhook reads them after each change).

use super::*;

impl Registers {
    /// Every open matter (not done) of every register, with its register's id, register by
    /// register and in the order they were created.
    ///
    /// # Errors
    /// [`RegistersError::Database`]; [`RegistersError::Corrupt`].
    pub async fn open_matters(&self) -> Result<Vec<(String, Kept)>, RegistersError> {
        sqlx::query(&format!(
            "SELECT register_id, {MATTER_COLUMNS} FROM matters WHERE completed_at IS NULL ORDER BY register_id, created_at, id"
        ))
        .fetch_all(self.ready().await?)
        .await?
        .iter()
        .map(|row| Ok((row.try_get("register_id")?, kept_of(row)?)))
        .collect()
    }
}

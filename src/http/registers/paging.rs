//! `limit` and `cursor`: a register's list and its history a page at a time. A cursor is
//! opaque to the caller: the sort key of the last item given (for the list, its due instant,
//! its creation and its id; for the history, the change's instant, matter and version), in
//! JSON and base64url, so that the next page begins after it however many matters came or
//! went in between, and no matter is given twice or left out while the order holds.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::super::params::{Params, invalid};
use super::super::problem::ApiError;
use crate::register::Reading;
use crate::registers::Kept;
use crate::text::Invalid;

/// The items of a page when `limit` is not given.
pub const DEFAULT_LIMIT: usize = 200;
/// The most items a page holds.
pub const MAX_LIMIT: usize = 1000;

/// Where a matter stands in the list: those counted first (0), by due instant (milliseconds
/// since the epoch), then those that cannot be counted (1); ties by creation, then id.
pub type ListKey = (u8, i64, String, String);

/// The list's sort key of `kept`, read as `reading`.
pub fn list_key(kept: &Kept, reading: &Reading<'_>) -> ListKey {
    let (group, at) = match reading {
        Ok(due) => (0, due.at.timestamp_millis()),
        Err(_) => (1, 0),
    };
    (group, at, kept.created_at.clone(), kept.id.clone())
}

/// The cursor that names `key`.
pub fn cursor<K: Serialize>(key: &K) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(key).unwrap_or_default())
}

/// A page asked for: how many items, after which key.
pub struct Page<K> {
    /// The most items.
    pub limit: usize,
    /// The key of the last item of the page before; none for the first page.
    pub after: Option<K>,
    /// Whether `limit` or `cursor` was given.
    pub given: bool,
}

impl<K: DeserializeOwned> Page<K> {
    /// The page `limit` and `cursor` ask for.
    ///
    /// # Errors
    /// [`ApiError::InvalidParameter`] for a `limit` outside 1 to [`MAX_LIMIT`] or a `cursor`
    /// that is none this list gives.
    pub fn read(params: &Params) -> Result<Self, ApiError> {
        let limit = params.int("limit")?;
        let after = params.get("cursor")?;
        let given = limit.is_some() || after.is_some();
        let limit = match limit {
            None => DEFAULT_LIMIT,
            Some(n) => usize::try_from(n)
                .ok()
                .filter(|n| (1..=MAX_LIMIT).contains(n))
                .ok_or_else(|| invalid("limit", Invalid::Limit { max: MAX_LIMIT }))?,
        };
        let after = after
            .map(|text| {
                URL_SAFE_NO_PAD
                    .decode(text)
                    .ok()
                    .and_then(|bytes| serde_json::from_slice(&bytes).ok())
                    .ok_or_else(|| invalid("cursor", Invalid::Cursor))
            })
            .transpose()?;
        Ok(Page {
            limit,
            after,
            given,
        })
    }
}

impl<K: Serialize + Ord> Page<K> {
    /// The page of `items` (sorted by `key`): those after the cursor, at most `limit`, and the
    /// cursor of the next page when more follow.
    pub fn take<T>(&self, items: Vec<T>, key: impl Fn(&T) -> K) -> (Vec<T>, Option<String>) {
        let mut rest: Vec<T> = match &self.after {
            None => items,
            Some(after) => items.into_iter().filter(|i| key(i) > *after).collect(),
        };
        if rest.len() <= self.limit {
            return (rest, None);
        }
        rest.truncate(self.limit);
        let next = rest.last().map(|last| cursor(&key(last)));
        (rest, next)
    }
}

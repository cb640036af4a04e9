//! `/v1/changes`: what a new version of the data changed, day by day, and `POST
//! /v1/deadlines/recheck`: which stored deadlines it moved. Both take the changes from the store
//! (kept versions compiled again); this module only reads requests and writes answers.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::batch::{self, Batch, Item, Writer, failed, write_item};
use super::{AppState, Snapshot, params::Params, problem::ApiError, render, render::Guarded};
use crate::calendar::diff::{DayChange, ShownChange};
use crate::deadline::recheck::{Stored, moved};
use crate::deadline::{DeadlineAnswer, Input, JsonProblem};
use crate::register::ChangedDays;
use crate::store::{HistoryError, Kept};
use crate::text::{Body, Invalid, Lang};
use crate::time::Moment;

/// One changed day, before and after.
pub(super) type DayChangeDto<'a> = ShownChange<'a>;

#[derive(Serialize)]
struct ChangesDto<'a> {
    calendar: &'a str,
    since: &'a str,
    data_version: &'a str,
    versions: &'a [Kept],
    days: Vec<DayChangeDto<'a>>,
}

/// One changed day as a CSV row of `/v1/changes`: the day as the old version had it, then as
/// the new one does.
#[derive(Serialize, Default)]
struct ChangeRow<'a> {
    date: NaiveDate,
    calendar: Guarded<&'a str>,
    old_working: bool,
    old_kind: &'static str,
    old_name: Option<Guarded<&'a str>>,
    old_provisional: bool,
    old_estimated: bool,
    new_working: bool,
    new_kind: &'static str,
    new_name: Option<Guarded<&'a str>>,
    new_provisional: bool,
    new_estimated: bool,
    data_version: Guarded<&'a str>,
}

impl<'a> ChangeRow<'a> {
    fn new(change: &'a DayChange, calendar: &'a str, data_version: &'a str) -> Self {
        let (old, new) = (&change.old, &change.new);
        ChangeRow {
            date: change.date,
            calendar: Guarded(calendar),
            old_working: old.is_working(),
            old_kind: old.kind.into(),
            old_name: old.name.as_deref().map(Guarded),
            old_provisional: old.provisional,
            old_estimated: old.estimated,
            new_working: new.is_working(),
            new_kind: new.kind.into(),
            new_name: new.name.as_deref().map(Guarded),
            new_provisional: new.provisional,
            new_estimated: new.estimated,
            data_version: Guarded(data_version),
        }
    }
}

pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    params: Params,
    data: Snapshot,
) -> Result<HttpResponse, ApiError> {
    let how = render::negotiate(&req, &params)?;
    let calendar = data.calendar(&state, &params)?.id();
    let q = ChangesQuery::read(&params)?;
    let old = super::offload::kept(&state, q.since).await?;
    let changes = state.store.changes(&old, &data.set, calendar);
    if how.format == render::Format::Csv {
        let rows = changes
            .days
            .iter()
            .map(|c| ChangeRow::new(c, calendar, &changes.data_version));
        return render::csv(rows, how.bom);
    }
    Ok(render::json(&ChangesDto {
        calendar,
        since: &changes.since,
        data_version: &changes.data_version,
        versions: &changes.versions,
        days: changes.days.iter().map(DayChangeDto::from).collect(),
    }))
}

/// The query of `/v1/changes` beyond the calendar and the format
/// ([`super::routes::CHANGES`]).
struct ChangesQuery<'a> {
    /// The kept version the changes are counted from.
    since: &'a str,
}

impl<'a> ChangesQuery<'a> {
    fn read(params: &'a Params) -> Result<Self, ApiError> {
        Ok(ChangesQuery {
            since: params.required("since")?,
        })
    }
}

pub async fn recheck(
    req: HttpRequest,
    state: web::Data<AppState>,
    data: Snapshot,
    params: Params,
    payload: web::Payload,
    lang: Lang,
) -> Result<HttpResponse, ApiError> {
    batch::run_with(&req, state, &params, payload, |state, items| async move {
        let changes = changes_of(&state, &data, items).await?;
        Ok(Recheck {
            batch: Batch::new(state, data, lang),
            changes: changes
                .into_iter()
                .map(|(version, since)| {
                    let calendars = since.map(|calendars| {
                        let each = calendars.iter();
                        each.map(|(c, days)| (c.clone(), days.clone())).collect()
                    });
                    (version, calendars)
                })
                .collect(),
        })
    })
    .await
}

/// The most kept versions other than the one in force that one recheck may name. Each is
/// compiled again (13 ms, a few megabytes) once per recheck; 50 in one body held a worker for
/// seconds and the memory of all of them at once.
pub const MAX_RECHECK_VERSIONS: usize = 8;

/// The changes since each version the stored deadlines name, in every calendar: each version
/// compiled once (off the workers), its changes found, and the compilation let go before the
/// next, so that a recheck holds one at a time. Only each item's `data_version` is read here
/// ([`NamedVersion`]): the whole item is read once, when it is answered.
///
/// # Errors
/// [`ApiError::TooLarge`] when more than [`MAX_RECHECK_VERSIONS`] versions are named; as
/// [`super::offload::kept`] when the compilations are busy.
async fn changes_of(
    state: &AppState,
    data: &Snapshot,
    stored: impl Iterator<Item = Result<NamedVersion, ApiError>>,
) -> Result<HashMap<String, ChangesSince>, ApiError> {
    let now = data.set.clone();
    let mut versions: Vec<String> = stored
        .filter_map(|s| s.ok()?.0)
        .filter(|v| v != now.version())
        .collect();
    versions.sort_unstable();
    versions.dedup();
    if versions.len() > MAX_RECHECK_VERSIONS {
        return Err(ApiError::TooLarge(crate::text::Limit::Versions {
            count: versions.len(),
            limit: MAX_RECHECK_VERSIONS,
        }));
    }
    changes_since(state, &now, versions).await
}

/// How many (kept version, version in force) pairs' changes are held.
const HELD: usize = 16;

/// The changes since kept versions found lately ([`changes_since`]: for rechecks and for
/// registers' moved matters), the most recent last: never more than [`HELD`]. A pair whose
/// version in force is no longer in force is never asked for again and ages out.
#[derive(Default)]
pub struct Held(Mutex<Vec<(String, String, Arc<ChangedDays>)>>);

impl Held {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(String, String, Arc<ChangedDays>)>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn get(&self, since: &str, now: &str) -> Option<Arc<ChangedDays>> {
        let mut held = self.lock();
        let at = held.iter().position(|(s, n, _)| s == since && n == now)?;
        let entry = held.remove(at);
        let changes = entry.2.clone();
        held.push(entry);
        Some(changes)
    }

    fn put(&self, since: &str, now: &str, changes: Arc<ChangedDays>) {
        let mut held = self.lock();
        held.retain(|(s, n, _)| !(s == since && n == now));
        held.push((since.to_owned(), now.to_owned(), changes));
        if held.len() > HELD {
            held.remove(0);
        }
    }
}

/// The changes since each of `versions` (kept versions other than `now`), in every calendar
/// of `now`, and none since `now` itself: each version's held from a recent request while the
/// same data are in force ([`Held`]; finding them took a recheck of
/// 10,000 items 20 million instructions), else compiled once (off the workers), its changes
/// found, and the compilation let go before the next.
///
/// # Errors
/// As [`super::offload::kept`] when the compilations are busy.
pub(super) async fn changes_since(
    state: &AppState,
    now: &Arc<crate::store::InForce>,
    versions: Vec<String>,
) -> Result<HashMap<String, ChangesSince>, ApiError> {
    let mut found = HashMap::with_capacity(versions.len() + 1);
    found.insert(now.version().to_owned(), Ok(Arc::new(HashMap::new())));
    for version in versions {
        if let Some(held) = state.moved_days.get(&version, now.version()) {
            found.insert(version, Ok(held));
            continue;
        }
        let (store, in_force, asked) = (state.store.clone(), now.clone(), version.clone());
        let changes = state
            .compiling
            .run(move || -> ChangesSince {
                let old = store.kept(&asked)?;
                Ok(Arc::new(
                    in_force
                        .iter()
                        .map(|calendar| {
                            let days = store.changes(&old, &in_force, calendar.id()).days;
                            (calendar.id().to_owned(), Arc::from(days))
                        })
                        .collect(),
                ))
            })
            .await?;
        if let Ok(changes) = &changes {
            state
                .moved_days
                .put(&version, now.version(), changes.clone());
        }
        found.insert(version, changes);
    }
    Ok(found)
}

/// A stored deadline as JSON: the request as sent (`R`: read at once as an [`Input`], or kept
/// as its text), and what it was told.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredJson<'a, R> {
    request: R,
    // Borrowed from the body unless written with escapes.
    #[serde(borrow)]
    due_date: Option<Cow<'a, str>>,
    #[serde(borrow)]
    due_at: Option<Cow<'a, str>>,
    #[serde(borrow)]
    data_version: Option<Cow<'a, str>>,
}

/// The data version a stored deadline names, and nothing else of it: what a recheck looks for
/// in every item before it answers the first (an item that names a version is counted among
/// the versions, even when the rest of it is refused when it is answered).
struct NamedVersion(Option<String>);

/// [`NamedVersion`] as JSON: every other field passed over unread.
#[derive(Deserialize)]
struct NamedVersionJson {
    data_version: Option<String>,
}

impl Item for NamedVersion {
    fn columns() -> &'static [&'static str] {
        &STORED_COLUMNS
    }

    fn from_json(text: &[u8]) -> Result<Self, ApiError> {
        if let Some(named) = named_version(text) {
            return Ok(NamedVersion(named.map(str::to_owned)));
        }
        let json: NamedVersionJson = crate::base::read_json(text).map_err(|e| {
            ApiError::InvalidBody(Body::NotAStoredDeadline(JsonProblem::from_serde(&e)))
        })?;
        Ok(NamedVersion(json.data_version))
    }

    fn from_row<'r>(
        mut cells: impl Iterator<Item = (&'static str, &'r str)>,
    ) -> Result<Self, ApiError> {
        Ok(NamedVersion(
            cells
                .find(|(field, value)| *field == "data_version" && !value.is_empty())
                .map(|(_, value)| value.to_owned()),
        ))
    }
}

/// The `data_version` a stored deadline's JSON text names (`Some(None)`: none, or `null`),
/// found by passing over the text's bytes: what serde reads as [`NamedVersionJson`], for a
/// fraction of the cost (a recheck item's look took 3,000 instructions). `None` when the pass
/// cannot tell and serde must read it: the text is no object, a key of the object is written
/// with escapes, or `data_version` is given twice or is other than `null` or a string without
/// escapes. The text is JSON: the batch's reader found the item.
fn named_version(text: &[u8]) -> Option<Option<&str>> {
    let space = |from: usize| {
        text[from..]
            .iter()
            .position(|c| !c.is_ascii_whitespace())
            .map_or(text.len(), |at| from + at)
    };
    let mut i = space(0);
    if text.get(i) != Some(&b'{') {
        return None;
    }
    let (mut depth, mut key_next, mut named) = (0usize, false, None);
    while let Some(&c) = text.get(i) {
        match c {
            b'"' => {
                let (end, escaped) = string_end(text, i)?;
                let key = depth == 1 && key_next;
                if key && escaped {
                    return None;
                }
                key_next = false;
                let name = &text[i + 1..end];
                i = end + 1;
                if !key || name != b"data_version" {
                    continue;
                }
                // A second one is for serde to refuse.
                if named.is_some() || text.get(space(i)) != Some(&b':') {
                    return None;
                }
                i = space(space(i) + 1);
                if text[i..].starts_with(b"null") {
                    named = Some(None);
                    i += 4;
                    continue;
                }
                if text.get(i) != Some(&b'"') {
                    return None;
                }
                let (end, escaped) = string_end(text, i)?;
                if escaped {
                    return None;
                }
                named = Some(Some(std::str::from_utf8(&text[i + 1..end]).ok()?));
                i = end + 1;
                continue;
            }
            b'{' | b'[' => {
                depth += 1;
                key_next = depth == 1;
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            b',' => key_next = depth == 1,
            _ => {}
        }
        i += 1;
    }
    Some(named.unwrap_or(None))
}

/// Where the JSON string opened at `open` closes, and whether it has escapes: passed over
/// eight bytes at a time while none of them is a quotation mark or a backslash.
fn string_end(text: &[u8], open: usize) -> Option<(usize, bool)> {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    let zero_byte = |word: u64| word.wrapping_sub(ONES) & !word & (ONES << 7);
    let mut i = open + 1;
    while let Some(eight) = text.get(i..i + 8) {
        let word = u64::from_ne_bytes(eight.try_into().ok()?);
        if zero_byte(word ^ (ONES * u64::from(b'"'))) | zero_byte(word ^ (ONES * u64::from(b'\\')))
            != 0
        {
            break;
        }
        i += 8;
    }
    let mut escaped = false;
    loop {
        match *text.get(i)? {
            b'"' => return Some((i, escaped)),
            b'\\' => {
                escaped = true;
                i += 2;
            }
            _ => i += 1,
        }
    }
}

/// The columns of a stored deadline besides the request's.
const STORED_FIELDS: [&str; 3] = ["due_date", "due_at", "data_version"];

/// The CSV columns of a recheck's body: the request's, then [`STORED_FIELDS`].
const STORED_COLUMNS: [&str; Input::FIELDS.len() + 3] = {
    let mut columns = [""; Input::FIELDS.len() + 3];
    let mut i = 0;
    while i < columns.len() {
        columns[i] = if i < Input::FIELDS.len() {
            Input::FIELDS[i]
        } else {
            STORED_FIELDS[i - Input::FIELDS.len()]
        };
        i += 1;
    }
    columns
};

/// Reads a stored field (`due_date`, `due_at`, `data_version`) into `stored`.
fn set_stored(stored: &mut Stored, field: &'static str, value: &str) -> Result<(), ApiError> {
    let invalid = |why| ApiError::InvalidParameter {
        name: field.to_owned(),
        why,
    };
    match field {
        "due_date" => {
            let date = crate::time::parse_date(value).map_err(|e| invalid(Invalid::Date(e)))?;
            stored.due_date = Some(date);
        }
        "due_at" => match Moment::parse(value).map_err(|e| invalid(Invalid::Moment(e)))? {
            Moment::Instant(at) => stored.due_at = Some(at),
            _ => {
                let shape = crate::time::MomentError::Shape(crate::time::shorten(value));
                return Err(invalid(Invalid::Moment(shape)));
            }
        },
        _ => stored.data_version = Some(value.to_owned()),
    }
    Ok(())
}

/// Checks that a stored deadline says what it was told and on which data.
fn complete(stored: Stored) -> Result<Stored, ApiError> {
    if stored.due_date.is_none() {
        return Err(ApiError::MissingParameter { name: "due_date" });
    }
    if stored.data_version.is_none() {
        return Err(ApiError::MissingParameter {
            name: "data_version",
        });
    }
    Ok(stored)
}

impl Item for Stored {
    fn columns() -> &'static [&'static str] {
        &STORED_COLUMNS
    }

    fn from_json(text: &[u8]) -> Result<Self, ApiError> {
        let not_one = |e: &serde_json::Error| {
            ApiError::InvalidBody(Body::NotAStoredDeadline(JsonProblem::from_serde(e)))
        };
        // Read in one pass. An item that does not read so is read again in two, the request
        // alone the second time, for the error that says what is wrong with it: the same item
        // in one pass cost a recheck item about 2,500 instructions less.
        let json: StoredJson<'_, Input> = match crate::base::read_json(text) {
            Ok(json) => json,
            Err(_) => {
                let json: StoredJson<'_, &RawValue> =
                    serde_json::from_slice(text).map_err(|e| not_one(&e))?;
                StoredJson {
                    request: <Input as Item>::from_json(json.request.get().as_bytes())?,
                    due_date: json.due_date,
                    due_at: json.due_at,
                    data_version: json.data_version,
                }
            }
        };
        let mut stored = Stored {
            request: json.request,
            ..Stored::default()
        };
        for (field, value) in
            STORED_FIELDS
                .into_iter()
                .zip([json.due_date, json.due_at, json.data_version])
        {
            if let Some(value) = value {
                set_stored(&mut stored, field, &value)?;
            }
        }
        complete(stored)
    }

    fn from_row<'r>(
        cells: impl Iterator<Item = (&'static str, &'r str)>,
    ) -> Result<Self, ApiError> {
        let mut stored = Stored::default();
        for (field, value) in cells {
            if STORED_FIELDS.contains(&field) {
                if !value.is_empty() {
                    set_stored(&mut stored, field, value)?;
                }
            } else {
                stored.request.set(field, value)?;
            }
        }
        complete(stored)
    }
}

/// A recheck's answers: the deadline batch's computation, and each stored version's changes
/// per calendar (or why there are none), found once per batch before the first answer. A few
/// versions of a few calendars each: looked through in turn, not hashed (two hashes were 400
/// instructions of a recheck item).
struct Recheck {
    batch: Batch,
    changes: Vec<(String, Result<CalendarsChanged, HistoryError>)>,
}

/// Each calendar's changed days since one version.
type CalendarsChanged = Vec<(String, Arc<[DayChange]>)>;

/// One stored version's changes, calendar by calendar, or why there are none.
pub(super) type ChangesSince = Result<Arc<ChangedDays>, HistoryError>;

/// What one stored deadline came to.
struct Outcome<'a> {
    answer: DeadlineAnswer<'a>,
    changed: bool,
    by: Vec<&'a DayChange>,
}

impl Recheck {
    /// The changes of `calendar` since `version`.
    fn changes_since(&self, version: &str, calendar: &str) -> Result<&[DayChange], ApiError> {
        match self
            .changes
            .iter()
            .find(|(v, _)| v == version)
            .map(|(_, c)| c)
        {
            Some(Ok(calendars)) => Ok(calendars
                .iter()
                .find(|(c, _)| c == calendar)
                .map_or(&[], |(_, days)| days)),
            Some(Err(e)) => Err(ApiError::Gone(e.clone())),
            // Every version named was looked at before the answer began.
            None => Err(ApiError::Gone(HistoryError::NotKept {
                version: version.to_owned(),
                oldest: None,
            })),
        }
    }

    fn outcome<'a>(&'a self, stored: &Stored) -> Result<Outcome<'a>, ApiError> {
        let answer = self.batch.compute(&stored.request)?;
        let version = stored.data_version.as_deref().unwrap_or_default();
        let changes = self.changes_since(version, answer.calendar.id())?;
        let found = moved(stored, &answer, changes);
        Ok(Outcome {
            changed: found.changed,
            by: found.by,
            answer,
        })
    }
}

/// What a stored deadline was told.
#[derive(Serialize)]
struct WasDto<'a> {
    #[serde(serialize_with = "render::iso_date_opt")]
    due_date: Option<NaiveDate>,
    #[serde(serialize_with = "render::rfc3339_opt")]
    due_at: Option<DateTime<chrono::FixedOffset>>,
    data_version: Option<&'a str>,
}

#[derive(Serialize)]
struct RecheckedDto<'a> {
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    changed: bool,
    calendar: &'a str,
    #[serde(serialize_with = "render::iso_date")]
    due_date: NaiveDate,
    #[serde(serialize_with = "render::rfc3339")]
    due_at: DateTime<chrono_tz::Tz>,
    provisional: bool,
    data_version: &'a str,
    was: WasDto<'a>,
    moved_by: Vec<DayChangeDto<'a>>,
}

impl RecheckedDto<'_> {
    /// Appends the item as JSON, as its `#[derive(Serialize)]` writes it (a test holds the two
    /// together), the keys written as they are: serde escaped them one by one, and writing the
    /// item took 5,000 instructions of a recheck item's 24,000.
    fn write(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        let flag = |out: &mut Vec<u8>, key: &[u8], value: bool| {
            out.extend_from_slice(key);
            out.extend_from_slice(if value { b"true" } else { b"false" });
        };
        flag(out, b"{\"ok\":", self.ok);
        if let Some(id) = self.id {
            out.extend_from_slice(b",\"id\":");
            serde_json::to_writer(&mut *out, id)?;
        }
        flag(out, b",\"changed\":", self.changed);
        out.extend_from_slice(b",\"calendar\":");
        serde_json::to_writer(&mut *out, self.calendar)?;
        out.extend_from_slice(b",\"due_date\":");
        render::iso_date(&self.due_date, &mut serde_json::Serializer::new(&mut *out))?;
        out.extend_from_slice(b",\"due_at\":");
        render::rfc3339(&self.due_at, &mut serde_json::Serializer::new(&mut *out))?;
        flag(out, b",\"provisional\":", self.provisional);
        out.extend_from_slice(b",\"data_version\":");
        serde_json::to_writer(&mut *out, self.data_version)?;
        out.extend_from_slice(b",\"was\":{\"due_date\":");
        render::iso_date_opt(
            &self.was.due_date,
            &mut serde_json::Serializer::new(&mut *out),
        )?;
        out.extend_from_slice(b",\"due_at\":");
        render::rfc3339_opt(
            &self.was.due_at,
            &mut serde_json::Serializer::new(&mut *out),
        )?;
        out.extend_from_slice(b",\"data_version\":");
        serde_json::to_writer(&mut *out, &self.was.data_version)?;
        out.extend_from_slice(b"},\"moved_by\":");
        serde_json::to_writer(&mut *out, &self.moved_by)?;
        out.push(b'}');
        Ok(())
    }
}

/// One item of a recheck's CSV answer. A failed item has `ok` false, what it was told (when
/// it could be read), its `error_code` and `error`, and no new deadline.
#[derive(Serialize, Default)]
struct RecheckRow {
    row: usize,
    id: Option<Guarded<String>>,
    ok: bool,
    changed: Option<bool>,
    calendar: Option<Guarded<String>>,
    due_date: Option<NaiveDate>,
    due_at: Option<String>,
    provisional: Option<bool>,
    data_version: Guarded<String>,
    was_due_date: Option<NaiveDate>,
    was_due_at: Option<String>,
    was_data_version: Option<Guarded<String>>,
    /// The days that moved it, space-separated.
    moved_by: Option<String>,
    error_code: Option<&'static str>,
    error: Option<Guarded<String>>,
}

fn instant(at: DateTime<chrono::FixedOffset>) -> String {
    at.to_rfc3339()
}

impl Writer for Recheck {
    type Item = Stored;

    type Row = RecheckRow;

    fn header(&self, _status: bool) -> Vec<String> {
        render::columns::<RecheckRow>()
    }

    fn write_json(&self, item: Result<Stored, ApiError>, out: &mut Vec<u8>) {
        let lang = self.batch.lang();
        let stored = match item {
            Ok(stored) => stored,
            Err(err) => return write_item(&failed(None, &err, lang), out, lang),
        };
        let id = stored.request.id.as_deref();
        match self.outcome(&stored) {
            Err(err) => write_item(&failed(id, &err, lang), out, lang),
            Ok(o) => {
                let d = &o.answer.deadline;
                let dto = RecheckedDto {
                    ok: true,
                    id,
                    changed: o.changed,
                    calendar: o.answer.calendar.id(),
                    due_date: d.due_date,
                    due_at: d.due_at,
                    provisional: d.provisional,
                    data_version: self.batch.data().set.version(),
                    was: WasDto {
                        due_date: stored.due_date,
                        due_at: stored.due_at,
                        data_version: stored.data_version.as_deref(),
                    },
                    moved_by: o.by.iter().map(|&c| DayChangeDto::from(c)).collect(),
                };
                let start = out.len();
                if let Err(e) = dto.write(out) {
                    // As `write_item` does: a vector takes any JSON, so this is not reached.
                    out.truncate(start);
                    let error = ApiError::Internal(Box::new(e));
                    write_item(&failed(None, &error, lang), out, lang);
                }
            }
        }
    }

    fn csv_row(&self, row: usize, item: Result<Stored, ApiError>, _status: bool) -> RecheckRow {
        let told = item.as_ref().ok();
        let mut csv = RecheckRow {
            row,
            id: told.and_then(|s| s.request.id.clone()).map(Guarded),
            data_version: Guarded(self.batch.data().set.version().to_owned()),
            was_due_date: told.and_then(|s| s.due_date),
            was_due_at: told.and_then(|s| s.due_at).map(instant),
            was_data_version: told.and_then(|s| s.data_version.clone()).map(Guarded),
            ..RecheckRow::default()
        };
        match item.and_then(|stored| self.outcome(&stored)) {
            Ok(o) => {
                let d = &o.answer.deadline;
                let moved_by: Vec<String> = o.by.iter().map(|c| c.date.to_string()).collect();
                RecheckRow {
                    ok: true,
                    changed: Some(o.changed),
                    calendar: Some(Guarded(o.answer.calendar.id().to_owned())),
                    due_date: Some(d.due_date),
                    due_at: Some(d.due_at.to_rfc3339()),
                    provisional: Some(d.provisional),
                    moved_by: Some(moved_by.join(" ")),
                    ..csv
                }
            }
            Err(err) => {
                csv.error_code = Some(err.kind().code());
                csv.error = Some(Guarded(err.detail(self.batch.lang())));
                csv
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deadline::{Expected, JsonKind};

    fn read(text: &str) -> Result<Stored, ApiError> {
        <Stored as Item>::from_json(text.as_bytes())
    }

    /// The request's own problem, read from the request alone: its place counted within it.
    fn request_problem(text: &str) -> JsonProblem {
        match read(text) {
            Err(ApiError::InvalidBody(Body::NotADeadline(p))) => p,
            other => panic!("expected the request's own problem for {text}, got {other:?}"),
        }
    }

    #[test]
    fn an_answered_item_is_written_as_serde_writes_it() {
        use crate::calendar::DayKind;
        use crate::calendar::diff::DayState;
        let day = |kind, name: Option<&str>| DayState {
            kind,
            name: name.map(str::to_owned),
            provisional: true,
            estimated: false,
        };
        let change = DayChange {
            date: NaiveDate::from_ymd_opt(2027, 7, 14).expect("a date"),
            old: day(DayKind::Workday, None),
            new: day(DayKind::Holiday, Some("州庆 \"克州\"")),
        };
        let zone: chrono_tz::Tz = "America/St_Johns".parse().expect("a zone");
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("a date");
        let was_at = DateTime::parse_from_rfc3339("2027-07-15T18:00:00+08:00").expect("an instant");
        for (id, changed, due_at, was, moved_by) in [
            (
                None,
                false,
                date(2027, 7, 15).and_hms_opt(18, 0, 0),
                true,
                vec![],
            ),
            (
                Some("公文 \"7\"\n"),
                true,
                date(2027, 7, 16).and_hms_opt(9, 30, 5),
                false,
                vec![&change],
            ),
            (
                Some(""),
                true,
                date(12026, 1, 1).and_hms_nano_opt(0, 0, 0, 5),
                true,
                vec![&change, &change],
            ),
        ] {
            let due_at = due_at
                .and_then(|at| at.and_local_timezone(zone).single())
                .expect("an instant");
            let dto = RecheckedDto {
                ok: true,
                id,
                changed,
                calendar: "cn-xj-kizilsu",
                due_date: due_at.date_naive(),
                due_at,
                provisional: changed,
                data_version: "v2\u{1}",
                was: WasDto {
                    due_date: was.then(|| date(2027, 7, 15)),
                    due_at: was.then_some(was_at),
                    data_version: was.then_some("v1"),
                },
                moved_by: moved_by.into_iter().map(DayChangeDto::from).collect(),
            };
            let mut written = b"[".to_vec();
            dto.write(&mut written).expect("written");
            assert_eq!(
                String::from_utf8(written).expect("UTF-8"),
                format!("[{}", serde_json::to_string(&dto).expect("serialized")),
            );
        }
    }

    #[test]
    fn a_stored_deadline_is_read_whole_in_one_pass() {
        let stored = read(concat!(
            r#"{"request":{"rule":"countersign-reply","event":"2026-09-30","days":15.0},"#,
            r#""due_date":"2026-10-15","due_at":"2026-10-15T18:00:00+08:00","data_version":"v\u0031"}"#
        ))
        .expect("a stored deadline");
        assert_eq!(stored.request.rule.as_deref(), Some("countersign-reply"));
        assert_eq!(stored.request.event.as_deref(), Some("2026-09-30"));
        assert_eq!(stored.request.days, Some(15));
        assert_eq!(stored.due_date, NaiveDate::from_ymd_opt(2026, 10, 15));
        assert_eq!(
            stored.due_at.map(|at| at.to_rfc3339()).as_deref(),
            Some("2026-10-15T18:00:00+08:00")
        );
        assert_eq!(stored.data_version.as_deref(), Some("v1"), "escapes read");
    }

    /// What serde reads as the version a stored deadline names, or that it reads none.
    fn read_by_serde(text: &str) -> Option<Option<String>> {
        serde_json::from_str::<NamedVersionJson>(text)
            .ok()
            .map(|json| json.data_version)
    }

    fn named_by_look(text: &str) -> Option<Option<String>> {
        <NamedVersion as Item>::from_json(text.as_bytes())
            .ok()
            .map(|named| named.0)
    }

    #[test]
    fn the_version_an_item_names_is_found_without_reading_it() {
        for (text, named) in [
            (
                r#"{"request":{"rule":"r","data_version":"no"},"due_date":"2026-10-15","data_version":"v1"}"#,
                Some(Some("v1")),
            ),
            (
                r#" { "data_version" : null , "request" : [ "data_version" ] } "#,
                Some(None),
            ),
            (
                r#"{"request":{},"id":"\",\"data_version\":\"no"}"#,
                Some(None),
            ),
            (r#"{}"#, Some(None)),
            // For serde to read: escapes, twice, not a string, not an object.
            (r#"{"data\u005fversion":"v1"}"#, None),
            (r#"{"data_version":"v\u0031"}"#, None),
            (r#"{"data_version":"v1","data_version":"v2"}"#, None),
            (r#"{"data_version":1}"#, None),
            (r#"["data_version"]"#, None),
        ] {
            assert_eq!(named_version(text.as_bytes()), named, "{text}");
        }
        assert_eq!(
            named_by_look(r#"{"data\u005fversion":"v1"}"#),
            Some(Some("v1".to_owned())),
            "a key with escapes read by serde"
        );
        assert_eq!(
            named_by_look(r#"{"data_version":"v1","data_version":"v2"}"#),
            None,
            "a version given twice names none"
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2_000))]

        #[test]
        fn the_look_finds_what_serde_reads(
            members in proptest::collection::vec(
                (
                    proptest::sample::select(vec![
                        r#""data_version""#, r#""data_version""#, r#""data_version""#,
                        r#""request""#, r#""due_date""#, r#""data\u005fversion""#,
                        r#""x\",\"data_version""#, r#""""#,
                        r#""0123456789abcdef\\\",\"data_version""#,
                    ]),
                    proptest::sample::select(vec![
                        r#""v1""#, r#""v2""#, "null", r#""v1""#, r#""v2""#, "null",
                        r#""v\u0032""#, "1", "true", "{}", "[]",
                        r#"{"data_version":"inner","a":[1,{"b":null}]}"#,
                        r#"["data_version",{"data_version":"x"},"y"]"#,
                        r#""a,\"data_version\":\"x\"""#, r#""\\""#,
                        r#""0123456789abcdef\",\"data_version\":\"x""#,
                        r#""0123456789abcdef0123456789abcdef-a-long-version""#,
                    ]),
                    proptest::sample::select(vec!["", " ", "\n\t "]),
                ),
                0..6,
            ),
            wrapped in proptest::sample::select(vec!["{}", " {} ", "[{}]", "\"{}\""]),
        ) {
            let object = members
                .iter()
                .map(|(key, value, space)| format!("{space}{key}{space}:{space}{value}{space}"))
                .collect::<Vec<_>>()
                .join(",");
            let text = wrapped.replace("{}", &format!("{{{object}}}"));
            if serde_json::from_str::<serde_json::Value>(&text).is_ok() {
                proptest::prop_assert_eq!(named_by_look(&text), read_by_serde(&text), "{}", text);
            }
        }
    }

    #[test]
    fn a_stored_deadline_that_does_not_read_in_one_pass_fails_as_it_did_in_two() {
        let tail = r#","due_date":"2026-10-15","data_version":"v1"}"#;
        // A field of the request misspelt: named with the closest, at its place in the
        // request (11 characters long, where the item has it from its 12th).
        let p = request_problem(&format!(r#"{{"request":{{"rul":"x"}}{tail}"#));
        assert!(
            matches!(
                &p.kind,
                JsonKind::UnknownField {
                    suggestion: Some("rule"),
                    ..
                }
            ),
            "{p:?}"
        );
        assert!(p.line == 1 && p.column <= 11, "{p:?}");
        // A field of the request of the wrong type.
        let p = request_problem(&format!(r#"{{"request":{{"days":"x"}}{tail}"#));
        assert!(
            matches!(
                &p.kind,
                JsonKind::WrongType {
                    field: "days",
                    expected: Expected::WholeNumber,
                    ..
                }
            ),
            "{p:?}"
        );
        // A request that is no object.
        let p = request_problem(&format!(r#"{{"request":[1]{tail}"#));
        assert_eq!(p.kind, JsonKind::NotAnObject, "{p:?}");
        // The stored deadline's own fields come first, even after a bad request.
        for text in [
            format!(r#"{{"request":{{"rul":"x"}},"due":1{tail}"#),
            format!(r#"{{"request":{{"rule":"x"}},"due_date":15{tail}"#),
            r#"{"due_date":"2026-10-15","data_version":"v1"}"#.to_owned(),
        ] {
            assert!(
                matches!(
                    read(&text),
                    Err(ApiError::InvalidBody(Body::NotAStoredDeadline(_)))
                ),
                "{text}: {:?}",
                read(&text)
            );
        }
    }
}

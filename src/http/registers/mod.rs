//! Registers (督办台账): `POST /v1/admin/registers` makes one and gives its key once;
//! `/v1/registers/{id}/…` keep its matters, each answered with its due date and state computed
//! on the data in force ([`crate::register`]) and its version as its `ETag`. Every register
//! route needs `Authorization: Bearer <key>` of that register: without one, 401; with a key
//! that is not the register's (or revoked), or for a register that does not exist, one
//! answer, 403. A read-only key is refused every method but GET and HEAD (403); every key is
//! held to its rate ([`rate`]). The keys and the calendar token are managed in [`keys`]; the
//! calendar feed, opened by its token alone, is [`calendar`].

pub mod calendar;
pub mod keys;
pub mod rate;

use std::str::FromStr;

use actix_web::http::header::{self, HeaderValue};
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::deadlines::context;
use super::params::{Params, invalid};
use super::problem::ApiError;
use super::render::{Format, json, negotiate};
use super::{AppState, Snapshot};
use crate::deadline::{Context, Expected, Input, JsonKind, diagnose_object};
use crate::register::{Filter, Matter, MatterError, Reading, Show};
use crate::registers::{HistoryAfter, Kept, Registers, Unreadable, new_key, period_json};
use crate::text::{Body, Invalid, Lang, Refused};
use crate::time::{BEIJING, Clock, parse_day, quoted};

pub mod moved;
mod paging;
mod transfer;

use moved::{Found, MovedDayDto};
pub use transfer::import;

/// The longest register name taken, in characters.
const MAX_NAME_CHARS: usize = 200;

/// The database, or 503 when the service has none.
fn database(state: &AppState) -> Result<&Registers, ApiError> {
    state
        .registers
        .as_ref()
        .ok_or(ApiError::Register(Refused::Unavailable))
}

/// The path's segment `name`; one with a control character names nothing, and is answered
/// `refused` (PostgreSQL refuses a NUL in text: it would answer 503 for a wrong address).
fn path_id(req: &HttpRequest, name: &str, refused: Refused) -> Result<String, ApiError> {
    let id = req.match_info().get(name).unwrap_or_default();
    if id.chars().any(char::is_control) {
        return Err(ApiError::Register(refused));
    }
    Ok(id.to_owned())
}

/// The register id of the path ([`path_id`]).
fn register_id(req: &HttpRequest, refused: Refused) -> Result<String, ApiError> {
    path_id(req, "id", refused)
}

/// Takes one request from the rate of the key or token whose digest is `who`.
fn within_rate(state: &AppState, who: &str) -> Result<(), ApiError> {
    state
        .register_rate
        .take(who)
        .map_err(|retry_after| ApiError::Register(Refused::TooManyRequests { retry_after }))
}

/// The register of the path and the label of the key that opens it, within the key's rate;
/// a read-only key opens it only to read (GET, HEAD): every other method writes.
async fn opened<'s>(
    state: &'s AppState,
    req: &HttpRequest,
) -> Result<(&'s Registers, String, String), ApiError> {
    let offered = super::admin::bearer(req).ok_or(ApiError::Register(Refused::NoKey))?;
    let db = database(state)?;
    let id = register_id(req, Refused::NotYours)?;
    let holder = db
        .holder(&id, offered)
        .await?
        .ok_or(ApiError::Register(Refused::NotYours))?;
    within_rate(state, &holder.digest)?;
    let reads = matches!(req.method().as_str(), "GET" | "HEAD");
    if holder.read_only && !reads {
        return Err(ApiError::Register(Refused::ReadOnly));
    }
    Ok((db, id, holder.label))
}

/// The matter id of the path ([`path_id`]).
fn matter_id(req: &HttpRequest) -> Result<String, ApiError> {
    path_id(req, "matter", Refused::NoMatter)
}

/// The version `If-Match` names: none without one or with `*`; a tag that names no version
/// is stale whatever the matter's.
fn if_match(req: &HttpRequest) -> Option<i64> {
    let tag = req.headers().get(header::IF_MATCH)?.to_str().unwrap_or("");
    let tag = tag.trim();
    if tag == "*" {
        return None;
    }
    Some(
        tag.trim_start_matches("W/")
            .trim_matches('"')
            .parse()
            .unwrap_or(-1),
    )
}

/// `POST /v1/admin/registers`'s body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewRegister {
    name: String,
}

/// `POST /v1/admin/registers`'s answer: the key, shown this once.
#[derive(Serialize)]
struct RegisterDto {
    id: String,
    name: String,
    key: String,
}

/// `POST /v1/admin/registers`: a new register and its key (only with the admin token).
pub async fn create_register(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    super::admin::check_token(&state, &req)?;
    let _ = Params::extract(&req).await?;
    let given: NewRegister =
        serde_json::from_slice(&body).map_err(|_| ApiError::Register(Refused::Name))?;
    let name = given.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(ApiError::Register(Refused::Name));
    }
    let key = new_key().map_err(|e| ApiError::Internal(Box::new(e)))?;
    let id = database(&state)?.create_register(&name, &key).await?;
    let mut res = json(&RegisterDto { id, name, key });
    *res.status_mut() = actix_web::http::StatusCode::CREATED;
    Ok(res)
}

/// A matter as the API takes it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MatterBody<'a> {
    #[serde(default)]
    doc_number: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    sender: String,
    #[serde(default)]
    handler: String,
    #[serde(default)]
    notes: String,
    #[serde(borrow)]
    period: Option<&'a RawValue>,
}

/// A matter body's fields.
const MATTER_FIELDS: [&str; 6] = [
    "doc_number",
    "subject",
    "sender",
    "handler",
    "notes",
    "period",
];

/// Why `body` is not a matter, in our terms rather than serde's: as a deadline request's
/// body is diagnosed, its text fields strings and its period read by its own reader.
fn not_a_matter(body: &[u8], error: &serde_json::Error) -> ApiError {
    let problem = diagnose_object(body, error, &MATTER_FIELDS, |field| {
        (field != "period").then_some(Expected::Text)
    });
    match problem.kind {
        JsonKind::UnknownField { name, .. } => ApiError::Register(Refused::NotAMattersField(name)),
        _ => ApiError::Register(Refused::NotAMatter(problem)),
    }
}

impl MatterBody<'_> {
    /// The matter it says, keeping what the register set (done, acknowledged) from `kept`.
    fn read(body: &[u8], kept: Option<&Matter>) -> Result<Matter, ApiError> {
        let given: MatterBody<'_> =
            serde_json::from_slice(body).map_err(|e| not_a_matter(body, &e))?;
        let period = given
            .period
            .ok_or(ApiError::Register(Refused::Matter(MatterError::NoPeriod)))?;
        let period = Input::from_json(period.get().as_bytes())
            .map_err(|e| ApiError::InvalidBody(Body::NotADeadline(e)))?;
        Ok(Matter {
            doc_number: given.doc_number,
            subject: given.subject,
            sender: given.sender,
            handler: given.handler,
            notes: given.notes,
            period,
            completed_at: kept.and_then(|m| m.completed_at),
            acknowledged_due: kept.and_then(|m| m.acknowledged_due),
            acknowledged_version: kept.and_then(|m| m.acknowledged_version.clone()),
        })
    }
}

/// A matter as the API answers it: what its office wrote, and what the data in force make of
/// it.
#[derive(Serialize)]
struct MatterDto<'a> {
    id: &'a str,
    version: i64,
    doc_number: &'a str,
    subject: &'a str,
    sender: &'a str,
    handler: &'a str,
    notes: &'a str,
    period: serde_json::Value,
    completed_at: Option<String>,
    acknowledged_due: Option<NaiveDate>,
    /// The data version the acknowledged due date was computed on.
    acknowledged_version: Option<&'a str>,
    due_date: Option<NaiveDate>,
    due_at: Option<String>,
    provisional: Option<bool>,
    state: Option<&'static str>,
    /// The state in words, as a deadline's status says it (without what lapsing means).
    state_text: Option<String>,
    working_days_left: Option<i64>,
    moved: bool,
    /// The days whose change moved it: none when it did not move; null when they cannot be
    /// named (then `moved_by_unknown` says why).
    moved_by: Option<Vec<MovedDayDto<'a>>>,
    /// Why the days that moved it cannot be named, when they cannot.
    moved_by_unknown: Option<String>,
    /// Why it can no longer be counted, when it cannot.
    problem: Option<String>,
    created_at: &'a str,
    updated_at: &'a str,
    data_version: &'a str,
}

fn dto<'a>(
    kept: &'a Kept,
    reading: &'a Reading<'_>,
    found: &Found,
    data: &'a Snapshot,
    lang: Lang,
) -> MatterDto<'a> {
    let m = &kept.matter;
    let due = reading.as_ref().ok();
    let (moved_by, moved_by_unknown) = found.days(kept, reading, lang);
    MatterDto {
        id: &kept.id,
        version: kept.version,
        doc_number: &m.doc_number,
        subject: &m.subject,
        sender: &m.sender,
        handler: &m.handler,
        notes: &m.notes,
        period: period_json(&m.period),
        completed_at: m.completed_at.map(|at| at.to_rfc3339()),
        acknowledged_due: m.acknowledged_due,
        acknowledged_version: m.acknowledged_version.as_deref(),
        due_date: due.map(|d| d.date),
        due_at: due.map(|d| d.at.to_rfc3339()),
        provisional: due.map(|d| d.provisional),
        state: due.map(|d| d.state.as_str()),
        state_text: due.map(|d| {
            lang.says()
                .state_words(d.state, d.working_days_left, d.as_of)
        }),
        working_days_left: due.map(|d| d.working_days_left),
        moved: due.is_some_and(|d| d.moved),
        moved_by,
        moved_by_unknown,
        problem: reading
            .as_ref()
            .err()
            .map(|e| lang.says().deadline_error(e)),
        created_at: &kept.created_at,
        updated_at: &kept.updated_at,
        data_version: data.set.version(),
    }
}

/// One matter as `first` read it (on the data in force, without the days that moved it),
/// with those days found when it moved, and its version as its `ETag`.
async fn one(
    state: &AppState,
    kept: &Kept,
    first: Reading<'_>,
    context: &Context<'_>,
    data: &Snapshot,
    lang: Lang,
) -> Result<HttpResponse, ApiError> {
    let found = Found::of_moved(state, data, std::iter::once((kept, &first))).await?;
    let reading = found.again(kept, first, context);
    let mut res = json(&dto(kept, &reading, &found, data, lang));
    if let Ok(tag) = HeaderValue::from_str(&format!("\"{}\"", kept.version)) {
        res.headers_mut().insert(header::ETAG, tag);
    }
    Ok(res)
}

/// `POST /v1/registers/{id}/matters`: a new matter; its due date now is the one acknowledged.
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    data: Snapshot,
    _: Params,
    body: web::Bytes,
    lang: Lang,
) -> Result<HttpResponse, ApiError> {
    let (db, register, label) = opened(&state, &req).await?;
    let mut matter = MatterBody::read(&body, None)?;
    let context = context(&state, &data, false);
    let due = matter
        .check(&context)
        .map_err(|e| ApiError::Register(Refused::Matter(e)))?;
    let due = matter.acknowledge(due, data.set.version());
    let kept = db.insert(&register, matter, &label).await?;
    let mut res = one(&state, &kept, Ok(due), &context, &data, lang).await?;
    *res.status_mut() = actix_web::http::StatusCode::CREATED;
    let location = format!("/v1/registers/{register}/matters/{}", kept.id);
    if let Ok(location) = HeaderValue::from_str(&location) {
        res.headers_mut().insert(header::LOCATION, location);
    }
    Ok(res)
}

/// `GET /v1/registers/{id}/matters/{matter}`.
pub async fn read(
    state: web::Data<AppState>,
    req: HttpRequest,
    data: Snapshot,
    _: Params,
    lang: Lang,
) -> Result<HttpResponse, ApiError> {
    let (db, register, _) = opened(&state, &req).await?;
    let kept = db.get(&register, &matter_id(&req)?).await?;
    let context = context(&state, &data, false);
    let reading = kept.matter.read(&context, &[]);
    one(&state, &kept, reading, &context, &data, lang).await
}

/// `POST /v1/registers/{id}/matters/{matter}`: its fields replaced by the body's, when
/// `If-Match` (if given) names its version.
pub async fn update(
    state: web::Data<AppState>,
    req: HttpRequest,
    data: Snapshot,
    _: Params,
    body: web::Bytes,
    lang: Lang,
) -> Result<HttpResponse, ApiError> {
    let (db, register, label) = opened(&state, &req).await?;
    let context = context(&state, &data, false);
    let mut reading = None;
    let kept = db
        .update(
            &register,
            &matter_id(&req)?,
            if_match(&req),
            "updated",
            &label,
            |old| {
                let mut new = MatterBody::read(&body, Some(old))?;
                let due = new
                    .check(&context)
                    .map_err(|e| ApiError::Register(Refused::Matter(e)))?;
                // A new period is the office's own change of the date, acknowledged as made;
                // an edit of anything else keeps what was acknowledged, and a move with it.
                reading = Some(if new.period == old.period {
                    due
                } else {
                    new.acknowledge(due, data.set.version())
                });
                Ok::<_, ApiError>(new)
            },
        )
        .await?;
    // The update read what it kept (the closure ran on it): counted once.
    let reading = reading.map_or_else(|| kept.matter.read(&context, &[]), Ok);
    one(&state, &kept, reading, &context, &data, lang).await
}

/// What `POST /v1/registers/{id}/matters/{matter}/{action}` does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumString, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
enum Action {
    /// 办结: done now.
    Complete,
    /// Open again.
    Reopen,
    /// Its due date as now computed becomes the acknowledged one: no longer moved.
    Acknowledge,
    /// Taken out of the register; the history keeps it.
    Delete,
}

/// `POST /v1/registers/{id}/matters/{matter}/{action}`: an action takes no body (one that
/// comes with one is refused, not ignored: it may say what the caller meant to change). 办结
/// of a matter done, reopening an open one or acknowledging one that has not moved changes
/// nothing: the matter as it is, and no history row.
pub async fn act(
    state: web::Data<AppState>,
    req: HttpRequest,
    data: Snapshot,
    _: Params,
    body: web::Bytes,
    lang: Lang,
) -> Result<HttpResponse, ApiError> {
    let (db, register, label) = opened(&state, &req).await?;
    if !body.is_empty() {
        return Err(ApiError::Register(Refused::ActionBody));
    }
    let action = req.match_info().get("action").unwrap_or_default();
    let action = Action::from_str(action).map_err(|_| {
        ApiError::NotFound(crate::text::Missing::Route {
            route: format!("POST {}", req.path()),
            near: None,
            routes: None,
        })
    })?;
    let id = matter_id(&req)?;
    if action == Action::Delete {
        db.delete(&register, &id, if_match(&req), &label).await?;
        return Ok(HttpResponse::NoContent().finish());
    }
    let context = context(&state, &data, false);
    let name = match action {
        Action::Complete => "completed",
        Action::Reopen => "reopened",
        _ => "acknowledged",
    };
    // An acknowledgement counts the matter once, in the change: its due date then is the one
    // acknowledged, so it reads as not moved, and nothing else of it changed.
    let mut acknowledged = None;
    let kept = db
        .update(&register, &id, if_match(&req), name, &label, |old| {
            let mut new = old.clone();
            match action {
                Action::Complete if old.is_done() => {}
                Action::Complete => new.completed_at = Some(Utc::now().fixed_offset()),
                Action::Reopen => new.completed_at = None,
                _ => {
                    let due = old.read(&context, &[])?;
                    acknowledged = Some(new.acknowledge(due, data.set.version()));
                }
            }
            Ok::<_, ApiError>(new)
        })
        .await?;
    let reading = match acknowledged {
        Some(due) => Ok(due),
        None => kept.matter.read(&context, &[]),
    };
    one(&state, &kept, reading, &context, &data, lang).await
}

/// `GET /v1/registers/{id}/matters`'s answer.
#[derive(Serialize)]
struct ListDto<'a> {
    matters: Vec<MatterDto<'a>>,
    /// The `cursor` of the next page; none on the last.
    next_cursor: Option<String>,
    /// The stored matters that do not read back (on the first page, whatever the filters):
    /// listed here rather than failing the whole list.
    unreadable: Vec<UnreadableDto<'a>>,
    data_version: &'a str,
}

/// A stored matter that does not read back, as a list names it.
#[derive(Serialize)]
struct UnreadableDto<'a> {
    id: &'a str,
    problem: String,
}

/// The matters `filter` keeps, each read once on `context`, in the list's order (by due
/// instant, those that cannot be counted last; ties by creation); and the rows that do not
/// read back.
fn listed<'k>(
    rows: &'k [Result<Kept, Unreadable>],
    filter: &Filter,
    context: &Context<'_>,
) -> (Vec<(&'k Kept, Reading<'static>)>, Vec<&'k Unreadable>) {
    let mut read: Vec<(&Kept, Reading<'static>)> = rows
        .iter()
        .filter_map(|row| row.as_ref().ok())
        .map(|k| (k, k.matter.read(context, &[])))
        .filter(|(k, r)| filter.keeps(&k.matter, r))
        .collect();
    read.sort_by_cached_key(|(k, r)| paging::list_key(k, r));
    let unreadable = rows.iter().filter_map(|row| row.as_ref().err()).collect();
    (read, unreadable)
}

/// `GET /v1/registers/{id}/matters?state=&due_before=&q=&limit=&cursor=`: sorted by due
/// instant, a page at a time (JSON); or every matter the filters keep as the 台账 (CSV, xlsx:
/// [`transfer`]).
pub async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    data: Snapshot,
    params: Params,
    lang: Lang,
) -> Result<HttpResponse, ApiError> {
    let (db, register, _) = opened(&state, &req).await?;
    let negotiated = negotiate(&req, &params)?;
    let q = ListQuery::read(&params, &Clock::new(BEIJING, Utc::now()))?;
    let context = context(&state, &data, false);
    let rows = db.rows(&register).await?;
    let (first, unreadable) = listed(&rows, &q.filter, &context);
    let found = Found::of_moved(&state, &data, first.iter().map(|(k, r)| (*k, r))).await?;
    // Counted again with the days that moved them: the same due dates, so the same order.
    let read: Vec<(&Kept, Reading<'_>)> = first
        .into_iter()
        .map(|(k, r)| (k, found.again(k, r, &context)))
        .collect();
    if negotiated.format != Format::Json {
        if q.page.given {
            return Err(invalid("limit", Invalid::PagedExport));
        }
        return transfer::export(&state, read, unreadable, negotiated, &data, &register, lang)
            .await;
    }
    let first = q.page.after.is_none();
    let (shown, next_cursor) = q.page.take(read, |(k, r)| paging::list_key(k, r));
    Ok(json(&ListDto {
        matters: shown
            .iter()
            .map(|(k, r)| dto(k, r, &found, &data, lang))
            .collect(),
        next_cursor,
        unreadable: if first {
            unreadable
                .iter()
                .map(|u| UnreadableDto {
                    id: &u.id,
                    problem: lang.says().unreadable_matter(),
                })
                .collect()
        } else {
            Vec::new()
        },
        data_version: data.set.version(),
    }))
}

/// The query of `/v1/registers/{id}/matters` beyond the format
/// ([`super::routes::REGISTER_MATTERS`]): the list's filter and its page.
struct ListQuery {
    filter: Filter,
    page: paging::Page<paging::ListKey>,
}

impl ListQuery {
    /// `due_before` is read on `clock` (`today`).
    fn read(params: &Params, clock: &Clock) -> Result<Self, ApiError> {
        let show = params
            .get("state")?
            .map(|v| {
                Show::from_str(v).map_err(|_| {
                    invalid(
                        "state",
                        Invalid::NoneOf {
                            value: quoted(v),
                            choices: <Show as strum::VariantNames>::VARIANTS,
                        },
                    )
                })
            })
            .transpose()?;
        let due_before = params
            .get("due_before")?
            .map(|v| parse_day(v, clock).map_err(|e| invalid("due_before", Invalid::Date(e))))
            .transpose()?;
        let text = params.get("q")?.map(str::to_owned);
        Ok(ListQuery {
            filter: Filter {
                show,
                due_before,
                text,
            },
            page: paging::Page::read(params)?,
        })
    }
}

/// `GET /v1/registers/{id}/history?limit=&cursor=`: every change, the latest first, a page at
/// a time.
pub async fn history(
    state: web::Data<AppState>,
    req: HttpRequest,
    params: Params,
) -> Result<HttpResponse, ApiError> {
    let (db, register, _) = opened(&state, &req).await?;
    let page = paging::Page::<HistoryAfter>::read(&params)?;
    let (changes, more) = db
        .history(&register, page.after.as_ref(), page.limit)
        .await?;
    let next_cursor = more
        .then(|| {
            changes
                .last()
                .map(|c| paging::cursor(&HistoryAfter::from(c)))
        })
        .flatten();
    Ok(json(&serde_json::json!({
        "changes": changes,
        "next_cursor": next_cursor,
    })))
}

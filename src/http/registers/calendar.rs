//! `GET /v1/registers/{id}/calendar.ics?token=`: the register's open matters as a calendar
//! feed ([`crate::export::register`]), for calendars that subscribe by address and send no
//! header. Only the register's calendar token opens it — not a key (a key in an address would
//! end up in a calendar's settings, a proxy's log, a browser's history), and the token opens
//! nothing else: on any other route `token=` is an unknown parameter and the token no key.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Duration};
use secrecy::{ExposeSecret, SecretString};

use super::super::deadlines::context;
use super::super::params::Params;
use super::super::problem::ApiError;
use super::super::{AppState, Snapshot};
use super::{database, register_id, within_rate};
use crate::export::register::{FeedMatter, register_feed};
use crate::export::{STAMP, ics, reminder};
use crate::text::{Lang, Refused};

/// The feed of the register's open matters that can be counted (one that no longer can — its
/// rule withdrawn — has no date to be shown on; the API shows why).
pub async fn feed(
    state: web::Data<AppState>,
    req: HttpRequest,
    data: Snapshot,
    params: Params,
    lang: Lang,
) -> Result<HttpResponse, ApiError> {
    let q = FeedQuery::read(&params)?;
    let db = database(&state)?;
    let refused = || ApiError::Register(Refused::NotTheCalendarToken);
    let register = register_id(&req, Refused::NotTheCalendarToken)?;
    let (name, digest) = db
        .calendar_holder(&register, q.token.expose_secret())
        .await?
        .ok_or_else(refused)?;
    within_rate(&state, &digest)?;
    let context = context(&state, &data, false);
    // The rows as read (shared, not copied); those that do not read back are left out.
    let rows = db.rows(&register).await?;
    let read: Vec<_> = rows
        .iter()
        .filter_map(|row| row.as_ref().ok())
        .filter(|k| !k.matter.is_done())
        .filter_map(|k| Some((k, k.matter.read(&context, &[]).ok()?)))
        .collect();
    let matters = read.iter().map(|(k, due)| {
        let calendar = k.matter.period.calendar.as_deref();
        FeedMatter {
            id: &k.id,
            version: k.version,
            changed: DateTime::parse_from_rfc3339(&k.updated_at).map_or(STAMP, |at| at.naive_utc()),
            matter: &k.matter,
            due,
            // Its calendar was found when it was read (else it would not be here).
            remind_before: context
                .calendars
                .get(calendar.unwrap_or(context.default_calendar))
                .map_or(Duration::zero(), |c| reminder(c, due.date)),
        }
    });
    Ok(calendar(&register_feed(&register, &name, matters, lang)))
}

/// The query of `/v1/registers/{id}/calendar.ics` ([`super::super::routes::REGISTER_CALENDAR`]).
struct FeedQuery {
    /// The calendar token offered, held as a secret (never printed) until its digest is
    /// compared with the register's.
    token: SecretString,
}

impl FeedQuery {
    fn read(params: &Params) -> Result<Self, ApiError> {
        let token = params.required("token")?;
        Ok(FeedQuery {
            token: SecretString::from(token),
        })
    }
}

/// The feed as `text/calendar`, with the register's `Cache-Control` (the cache layer's: a
/// route of a register is private).
fn calendar(feed: &ics::IcsFeed) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .body(feed.to_ics())
}

//! A register's keys and its calendar token, managed by the register's own writing keys (a
//! read-only key may list the keys, and is refused the rest as every write): `POST …/keys`
//! adds a key, shown once; `GET …/keys` lists them, never the keys; `DELETE …/keys/{label}`
//! revokes one — any but the register's last writing key, its own included, so that a
//! register always keeps one key that can write and add keys. `POST …/calendar-token` makes
//! the calendar token (shown once; a new one replaces the old), `DELETE` revokes it.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::super::AppState;
use super::super::params::Params;
use super::super::problem::ApiError;
use super::super::render::json;
use super::opened;
use crate::registers::{new_calendar_token as new_token, new_key};
use crate::text::Refused;

/// The longest key label taken, in characters.
const MAX_LABEL_CHARS: usize = 100;

/// `POST /v1/registers/{id}/keys`'s body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewKey {
    label: String,
    #[serde(default)]
    read_only: bool,
}

/// `POST /v1/registers/{id}/keys`'s answer: the key, shown this once.
#[derive(Serialize)]
struct KeyDto<'a> {
    label: &'a str,
    key: &'a str,
    read_only: bool,
}

/// `POST /v1/registers/{id}/calendar-token`'s answer: the token, shown this once, and the
/// feed's path with it.
#[derive(Serialize)]
struct CalendarTokenDto<'a> {
    token: &'a str,
    url: String,
}

/// A label a key may have: 1 to 100 characters, trimmed, with no `/` (it is a path segment)
/// and no control character.
fn label(given: &str) -> Result<&str, ApiError> {
    let label = given.trim();
    let fits = (1..=MAX_LABEL_CHARS).contains(&label.chars().count());
    if !fits || label.contains('/') || label.chars().any(char::is_control) {
        return Err(ApiError::Register(Refused::KeyBody));
    }
    Ok(label)
}

/// A created answer, kept by no cache (it shows a secret once).
fn created(mut res: HttpResponse) -> HttpResponse {
    *res.status_mut() = StatusCode::CREATED;
    res
}

/// An internal error for the operating system's failure to give random bytes.
fn no_randomness(e: getrandom::Error) -> ApiError {
    ApiError::Internal(Box::new(e))
}

/// `GET /v1/registers/{id}/keys`: every key's label, whether it only reads, when it was added
/// and revoked.
pub async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    _: Params,
) -> Result<HttpResponse, ApiError> {
    let (db, register, _) = opened(&state, &req).await?;
    Ok(json(&db.keys(&register).await?))
}

/// `POST /v1/registers/{id}/keys`: a new key under its label.
pub async fn add(
    state: web::Data<AppState>,
    req: HttpRequest,
    _: Params,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let (db, register, by) = opened(&state, &req).await?;
    let given: NewKey =
        serde_json::from_slice(&body).map_err(|_| ApiError::Register(Refused::KeyBody))?;
    let label = label(&given.label)?;
    let key = new_key().map_err(no_randomness)?;
    let added = db.add_key(&register, label, &key, given.read_only).await?;
    tracing::info!(register = %register, label = %added.label, read_only = added.read_only, by = %by, "register key added");
    let mut res = created(json(&KeyDto {
        label: &added.label,
        key: &key,
        read_only: added.read_only,
    }));
    let location = format!(
        "/v1/registers/{register}/keys/{}",
        form_urlencoded::byte_serialize(added.label.as_bytes()).collect::<String>()
    );
    if let Ok(location) = HeaderValue::from_str(&location) {
        res.headers_mut().insert(header::LOCATION, location);
    }
    Ok(res)
}

/// `DELETE /v1/registers/{id}/keys/{label}`: the key revoked.
pub async fn revoke(
    state: web::Data<AppState>,
    req: HttpRequest,
    _: Params,
) -> Result<HttpResponse, ApiError> {
    let (db, register, by) = opened(&state, &req).await?;
    let label = req.match_info().get("label").unwrap_or_default();
    if label.chars().any(char::is_control) {
        return Err(ApiError::Register(Refused::NoSuchKey));
    }
    db.revoke_key(&register, label).await?;
    tracing::info!(register = %register, label = %label, by = %by, "register key revoked");
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /v1/registers/{id}/calendar-token`: a new calendar token, the old one revoked.
pub async fn new_calendar_token(
    state: web::Data<AppState>,
    req: HttpRequest,
    _: Params,
) -> Result<HttpResponse, ApiError> {
    let (db, register, _) = opened(&state, &req).await?;
    let token = new_token().map_err(no_randomness)?;
    db.set_calendar_token(&register, &token).await?;
    let url = format!("/v1/registers/{register}/calendar.ics?token={token}");
    Ok(created(json(&CalendarTokenDto { token: &token, url })))
}

/// `DELETE /v1/registers/{id}/calendar-token`: the calendar token revoked (the feed then
/// opens to none until a new one is made).
pub async fn revoke_calendar_token(
    state: web::Data<AppState>,
    req: HttpRequest,
    _: Params,
) -> Result<HttpResponse, ApiError> {
    let (db, register, _) = opened(&state, &req).await?;
    db.clear_calendar_token(&register).await?;
    Ok(HttpResponse::NoContent().finish())
}

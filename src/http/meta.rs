//! Liveness, readiness, metrics and the API's own description.

use actix_web::{HttpResponse, web};

use super::{AppState, Snapshot, params::Params};

/// The OpenAPI description at the repository root, served as it is.
const OPENAPI: &str = include_str!("../../openapi.yaml");

pub async fn healthz(_: Params) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(r#"{"status":"ok"}"#)
}

pub async fn openapi(_: Params) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/yaml; charset=utf-8")
        .body(OPENAPI)
}

/// Ready once the calendars are compiled — which happens before the server binds — with the
/// data version that answers.
///
/// Ready with warnings, too: `awaiting_notices` lists this year's and next year's notices that
/// the data lack and that nothing configured will bring (see [`crate::store::AwaitedNotice`]).
/// And ready whatever the database's state: `database` is its last probe, made in the
/// background ([`super::health`]), never waited on here.
pub async fn readyz(
    state: web::Data<AppState>,
    data: Snapshot,
    _: Params,
    lang: crate::text::Lang,
) -> HttpResponse {
    let awaited = state
        .store
        .awaited_notices(&data.set, super::calendars::today());
    HttpResponse::Ok().json(serde_json::json!({
        "status": "ready",
        "data_version": data.set.version(),
        "awaiting_notices": super::calendars::awaited_dtos(&awaited, lang),
        "registers": state.registers.as_ref().map(|r| serde_json::json!({
            "store": r.kind(),
            "migrated": r.is_migrated(),
        })),
        "database": state.database.as_ref().map(|d| d.last()),
    }))
}

pub async fn metrics(state: web::Data<AppState>, data: Snapshot, _: Params) -> HttpResponse {
    let metrics = &state.metrics;
    metrics.set_data_version(data.set.version());
    let feed = state.store.feed_status();
    metrics.feed_up.set(i64::from(feed.healthy));
    metrics
        .feed_last_success
        .set(feed.last_success.map_or(0, |t| t.timestamp()));
    metrics
        .feed_persist_failures
        .set(i64::try_from(feed.persist_failures).unwrap_or(i64::MAX));
    let refused = feed.refused.len() + feed.files.iter().filter(|f| !f.in_force).count();
    metrics
        .feed_refused
        .set(i64::try_from(refused).unwrap_or(i64::MAX));
    metrics
        .kept_compilations
        .set(i64::try_from(state.store.compilations()).unwrap_or(i64::MAX));
    if let Some(database) = &state.database {
        metrics.database.set(&database.last());
    }
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(state.metrics.render())
}

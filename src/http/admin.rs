//! `POST /v1/admin/reload`: re-read the operator's files and poll the feed now.

use actix_web::{HttpRequest, HttpResponse, http::header, web};
use serde::Serialize;

use super::{AppState, json, problem::ApiError};
use crate::store::{FeedStatus, OperatorStatus};

#[derive(Serialize)]
struct ReloadDto {
    data_version: String,
    operator: OperatorStatus,
    feed: FeedStatus,
}

/// Compares in time independent of where the first difference is.
fn same_token(given: &[u8], expected: &[u8]) -> bool {
    given.len() == expected.len()
        && given
            .iter()
            .zip(expected)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

fn authorised(req: &HttpRequest, token: &str) -> bool {
    req.headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|given| same_token(given.trim().as_bytes(), token.as_bytes()))
}

pub async fn reload(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let token = state.admin_token.as_deref().ok_or(ApiError::Unauthorized)?;
    if !authorised(&req, token) {
        return Err(ApiError::Unauthorized);
    }
    let store = state.store.clone();
    let operator = web::block(move || store.reload_operator_files())
        .await
        .map_err(|e| ApiError::Internal(format!("reload task failed: {e}")))?;
    if let Some(feed) = &state.feed {
        feed.poll_once().await;
    }
    let data_version = state.snapshot().version().to_owned();
    state.metrics.set_data_version(&data_version);
    Ok(json(&ReloadDto {
        data_version,
        operator,
        feed: state.store.feed_status(),
    }))
}

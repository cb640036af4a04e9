//! `/v1/rules`: the deadlines of the working rules.

use actix_web::{HttpResponse, web};

use super::{AppState, params::Params, problem::ApiError, render::json};

pub async fn list(state: web::Data<AppState>, _: Params) -> HttpResponse {
    json(&state.rules.iter().collect::<Vec<_>>())
}

pub async fn one(
    state: web::Data<AppState>,
    id: web::Path<String>,
    _: Params,
) -> Result<HttpResponse, ApiError> {
    let rule = state
        .rules
        .find(&id)
        .map_err(|e| ApiError::NotFound(e.to_string()))?;
    Ok(json(rule))
}

//! `/v1/rules`: the deadlines of the working rules.

use actix_web::{HttpResponse, web};

use super::{AppState, json, problem::ApiError};

pub async fn list(state: web::Data<AppState>) -> HttpResponse {
    json(&state.rules.iter().collect::<Vec<_>>())
}

pub async fn one(
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let rule = state.rules.get(&id).ok_or_else(|| {
        ApiError::NotFound(format!(
            "rule {:?} is not known; known rules: {}",
            id.as_str(),
            state.rules.ids()
        ))
    })?;
    Ok(json(rule))
}

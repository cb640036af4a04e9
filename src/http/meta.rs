//! Liveness and the API's own description.

use actix_web::HttpResponse;

/// The OpenAPI description at the repository root, served as it is.
const OPENAPI: &str = include_str!("../../openapi.yaml");

pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
}

pub async fn openapi() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/yaml; charset=utf-8")
        .body(OPENAPI)
}

//! A bare actix-web server: the same framework, features and release profile as qixian, one
//! route that answers what qixian's `/healthz` answers, and no middleware. It is the ceiling
//! `scripts/bench-http.sh` measures qixian's request path against.
//!
//! `cargo run --release --example bare -- 127.0.0.1:18401`

use actix_web::{App, HttpResponse, HttpServer, web};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:18401".to_owned());
    HttpServer::new(|| {
        App::new().route(
            "/healthz",
            web::get().to(|| async {
                HttpResponse::Ok()
                    .content_type("application/json")
                    .body(r#"{"status":"ok"}"#)
            }),
        )
    })
    .backlog(1024)
    .bind(addr)?
    .run()
    .await
}

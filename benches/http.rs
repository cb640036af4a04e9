//! The request path in process: the whole application — routes and middleware — called
//! through actix's service interface, without a socket, so that what each request costs in
//! qixian's own code can be measured apart from the network and the kernel. This is the
//! measurement that guides the work on the request path (BENCHMARKS.md); wrk over loopback
//! (`scripts/bench-http.sh`) then checks the result end to end.

use std::time::{Duration, Instant};

use actix_web::dev::Service;
use actix_web::test;
use criterion::{Criterion, criterion_group, criterion_main};
use qixian::startup::app;

#[path = "support/parts.rs"]
mod support;

fn requests(c: &mut Criterion) {
    let system = actix_rt::System::new();
    let parts = support::parts();
    let service = system.block_on(test::init_service(app(&parts)));
    let paths = [
        ("healthz", "/healthz"),
        ("workdays_add", "/v1/workdays/add?start=2026-09-30&days=7"),
        (
            "deadline_explained",
            "/v1/deadlines?rule=countersign-reply&event=2026-09-30T18:00:00%2B08:00&as_of=2026-10-09",
        ),
    ];
    let mut group = c.benchmark_group("in_process");
    group.measurement_time(Duration::from_secs(5));
    for (name, path) in paths {
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                system.block_on(async {
                    let started = Instant::now();
                    for _ in 0..iters {
                        let request = test::TestRequest::get().uri(path).to_request();
                        let response = service.call(request).await.expect("an answer");
                        assert!(
                            response.status().is_success(),
                            "{path}: {}",
                            response.status()
                        );
                        drop(response);
                    }
                    started.elapsed()
                })
            })
        });
    }
    // The same framework with no middleware and one route: what the middleware is measured
    // against.
    let bare = system.block_on(test::init_service(actix_web::App::new().route(
        "/healthz",
        actix_web::web::get().to(|| async {
            actix_web::HttpResponse::Ok()
                .content_type("application/json")
                .body(r#"{"status":"ok"}"#)
        }),
    )));
    group.bench_function("bare_healthz", |b| {
        b.iter_custom(|iters| {
            system.block_on(async {
                let started = Instant::now();
                for _ in 0..iters {
                    let request = test::TestRequest::get().uri("/healthz").to_request();
                    let response = bare.call(request).await.expect("an answer");
                    drop(response);
                }
                started.elapsed()
            })
        })
    });
    group.finish();
}

criterion_group!(benches, requests);
criterion_main!(benches);

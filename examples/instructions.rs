//! Work repeated N times, for an instruction count that the machine's load does not move
//! (BENCHMARKS.md, "Speed given back"): one deadline with its close of business (`deadline`),
//! or a batch of 10,000 brief items through the whole application in process, middleware and
//! all, without a socket (`batch`, the items `scripts/bench-http.sh` sends); or N GETs of a path
//! through the whole application (`get N PATH`), or of a bare `App`'s one route (`bare N`), the
//! same harness, for what qixian's request path costs beyond the framework's; or N rechecks of
//! 10,000 stored deadlines after a change of the data (`recheck`, the body
//! `scripts/bench-recheck.sh` sends), beside N batches of the same 10,000 items (`batch-kizilsu`).
//!
//! ```text
//! cargo build --release --example instructions
//! valgrind --tool=callgrind target/release/examples/instructions deadline 0
//! valgrind --tool=callgrind target/release/examples/instructions deadline 20000
//! ```
//!
//! One deadline costs (instructions at 20,000 − at 0) / 20,000, one batch item
//! (instructions at `batch 2` − at `batch 0`) / 20,000; the N = 0 run is the start: the
//! calendars' compilation and the rules' loading.

use std::hint::black_box;

use actix_web::dev::Service;
use actix_web::test;
use qixian::calendar::CalendarSet;
use qixian::deadline::{Form, Period, Request, RuleBook, compute};
use qixian::startup::app;
use qixian::time::{BEIJING, Moment};

#[path = "../benches/support/parts.rs"]
mod support;

fn main() {
    let mut args = std::env::args().skip(1);
    let what = args.next().unwrap_or_else(|| "deadline".to_owned());
    let n: u32 = args.next().and_then(|n| n.parse().ok()).unwrap_or(1);
    match what.as_str() {
        "deadline" => deadlines(n),
        "batch" => batches(n),
        "get" => gets(&args.next().unwrap_or_else(|| "/healthz".to_owned()), n),
        "bare" => bare(n),
        "recheck" => rechecks(n, true),
        "batch-kizilsu" => rechecks(n, false),
        other => panic!("deadline, batch, get, bare, recheck or batch-kizilsu, not {other}"),
    }
}

/// One `countersign-reply` deadline on `cn-xj-kizilsu` from 2026-09-30T18:00+08:00, `n` times.
fn deadlines(n: u32) {
    let set = CalendarSet::embedded().expect("the embedded calendars");
    let book = RuleBook::embedded();
    let calendar = set.get("cn-xj-kizilsu").expect("a calendar");
    let period = Period::resolve(
        &book,
        Some("countersign-reply"),
        None,
        None,
        Form::default(),
    )
    .expect("a rule");
    let request = Request::new(
        period,
        Moment::parse("2026-09-30T18:00:00+08:00").expect("a moment"),
        BEIJING,
    );
    let mut due = None;
    for _ in 0..n {
        due = compute(calendar, black_box(&request))
            .ok()
            .map(|d| black_box(d).due_at);
    }
    println!("{n} deadlines, the last due at {due:?}");
}

/// `n` batches of 10,000 `countersign-reply` items from 2025-01-01 over 700 days.
fn batches(n: u32) {
    let start = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).expect("a date");
    let items: Vec<String> = (0..10_000u64)
        .map(|i| {
            let event = start + chrono::Days::new(i % 700);
            format!(r#"{{"rule":"countersign-reply","event":"{event}"}}"#)
        })
        .collect();
    let body = format!(r#"{{"items":[{}]}}"#, items.join(","));
    let size = served(app(&support::parts()), n, || {
        test::TestRequest::post()
            .uri("/v1/deadlines/batch")
            .insert_header(("content-type", "application/json"))
            .set_payload(body.clone())
    });
    println!("{n} batches, the last answer {size} bytes");
}

/// `n` GETs of `uri` through the whole application, middleware and all.
fn gets(uri: &str, n: u32) {
    let size = served(app(&support::parts()), n, || {
        test::TestRequest::get().uri(uri)
    });
    println!("{n} GETs of {uri}, the last answer {size} bytes");
}

/// `n` GETs of a bare application's one route (`examples/bare.rs`'s), the same harness's cost.
fn bare(n: u32) {
    use actix_web::{App, HttpResponse, web};
    let bare = App::new().route(
        "/healthz",
        web::get().to(|| async {
            HttpResponse::Ok()
                .content_type("application/json")
                .body(r#"{"status":"ok"}"#)
        }),
    );
    let size = served(bare, n, || test::TestRequest::get().uri("/healthz"));
    println!("{n} bare GETs, the last answer {size} bytes");
}

/// `n` requests made by `request` answered by `app` in process, each checked to succeed; the
/// size of the last answer.
fn served<T, B>(app: actix_web::App<T>, n: u32, request: impl Fn() -> test::TestRequest) -> usize
where
    T: actix_web::dev::ServiceFactory<
            actix_web::dev::ServiceRequest,
            Config = (),
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
            InitError = (),
        > + 'static,
    B: actix_web::body::MessageBody + 'static,
{
    let system = actix_web::rt::System::new();
    let service = system.block_on(test::init_service(app));
    let mut size = 0;
    for _ in 0..n {
        let request = request().to_request();
        let answer = system.block_on(async {
            let response = service.call(request).await.expect("an answer");
            assert!(response.status().is_success(), "{}", response.status());
            test::read_body(response).await
        });
        size = answer.len();
    }
    size
}

/// `n` rechecks (or, when `recheck` is false, `n` batches) of the 10,000 items
/// `scripts/bench-recheck.sh` sends: `countersign-reply` on `cn-xj-kizilsu` from 2026-07-01
/// over 400 days, stored as the batch answered them; then the same change of the data (the
/// prefecture's 2027 notice as an operator file, reloaded), so that the recheck compares each
/// with the data in force and looks for the changes since the stored version.
fn rechecks(n: u32, recheck: bool) {
    let holidays = std::env::temp_dir().join(format!("qixian-instructions-{}", std::process::id()));
    std::fs::create_dir_all(&holidays).expect("a holidays directory");
    let store = support::store(qixian::store::StoreSettings {
        operator_dir: Some(holidays.clone()),
        ..Default::default()
    });
    let parts = || support::parts_over(store.clone());

    let start = chrono::NaiveDate::from_ymd_opt(2026, 7, 1).expect("a date");
    let items: Vec<String> = (0..10_000u64)
        .map(|i| {
            let event = start + chrono::Days::new(i % 400);
            format!(
                r#"{{"rule":"countersign-reply","event":"{event}","calendar":"cn-xj-kizilsu"}}"#
            )
        })
        .collect();
    let batch = format!(r#"{{"items":[{}]}}"#, items.join(","));
    let post = |uri: &'static str, body: String| {
        move || {
            test::TestRequest::post()
                .uri(uri)
                .insert_header(("content-type", "application/json"))
                .set_payload(body.clone())
        }
    };
    let body = if recheck {
        let answer = answered(parts(), post("/v1/deadlines/batch", batch.clone()));
        let version = answer["data_version"].as_str().expect("a data version");
        let stored: Vec<String> = items
            .iter()
            .zip(answer["results"].as_array().expect("results"))
            .map(|(item, a)| {
                let (due_date, due_at) = (&a["deadline"]["due_date"], &a["deadline"]["due_at"]);
                format!(
                    r#"{{"request":{item},"due_date":{due_date},"due_at":{due_at},"data_version":"{version}"}}"#
                )
            })
            .collect();
        let dir = holidays.join("cn-xj-kizilsu");
        std::fs::create_dir_all(&dir).expect("a calendar directory");
        std::fs::write(
            dir.join("2027.json"),
            r#"{"year":2027,"papers":["bench"],"days":[{"name":"州庆","date":"2027-07-14","isOffDay":true,"source":"bench"}]}"#,
        )
        .expect("the notice");
        store.reload().expect("a reload");
        format!(r#"{{"items":[{}]}}"#, stored.join(","))
    } else {
        batch
    };
    let uri = if recheck {
        "/v1/deadlines/recheck"
    } else {
        "/v1/deadlines/batch"
    };
    if recheck {
        let moved = answered(parts(), post(uri, body.clone()))["results"]
            .as_array()
            .expect("results")
            .iter()
            .filter(|m| m["changed"] == true)
            .count();
        println!("moved by the 2027 notice: {moved}");
    }
    let size = served(app(&parts()), n, post(uri, body.clone()));
    let _ = std::fs::remove_dir_all(&holidays);
    println!(
        "{n} of {uri} ({} bytes), the last answer {size} bytes",
        body.len()
    );
}

/// The JSON answer to one request made by `request`.
fn answered(
    parts: qixian::startup::Parts,
    request: impl Fn() -> test::TestRequest,
) -> serde_json::Value {
    let system = actix_web::rt::System::new();
    let service = system.block_on(test::init_service(app(&parts)));
    let body = system.block_on(async {
        let response = service
            .call(request().to_request())
            .await
            .expect("an answer");
        assert!(response.status().is_success(), "{}", response.status());
        test::read_body(response).await
    });
    serde_json::from_slice(&body).expect("JSON")
}

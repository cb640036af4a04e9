//! How long `GET /v1/registers/{id}/matters` takes for a register of 10,000 matters, each due
//! date computed on read, and how much memory the process holds then: the figures BENCHMARKS.md
//! records for issue 26. The real application (one worker, as a pod's half core has) on
//! SQLite in a temporary state directory, or on PostgreSQL when `QIXIAN_BENCH_DATABASE_URL`
//! is set; the matters are written straight into its database, then the list is asked for
//! over loopback, a few times to warm up and 20 times measured. The first list after the writes
//! reads the rows from the database; the others find them unchanged (the register's revision)
//! and count their due dates again on the rows already read.
//!
//! `cargo run --release --example register_list [-- <matters> [<extra query>]]`, e.g.
//! `-- 10000 limit=1000`: the list answers a page (200 matters unless `limit=` says otherwise,
//! at most 1,000), every due date of the register computed to sort it.

use std::time::{Duration, Instant};

use qixian::config::Config;
use qixian::deadline::Input;
use qixian::register::Matter;
use qixian::registers::{FIRST_KEY, Registers};
use qixian::startup::Application;

const ADMIN: &str = "bench-admin-token";

/// The `i`-th matter: periods of every form the register keeps — a rule, working days, calendar
/// days, months — with events spread over 2026 and 2027, on the three calendars.
fn matter(i: usize) -> Matter {
    let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("a date")
        + chrono::Duration::days((i % 700) as i64);
    let calendar = ["cn", "cn-xj", "cn-xj-kizilsu"][i % 3];
    let mut period = Input {
        event: Some(day.to_string()),
        calendar: Some(calendar.to_owned()),
        ..Input::default()
    };
    match i % 4 {
        0 => period.rule = Some("countersign-reply".to_owned()),
        1 => {
            period.unit = Some("working_days".to_owned());
            period.amount = Some(15);
        }
        2 => {
            period.unit = Some("calendar_days".to_owned());
            period.amount = Some(30);
        }
        _ => {
            period.unit = Some("months".to_owned());
            period.amount = Some(2);
        }
    }
    Matter {
        doc_number: format!("克政办函〔2027〕{i}号"),
        subject: "关于征求意见的函".to_owned(),
        sender: "州发改委".to_owned(),
        handler: "王".to_owned(),
        period,
        ..Matter::default()
    }
}

fn kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let count: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(10_000);
    let extra = args.next().map(|q| format!("?{q}")).unwrap_or_default();
    // The page the list answers: its `limit`, or the default of 200.
    let page: usize = extra
        .split(['?', '&'])
        .find_map(|p| p.strip_prefix("limit="))
        .map_or(200, |l| l.parse().expect("a number"));
    let state = tempfile::tempdir().expect("a directory");
    let url = std::env::var("QIXIAN_BENCH_DATABASE_URL").ok();
    let state_dir = state.path().to_str().expect("UTF-8").to_owned();
    let config = Config::from_lookup(|name| match name {
        "QIXIAN_ADDR" => Some("127.0.0.1:0".to_owned()),
        "QIXIAN_WORKERS" => Some("1".to_owned()),
        "QIXIAN_ACCESS_LOG" => Some("off".to_owned()),
        "QIXIAN_ADMIN_TOKEN" => Some(ADMIN.to_owned()),
        "QIXIAN_STATE_DIR" => Some(state_dir.clone()),
        "QIXIAN_DATABASE_URL" => url.clone(),
        _ => None,
    })
    .expect("a valid configuration");
    let app = Application::build(config).expect("the application builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("a client");
    let made: serde_json::Value = client
        .post(format!("{address}/v1/admin/registers"))
        .bearer_auth(ADMIN)
        .json(&serde_json::json!({"name": "bench"}))
        .send()
        .await
        .expect("an answer")
        .json()
        .await
        .expect("JSON");
    let (id, key) = (
        made["id"].as_str().expect("an id").to_owned(),
        made["key"].as_str().expect("a key").to_owned(),
    );

    let db = Registers::open(url.as_deref(), Some(state.path()))
        .await
        .expect("the database");
    let started = Instant::now();
    for i in 0..count {
        db.insert(&id, matter(i), FIRST_KEY)
            .await
            .expect("a matter is kept");
    }
    println!(
        "{count} matters written in {:.1} s ({})",
        started.elapsed().as_secs_f64(),
        if url.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    );

    let before = kib("VmRSS:");
    let list = format!("{address}/v1/registers/{id}/matters{extra}");
    let mut times: Vec<Duration> = Vec::new();
    let mut bytes = 0;
    for round in 0..25 {
        let at = Instant::now();
        let body = client
            .get(&list)
            .bearer_auth(&key)
            .send()
            .await
            .expect("an answer")
            .bytes()
            .await
            .expect("a body");
        let took = at.elapsed();
        let listed: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
        let n = listed["matters"].as_array().map_or(0, Vec::len);
        assert_eq!(
            n,
            count.min(page),
            "a whole page is listed: {}",
            &String::from_utf8_lossy(&body)[..200.min(body.len())]
        );
        bytes = body.len();
        if round == 0 {
            // The register's rows read from the database (the first list after a change).
            println!(
                "first list after the writes: {:.1} ms",
                took.as_secs_f64() * 1000.0
            );
        }
        if round >= 5 {
            times.push(took);
        }
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "list of {count}, a page of {}: min {:.1} ms, median {:.1} ms, max {:.1} ms over {} rounds; {} KiB of JSON",
        count.min(page),
        ms(times[0]),
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1]),
        times.len(),
        bytes / 1024
    );
    println!(
        "memory: {} MiB resident before the lists, {} MiB after, peak {} MiB (the process: server and client)",
        before / 1024,
        kib("VmRSS:") / 1024,
        kib("VmHWM:") / 1024
    );
}

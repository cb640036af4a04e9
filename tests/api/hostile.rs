//! Hostile requests: a few thousand random and malformed requests, made by a seeded generator,
//! across every route. The house rule: every bad input gets a 4xx
//! `application/problem+json` saying what was wrong; no input gets a 5xx or kills the server.
//!
//! Every request is made from the seed, so a failure names its seed and index and replays
//! the same way: `HOSTILE_SEED=<seed> cargo test --test api hostile`; `HOSTILE_VERBOSE=1`
//! prints every request with the status and the start of the answer.
//!
//! Two kinds of answer are held to less than the whole rule, each for a reason given where it
//! is judged: a refused CORS preflight ([`judge`]), and a request that is not valid HTTP at all,
//! answered by the protocol layer before any application code runs ([`send_raw`]). Both must
//! still be below 500.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{TestApp, spawn_app_with};

/// The default seed; `HOSTILE_SEED` replaces it to explore further.
const SEED: u64 = 0x9E37_79B9_7F4A_7C15;
/// Requests made through the HTTP client.
const REQUESTS: usize = 5_000;
/// Requests written byte by byte on a socket, for what a client library refuses to send.
const RAW_REQUESTS: usize = 120;
/// Requests in flight at once.
const CONCURRENCY: usize = 4;
/// The server's limits (the defaults of `QIXIAN_MAX_QUERY_BYTES` and `QIXIAN_MAX_BODY_BYTES`).
const MAX_QUERY: usize = 8 * 1024;
const MAX_BODY: usize = 2 * 1024 * 1024;
const ADMIN_TOKEN: &str = "hostile-admin-token";

/// xorshift64*: small, seeded, the same on every machine; no dependency needed.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True once in `n` times.
    fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn pick_str(&mut self, items: &[&'static str]) -> &'static str {
        items[self.below(items.len())]
    }

    fn range(&mut self, from: i64, to: i64) -> i64 {
        from + (self.next() % (to - from + 1) as u64) as i64
    }
}

/// One request, kept whole so that a failure can show it.
#[derive(Clone, Debug)]
struct Hostile {
    index: usize,
    method: Method,
    /// Path and query, as they go on the request line.
    target: String,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Option<Vec<u8>>,
    /// A body over the limit: the server may answer 413 and close before reading it all,
    /// so the client may see the connection cut instead of the answer.
    over_limit: bool,
}

impl Hostile {
    /// The request in a line or two, with long parts cut, for a failure message.
    fn describe(&self) -> String {
        let mut out = format!("#{} {} {}", self.index, self.method, cut(&self.target, 300));
        for (name, value) in &self.headers {
            let _ = write!(
                out,
                "\n    {name}: {}",
                cut(&String::from_utf8_lossy(value.as_bytes()), 120)
            );
        }
        if let Some(body) = &self.body {
            let _ = write!(
                out,
                "\n    body ({} bytes): {}",
                body.len(),
                cut(&String::from_utf8_lossy(body), 300)
            );
        }
        out
    }
}

fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}… ({} bytes in all)", &text[..i], text.len()),
        None => text.to_owned(),
    }
}

/// What the generator knows of the service: real ids, so that requests reach deep code too.
struct Vocabulary {
    rules: Vec<String>,
    etags: Vec<String>,
}

const CALENDARS: [&str; 9] = [
    "cn",
    "cn-xj",
    "cn-xj-kizilsu",
    "CN",
    "cn-xz",
    "",
    "..",
    "北京",
    "%FF%FE",
];
const ZONES: [&str; 8] = [
    "Asia/Shanghai",
    "Asia/Urumqi",
    "UTC",
    "Pacific/Kiritimati",
    "asia/shanghai",
    "Xinjiang/Time",
    "+08:00",
    "",
];
const FORMATS: [&str; 7] = ["json", "text", "csv", "ics", "xml", "JSON", ""];
const ACCEPTS: [&str; 18] = [
    "application/json",
    "text/csv",
    "text/plain",
    "text/calendar",
    "*/*",
    "application/*",
    "text/*;q=0",
    "application/json;q=0, text/csv;q=0",
    "image/png",
    "",
    ",,,;;;",
    "text/csv;q=abc",
    "*/*;q=0.0",
    "application/problem+json",
    "application/json;q=2, text/plain;q=-1",
    "text/csv; charset=utf-8; q=0.5, application/json; q=0.4",
    "*",
    "/",
];
const CONTENT_TYPES: [&str; 12] = [
    "application/json",
    "application/json; charset=utf-8",
    "application/json; charset=latin1",
    "text/csv",
    "text/csv; charset=utf-8",
    "TEXT/CSV",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/problem+json",
    "???",
    "",
];
const ENCODINGS: [&str; 6] = ["gzip", "deflate", "br", "zstd", "identity", "x-bogus"];
const METHODS: [&str; 10] = [
    "GET", "GET", "GET", "GET", "POST", "POST", "HEAD", "OPTIONS", "PUT", "DELETE",
];
const ODD_METHODS: [&str; 5] = ["PATCH", "TRACE", "PROPFIND", "get", "BREW"];
const PARAMS: [&str; 20] = [
    "calendar",
    "from",
    "to",
    "start",
    "days",
    "amount",
    "unit",
    "rule",
    "event",
    "timezone",
    "as_of",
    "explain",
    "strict",
    "format",
    "bom",
    "year",
    "from_year",
    "to_year",
    "callback",
    "",
];
const UNITS: [&str; 4] = ["working_days", "calendar_days", "weeks", ""];
const FLAGS: [&str; 8] = ["true", "false", "1", "0", "", "yes", "TRUE", "2"];
const BAD_ESCAPES: [&str; 10] = [
    "%",
    "%4",
    "%G1",
    "%zz",
    "%%",
    "%C3",
    "%FF%FE",
    "%E4%B8",
    "%ED%A0%80",
    "%00",
];
const UNICODE: [&str; 8] = [
    "国庆节",
    "２０２６-１０-０１",
    "\u{FEFF}2026-10-01",
    "2026\u{2010}10\u{2010}01",
    "ä",
    "🗓",
    "\u{202E}10-01",
    "\u{0}",
];

/// A date: mostly real and near the data, sometimes at or past the edges, sometimes not one.
fn date(rng: &mut Rng) -> String {
    match rng.below(10) {
        0 => (*rng.pick(&[
            "2026-02-30",
            "2026-13-01",
            "2026-00-10",
            "2024-02-29",
            "2025-02-29",
            "1999-12-31",
            "2101-01-01",
            "2000-01-01",
            "2100-12-31",
            "0000-01-01",
            "9999-12-31",
            "+2026-01-01",
            "2026-1-1",
            "20261001",
            "2026/10/01",
        ]))
        .to_owned(),
        1 => rng.pick(&UNICODE).to_string(),
        _ => format!(
            "{:04}-{:02}-{:02}",
            rng.range(1995, 2105),
            rng.range(1, 12),
            rng.range(1, 28)
        ),
    }
}

/// An event: a date, a local date-time or an instant, and their broken cousins.
fn event(rng: &mut Rng) -> String {
    let d = date(rng);
    match rng.below(8) {
        0 => format!("{d}T{:02}:{:02}", rng.range(0, 25), rng.range(0, 61)),
        1 => format!("{d}T{:02}:30:00+08:00", rng.range(0, 24)),
        2 => format!("{d}T23:59:60Z"),
        3 => format!("{d} 18:00:00.123456789"),
        4 => format!(
            "{d}T01:30:00{}",
            rng.pick(&["+14:00", "-12:00", "+24:00", "Z", "z"])
        ),
        5 => (*rng.pick(&[
            "yesterday",
            "",
            "2026-09-30T",
            "T18:00",
            "2026-09-30TT18:00",
        ]))
        .to_owned(),
        _ => d,
    }
}

/// An integer, of any size: small ones the routes take, huge ones, and ones that are not.
fn integer(rng: &mut Rng) -> String {
    match rng.below(8) {
        0 => (*rng.pick(&[
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "-9223372036854775809",
            "99999999999999999999999999999",
            "4294967296",
            "2147483648",
            "1e3",
            "7.0",
            "0x10",
            "+5",
            " 5",
            "٥",
            "NaN",
        ]))
        .to_owned(),
        1 => rng.range(-1_000_000, 1_000_000).to_string(),
        _ => rng.range(-40, 400).to_string(),
    }
}

/// A value for `name`, usually of the right kind.
fn value_for(rng: &mut Rng, name: &str, vocabulary: &Vocabulary) -> String {
    if rng.one_in(12) {
        return junk(rng);
    }
    match name {
        "calendar" => rng.pick(&CALENDARS).to_string(),
        "from" | "to" | "start" => date(rng),
        "days" | "amount" => integer(rng),
        "year" | "from_year" | "to_year" => match rng.below(3) {
            0 => integer(rng),
            _ => rng.range(1995, 2105).to_string(),
        },
        "unit" => rng.pick(&UNITS).to_string(),
        "rule" => rng.pick(&vocabulary.rules).clone(),
        "event" | "as_of" => event(rng),
        "timezone" => rng.pick(&ZONES).to_string(),
        "explain" | "strict" | "bom" => rng.pick(&FLAGS).to_string(),
        "format" => rng.pick(&FORMATS).to_string(),
        _ => junk(rng),
    }
}

/// A value for `name` that a careful caller sends: on the calendar, in range, of the kind.
fn polite_value(rng: &mut Rng, name: &str, vocabulary: &Vocabulary) -> String {
    let day = |rng: &mut Rng| {
        format!(
            "{:04}-{:02}-{:02}",
            rng.range(2000, 2100),
            rng.range(1, 12),
            rng.range(1, 28)
        )
    };
    match name {
        "calendar" => rng.pick(&CALENDARS[..3]).to_string(),
        "from" | "start" => day(rng),
        "to" => format!(
            "{:04}-{:02}-{:02}",
            rng.range(2000, 2100),
            rng.range(1, 12),
            rng.range(1, 28)
        ),
        "days" | "amount" => rng.range(0, 30).to_string(),
        "year" | "from_year" | "to_year" => rng.range(2005, 2030).to_string(),
        "unit" => rng.pick(&UNITS[..2]).to_string(),
        "rule" => rng
            .pick(&vocabulary.rules[..vocabulary.rules.len() - 1])
            .clone(),
        "event" | "as_of" => match rng.below(3) {
            0 => format!("{}T{:02}:30:00+08:00", day(rng), rng.range(0, 23)),
            1 => format!("{}T{:02}:00", day(rng), rng.range(0, 23)),
            _ => day(rng),
        },
        "timezone" => rng.pick(&ZONES[..4]).to_string(),
        "explain" | "strict" | "bom" => rng.pick(&FLAGS[..4]).to_string(),
        "format" => rng.pick(&FORMATS[..4]).to_string(),
        _ => String::new(),
    }
}

/// Anything: unicode, NUL, separators, escapes, and now and then a long run of it.
fn junk(rng: &mut Rng) -> String {
    let mut out = String::new();
    for _ in 0..rng.range(0, 6) {
        match rng.below(6) {
            0 => out.push_str(rng.pick_str(&UNICODE)),
            1 => out.push_str(rng.pick_str(&BAD_ESCAPES)),
            2 => out.push(*rng.pick(&['&', '=', '+', ';', '"', '\\', '\'', '<', '{', '\t', '/'])),
            3 => out.push(char::from_u32(rng.range(0, 0x10FFFF) as u32).unwrap_or('\u{FFFD}')),
            _ => out.push_str(&integer(rng)),
        }
    }
    if rng.one_in(20) {
        out = out.repeat(rng.range(10, 400) as usize);
    }
    out
}

/// Percent-encodes every byte that is not unreserved, as a careful client does.
fn encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Writes `text` into a URL as a careless caller does: as it is, with the client's own
/// minimal escaping; `#` would start a fragment and cut the query, so it is escaped.
fn careless(text: &str) -> String {
    text.replace('#', "%23")
}

/// The names and values of a query: a polite caller gives what the route wants, once, well
/// encoded; a hostile one adds names, repeats them, breaks escapes and runs past the limit.
fn query(rng: &mut Rng, vocabulary: &Vocabulary, wanted: &[&str], polite: bool) -> String {
    let mut names: Vec<&str> = wanted
        .iter()
        .copied()
        .filter(|name| match *name {
            "format" | "bom" | "as_of" | "timezone" => rng.one_in(5),
            _ if polite => !rng.one_in(10),
            _ => !rng.one_in(4),
        })
        .collect();
    if !polite {
        for _ in 0..rng.range(0, 2) {
            names.push(*rng.pick(&PARAMS));
        }
        if rng.one_in(10) && !names.is_empty() {
            // The same name twice.
            let again = *rng.pick(&names);
            names.push(again);
        }
    }
    let careful = polite || rng.below(3) != 0;
    let mut pairs = Vec::new();
    let mut from: Option<chrono::NaiveDate> = None;
    for name in names {
        let value = match (polite, name, from) {
            // A polite range runs forward, and not past the longest one listed.
            (true, "to", Some(from)) => {
                (from + chrono::Days::new(rng.range(0, 400) as u64)).to_string()
            }
            (true, _, _) => polite_value(rng, name, vocabulary),
            (false, _, _) => value_for(rng, name, vocabulary),
        };
        if name == "from" {
            from = value.parse::<chrono::NaiveDate>().ok();
        }
        let pair = match (polite, careful, rng.below(12)) {
            (false, _, 0) => name.to_owned(),
            (false, _, 1) => format!("{name}={}{}", careless(&value), rng.pick(&BAD_ESCAPES)),
            (_, true, _) => format!("{}={}", encode(name), encode(&value)),
            (_, false, _) => format!("{name}={}", careless(&value)),
        };
        pairs.push(pair);
    }
    if polite {
        return pairs.join("&");
    }
    let mut query = pairs.join(*rng.pick(&["&", "&", "&", "&&", ";"]));
    match rng.below(25) {
        // Near the limit and past it: the longest query taken, one byte more, far more.
        0 => pad_query(&mut query, MAX_QUERY),
        1 => pad_query(&mut query, MAX_QUERY + 1),
        2 => pad_query(&mut query, MAX_QUERY + rng.range(2, 8 * 1024) as usize),
        _ => {}
    }
    query
}

/// Lengthens `query` to exactly `len` bytes with one long, plain parameter.
fn pad_query(query: &mut String, len: usize) {
    let prefix = if query.is_empty() { "pad=" } else { "&pad=" };
    let room = len.saturating_sub(query.len() + prefix.len());
    query.push_str(prefix);
    query.push_str(&"x".repeat(room));
}

/// A path under one of the routes, its parameters, and the body kind it takes.
fn target(rng: &mut Rng, vocabulary: &Vocabulary) -> (String, Vec<&'static str>, Option<BodyKind>) {
    let id = |rng: &mut Rng| match rng.below(6) {
        0 => encode(&junk(rng)),
        1 => "x".repeat(rng.range(100, 3_000) as usize),
        _ => rng.pick(&CALENDARS).to_string(),
    };
    match rng.below(18) {
        0 => ("/healthz".into(), vec![], None),
        1 => ("/readyz".into(), vec![], None),
        2 => ("/metrics".into(), vec![], None),
        3 => ("/openapi.yaml".into(), vec![], None),
        4 => ("/v1/calendars".into(), vec![], None),
        5 => (format!("/v1/calendars/{}", id(rng)), vec![], None),
        6 => (
            format!("/v1/calendars/{}/days", id(rng)),
            vec!["year", "format", "bom"],
            None,
        ),
        7 => (
            format!("/v1/calendars/{}/holidays.ics", id(rng)),
            vec!["from_year", "to_year"],
            None,
        ),
        8 => (
            "/v1/days".into(),
            vec!["from", "to", "calendar", "strict", "format", "bom"],
            None,
        ),
        9 => {
            let day = match rng.below(4) {
                0 => encode(&junk(rng)),
                _ => encode(&date(rng)),
            };
            (
                format!("/v1/days/{day}"),
                vec!["calendar", "strict", "format"],
                None,
            )
        }
        10 => (
            "/v1/workdays/add".into(),
            vec!["start", "days", "calendar", "strict", "format"],
            None,
        ),
        11 => (
            "/v1/workdays/count".into(),
            vec!["from", "to", "calendar", "strict", "format"],
            None,
        ),
        12 => ("/v1/rules".into(), vec![], None),
        13 => {
            let rule = match rng.below(3) {
                0 => encode(&junk(rng)),
                _ => rng.pick(&vocabulary.rules).clone(),
            };
            (format!("/v1/rules/{rule}"), vec![], None)
        }
        14 => (
            "/v1/deadlines".into(),
            vec![
                "rule", "event", "calendar", "timezone", "days", "unit", "amount", "as_of",
                "explain", "strict", "format",
            ],
            Some(BodyKind::Deadline),
        ),
        15 => (
            "/v1/deadlines/batch".into(),
            vec!["format", "bom"],
            Some(BodyKind::Batch),
        ),
        16 => ("/v1/admin/reload".into(), vec![], Some(BodyKind::Deadline)),
        _ => {
            // Anywhere under /v1/: unknown routes, known ones with a twist, dot segments.
            let mut path = String::from("/v1");
            for _ in 0..rng.range(0, 4) {
                let segment = match rng.below(6) {
                    0 => encode(&junk(rng)),
                    1 => rng
                        .pick(&["..", ".", "%2e%2e", "%2F", "", "//"])
                        .to_string(),
                    2 => careless(&junk(rng)).replace(['?', '/'], ""),
                    _ => rng
                        .pick(&[
                            "days",
                            "calendars",
                            "deadlines",
                            "batch",
                            "DAYS",
                            "rules",
                            "admin",
                        ])
                        .to_string(),
                };
                path.push('/');
                path.push_str(&segment);
            }
            (path, vec!["format"], Some(BodyKind::Deadline))
        }
    }
}

#[derive(Clone, Copy)]
enum BodyKind {
    Deadline,
    Batch,
}

/// A deadline request as JSON: mostly the right fields, some of the wrong type or unknown.
fn deadline_value(rng: &mut Rng, vocabulary: &Vocabulary, polite: bool) -> Value {
    if polite {
        let mut object = serde_json::Map::new();
        object.insert(
            "event".into(),
            json!(polite_value(rng, "event", vocabulary)),
        );
        match rng.below(3) {
            0 => {
                object.insert("unit".into(), json!(polite_value(rng, "unit", vocabulary)));
                object.insert("days".into(), json!(rng.range(0, 30)));
            }
            _ => {
                object.insert("rule".into(), json!(polite_value(rng, "rule", vocabulary)));
            }
        }
        for name in ["calendar", "timezone", "as_of", "explain", "strict"] {
            if rng.one_in(3) {
                let value = match name {
                    "explain" | "strict" => json!(rng.one_in(2)),
                    _ => json!(polite_value(rng, name, vocabulary)),
                };
                object.insert(name.into(), value);
            }
        }
        return Value::Object(object);
    }
    let mut object = serde_json::Map::new();
    for name in [
        "rule", "event", "calendar", "timezone", "days", "unit", "amount", "as_of", "explain",
        "strict",
    ] {
        if rng.below(3) == 0 {
            continue;
        }
        let value = match (name, rng.below(10)) {
            (_, 0) => rng
                .pick(&[
                    json!(null),
                    json!(7),
                    json!(7.5),
                    json!(-0.0),
                    json!(1e300),
                    json!([]),
                    json!({}),
                    json!(true),
                    json!(""),
                ])
                .clone(),
            ("days" | "amount", 1) => json!(integer(rng)),
            ("days" | "amount", _) => match rng.below(3) {
                0 => json!(rng.range(-40, 400) as f64),
                _ => json!(rng.range(-40, 400)),
            },
            ("explain" | "strict", _) => json!(rng.one_in(2)),
            _ => json!(value_for(rng, name, vocabulary)),
        };
        object.insert(name.to_owned(), value);
    }
    if rng.one_in(10) {
        object.insert(junk(rng), json!(junk(rng)));
    }
    Value::Object(object)
}

/// A CSV batch: a header of request fields (some unknown, repeated or oddly quoted), then
/// rows with odd quoting, too many fields, bare carriage returns.
fn csv_body(rng: &mut Rng, vocabulary: &Vocabulary, polite: bool) -> Vec<u8> {
    if polite {
        let columns: &[&str] = match rng.below(3) {
            0 => &["event", "unit", "days", "calendar"],
            _ => &["rule", "event", "calendar", "explain"],
        };
        let mut out = columns.join(",");
        for _ in 0..rng.range(0, 20) {
            let cells: Vec<String> = columns
                .iter()
                .map(|c| polite_value(rng, c, vocabulary))
                .collect();
            out.push_str("\r\n");
            out.push_str(&cells.join(","));
        }
        return out.into_bytes();
    }
    let fields = [
        "rule", "event", "calendar", "timezone", "days", "unit", "amount", "as_of", "explain",
        "strict",
    ];
    let mut columns: Vec<String> = fields
        .iter()
        .filter(|_| rng.below(2) == 0)
        .map(|f| f.to_string())
        .collect();
    if rng.one_in(8) {
        columns.push(
            rng.pick(&["nonsense", "event", " days ", "\"rule\"", "\"unclosed"])
                .to_string(),
        );
    }
    let mut out = String::new();
    if rng.one_in(6) {
        out.push('\u{FEFF}');
    }
    out.push_str(&columns.join(","));
    for _ in 0..rng.range(0, 12) {
        out.push_str(rng.pick_str(&["\n", "\r\n", "\r"]));
        let cells: Vec<String> = columns
            .iter()
            .map(|c| {
                let v = value_for(rng, c.trim().trim_matches('"'), vocabulary);
                match rng.below(8) {
                    0 => format!("\"{}\"", v.replace('"', "\"\"")),
                    1 => format!("\"{v}"),
                    2 => format!("a\"b{v}"),
                    3 => String::new(),
                    _ => v.replace([',', '\n', '\r', '"'], ""),
                }
            })
            .collect();
        out.push_str(&cells.join(","));
        if rng.one_in(8) {
            out.push_str(",extra,fields");
        }
    }
    let mut bytes = out.into_bytes();
    if rng.one_in(12) {
        bytes.push(0xFF);
    }
    bytes
}

/// A body for `kind`, or any other: well-formed, truncated, the wrong shape, not UTF-8.
fn body(
    rng: &mut Rng,
    kind: Option<BodyKind>,
    vocabulary: &Vocabulary,
    csv: bool,
    polite: bool,
) -> Vec<u8> {
    if csv && rng.below(4) != 0 {
        return csv_body(rng, vocabulary, polite);
    }
    if polite {
        let value = match kind {
            Some(BodyKind::Batch) => {
                let items: Vec<Value> = (0..rng.range(0, 20))
                    .map(|_| deadline_value(rng, vocabulary, true))
                    .collect();
                json!({ "items": items })
            }
            _ => deadline_value(rng, vocabulary, true),
        };
        return serde_json::to_vec(&value).expect("a value serialises");
    }
    let value = match (kind, rng.below(10)) {
        (Some(BodyKind::Batch), 0..=6) => {
            let items: Vec<Value> = (0..rng.range(0, 8))
                .map(|_| match rng.below(6) {
                    0 => json!(junk(rng)),
                    _ => {
                        let polite = rng.one_in(2);
                        deadline_value(rng, vocabulary, polite)
                    }
                })
                .collect();
            match rng.below(8) {
                0 => json!({"items": items, "extra": 1}),
                1 => json!({"items": {"0": items}}),
                2 => json!(items),
                _ => json!({ "items": items }),
            }
        }
        (_, 0..=6) => deadline_value(rng, vocabulary, false),
        _ => rng
            .pick(&[
                json!(null),
                json!([]),
                json!("2026-10-01"),
                json!(42),
                json!({"items": null}),
            ])
            .clone(),
    };
    let mut bytes = serde_json::to_vec(&value).expect("a value serialises");
    match rng.below(12) {
        0 => bytes.truncate(rng.below(bytes.len() + 1)),
        1 => {
            let at = rng.below(bytes.len() + 1);
            bytes.insert(
                at,
                *rng.pick(&[b'"', b'{', b']', b',', b'\\', 0x00, 0xC3, 0xFF]),
            );
        }
        2 => bytes = [*rng.pick(&[&b"\xEF\xBB\xBF"[..], b"  \n", b"\x00"]), &bytes].concat(),
        3 => {
            // Deep nesting, past serde_json's recursion limit.
            let depth = rng.range(100, 5_000) as usize;
            bytes = [b"[".repeat(depth), bytes, b"]".repeat(depth)].concat();
        }
        4 => bytes = br#"{"event": "2026-09-30", "event": "2026-10-01", "days": 5}"#.to_vec(),
        _ => {}
    }
    bytes
}

/// A body near the limit (just under it) or over it, made cheaply: a JSON request with a
/// huge event, a CSV batch of many rows, or a JSON batch of many items.
fn big_body(rng: &mut Rng, over: bool) -> Vec<u8> {
    let len = if over {
        MAX_BODY + 1 + rng.below(MAX_BODY)
    } else {
        MAX_BODY - 64 - rng.below(4096)
    };
    let (head, filler, tail): (&[u8], &[u8], &[u8]) = match rng.below(3) {
        0 => (br#"{"event": ""#, b"x", br#""}"#),
        1 => (b"event,days\n", b"2026-10-01,5\n", b""),
        _ => (br#"{"items": ["#, b"{},", b"{}]}"),
    };
    let mut body = head.to_vec();
    while body.len() + filler.len() + tail.len() <= len {
        body.extend_from_slice(filler);
    }
    body.extend_from_slice(tail);
    body
}

fn header(name: &'static str, value: &[u8]) -> (HeaderName, HeaderValue) {
    (
        HeaderName::from_static(name),
        HeaderValue::from_bytes(value).expect("no control characters in a generated header"),
    )
}

/// The `n`th request of the run seeded with `seed`.
fn generate(seed: u64, n: usize, vocabulary: &Vocabulary) -> Hostile {
    let mut rng = Rng::new(seed ^ (n as u64).wrapping_mul(0xD6E8_FEB8_6659_FD93));
    let (path, wanted, kind) = target(&mut rng, vocabulary);
    // Two in five requests are polite, so that deep code is reached, not only the checks.
    let polite = rng.below(5) < 2;
    // Mostly a method the route serves, so that requests get past the router; else any.
    let method = match (rng.below(20), kind) {
        (0, _) => Method::from_bytes(rng.pick(&ODD_METHODS).as_bytes()).expect("a method token"),
        (1..=4, _) => Method::from_bytes(rng.pick(&METHODS).as_bytes()).expect("a method token"),
        (5..=14, Some(_)) => Method::POST,
        (5, None) => Method::HEAD,
        _ => Method::GET,
    };
    let query = match rng.below(8) {
        0 => String::new(),
        _ => query(&mut rng, vocabulary, &wanted, polite),
    };
    let target = match (query.is_empty(), rng.one_in(30)) {
        (true, true) => format!("{path}?"),
        (true, false) => path,
        (false, _) => format!("{path}?{query}"),
    };
    let mut headers = Vec::new();
    if rng.below(3) == 0 {
        let accept = match rng.below(10) {
            _ if polite => rng.pick(&ACCEPTS[..5]).to_string(),
            0 => junk(&mut rng).replace(|c: char| c.is_control(), ""),
            _ => rng.pick(&ACCEPTS).to_string(),
        };
        headers.push(header("accept", accept.as_bytes()));
    }
    if !polite && rng.one_in(25) {
        // Bytes that are no UTF-8: the header is there but cannot be read as text.
        headers.push(header("accept", b"text/csv\xFF\xFE"));
    }
    let wants_body = method == Method::POST || rng.one_in(10);
    let mut csv = false;
    if wants_body && polite {
        csv = matches!(kind, Some(BodyKind::Batch)) && rng.one_in(3);
        let content_type = if csv { "text/csv" } else { "application/json" };
        headers.push(header("content-type", content_type.as_bytes()));
    } else if wants_body && !rng.one_in(10) {
        let content_type = rng.pick(&CONTENT_TYPES);
        csv =
            content_type.eq_ignore_ascii_case("text/csv") || content_type.starts_with("text/csv;");
        headers.push(header("content-type", content_type.as_bytes()));
    }
    if wants_body && !polite && rng.one_in(8) {
        // A body that says it is compressed and is not.
        headers.push(header("content-encoding", rng.pick(&ENCODINGS).as_bytes()));
    }
    if rng.one_in(6) {
        headers.push(header(
            "origin",
            rng.pick(&["https://addin.example.com", "null", "file://", "*"])
                .as_bytes(),
        ));
        if method == Method::OPTIONS || rng.one_in(4) {
            headers.push(header(
                "access-control-request-method",
                rng.pick(&["GET", "POST", "DELETE", "PUT", "get", "BREW"])
                    .as_bytes(),
            ));
        }
        if rng.one_in(3) {
            headers.push(header(
                "access-control-request-headers",
                rng.pick(&[
                    "content-type",
                    "x-request-id",
                    "authorization",
                    "x-evil, content-type",
                ])
                .as_bytes(),
            ));
        }
    }
    if rng.one_in(10) {
        let etag = match rng.below(3) {
            0 => "*".to_owned(),
            1 => junk(&mut rng).replace(|c: char| c.is_control(), ""),
            _ => rng.pick(&vocabulary.etags).clone(),
        };
        headers.push(header("if-none-match", etag.as_bytes()));
    }
    if rng.one_in(8) {
        let id = match rng.below(3) {
            0 => "x".repeat(rng.range(100, 300) as usize),
            1 => junk(&mut rng).replace(|c: char| c.is_control(), ""),
            _ => "trace-me-1".to_owned(),
        };
        headers.push(header("x-request-id", id.as_bytes()));
    }
    if target.starts_with("/v1/admin") || rng.one_in(30) {
        let token = match rng.below(4) {
            0 => format!("Bearer {ADMIN_TOKEN}"),
            1 => format!("bearer {ADMIN_TOKEN}"),
            2 => format!("Bearer {ADMIN_TOKEN}x"),
            _ => junk(&mut rng).replace(|c: char| c.is_control(), ""),
        };
        headers.push(header("authorization", token.as_bytes()));
    }
    // Bodies near the limit are slow to make and to read: a few of each, no more, posted
    // where a body is read.
    let (body, over_limit) = match (wants_body, n % 1_000) {
        (_, 500) => (Some(big_body(&mut rng, false)), false),
        (_, 750) => (Some(big_body(&mut rng, true)), true),
        (true, _) => (Some(body(&mut rng, kind, vocabulary, csv, polite)), false),
        (false, _) => (None, false),
    };
    let (method, target) = match n % 1_000 {
        500 | 750 => {
            let path = *rng.pick(&["/v1/deadlines", "/v1/deadlines/batch"]);
            let content_type = match body.as_deref().and_then(|b| b.first()) {
                Some(b'e') => "text/csv",
                _ => "application/json",
            };
            headers.retain(|(name, _)| name != header::CONTENT_TYPE);
            headers.push(header("content-type", content_type.as_bytes()));
            (Method::POST, path.to_owned())
        }
        _ => (method, target),
    };
    Hostile {
        index: n,
        method,
        target,
        headers,
        body,
        over_limit,
    }
}

/// What came back, enough to judge it.
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

/// Why `answer` breaks the house rule, if it does.
fn judge(request: &Hostile, answer: &Answer) -> Result<(), String> {
    let status = answer.status;
    if status.is_server_error() {
        return Err(format!("a {status} answer"));
    }
    if !status.is_client_error() {
        return Ok(());
    }
    // Exception: a CORS preflight (OPTIONS with Origin and Access-Control-Request-Method)
    // that the CORS layer refuses (a method or header it does not allow) is answered by that
    // layer itself, in front of the application, as a 400 with a plain-text body and no
    // content type. Browsers read only the status and the Access-Control-* headers of a
    // preflight, never its body, so this one 4xx is not a problem document.
    let preflight = request.method == Method::OPTIONS
        && request.headers.iter().any(|(n, _)| n == header::ORIGIN)
        && request
            .headers
            .iter()
            .any(|(n, _)| n == header::ACCESS_CONTROL_REQUEST_METHOD);
    if preflight && status == StatusCode::BAD_REQUEST {
        return Ok(());
    }
    let content_type = answer
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if content_type != "application/problem+json" {
        return Err(format!(
            "a {status} answer of content type {content_type:?}, not application/problem+json"
        ));
    }
    // A HEAD answer has the headers of the GET answer and no body to read.
    if request.method == Method::HEAD {
        return Ok(());
    }
    let problem: Value = serde_json::from_slice(&answer.body).map_err(|e| {
        format!(
            "a {status} problem that is not JSON ({e}): {}",
            cut(&String::from_utf8_lossy(&answer.body), 300)
        )
    })?;
    let detail = problem["detail"].as_str().unwrap_or("");
    if detail.trim().is_empty() {
        return Err(format!("a {status} problem without a detail: {problem}"));
    }
    if problem["status"] != status.as_u16() {
        return Err(format!(
            "a {status} answer whose problem says status {}",
            problem["status"]
        ));
    }
    Ok(())
}

/// Sends `request`; `Err` is a broken rule, `Ok(None)` a connection cut that is allowed.
async fn send(app: &TestApp, request: &Hostile) -> Result<Option<Answer>, String> {
    let mut builder = app
        .client
        .request(
            request.method.clone(),
            format!("{}{}", app.address, request.target),
        )
        .timeout(Duration::from_secs(20));
    for (name, value) in &request.headers {
        builder = builder.header(name.clone(), value.clone());
    }
    if let Some(body) = &request.body {
        builder = builder.body(body.clone());
    }
    match builder.send().await {
        Ok(response) => {
            let status = response.status();
            let headers = response.headers().clone();
            let body = response
                .bytes()
                .await
                .map_err(|e| format!("the {status} answer's body could not be read: {e}"))?
                .to_vec();
            Ok(Some(Answer {
                status,
                headers,
                body,
            }))
        }
        // The server may refuse a body over the limit as soon as it sees Content-Length,
        // answer 413 and close: the client, still sending, may see the cut first.
        Err(e) if request.over_limit && !e.is_timeout() => Ok(None),
        Err(e) => Err(format!("no answer: {e:?}")),
    }
}

/// The requests reqwest cannot make: broken request lines, bad header syntax, wrong lengths.
fn raw_request(rng: &mut Rng) -> Vec<u8> {
    let line = match rng.below(12) {
        0 => "GET /v1/days/2026-10-01 HTTP/1.0".to_owned(),
        1 => "GET /v1/days/\u{FF}\u{FE} HTTP/1.1".to_owned(),
        2 => format!(
            "GET /v1/days?from={} HTTP/1.1",
            "%".repeat(rng.range(1, 50) as usize)
        ),
        3 => "GET  /healthz  HTTP/1.1".to_owned(),
        4 => "GET /healthz HTTP/9.9".to_owned(),
        5 => "GET healthz HTTP/1.1".to_owned(),
        6 => "GET http://other.example/v1/rules HTTP/1.1".to_owned(),
        7 => "G\u{0}T /healthz HTTP/1.1".to_owned(),
        8 => "POST /v1/deadlines HTTP/1.1".to_owned(),
        9 => "GET /v1/deadlines?event=2026-09-30&rule=%E4%B8 HTTP/1.1".to_owned(),
        10 => "GET /v1/days/2026-10-01?format=text#frag HTTP/1.1".to_owned(),
        _ => format!(
            "GET /v1/{} HTTP/1.1",
            "a/".repeat(rng.range(1, 2_000) as usize)
        ),
    };
    let mut head = line.into_bytes();
    head.extend_from_slice(b"\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    match rng.below(8) {
        0 => head.extend_from_slice(b"Content-Length: 5\r\nContent-Length: 7\r\n"),
        1 => head.extend_from_slice(b"Content-Length: -1\r\n"),
        2 => head.extend_from_slice(b"Content-Length: 99999999999999999999\r\n"),
        3 => head.extend_from_slice(b"Transfer-Encoding: chunked\r\nContent-Length: 3\r\n"),
        4 => head.extend_from_slice(b"Header without colon\r\n"),
        5 => head.extend_from_slice(b"Accept: \xFF\xFE\r\nContent-Type: application/json\r\n"),
        6 => head.extend_from_slice(
            format!(
                "X-Long: {}\r\n",
                "x".repeat(rng.range(1_000, 40_000) as usize)
            )
            .as_bytes(),
        ),
        _ => head
            .extend_from_slice(b"Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n"),
    }
    head.extend_from_slice(b"\r\n");
    match rng.below(4) {
        0 => head.extend_from_slice(b"zz\r\n{\"event\"\r\n0\r\n\r\n"),
        1 => head.extend_from_slice(b"5\r\n{\"eve\r\n0\r\n\r\n"),
        2 => head.extend_from_slice(b"{\"event\": \"2026-09-30\", \"days\": 3}"),
        _ => {}
    }
    head
}

/// Sends raw bytes and reads the status, if any: a protocol error may be answered by the
/// HTTP layer itself (before any application code runs, so not with a problem document) or
/// by closing the connection.
async fn send_raw(app: &TestApp, bytes: &[u8]) -> Result<Option<u16>, String> {
    let address = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address)
        .await
        .map_err(|e| format!("cannot connect: {e}"))?;
    // The server may stop reading and close early; a failed write is an answer too.
    let _ = stream.write_all(bytes).await;
    let _ = stream.shutdown().await;
    let mut answer = Vec::new();
    // A read error (the connection reset) is an answer too: the server stayed up.
    let read = stream.read_to_end(&mut answer);
    if tokio::time::timeout(Duration::from_secs(10), read)
        .await
        .is_err()
    {
        return Err("no answer in 10 s".to_owned());
    }
    let status = answer
        .strip_prefix(b"HTTP/1.1 ")
        .or_else(|| answer.strip_prefix(b"HTTP/1.0 "))
        .and_then(|rest| std::str::from_utf8(rest.get(..3)?).ok())
        .and_then(|code| code.parse().ok());
    Ok(status)
}

async fn vocabulary(app: &TestApp) -> Vocabulary {
    let rules: Value = app
        .get("/v1/rules")
        .await
        .json()
        .await
        .expect("the rules are JSON");
    let mut rules: Vec<String> = rules["sets"]
        .as_array()
        .expect("the rule sets are a list")
        .iter()
        .flat_map(|s| s["rules"].as_array().expect("a set's rules are a list"))
        .filter_map(|r| r["id"].as_str().map(str::to_owned))
        .collect();
    assert!(!rules.is_empty(), "the service knows some rules");
    rules.push("no-such-rule".to_owned());
    let mut etags = Vec::new();
    for path in [
        "/v1/rules",
        "/v1/calendars",
        "/v1/days/2026-10-01",
        "/v1/workdays/add?start=2026-09-30&days=5",
    ] {
        let response = app.get(path).await;
        if let Some(tag) = response
            .headers()
            .get(header::ETAG)
            .and_then(|v| v.to_str().ok())
        {
            etags.push(tag.to_owned());
        }
    }
    etags.push("\"stale\"".to_owned());
    Vocabulary { rules, etags }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousands_of_random_and_malformed_requests_get_no_5xx_and_only_problem_documents() {
    // Arrange
    let seed = std::env::var("HOSTILE_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(SEED);
    let app = Arc::new(spawn_app_with(&[("QIXIAN_ADMIN_TOKEN", ADMIN_TOKEN)]).await);
    let vocabulary = Arc::new(vocabulary(&app).await);
    let started = Instant::now();

    // Act: CONCURRENCY workers, each taking every CONCURRENCY-th request.
    let mut workers = Vec::new();
    for worker in 0..CONCURRENCY {
        let (app, vocabulary) = (app.clone(), vocabulary.clone());
        workers.push(tokio::spawn(async move {
            let mut failures = Vec::new();
            let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
            for n in (worker..REQUESTS).step_by(CONCURRENCY) {
                let request = generate(seed, n, &vocabulary);
                let (mut status, mut said) = (0, String::new());
                let verdict = match send(&app, &request).await {
                    Ok(Some(answer)) => {
                        status = answer.status.as_u16();
                        said = cut(&String::from_utf8_lossy(&answer.body), 160);
                        *statuses.entry(status).or_default() += 1;
                        judge(&request, &answer)
                    }
                    Ok(None) => Ok(()),
                    Err(e) => Err(e),
                };
                if std::env::var_os("HOSTILE_VERBOSE").is_some() {
                    eprintln!("{status} {verdict:?} {}\n  => {said}", request.describe());
                }
                if let Err(why) = verdict {
                    failures.push(format!("{why}\n  for {}", request.describe()));
                }
            }
            (failures, statuses)
        }));
    }
    let mut failures = Vec::new();
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    for worker in workers {
        let (f, s) = worker.await.expect("a worker finishes");
        failures.extend(f);
        for (status, count) in s {
            *statuses.entry(status).or_default() += count;
        }
    }
    let mut rng = Rng::new(seed.rotate_left(17));
    for n in 0..RAW_REQUESTS {
        let bytes = raw_request(&mut rng);
        let answer = send_raw(&app, &bytes).await;
        if std::env::var_os("HOSTILE_VERBOSE").is_some() {
            eprintln!(
                "raw {answer:?} {}",
                cut(&String::from_utf8_lossy(&bytes), 200)
            );
        }
        match answer {
            Ok(Some(status)) if status >= 500 => failures.push(format!(
                "a {status} answer\n  for raw request #{n}: {}",
                cut(&String::from_utf8_lossy(&bytes), 300)
            )),
            Ok(_) => {}
            Err(e) => failures.push(format!(
                "{e}\n  for raw request #{n}: {}",
                cut(&String::from_utf8_lossy(&bytes), 300)
            )),
        }
    }
    let elapsed = started.elapsed();
    eprintln!(
        "hostile: seed {seed:#x}: {REQUESTS} requests and {RAW_REQUESTS} raw ones in {elapsed:.1?}; statuses {statuses:?}"
    );

    // Assert
    assert!(
        failures.is_empty(),
        "{} of {REQUESTS} requests broke the house rule (seed {seed:#x}); the first ones:\n{}",
        failures.len(),
        failures
            .iter()
            .take(12)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    let health = app.healthz().await;
    assert_eq!(
        health.status(),
        StatusCode::OK,
        "the server still answers /healthz after the hostile requests"
    );
    let spread = statuses.keys().filter(|s| **s >= 400).count();
    assert!(
        spread >= 6 && statuses.get(&200).is_some_and(|n| *n >= REQUESTS / 10),
        "the requests reach both answers and many kinds of refusal, got {statuses:?}"
    );
}

#[tokio::test]
async fn an_operator_file_for_the_least_i32_year_is_refused_on_reload_not_a_500() {
    // Arrange: the directory is empty at start-up; the file arrives before a reload.
    let dir = tempfile::tempdir().expect("a temporary directory");
    let app = spawn_app_with(&[
        (
            "QIXIAN_HOLIDAYS_DIR",
            dir.path().to_str().expect("a UTF-8 path"),
        ),
        ("QIXIAN_ADMIN_TOKEN", ADMIN_TOKEN),
    ])
    .await;
    std::fs::create_dir_all(dir.path().join("cn")).expect("cn/ is made");
    std::fs::write(
        dir.path().join("cn/-2147483648.json"),
        r#"{"year": -2147483648, "days": [{"name": "x", "date": "2026-01-01", "isOffDay": true}]}"#,
    )
    .expect("the file is written");

    // Act
    let response = app
        .client
        .post(format!("{}/v1/admin/reload", app.address))
        .header(header::AUTHORIZATION, format!("Bearer {ADMIN_TOKEN}"))
        .send()
        .await
        .expect("the reload is answered");
    let status = response.status();
    let body = response.text().await.unwrap_or_default();

    // Assert
    assert_eq!(
        status,
        StatusCode::OK,
        "the reload succeeds and reports the file refused, got {status}: {body}"
    );
    let answer: Value = serde_json::from_str(&body).expect("the reload answers JSON");
    let refused = answer["operator"]["refused"]
        .as_array()
        .expect("the reload lists the refused files");
    assert!(
        refused
            .iter()
            .any(|r| r.as_str().is_some_and(|r| r.contains("-2147483648.json"))),
        "the reload names the refused file, got {answer}"
    );
}

//! openapi.yaml against the code: every route of the route table and nothing else, each with
//! the query parameters the table gives it (names, whether required, what they hold), and
//! answers whose JSON fields are all described. The parameter check is a function of the
//! table, so a copy of the table with a parameter added shows that it fails.

use std::collections::BTreeSet;

use qixian::http::render::Format;
use qixian::http::routes::{self, Endpoint, Kind, Param, Query};
use serde_json::Value;

use crate::helpers::spawn_app_with;

pub(crate) fn spec() -> Value {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.yaml"))
        .expect("openapi.yaml is readable");
    yaml_serde::from_str(&text).expect("openapi.yaml is YAML")
}

/// `value` with its `$ref` followed (repeatedly).
pub(crate) fn resolve<'a>(spec: &'a Value, mut value: &'a Value) -> &'a Value {
    while let Some(reference) = value.get("$ref").and_then(Value::as_str) {
        let pointer = reference
            .strip_prefix('#')
            .expect("only local references are used");
        value = spec
            .pointer(pointer)
            .unwrap_or_else(|| panic!("{reference} resolves"));
    }
    value
}

/// A query parameter as the description states it.
#[derive(Debug)]
struct Described<'a> {
    name: String,
    required: bool,
    schema: &'a Value,
}

/// The query parameters of one operation, with form-exploded objects (`DeadlineQuery`,
/// `YearsQuery`) taken apart into the parameters they stand for.
fn described<'a>(spec: &'a Value, operation: &'a Value) -> Vec<Described<'a>> {
    let mut out = Vec::new();
    for param in operation["parameters"].as_array().into_iter().flatten() {
        let param = resolve(spec, param);
        if param["in"] != "query" {
            continue;
        }
        let schema = resolve(spec, &param["schema"]);
        if schema["type"] == "object" {
            let required: BTreeSet<&str> = schema["required"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            for (name, property) in schema["properties"].as_object().expect("properties") {
                out.push(Described {
                    name: name.clone(),
                    required: required.contains(name.as_str()),
                    schema: resolve(spec, property),
                });
            }
        } else {
            out.push(Described {
                name: param["name"].as_str().expect("a name").to_owned(),
                required: param["required"] == true,
                schema,
            });
        }
    }
    out
}

fn words(schema: &Value) -> BTreeSet<String> {
    schema["enum"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

/// Whether `schema` says what `kind` holds.
fn agrees(spec: &Value, kind: Kind, schema: &Value) -> bool {
    let named = |name: &str| std::ptr::eq(schema, &spec["components"]["schemas"][name]);
    match kind {
        Kind::Date => named("Date"),
        Kind::Moment => named("Moment"),
        Kind::Flag => named("Flag"),
        Kind::Integer => schema["type"] == "integer",
        Kind::Text => schema["type"] == "string" && schema.get("pattern").is_none(),
        Kind::Choice(choices) => words(schema) == choices.iter().map(|c| (*c).to_owned()).collect(),
    }
}

/// What the table gives one operation, as (name, required, kind).
fn expected(query: &Query) -> Vec<Param> {
    let mut params: Vec<Param> = query.params.to_vec();
    let format_names: &'static [&'static str] = Box::leak(
        query
            .formats
            .iter()
            .map(|f| f.name())
            .collect::<Vec<_>>()
            .into_boxed_slice(),
    );
    if !query.formats.is_empty() {
        params.push(Param {
            name: "format",
            kind: Kind::Choice(format_names),
            required: false,
        });
    }
    if query.formats.contains(&Format::Csv) {
        params.push(Param {
            name: "bom",
            kind: Kind::Flag,
            required: false,
        });
    }
    if !query.fields.is_empty() {
        params.push(Param {
            name: "field",
            kind: Kind::Choice(query.fields),
            required: false,
        });
    }
    params.push(Param {
        name: "lang",
        kind: Kind::Choice(&["zh", "en"]),
        required: false,
    });
    params
}

/// Every difference between `table` and the description.
fn drift(table: &[&Endpoint], spec: &Value) -> Vec<String> {
    let mut differences = Vec::new();
    let paths = spec["paths"].as_object().expect("paths");
    let mut seen = BTreeSet::new();
    for endpoint in table {
        for (method, query) in [
            ("get", endpoint.get),
            ("post", endpoint.post),
            ("delete", endpoint.delete),
        ] {
            let operation = &paths
                .get(endpoint.path)
                .map_or(&Value::Null, |p| &p[method]);
            match (query, operation.is_object()) {
                (None, false) => continue,
                (None, true) => {
                    differences.push(format!(
                        "{method} {} is described, not served",
                        endpoint.path
                    ));
                    continue;
                }
                (Some(_), false) => {
                    differences.push(format!(
                        "{method} {} is served, not described",
                        endpoint.path
                    ));
                    continue;
                }
                (Some(query), true) => {
                    seen.insert((method, endpoint.path));
                    let documented = described(spec, operation);
                    let wanted = expected(&query);
                    for param in &wanted {
                        match documented.iter().find(|d| d.name == param.name) {
                            None => differences.push(format!(
                                "{method} {}: parameter {} is not described",
                                endpoint.path, param.name
                            )),
                            Some(d) => {
                                if d.required != param.required {
                                    differences.push(format!(
                                        "{method} {}: parameter {} is {} in the code and {} in the description",
                                        endpoint.path,
                                        param.name,
                                        if param.required { "required" } else { "optional" },
                                        if d.required { "required" } else { "optional" },
                                    ));
                                }
                                if !agrees(spec, param.kind, d.schema) {
                                    differences.push(format!(
                                        "{method} {}: parameter {} holds {:?} in the code, but its schema is {}",
                                        endpoint.path, param.name, param.kind, d.schema
                                    ));
                                }
                            }
                        }
                    }
                    for d in &documented {
                        if !wanted.iter().any(|p| p.name == d.name) {
                            differences.push(format!(
                                "{method} {}: parameter {} is described, not taken",
                                endpoint.path, d.name
                            ));
                        }
                    }
                }
            }
        }
    }
    for (path, item) in paths {
        for method in ["get", "post", "put", "delete", "patch"] {
            if item.get(method).is_some() && !seen.contains(&(method, path.as_str())) {
                differences.push(format!(
                    "{method} {path} is described, not in the route table"
                ));
            }
        }
    }
    differences
}

#[test]
fn the_description_and_the_route_table_agree() {
    let differences = drift(&routes::ALL, &spec());
    assert!(
        differences.is_empty(),
        "openapi.yaml and src/http/routes.rs differ:\n{}",
        differences.join("\n")
    );
}

#[test]
fn a_parameter_added_to_the_table_and_not_to_the_description_is_found() {
    // A copy of the table in which /v1/workdays/add takes one more parameter.
    const EXTRA: [Param; 1] = [Param {
        name: "weekends",
        kind: Kind::Flag,
        required: false,
    }];
    let mut add = routes::WORKDAYS_ADD;
    let mut params = add.get.expect("GET").params.to_vec();
    params.extend(EXTRA);
    let mut query = add.get.expect("GET");
    query.params = Box::leak(params.into_boxed_slice());
    add.get = Some(query);
    let table: Vec<&Endpoint> = routes::ALL
        .iter()
        .map(|e| if e.path == add.path { &add } else { *e })
        .collect();

    let differences = drift(&table, &spec());

    assert_eq!(
        differences,
        ["get /v1/workdays/add: parameter weekends is not described"],
        "expected exactly the added parameter to be found"
    );
}

#[test]
fn a_kind_changed_in_the_table_is_found() {
    let mut add = routes::WORKDAYS_ADD;
    let mut query = add.get.expect("GET");
    let mut params = query.params.to_vec();
    params[1].kind = Kind::Text; // days
    query.params = Box::leak(params.into_boxed_slice());
    add.get = Some(query);
    let table: Vec<&Endpoint> = routes::ALL
        .iter()
        .map(|e| if e.path == add.path { &add } else { *e })
        .collect();

    let differences = drift(&table, &spec());

    assert_eq!(differences.len(), 1, "{differences:?}");
    assert!(
        differences[0].contains("parameter days holds Text"),
        "{differences:?}"
    );
}

// ---- answers ---------------------------------------------------------------------------------

/// The fields of `value` that `schema` does not describe, as JSON pointers: every object's keys
/// must be properties of its schema (or of any branch of its `allOf`/`anyOf`/`oneOf`), unless
/// the schema takes other properties.
pub(crate) fn undescribed(
    spec: &Value,
    schema: &Value,
    value: &Value,
    at: &str,
    out: &mut Vec<String>,
) {
    let schema = resolve(spec, schema);
    let branches: Vec<&Value> = ["allOf", "anyOf", "oneOf"]
        .iter()
        .flat_map(|k| schema[*k].as_array().into_iter().flatten())
        .map(|b| resolve(spec, b))
        .collect();
    match value {
        Value::Object(object) => {
            if branches.iter().any(|b| b["type"] == "null") && branches.len() == 2 {
                // `anyOf: [X, null]`: the object is X.
                let x = branches.iter().find(|b| b["type"] != "null").expect("X");
                return undescribed(spec, x, value, at, out);
            }
            let open = schema
                .get("additionalProperties")
                .is_some_and(|a| a != false);
            for (key, field) in object {
                let property = std::iter::once(schema)
                    .chain(branches.iter().copied())
                    .find_map(|s| s["properties"].get(key));
                match property {
                    Some(p) => undescribed(spec, p, field, &format!("{at}/{key}"), out),
                    None if open => {}
                    None if branches
                        .iter()
                        .any(|b| b.get("additionalProperties").is_some_and(|a| a != false)) => {}
                    None => out.push(format!("{at}/{key}")),
                }
            }
        }
        Value::Array(items) => {
            let item_schema = std::iter::once(schema)
                .chain(branches.iter().copied())
                .find_map(|s| s.get("items"));
            if let Some(item_schema) = item_schema {
                for (i, item) in items.iter().enumerate() {
                    undescribed(spec, item_schema, item, &format!("{at}/{i}"), out);
                }
            }
        }
        _ => {}
    }
}

#[test]
fn a_field_the_description_lacks_is_found() {
    let spec = spec();
    let schema = &spec["components"]["schemas"]["BatchResponse"];
    let answer = serde_json::json!({"results": [
        {"ok": true, "deadline": {"rule": null, "bogus": 1, "status": {"state": "pending", "extra": 2}}},
        {"ok": false, "error": {"code": "x", "more": 3}}
    ]});
    let mut missing = Vec::new();
    undescribed(&spec, schema, &answer, "", &mut missing);
    assert_eq!(
        missing,
        [
            "/results/0/deadline/bogus",
            "/results/0/deadline/status/extra",
            "/results/1/error/more"
        ],
        "expected the three fields the description lacks"
    );
}

/// The fields of `response` (to `method target`, a route of `pattern`) that the description of
/// its status does not have, each named with the request.
async fn undescribed_fields(
    spec: &Value,
    method: &str,
    pattern: &str,
    target: &str,
    response: reqwest::Response,
) -> Vec<String> {
    let status = response.status().as_u16().to_string();
    let answer: Value = response.json().await.expect("a JSON answer");
    let responses = &spec["paths"][pattern][method]["responses"];
    let described = resolve(spec, &responses[&status]);
    let content = &described["content"];
    let schema = ["application/json", "application/problem+json"]
        .iter()
        .find_map(|t| content.get(*t))
        .map(|c| &c["schema"])
        .unwrap_or_else(|| panic!("{method} {target}: status {status} is not described"));
    let mut missing = Vec::new();
    undescribed(spec, schema, &answer, "", &mut missing);
    missing
        .into_iter()
        .map(|field| format!("{method} {target} ({status}): {field}"))
        .collect()
}

#[tokio::test]
async fn every_field_of_every_json_answer_is_described() {
    // Arrange
    let token = "contract-test-admin-token";
    let app = spawn_app_with(&[("QIXIAN_ADMIN_TOKEN", token)]).await;
    let spec = spec();
    let requests: [(&str, &str, &str, Option<&str>); 17] = [
        ("get", "/healthz", "/healthz", None),
        ("get", "/readyz", "/readyz", None),
        ("get", "/v1/calendars", "/v1/calendars", None),
        ("get", "/v1/calendars/{id}", "/v1/calendars/cn-xj", None),
        (
            "get",
            "/v1/calendars/{id}/days",
            "/v1/calendars/cn-xj/days?year=2026",
            None,
        ),
        (
            "get",
            "/v1/calendars/{id}/rest-days",
            "/v1/calendars/cn-xj-kizilsu/rest-days?from_year=2026&to_year=2027",
            None,
        ),
        (
            "get",
            "/v1/days",
            "/v1/days?from=2026-09-28&to=2026-10-10",
            None,
        ),
        ("get", "/v1/days/{date}", "/v1/days/2026-05-27", None),
        (
            "get",
            "/v1/workdays/add",
            "/v1/workdays/add?start=2026-09-30&days=7",
            None,
        ),
        (
            "get",
            "/v1/workdays/count",
            "/v1/workdays/count?from=2026-01-01&to=2026-12-31",
            None,
        ),
        ("get", "/v1/rules", "/v1/rules", None),
        ("get", "/v1/rules/{id}", "/v1/rules/countersign-reply", None),
        (
            "get",
            "/v1/deadlines",
            "/v1/deadlines?rule=countersign-reply&event=2026-09-30T18:00&as_of=2026-10-19&id=A-1",
            None,
        ),
        (
            "post",
            "/v1/deadlines",
            "/v1/deadlines",
            Some(r#"{"rule": "approved-filing", "event": "2025-09-01", "as_of": "2025-10-10"}"#),
        ),
        (
            "post",
            "/v1/deadlines/batch",
            "/v1/deadlines/batch",
            Some(
                r#"{"items": [{"rule": "meeting-issuance", "event": "2026-09-30", "id": "x", "as_of": "2026-10-09", "explain": true}, {"rule": "nope", "event": "2026-09-30", "id": "y"}, 7]}"#,
            ),
        ),
        (
            "get",
            "/v1/workdays/add",
            "/v1/workdays/add?start=2026-09-30&days=x",
            None,
        ),
        (
            "get",
            "/v1/days/{date}",
            "/v1/days/2026-10-01?calender=cn",
            None,
        ),
    ];
    let mut problems = Vec::new();
    for (method, pattern, target, body) in requests {
        // Act
        let response = match body {
            None => app.get(target).await,
            Some(body) => {
                app.request(
                    reqwest::Method::POST,
                    target,
                    Some(body.as_bytes().to_vec()),
                    Some("application/json"),
                )
                .await
            }
        };

        // Assert
        problems.extend(undescribed_fields(&spec, method, pattern, target, response).await);
    }
    let version = app.data_version().await;
    let history: [(&str, &str, String, Option<String>); 4] = [
        (
            "get",
            "/v1/changes",
            format!("/v1/changes?since={version}&calendar=cn"),
            None,
        ),
        (
            "get",
            "/v1/changes",
            "/v1/changes?since=0123456789abcdef".to_owned(),
            None,
        ),
        (
            "get",
            "/v1/workdays/add",
            format!("/v1/workdays/add?start=2026-09-30&days=7&data_version={version}"),
            None,
        ),
        (
            "post",
            "/v1/deadlines/recheck",
            "/v1/deadlines/recheck".to_owned(),
            Some(format!(
                r#"{{"items": [{{"request": {{"rule": "countersign-reply", "event": "2026-09-30", "id": "a"}}, "due_date": "2026-10-14", "due_at": "2026-10-14T19:30:00+08:00", "data_version": "{version}"}}, {{"request": {{"rule": "countersign-reply", "event": "2026-09-30"}}, "due_date": "2026-10-14", "data_version": "0123456789abcdef"}}]}}"#
            )),
        ),
    ];
    for (method, pattern, target, body) in history {
        let response = match body {
            None => app.get(&target).await,
            Some(body) => {
                app.request(
                    reqwest::Method::POST,
                    &target,
                    Some(body.into_bytes()),
                    Some("application/json"),
                )
                .await
            }
        };
        problems.extend(undescribed_fields(&spec, method, pattern, &target, response).await);
    }
    let reload = app
        .client
        .post(format!("{}/v1/admin/reload", app.address))
        .bearer_auth(token)
        .send()
        .await
        .expect("an answer");
    let answer: Value = reload.json().await.expect("JSON");
    let schema = &spec["paths"]["/v1/admin/reload"]["post"]["responses"]["200"]["content"]["application/json"]
        ["schema"];
    let mut missing = Vec::new();
    undescribed(&spec, schema, &answer, "", &mut missing);
    problems.extend(
        missing
            .into_iter()
            .map(|f| format!("post /v1/admin/reload: {f}")),
    );
    assert!(
        problems.is_empty(),
        "fields the description does not have:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_webhook_event_is_described_under_webhooks() {
    use qixian::calendar::CalendarSet;
    use qixian::deadline::RuleBook;
    use qixian::store::InForce;
    use qixian::webhooks::Event;

    let spec = spec();
    let operation = &spec["webhooks"]["calendar.changed"]["post"];
    let schema = &operation["requestBody"]["content"]["application/json"]["schema"];
    let old = InForce::new(CalendarSet::embedded().unwrap(), RuleBook::embedded());
    let new = InForce::new(CalendarSet::embedded().unwrap(), RuleBook::new(Vec::new()));
    let event = Event::calendar_changed(&old, &new, chrono::Utc::now());
    let body: Value = serde_json::from_str(&event.body).unwrap();

    let mut missing = Vec::new();
    undescribed(&spec, schema, &body, "", &mut missing);
    assert_eq!(missing, Vec::<String>::new(), "fields openapi.yaml lacks");
    let required: BTreeSet<&str> = resolve(&spec, schema)["required"]
        .as_array()
        .expect("required fields")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let sent: BTreeSet<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(required, sent, "every field is sent, and required");
    let headers: Vec<&str> = operation["parameters"]
        .as_array()
        .expect("the headers")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(
        headers,
        ["webhook-id", "webhook-timestamp", "webhook-signature"]
    );
}

/// The code (`const`) or codes (`enum`) a schema's value allows, as strings or numbers.
fn allowed(value: &Value) -> Vec<&Value> {
    match (value.get("const"), value.get("enum")) {
        (Some(one), _) => vec![one],
        (None, Some(Value::Array(many))) => many.iter().collect(),
        _ => Vec::new(),
    }
}

#[test]
fn the_description_lists_the_problem_codes_of_the_table_each_under_its_status() {
    use qixian::http::problem::status_of;
    use qixian::text::Title;
    use strum::IntoEnumIterator;

    let spec = spec();
    let code_schema = &spec["components"]["schemas"]["ProblemCode"];
    let listed: BTreeSet<&str> = allowed(code_schema)
        .into_iter()
        .filter_map(Value::as_str)
        .collect();
    let table: BTreeSet<&str> = Title::iter().map(Title::code).collect();
    assert_eq!(
        listed, table,
        "ProblemCode's enum and the table of problems differ"
    );

    let status = |code: &str| {
        Title::iter()
            .find(|t| t.code() == code)
            .map(|t| status_of(t).as_u16())
            .unwrap_or_else(|| panic!("{code} is no problem code"))
    };
    // ProblemCode's description: "400 `missing-parameter`, …; 401 `unauthorized`; …", up to
    // the framework's own kinds, which have no status of their own.
    let description = code_schema["description"].as_str().expect("a description");
    let (by_status, _) = description
        .split_once("`bad-request` is")
        .expect("the framework's kinds are described last");
    let mut under = None;
    let mut seen = BTreeSet::new();
    for (i, part) in by_status.split('`').enumerate() {
        if i % 2 == 0 {
            if let Some(number) = part
                .split(|c: char| !c.is_ascii_digit())
                .rfind(|n| n.len() == 3)
            {
                under = number.parse::<u16>().ok();
            }
        } else if table.contains(part) {
            assert_eq!(
                under,
                Some(status(part)),
                "ProblemCode says {part} under another status"
            );
            seen.insert(part);
        }
    }
    let unsaid: Vec<&&str> = table
        .iter()
        .filter(|c| !seen.contains(*c) && **c != "bad-request")
        .collect();
    assert!(
        unsaid.is_empty(),
        "ProblemCode's description gives no status for {unsaid:?}"
    );

    // Every problem schema that fixes its status lists only codes answered with it, wherever
    // it is (a batch item's `error` too).
    let mut fixed = Vec::new();
    status_and_codes(&spec, "", &mut fixed);
    assert!(fixed.len() > 10, "the problem schemas were found");
    for (at, statuses, codes) in fixed {
        for code in codes {
            assert!(
                statuses.contains(&u64::from(status(code))),
                "{at} lists {code}, answered with {}, not {statuses:?}",
                status(code)
            );
        }
    }
}

/// Every object under `value` whose `status` and `code` are fixed: where, the statuses, the
/// codes.
fn status_and_codes<'a>(
    value: &'a Value,
    at: &str,
    out: &mut Vec<(String, Vec<u64>, Vec<&'a str>)>,
) {
    match value {
        Value::Object(object) => {
            if let Some(properties) = object.get("properties") {
                let statuses: Vec<u64> = allowed(&properties["status"])
                    .into_iter()
                    .filter_map(Value::as_u64)
                    .collect();
                let codes: Vec<&str> = allowed(&properties["code"])
                    .into_iter()
                    .filter_map(Value::as_str)
                    .collect();
                if !statuses.is_empty() && !codes.is_empty() {
                    out.push((at.to_owned(), statuses, codes));
                }
            }
            for (key, inner) in object {
                status_and_codes(inner, &format!("{at}/{key}"), out);
            }
        }
        Value::Array(items) => {
            for (i, inner) in items.iter().enumerate() {
                status_and_codes(inner, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// The names a schema of openapi.yaml's components allows (`pointer` below `/components/schemas`).
fn schema_names(spec: &Value, pointer: &str) -> Vec<String> {
    let schema = spec
        .pointer(&format!("/components/schemas{pointer}"))
        .unwrap_or_else(|| panic!("{pointer} is described"));
    allowed(schema)
        .into_iter()
        .map(|v| v.as_str().expect("a name").to_owned())
        .collect()
}

/// Every variant's name, in order.
fn names<T: strum::IntoEnumIterator + Into<&'static str>>() -> Vec<String> {
    T::iter().map(|v| v.into().to_owned()).collect()
}

#[test]
fn the_description_names_every_variant_of_the_answers_vocabularies() {
    use qixian::calendar::DayKind;
    use qixian::deadline::{Consequence, RuleCutoff, State, Unit};

    let spec = spec();
    assert_eq!(schema_names(&spec, "/Unit"), names::<Unit>());
    assert_eq!(schema_names(&spec, "/Consequence"), names::<Consequence>());
    assert_eq!(schema_names(&spec, "/DayKind"), names::<DayKind>());
    assert_eq!(schema_names(&spec, "/RuleCutoff"), names::<RuleCutoff>());
    assert_eq!(
        schema_names(&spec, "/DeadlineStatus/properties/state"),
        names::<State>()
    );
}

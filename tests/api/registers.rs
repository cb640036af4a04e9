//! Registers (督办台账) over HTTP: access, a matter's life, concurrent edits. On SQLite (in
//! memory, or a file in the state directory); the same on PostgreSQL when
//! `QIXIAN_TEST_DATABASE_URL` is set (`cargo test --test api -- --ignored`, which
//! `scripts/register-postgres.sh` runs against a throwaway cluster).

use reqwest::{Method, Response, StatusCode, header};
use serde_json::{Value, json};

use crate::helpers::{
    TestApp, assert_problem, fresh_database, fresh_schema, spawn_app_with, test_database_url,
};

pub const ADMIN: &str = "register-test-admin-token";

/// A client's request to a register route, with `key` as its bearer key when given.
pub async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    key: Option<&str>,
    if_match: Option<&str>,
    body: Option<&Value>,
) -> Response {
    let mut request = app.client.request(method, format!("{}{path}", app.address));
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    if let Some(tag) = if_match {
        request = request.header(header::IF_MATCH, tag);
    }
    if let Some(body) = body {
        request = request.json(body);
    }
    request.send().await.expect("an answer")
}

/// The JSON body of the answer to `request`.
pub(crate) async fn json_of(request: impl Future<Output = Response>) -> Value {
    request.await.json().await.expect("a JSON answer")
}

/// A new register: its id and its key.
pub async fn register(app: &TestApp, name: &str) -> (String, String) {
    let response = send(
        app,
        Method::POST,
        "/v1/admin/registers",
        Some(ADMIN),
        None,
        Some(&json!({"name": name})),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED, "a register is made");
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body["name"], name);
    (
        body["id"].as_str().expect("an id").to_owned(),
        body["key"].as_str().expect("a key").to_owned(),
    )
}

/// 会签 (countersign-reply, 7 working days) from 2026-09-30 on 克州's calendar. 国庆 is
/// 10-01..10-07 off (holidays/cn/2026.json; Xinjiang and 克州 add nothing in October), and
/// Saturday 10-10 a makeup working day: 10-08 (Thu) 1, 10-09 2, 10-10 3, 10-12..10-15 (Mon-Thu)
/// 4-7. Due 2026-10-15.
pub(crate) fn countersign(doc: &str) -> Value {
    json!({
        "doc_number": doc,
        "subject": "会签意见",
        "sender": "州发改委",
        "handler": "王",
        "period": {"rule": "countersign-reply", "event": "2026-09-30", "calendar": "cn-xj-kizilsu"}
    })
}

/// A server with the admin token, which makes registers.
pub async fn app() -> TestApp {
    spawn_app_with(&[("QIXIAN_ADMIN_TOKEN", ADMIN)]).await
}

#[tokio::test]
async fn a_register_opens_only_with_its_own_key_and_the_same_answer_for_none_and_not_yours() {
    let app = app().await;
    let (id, key) = register(&app, "州政府办公室").await;
    let (_, other_key) = register(&app, "阿图什市政府办公室").await;
    let path = format!("/v1/registers/{id}/matters");

    let none = send(&app, Method::GET, &path, None, None, None).await;
    assert_eq!(
        none.headers()
            .get(header::WWW_AUTHENTICATE)
            .and_then(|v| v.to_str().ok()),
        Some("Bearer realm=\"qixian\""),
        "a 401 names its scheme"
    );
    assert_problem(none, 401, "unauthorized", &["key"]).await;
    let not_yours = send(&app, Method::GET, &path, Some(&other_key), None, None).await;
    let not_yours = assert_problem(not_yours, 403, "forbidden", &[]).await;
    let nowhere = send(
        &app,
        Method::GET,
        "/v1/registers/nosuch/matters",
        Some(&key),
        None,
        None,
    )
    .await;
    let nowhere = assert_problem(nowhere, 403, "forbidden", &[]).await;
    assert_eq!(
        not_yours, nowhere,
        "no such register and not yours: one answer"
    );
    assert!(
        !nowhere.to_string().contains(&key),
        "no key in an answer: {nowhere}"
    );

    let ok = send(&app, Method::GET, &path, Some(&key), None, None).await;
    assert_eq!(ok.status(), StatusCode::OK);
    assert!(
        ok.headers().get(header::ETAG).is_none(),
        "a list has no ETag"
    );
    let body: Value = ok.json().await.unwrap();
    assert_eq!(body["matters"], json!([]), "a new register is empty");

    let no_admin = send(
        &app,
        Method::POST,
        "/v1/admin/registers",
        Some("wrong"),
        None,
        Some(&json!({"name": "x"})),
    )
    .await;
    assert_problem(no_admin, 401, "unauthorized", &["admin"]).await;
}

/// A matter's whole life on `app`: created, read, listed, edited (and refused from a stale
/// version), completed, reopened, deleted; the history keeps every step.
pub async fn a_matters_life(app: &TestApp) {
    let (id, key) = register(app, "州政府办公室").await;
    let key = Some(key.as_str());
    let matters = format!("/v1/registers/{id}/matters");

    let created = send(
        app,
        Method::POST,
        &matters,
        key,
        None,
        Some(&countersign("克政办发〔2026〕1号")),
    )
    .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(created.headers()[header::ETAG], "\"1\"", "version 1");
    let location = created.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    let matter: Value = created.json().await.unwrap();
    assert_eq!(
        location,
        format!("{matters}/{}", matter["id"].as_str().unwrap())
    );
    assert_eq!(
        matter["due_date"], "2026-10-15",
        "as /v1/deadlines counts it"
    );
    assert_eq!(
        matter["acknowledged_due"], "2026-10-15",
        "acknowledged as created"
    );
    assert_eq!(matter["moved"], false);
    assert_eq!(matter["provisional"], false);
    assert_eq!(matter["state"], "overdue", "asked after 2026-10-15");
    assert_eq!(
        matter["period"]["rule"], "countersign-reply",
        "kept as given"
    );

    let read: Value = send(app, Method::GET, &location, key, None, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(read, matter, "read back as created");

    let second = send(
        app,
        Method::POST,
        &matters,
        key,
        None,
        Some(&json!({
            "subject": "调研报告",
            "period": {"unit": "working_days", "amount": 5, "event": "2099-01-05", "calendar": "cn"}
        })),
    )
    .await;
    assert_eq!(second.status(), StatusCode::CREATED);
    let list = |query: &'static str| {
        let path = format!("{matters}{query}");
        async move {
            let body: Value = send(app, Method::GET, &path, key, None, None)
                .await
                .json()
                .await
                .unwrap();
            body["matters"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| {
                    m["doc_number"].as_str().unwrap().to_owned()
                        + "|"
                        + m["subject"].as_str().unwrap()
                })
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        list("").await,
        ["克政办发〔2026〕1号|会签意见", "|调研报告"],
        "by due date"
    );
    assert_eq!(
        list("?state=overdue").await,
        ["克政办发〔2026〕1号|会签意见"]
    );
    assert_eq!(list("?state=open&q=调研").await, ["|调研报告"]);
    assert_eq!(
        list("?due_before=2026-10-15").await,
        Vec::<String>::new(),
        "not on it"
    );
    assert!(list("?state=done").await.is_empty());

    let mut edited = countersign("克政办发〔2026〕1号");
    edited["notes"] = json!("已催办");
    let edit_from_version_1 = || {
        send(
            app,
            Method::POST,
            &location,
            key,
            Some("\"1\""),
            Some(&edited),
        )
    };
    let ok = edit_from_version_1().await;
    assert_eq!(ok.status(), StatusCode::OK);
    assert_eq!(ok.headers()[header::ETAG], "\"2\"");
    let stale = edit_from_version_1().await;
    assert_problem(stale, 412, "precondition-failed", &["version 2"]).await;

    let done: Value = json_of(send(
        app,
        Method::POST,
        &format!("{location}/complete"),
        key,
        None,
        None,
    ))
    .await;
    assert_eq!(done["state"], "completed_late", "done after 2026-10-15");
    assert!(done["completed_at"].is_string());
    assert_eq!(list("?state=done").await, ["克政办发〔2026〕1号|会签意见"]);
    let reopened: Value = json_of(send(
        app,
        Method::POST,
        &format!("{location}/reopen"),
        key,
        None,
        None,
    ))
    .await;
    assert_eq!(reopened["completed_at"], Value::Null);
    assert_eq!(reopened["version"], 4);

    let gone = send(
        app,
        Method::POST,
        &format!("{location}/delete"),
        key,
        Some("\"4\""),
        None,
    )
    .await;
    assert_eq!(gone.status(), StatusCode::NO_CONTENT);
    let missing = send(app, Method::GET, &location, key, None, None).await;
    assert_problem(missing, 404, "not-found", &["matter"]).await;

    let history: Value = send(
        app,
        Method::GET,
        &format!("/v1/registers/{id}/history"),
        key,
        None,
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    let steps: Vec<(String, i64)> = history["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["matter_id"] == matter["id"])
        .map(|c| {
            (
                c["action"].as_str().unwrap().to_owned(),
                c["version"].as_i64().unwrap(),
            )
        })
        .collect();
    let expected: Vec<(String, i64)> = [
        ("deleted", 5),
        ("reopened", 4),
        ("completed", 3),
        ("updated", 2),
        ("created", 1),
    ]
    .map(|(a, v)| (a.to_owned(), v))
    .into();
    assert_eq!(steps, expected, "every change, the latest first");
    assert_eq!(history["changes"][0]["by"], "first", "the key's label");
    assert_eq!(
        history["changes"][0]["matter"]["notes"], "已催办",
        "kept as it stood"
    );
}

/// Two clients read version 1 and both write from it: one wins, the other gets 412.
pub async fn two_clients_editing_one_matter(app: &TestApp) {
    let (id, key) = register(app, "办").await;
    let created: Value = send(
        app,
        Method::POST,
        &format!("/v1/registers/{id}/matters"),
        Some(&key),
        None,
        Some(&countersign("1号")),
    )
    .await
    .json()
    .await
    .unwrap();
    let path = format!(
        "/v1/registers/{id}/matters/{}",
        created["id"].as_str().unwrap()
    );
    let edit = |notes: &'static str| {
        let mut body = countersign("1号");
        body["notes"] = json!(notes);
        let (path, key) = (path.clone(), key.clone());
        async move {
            send(
                app,
                Method::POST,
                &path,
                Some(&key),
                Some("\"1\""),
                Some(&body),
            )
            .await
            .status()
        }
    };
    let (a, b) = tokio::join!(edit("甲"), edit("乙"));
    let mut statuses = [a.as_u16(), b.as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 412], "one wins, one is refused");
}

#[tokio::test]
async fn a_register_keeps_a_matters_life_on_sqlite() {
    a_matters_life(&app().await).await;
}

/// An edit that changes a matter's period is the office's own change of the date: the new due
/// date is acknowledged as made (not shown as moved); an edit of anything else keeps it.
#[tokio::test]
async fn an_edited_period_is_acknowledged_as_made_and_another_edit_keeps_it() {
    let app = app().await;
    let (id, key) = register(&app, "州政府办公室").await;
    let key = Some(key.as_str());
    let created: Value = json_of(send(
        &app,
        Method::POST,
        &format!("/v1/registers/{id}/matters"),
        key,
        None,
        Some(&countersign("克政办发〔2026〕2号")),
    ))
    .await;
    let location = format!(
        "/v1/registers/{id}/matters/{}",
        created["id"].as_str().unwrap()
    );
    assert_eq!(created["acknowledged_due"], "2026-10-15");

    // From Thursday 2026-10-08: 10-09 (Fri) 1, 10-10 (the makeup Saturday) 2, 10-12..10-16
    // (Mon-Fri) 3-7. Due 2026-10-16.
    let mut later = countersign("克政办发〔2026〕2号");
    later["period"]["event"] = json!("2026-10-08");
    let edited: Value = json_of(send(&app, Method::POST, &location, key, None, Some(&later))).await;
    assert_eq!(edited["due_date"], "2026-10-16");
    assert_eq!(
        edited["acknowledged_due"], "2026-10-16",
        "acknowledged as edited"
    );
    assert_eq!(
        edited["moved"], false,
        "the office's own change is not a move"
    );
    let listed: Value = json_of(send(
        &app,
        Method::GET,
        &format!("/v1/registers/{id}/matters?state=moved"),
        key,
        None,
        None,
    ))
    .await;
    assert_eq!(listed["matters"], json!([]), "nothing moved");

    later["notes"] = json!("已催办");
    let noted: Value = json_of(send(&app, Method::POST, &location, key, None, Some(&later))).await;
    assert_eq!(
        noted["acknowledged_due"], "2026-10-16",
        "kept by an edit of the notes"
    );
    assert_eq!(
        noted["acknowledged_version"],
        edited["acknowledged_version"]
    );
    assert_eq!(noted["moved"], false);
}

#[tokio::test]
async fn a_register_refuses_the_second_of_two_edits_from_one_version() {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_app_with(&[
        ("QIXIAN_ADMIN_TOKEN", ADMIN),
        ("QIXIAN_STATE_DIR", dir.path().to_str().unwrap()),
    ])
    .await;
    two_clients_editing_one_matter(&app).await;
}

#[tokio::test]
async fn a_register_refuses_a_matter_it_cannot_keep() {
    let app = app().await;
    let (id, key) = register(&app, "办").await;
    let path = format!("/v1/registers/{id}/matters");
    let post = |body: Value| {
        let (path, key) = (path.clone(), key.clone());
        let app = &app;
        async move { send(app, Method::POST, &path, Some(&key), None, Some(&body)).await }
    };
    assert_problem(
        post(json!({"subject": "x"})).await,
        400,
        "invalid-body",
        &["period"],
    )
    .await;
    assert_problem(
        post(json!({"subject": "x", "period": {}, "extra": 1})).await,
        400,
        "invalid-body",
        &["extra"],
    )
    .await;
    assert_problem(
        post(json!({"period": {"rule": "countersign-reply", "event": "2026-09-30"}})).await,
        400,
        "invalid-body",
        &["doc_number"],
    )
    .await;
    assert_problem(post(json!({"subject": "x", "period": {"rule": "countersign-reply", "event": "2026-09-30", "as_of": "today"}})).await, 400, "invalid-body", &["as_of"]).await;
    assert_problem(
        post(json!({"subject": "x", "period": {"rule": "countersign", "event": "2026-09-30"}}))
            .await,
        400,
        "unknown-rule",
        &["countersign"],
    )
    .await;
    assert_problem(
        post(
            json!({"subject": "x", "period": {"rule": "countersign-reply", "evnt": "2026-09-30"}}),
        )
        .await,
        400,
        "invalid-body",
        &["evnt"],
    )
    .await;
    let unknown = send(
        &app,
        Method::POST,
        &format!("{path}/nosuch/archive"),
        Some(&key),
        None,
        None,
    )
    .await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

/// PostgreSQL at `QIXIAN_TEST_DATABASE_URL`: the same tests, one server after the other (they
/// share the database; each makes registers of its own).
#[tokio::test]
#[ignore = "needs PostgreSQL: scripts/register-postgres.sh"]
async fn a_register_on_postgresql_keeps_a_matters_life_and_refuses_a_stale_edit() {
    let base = test_database_url();
    let url = fresh_database(&base).await;
    let app = spawn_app_with(&[("QIXIAN_ADMIN_TOKEN", ADMIN), ("QIXIAN_DATABASE_URL", &url)]).await;
    a_matters_life(&app).await;
    two_clients_editing_one_matter(&app).await;
    control_characters_in_the_address(&app).await;
    // A second server on the same database: the migrations are not run twice.
    let again =
        spawn_app_with(&[("QIXIAN_ADMIN_TOKEN", ADMIN), ("QIXIAN_DATABASE_URL", &url)]).await;
    a_matters_life(&again).await;
    replicas_starting_together_on_an_empty_database_migrate_once(&base).await;
    // A server whose certificate the configured root did not sign is not spoken to: the
    // register routes answer that the registers are unavailable, and nothing else stops.
    if let Ok(wrong) = std::env::var("QIXIAN_TEST_DATABASE_URL_WRONG_ROOT") {
        let unverified = spawn_app_with(&[
            ("QIXIAN_ADMIN_TOKEN", ADMIN),
            ("QIXIAN_DATABASE_URL", &wrong),
        ])
        .await;
        let res = send(
            &unverified,
            Method::POST,
            "/v1/admin/registers",
            Some(ADMIN),
            None,
            Some(&json!({"name": "州政府办公室"})),
        )
        .await;
        assert_problem(res, 503, "database-unavailable", &[]).await;
        let healthy = send(&unverified, Method::GET, "/healthz", None, None, None).await;
        assert_eq!(healthy.status(), StatusCode::OK);
    }
}

/// Four replicas starting at once on a database none has migrated (a schema of its own in the
/// test database at `base`): each comes up, and the migrations — the registers' and the
/// shared state's — are applied once.
async fn replicas_starting_together_on_an_empty_database_migrate_once(base: &str) {
    use qixian::registers::{MIGRATIONS, Registers, SHARED_MIGRATIONS};
    let (schema, in_schema) = fresh_schema(base).await;
    let opened =
        futures_util::future::join_all((0..4).map(|_| Registers::open(Some(&in_schema), None)))
            .await;
    let replicas: Vec<Registers> = opened
        .into_iter()
        .collect::<Result<_, _>>()
        .expect("every replica comes up");
    let applied: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM {schema}.register_migrations"
    ))
    .fetch_one(replicas[2].ready().await.unwrap())
    .await
    .unwrap();
    assert_eq!(
        applied,
        i64::try_from(MIGRATIONS.len() + SHARED_MIGRATIONS.len()).unwrap(),
        "each migration once, in the schema the URL names"
    );
}

#[tokio::test]
async fn an_address_with_a_control_character_names_no_register_and_no_matter() {
    control_characters_in_the_address(&app().await).await;
}

/// PostgreSQL refuses a NUL in text: such an address must be the caller's mistake (403 or
/// 404), never the database's 503 (the PostgreSQL test runs this too).
pub async fn control_characters_in_the_address(app: &TestApp) {
    let (id, key) = register(app, "州政府办公室").await;
    let no_register = send(
        app,
        Method::GET,
        "/v1/registers/%00/matters",
        Some(&key),
        None,
        None,
    )
    .await;
    assert_problem(no_register, 403, "forbidden", &[]).await;
    let no_matter = send(
        app,
        Method::GET,
        &format!("/v1/registers/{id}/matters/%01"),
        Some(&key),
        None,
        None,
    )
    .await;
    assert_problem(no_matter, 404, "not-found", &["matter"]).await;
}

/// `/readyz` says where the matters are kept, and whether the database has been reached: a
/// service without a state directory keeps them in memory (lost at a restart), one with a
/// state directory in SQLite there.
#[tokio::test]
async fn readiness_says_where_the_registers_are_kept() {
    let memory = app().await;
    let ready: Value = memory.get("/readyz").await.json().await.unwrap();
    assert_eq!(ready["registers"]["store"], "memory");
    let dir = tempfile::tempdir().unwrap();
    let file = spawn_app_with(&[
        ("QIXIAN_ADMIN_TOKEN", ADMIN),
        ("QIXIAN_STATE_DIR", dir.path().to_str().unwrap()),
    ])
    .await;
    register(&file, "办").await;
    let ready: Value = file.get("/readyz").await.json().await.unwrap();
    assert_eq!(
        ready["registers"],
        json!({"store": "sqlite", "migrated": true})
    );
    assert!(dir.path().join("registers.db").exists());
}

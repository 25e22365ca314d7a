//! Administrators manage departments, users and classification terms, through the real router on
//! SQLite and PostgreSQL; nobody else may.

use dongne_tests::{both_databases, Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

both_databases!(admins_manage_departments_users_and_terms);

const PASSWORD: &str = "dongne-demo";

async fn post(c: &reqwest::Client, app: &TestApp, path: &str, body: Value) -> (StatusCode, Value) {
    let resp = c.post(app.url(path)).json(&body).send().await.unwrap();
    let s = resp.status();
    (s, resp.json().await.unwrap_or(Value::Null))
}

async fn admins_manage_departments_users_and_terms(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let (admin, _) = app.login("admin", PASSWORD).await;
    let (steward, _) = app.login("parks-steward", PASSWORD).await;
    let dept =
        json!({ "code": "data-office", "name_ko": "데이터담당관", "name_en": "Data Office" });
    // Only admins.
    let (s, _) = post(
        &dongne_tests::plain_client(),
        &app,
        "/api/v1/admin/departments",
        dept.clone(),
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = post(&steward, &app, "/api/v1/admin/departments", dept.clone()).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // A department, created then renamed.
    let (s, d) = post(&admin, &app, "/api/v1/admin/departments", dept).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    let (s, d2) = post(
        &admin,
        &app,
        "/api/v1/admin/departments",
        json!({ "code": "data-office", "name_ko": "데이터정책과", "name_en": "Data Policy" }),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(d2["id"], d["id"], "same code: renamed");
    let (s, e) = post(
        &admin,
        &app,
        "/api/v1/admin/departments",
        json!({ "code": "X Y", "name_ko": "a", "name_en": "b" }),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(e["error"]["field"], "code");
    // A user in it, who can sign in and edit that department's drafts.
    let user = json!({
        "username": "data-editor", "display_name": "데이터 편집자", "role": "editor",
        "department": "data-office", "password": "a-long-password"
    });
    let (s, _) = post(&steward, &app, "/api/v1/admin/users", user.clone()).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, u) = post(&admin, &app, "/api/v1/admin/users", user).await;
    assert_eq!(s, StatusCode::OK, "{u}");
    assert_eq!(u["department"]["code"], "data-office");
    let (new_user, s) = app.login("data-editor", "a-long-password").await;
    assert!(s.is_success());
    let me: Value = new_user
        .post(app.url("/api/current_user"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["role"], "editor");
    // Bad input names the field; nothing is created.
    for (body, field) in [
        (
            json!({ "username": "x2", "display_name": "x", "role": "editor", "department": "data-office", "password": "a-long-password" }),
            "username",
        ),
        (
            json!({ "username": "nodept", "display_name": "x", "role": "steward", "password": "a-long-password" }),
            "department",
        ),
        (
            json!({ "username": "nodept", "display_name": "x", "role": "steward", "department": "nowhere", "password": "a-long-password" }),
            "department",
        ),
        (
            json!({ "username": "nopass", "display_name": "x", "role": "viewer", "department": "data-office" }),
            "password",
        ),
        (
            json!({ "username": "weak", "display_name": "x", "role": "viewer", "department": "data-office", "password": "short" }),
            "password",
        ),
        (
            json!({ "username": "bad-role", "display_name": "x", "role": "root", "department": "data-office", "password": "a-long-password" }),
            "role",
        ),
        (
            json!({ "username": "admin", "display_name": "관리자", "role": "viewer", "department": "data-office" }),
            "role",
        ),
    ] {
        let (s, e) = post(&admin, &app, "/api/v1/admin/users", body.clone()).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}: {e}");
        assert_eq!(e["error"]["field"], field, "{body}: {e}");
    }
    let (_, s) = app.login("nopass", "").await;
    assert!(!s.is_success());
    // Deactivating signs them out at once and refuses their next login.
    let (s, _) = post(
        &admin,
        &app,
        "/api/v1/admin/users",
        json!({ "username": "data-editor", "display_name": "데이터 편집자", "role": "editor", "department": "data-office", "active": false }),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let me: Value = new_user
        .post(app.url("/api/current_user"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me, Value::Null, "signed out");
    let (_, s) = app.login("data-editor", "a-long-password").await;
    assert!(!s.is_success());
    // A new theme term is offered at once, with its label in search facets.
    let (s, t) = post(
        &admin,
        &app,
        "/api/v1/admin/terms",
        json!({ "scheme": "theme", "code": "smart-city", "label_ko": "스마트도시", "label_en": "Smart city" }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{t}");
    let (s, e) = post(
        &admin,
        &app,
        "/api/v1/admin/terms",
        json!({ "scheme": "nonsense", "code": "x", "label_ko": "x", "label_en": "x" }),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(e["error"]["field"], "scheme");
    let (steward_edit, _) = app.login("parks-steward", PASSWORD).await;
    let d =
        dongne_tests::get_json(&steward_edit, &app, "/api/v1/datasets/parks-green-spaces").await;
    let v = d["version"].as_i64().unwrap();
    let resp = steward_edit
        .patch(app.url("/api/v1/datasets/parks-green-spaces"))
        .header("if-match", v.to_string())
        .json(&json!({ "terms": ["theme:smart-city"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let found = dongne_tests::get_json(
        &dongne_tests::plain_client(),
        &app,
        "/api/v1/datasets?theme=smart-city",
    )
    .await;
    assert_eq!(found["total"], 1, "{found}");
    let facet = found["facets"]["theme"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["term"] == "smart-city")
        .cloned()
        .unwrap();
    assert_eq!(facet["label"], "스마트도시");
}

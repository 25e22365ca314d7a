//! Administrators manage departments, users, classification terms and everyone's API keys,
//! through the real router on SQLite and PostgreSQL; nobody else may.

use dongne_tests::{both_databases, Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

both_databases!(
    admins_manage_departments_users_and_terms,
    keys_end_with_their_owners_credentials_and_admins_see_them_all,
);

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

/// Make an API key as `c`: its id and secret.
async fn new_key(c: &reqwest::Client, app: &TestApp, name: &str) -> (i64, String) {
    let (s, k) = post(c, app, "/api/v1/keys", json!({ "name": name })).await;
    assert_eq!(s, StatusCode::CREATED, "{k}");
    (
        k["key"]["id"].as_i64().unwrap(),
        k["secret"].as_str().unwrap().to_string(),
    )
}

/// What a staff-only read answers to `secret`.
async fn with_key(app: &TestApp, secret: &str) -> StatusCode {
    dongne_tests::plain_client()
        .get(app.url("/api/v1/jobs"))
        .bearer_auth(secret)
        .send()
        .await
        .unwrap()
        .status()
}

async fn all_keys(c: &reqwest::Client, app: &TestApp) -> (StatusCode, Value) {
    let r = c.get(app.url("/api/v1/admin/keys")).send().await.unwrap();
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

/// A key stops working when its owner gets a new password or is deactivated (and stays
/// revoked when they are reactivated); administrators list every key with its owner and revoke
/// anyone's; nobody else sees the list.
async fn keys_end_with_their_owners_credentials_and_admins_see_them_all(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let (admin, _) = app.login("admin", PASSWORD).await;
    let (editor, _) = app.login("parks-editor", PASSWORD).await;
    let (steward, _) = app.login("parks-steward", PASSWORD).await;
    let (_, first_secret) = new_key(&editor, &app, "editor-sync-key").await;
    assert_eq!(with_key(&app, &first_secret).await, StatusCode::OK);

    // A new password from an administrator: the key made with the old one stops working.
    let editor_user = |password: Option<&str>, active: bool| {
        let mut u = json!({
            "username": "parks-editor", "display_name": "공원 편집자", "role": "editor",
            "department": "parks", "active": active
        });
        if let Some(p) = password {
            u["password"] = json!(p);
        }
        u
    };
    let (s, e) = post(
        &admin,
        &app,
        "/api/v1/admin/users",
        editor_user(Some("a-new-long-password"), true),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{e}");
    assert_eq!(
        with_key(&app, &first_secret).await,
        StatusCode::UNAUTHORIZED
    );
    // Deactivated: the next key stops too, and reactivating does not bring it back.
    let (editor, s) = app.login("parks-editor", "a-new-long-password").await;
    assert!(s.is_success() || s.is_redirection(), "{s}");
    let (_, second_secret) = new_key(&editor, &app, "editor-second-key").await;
    assert_eq!(with_key(&app, &second_secret).await, StatusCode::OK);
    for active in [false, true] {
        let (s, e) = post(
            &admin,
            &app,
            "/api/v1/admin/users",
            editor_user(None, active),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{e}");
        assert_eq!(
            with_key(&app, &second_secret).await,
            StatusCode::UNAUTHORIZED,
            "active: {active}"
        );
    }

    // Administrators see every key with its owner, in the API and on the admin page.
    let (third, third_secret) = new_key(&steward, &app, "steward-sync-key").await;
    let (s, list) = all_keys(&admin, &app).await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let row = list
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == third)
        .cloned()
        .unwrap_or_else(|| panic!("key {third} in {list}"));
    assert_eq!(
        (&row["owner"], &row["name"], &row["revoked"]),
        (
            &json!("parks-steward"),
            &json!("steward-sync-key"),
            &json!(false)
        )
    );
    assert!(row.get("key_hash").is_none() && row.get("secret").is_none());
    let revoked: Vec<(String, String, bool)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            let text = |f: &str| k[f].as_str().unwrap().to_string();
            (text("owner"), text("name"), k["revoked"] == true)
        })
        .collect();
    for name in ["editor-sync-key", "editor-second-key"] {
        let want = ("parks-editor".to_string(), name.to_string(), true);
        assert!(revoked.contains(&want), "{want:?} in {revoked:?}");
    }
    let page = admin
        .get(app.url("/admin"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("steward-sync-key") && page.contains(row["prefix"].as_str().unwrap()));
    // Nobody else: not staff, not the anonymous, not even an administrator's key.
    assert_eq!(all_keys(&steward, &app).await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        all_keys(&dongne_tests::plain_client(), &app).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (_, admin_secret) = new_key(&admin, &app, "admin-automation").await;
    let r = dongne_tests::plain_client()
        .get(app.url("/api/v1/admin/keys"))
        .bearer_auth(&admin_secret)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // An administrator revokes another user's key; another user cannot.
    let (editor, _) = app.login("parks-editor", "a-new-long-password").await;
    let r = editor
        .delete(app.url(&format!("/api/v1/keys/{third}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(with_key(&app, &third_secret).await, StatusCode::OK);
    let r = admin
        .delete(app.url(&format!("/api/v1/keys/{third}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        with_key(&app, &third_secret).await,
        StatusCode::UNAUTHORIZED
    );
    let (_, list) = all_keys(&admin, &app).await;
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .any(|k| k["id"] == third && k["revoked"] == true));
}

//! Response shapes, where the shape is the point: the CKAN actions' envelopes (what CKAN
//! clients and harvesters parse) and the JSON API's error bodies (what every client of
//! `/api/v1` and the pages' server functions handles). Each is a reviewed snapshot in
//! `tests/snapshots/`; what varies from run to run (ids, timestamps, the server's port, how
//! long to wait) is redacted. Both databases must give the same snapshot.
//!
//! A change to a shape fails here with a diff: if it is meant, review the new `.snap.new` file
//! and accept it (`INSTA_UPDATE=always cargo test … -- shapes::`, or `cargo insta review`).

use dongne_tests::{both_databases, send, Backend, DatasetBuilder, TestApp, UserBuilder};
use insta::assert_json_snapshot;
use serde_json::{json, Value};

both_databases!(
    ckan_actions_answer_in_ckans_envelope,
    api_errors_have_one_shape,
    rate_limited_requests_say_when_to_come_back,
);

/// A public dataset whose every field a snapshot shows is set by the test.
async fn walnut_trees(app: &TestApp) -> domain::entities::dataset::Model {
    DatasetBuilder::new(app)
        .slug("walnut-trees")
        .title("호두나무 현황", "Walnut trees")
        .description(
            "성동구 공원의 호두나무 위치입니다.",
            "Where the walnut trees of Seongdong-gu's parks stand.",
        )
        .department("parks")
        .keywords(&["호두나무", "walnut"])
        .terms(&["theme:environment", "dong:majang"])
        .license("공공누리 제1유형 (출처표시)")
        .update_cycle("yearly")
        .last_updated("2026-03-01")
        .contact(
            "공원녹지과 데이터 담당",
            "02-2286-5000",
            "parks@example.go.kr",
        )
        .file("CSV", "https://files.example/walnut-trees.csv")
        .column("수종", "text")
        .public()
        .create()
        .await
}

async fn action(app: &TestApp, q: &str) -> (u16, Value) {
    let (s, body) =
        send(dongne_tests::plain_client().get(app.url(&format!("/api/3/action/{q}")))).await;
    (s.as_u16(), body)
}

async fn ckan_actions_answer_in_ckans_envelope(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let d = walnut_trees(&app).await;
    let id = d.id.to_string();

    let (s, shown) = action(&app, "package_show?id=walnut-trees").await;
    assert_eq!(s, 200, "{shown}");
    assert_eq!(shown["result"]["id"], id.as_str());
    assert_json_snapshot!("ckan_package_show", shown, {
        ".help" => "[help]",
        ".result.id" => "[id]",
        ".result.metadata_created" => "[timestamp]",
        ".result.metadata_modified" => "[timestamp]",
        ".result.organization.id" => "[id]",
        ".result.resources[].id" => "[id]",
        ".result.resources[].package_id" => "[id]",
        ".result.resources[].created" => "[timestamp]",
        ".result.resources[].last_modified" => "[timestamp]",
        ".result.url" => "[url]",
    });

    let (s, found) = action(&app, "package_search?q=walnut&rows=1").await;
    assert_eq!(s, 200, "{found}");
    assert_eq!(found["result"]["results"][0]["id"], id.as_str());
    assert_json_snapshot!("ckan_package_search", found, {
        ".help" => "[help]",
        ".result.results[].id" => "[id]",
        ".result.results[].metadata_created" => "[timestamp]",
        ".result.results[].metadata_modified" => "[timestamp]",
        ".result.results[].organization.id" => "[id]",
        ".result.results[].resources[].id" => "[id]",
        ".result.results[].resources[].package_id" => "[id]",
        ".result.results[].resources[].created" => "[timestamp]",
        ".result.results[].resources[].last_modified" => "[timestamp]",
        ".result.results[].url" => "[url]",
    });

    let (s, orgs) = action(&app, "organization_list").await;
    assert_eq!(s, 200, "{orgs}");
    assert_json_snapshot!("ckan_organization_list", orgs, { ".help" => "[help]" });

    // CKAN's error envelope: 404 for what does not exist, 409 naming a bad parameter.
    let (s, missing) = action(&app, "package_show?id=no-such-dataset").await;
    assert_eq!(s, 404, "{missing}");
    assert_json_snapshot!("ckan_not_found", missing, { ".help" => "[help]" });
    let (s, invalid) = action(&app, "package_search?rows=5000").await;
    assert_eq!(s, 409, "{invalid}");
    assert_json_snapshot!("ckan_validation_error", invalid, { ".help" => "[help]" });
}

async fn api_errors_have_one_shape(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let d = walnut_trees(&app).await;
    let anon = dongne_tests::plain_client();
    let viewer = UserBuilder::new(&app).viewer().login().await;
    let admin = UserBuilder::new(&app).admin().login().await;
    let steward = UserBuilder::new(&app)
        .steward()
        .department("parks")
        .login()
        .await;
    let dataset = app.url(&format!("/api/v1/datasets/{}", d.id));

    // 400: one field wrong.
    let (s, e) = send(
        admin
            .post(app.url("/api/v1/crowd/rules"))
            .json(&json!({ "min_level": 7, "for_minutes": 0 })),
    )
    .await;
    assert_eq!(s, 400, "{e}");
    assert_json_snapshot!("api_400_validation", e);
    // 400: several fields wrong at once, each named.
    let (s, e) = send(admin.post(app.url("/api/v1/admin/users")).json(&json!({
        "username": "", "display_name": "", "role": "emperor"
    })))
    .await;
    assert_eq!(s, 400, "{e}");
    assert_json_snapshot!("api_400_invalid_fields", e);
    // 401: nobody signed in.
    let (s, e) = send(anon.get(app.url("/api/v1/keys"))).await;
    assert_eq!(s, 401, "{e}");
    assert_json_snapshot!("api_401", e);
    // 403: signed in, not allowed.
    let (s, e) = send(
        viewer
            .post(app.url("/api/v1/crowd/rules"))
            .json(&json!({ "min_level": 4, "for_minutes": 0 })),
    )
    .await;
    assert_eq!(s, 403, "{e}");
    assert_json_snapshot!("api_403", e);
    // 404: no such dataset.
    let (s, e) = send(anon.get(app.url("/api/v1/datasets/999999"))).await;
    assert_eq!(s, 404, "{e}");
    assert_json_snapshot!("api_404", e);
    // 409: an edit based on an old version, with the current one to start again from.
    let (s, _) = send(
        steward
            .patch(&dataset)
            .header("if-match", "\"1\"")
            .json(&json!({ "title_en": "Walnut trees, counted" })),
    )
    .await;
    assert_eq!(s, 200);
    let (s, e) = send(
        steward
            .patch(&dataset)
            .header("if-match", "\"1\"")
            .json(&json!({ "title_en": "Walnut trees, stale" })),
    )
    .await;
    assert_eq!(s, 409, "{e}");
    assert_json_snapshot!("api_409_conflict", e);
    // The pages' server functions answer their errors as JSON too (the error itself).
    let (s, e) = send(
        anon.post(app.url("/api/admin_overview"))
            .header("accept", "application/json"),
    )
    .await;
    assert_eq!(s, 401, "{e}");
    assert_json_snapshot!("server_fn_401", e);
    let (s, e) = send(
        viewer
            .post(app.url("/api/add_alert_rule"))
            .header("accept", "application/json")
            .form(&[
                ("spot_code", ""),
                ("min_level", "4"),
                ("min_population", ""),
                ("for_minutes", "0"),
            ]),
    )
    .await;
    assert_eq!(s, 403, "{e}");
    assert_json_snapshot!("server_fn_403", e);
}

async fn rate_limited_requests_say_when_to_come_back(backend: Backend) {
    let Some(app) = TestApp::start_with(backend, &[("DONGNE_API_RATE_LIMIT", "1")]).await else {
        return;
    };
    let anon = dongne_tests::plain_client();
    let (s, _) = send(anon.get(app.url("/api/v1/datasets?per_page=1"))).await;
    assert_eq!(s, 200);
    let r = anon
        .get(app.url("/api/v1/datasets?per_page=1"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    let wait: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "Retry-After: {wait}");
    let e: Value = r.json().await.unwrap();
    assert_json_snapshot!("api_429", e, {
        ".error.detail.RateLimited.retry_after" => "[seconds]",
        ".error.message" => "[message with the seconds]",
        ".error.message_ko" => "[message with the seconds]",
    });
}

//! Editing metadata through `PATCH /api/v1/datasets/{id}`, on SQLite and PostgreSQL: who may
//! change what, optimistic concurrency with If-Match, revisions, and no lost update under 20
//! concurrent writers.

use std::collections::{BTreeMap, BTreeSet};

use domain::entities::{dataset, department, revision};
use dongne_tests::{both_databases, Backend, TestApp};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

both_databases!(
    permission_matrix_for_editing,
    if_match_is_required_and_checked,
    bad_changes_name_the_field_and_change_nothing,
    concurrent_writers_never_lose_an_edit,
    history_compare_and_revert,
    staff_discuss_datasets,
    terms_distributions_and_columns,
    markdown_descriptions_are_sanitized,
);

const PASSWORD: &str = "dongne-demo";

/// A dataset with this status and visibility, and its department's code.
async fn pick(app: &TestApp, status: &str) -> (dataset::Model, String) {
    let d = dataset::Entity::find()
        .filter(dataset::Column::Status.eq(status))
        .order_by_asc(dataset::Column::Id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("the demo catalog has a {status} dataset"));
    let dept = department::Entity::find_by_id(d.department_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    (d, dept.code)
}

async fn other_department(app: &TestApp, not: &str) -> String {
    department::Entity::find()
        .filter(department::Column::Code.ne(not))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .code
}

async fn patch(
    client: &reqwest::Client,
    app: &TestApp,
    id: i32,
    version: Option<&str>,
    body: serde_json::Value,
) -> (StatusCode, serde_json::Value) {
    let mut req = client.patch(app.url(&format!("/api/v1/datasets/{id}")));
    if let Some(v) = version {
        req = req.header("if-match", v);
    }
    let resp = req.json(&body).send().await.unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap_or(serde_json::Value::Null))
}

async fn permission_matrix_for_editing(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let (published, owner) = pick(&app, "published").await;
    let (draft, draft_owner) = pick(&app, "draft").await;
    let other = other_department(&app, &owner).await;
    let draft_other = other_department(&app, &draft_owner).await;
    // (user, dataset, change, expected)
    let title = |t: &str| serde_json::json!({ "title_en": t });
    let publish = serde_json::json!({ "status": "published" });
    let cases: Vec<(
        Option<String>,
        &dataset::Model,
        serde_json::Value,
        StatusCode,
    )> = vec![
        (None, &published, title("x"), StatusCode::UNAUTHORIZED),
        (
            Some("viewer".into()),
            &published,
            title("x"),
            StatusCode::FORBIDDEN,
        ),
        (
            Some(format!("{other}-steward")),
            &published,
            title("x"),
            StatusCode::FORBIDDEN,
        ),
        (
            Some(format!("{other}-editor")),
            &published,
            title("x"),
            StatusCode::FORBIDDEN,
        ),
        // Editors edit their department's drafts only, and never publish.
        (
            Some(format!("{owner}-editor")),
            &published,
            title("x"),
            StatusCode::FORBIDDEN,
        ),
        (
            Some(format!("{draft_owner}-editor")),
            &draft,
            title("draft edit"),
            StatusCode::OK,
        ),
        (
            Some(format!("{draft_owner}-editor")),
            &draft,
            publish.clone(),
            StatusCode::FORBIDDEN,
        ),
        // Other departments' drafts do not exist for them.
        (
            Some(format!("{draft_other}-editor")),
            &draft,
            title("x"),
            StatusCode::NOT_FOUND,
        ),
        (
            Some(format!("{draft_other}-steward")),
            &draft,
            title("x"),
            StatusCode::NOT_FOUND,
        ),
        (
            Some(format!("{owner}-steward")),
            &published,
            title("steward edit"),
            StatusCode::OK,
        ),
        (
            Some("admin".into()),
            &published,
            title("admin edit"),
            StatusCode::OK,
        ),
        (
            Some(format!("{draft_owner}-steward")),
            &draft,
            publish,
            StatusCode::OK,
        ),
    ];
    for (user, d, change, expected) in cases {
        let client = match &user {
            Some(u) => {
                let (c, s) = app.login(u, PASSWORD).await;
                assert!(s.is_success(), "login {u}: {s}");
                c
            }
            None => dongne_tests::plain_client(),
        };
        let before = dongne_tests::dataset_version(&app, d.id).await;
        let (status, body) = patch(
            &client,
            &app,
            d.id,
            Some(&format!("\"{before}\"")),
            change.clone(),
        )
        .await;
        assert_eq!(status, expected, "{user:?} {change} on {}: {body}", d.slug);
        let after = dongne_tests::dataset_version(&app, d.id).await;
        if status == StatusCode::OK {
            assert_eq!(after, before + 1, "{user:?}: one new version");
            assert_eq!(body["version"], after);
        } else {
            assert_eq!(after, before, "{user:?}: a refused change changes nothing");
        }
    }
}

async fn if_match_is_required_and_checked(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let (d, owner) = pick(&app, "published").await;
    let (client, _) = app.login(&format!("{owner}-steward"), PASSWORD).await;
    let change = serde_json::json!({ "title_en": "Edited", "message": "영문 제목 수정" });
    // GET gives the version as an ETag.
    let resp = client
        .get(app.url(&format!("/api/v1/datasets/{}", d.slug)))
        .send()
        .await
        .unwrap();
    let tag = resp.headers()["etag"].to_str().unwrap().to_string();
    assert_eq!(tag, format!("\"{}\"", d.version));

    let (status, body) = patch(&client, &app, d.id, None, change.clone()).await;
    assert_eq!(status, StatusCode::PRECONDITION_REQUIRED, "{body}");
    let (status, body) = patch(&client, &app, d.id, Some("soon"), change.clone()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["field"], "If-Match");

    let (status, body) = patch(&client, &app, d.id, Some(&tag), change.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["changed_fields"], serde_json::json!(["title_en"]));
    // The same base version again is stale now: 409 with the current version.
    let (status, body) = patch(&client, &app, d.id, Some(&tag), change.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["current_version"], d.version + 1);
    // The revision: author, message, field-level diff.
    let rev = revision::Entity::find()
        .filter(revision::Column::DatasetId.eq(d.id))
        .order_by_desc(revision::Column::Version)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rev.version, d.version + 1);
    assert_eq!(rev.message, "영문 제목 수정");
    assert!(rev.author_id.is_some());
    assert_eq!(rev.diff["title_en"]["from"], d.title_en.as_str());
    assert_eq!(rev.diff["title_en"]["to"], "Edited");
    // The search index follows within the request.
    let r = app
        .services
        .search
        .search(
            &app::model::Viewer::Public,
            &app::search::SearchQuery::from_pairs(app::search::parse_query_string("q=Edited"))
                .unwrap(),
            app::i18n::Lang::En,
        )
        .unwrap();
    assert!(r.items.iter().any(|h| h.dataset.id == d.id));
}

async fn bad_changes_name_the_field_and_change_nothing(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let (d, owner) = pick(&app, "published").await;
    let (client, _) = app.login(&format!("{owner}-steward"), PASSWORD).await;
    let tag = format!("\"{}\"", d.version);
    for (body, field) in [
        (serde_json::json!({ "title_ko": "" }), "title_ko"),
        (serde_json::json!({ "visibility": "secret" }), "visibility"),
        (
            serde_json::json!({ "contact_email": "nobody" }),
            "contact_email",
        ),
        (serde_json::json!({ "titel": "x" }), "body"),
        (serde_json::json!({}), "body"),
        (serde_json::json!({ "keywords": "not a list" }), "body"),
    ] {
        let (status, resp) = patch(&client, &app, d.id, Some(&tag), body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {resp}");
        assert_eq!(resp["error"]["field"], field, "{body}: {resp}");
    }
    let resp = client
        .patch(app.url(&format!("/api/v1/datasets/{}", d.id)))
        .header("if-match", &tag)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    // PUT replaces everything: a partial body names the first missing field.
    let resp = client
        .put(app.url(&format!("/api/v1/datasets/{}", d.id)))
        .header("if-match", &tag)
        .json(&serde_json::json!({ "title_en": "x" }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["field"], "title_ko");
    assert_eq!(dongne_tests::dataset_version(&app, d.id).await, d.version);
    // A complete PUT applies.
    let whole = serde_json::json!({
        "title_ko": d.title_ko, "title_en": "Replaced", "description_ko": d.description_ko,
        "description_en": d.description_en, "keywords": d.keywords, "license": d.license,
        "source_institution": d.source_institution, "update_cycle": d.update_cycle,
        "visibility": d.visibility, "status": d.status, "spatial_coverage": "",
        "contact_name": "", "contact_phone": "", "contact_email": "",
        "last_updated": "", "terms": [], "distributions": [], "columns": []
    });
    let resp = client
        .put(app.url(&format!("/api/v1/datasets/{}", d.id)))
        .header("if-match", &tag)
        .json(&whole)
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status(),
        StatusCode::OK,
        "{}",
        resp.text().await.unwrap()
    );
    assert_eq!(
        dongne_tests::dataset_version(&app, d.id).await,
        d.version + 1
    );
}

/// 20 writers x 50 edits on one dataset: every accepted edit is exactly one revision, every
/// refused one got 409, versions have no gaps or duplicates, and the dataset equals the last
/// revision.
async fn concurrent_writers_never_lose_an_edit(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let (d, owner) = pick(&app, "published").await;
    let (client, _) = app.login(&format!("{owner}-steward"), PASSWORD).await;
    let start_version = d.version;
    let app = std::sync::Arc::new(app);
    let mut writers = Vec::new();
    for w in 0..20 {
        let client = client.clone();
        let app = app.clone();
        writers.push(tokio::spawn(async move {
            let mut accepted = Vec::new();
            let mut refused = 0;
            for e in 0..50 {
                let resp = client
                    .get(app.url(&format!("/api/v1/datasets/{}", d.id)))
                    .send()
                    .await
                    .unwrap();
                let tag = resp.headers()["etag"].to_str().unwrap().to_string();
                let value = format!("writer {w} edit {e}");
                let (status, body) = patch(
                    &client,
                    &app,
                    d.id,
                    Some(&tag),
                    serde_json::json!({ "description_en": value }),
                )
                .await;
                match status {
                    StatusCode::OK => accepted.push((body["version"].as_i64().unwrap(), value)),
                    StatusCode::CONFLICT => refused += 1,
                    other => panic!("writer {w} edit {e}: {other} {body}"),
                }
            }
            (accepted, refused)
        }));
    }
    let mut accepted: BTreeMap<i64, String> = BTreeMap::new();
    let mut refused = 0;
    for w in writers {
        let (a, r) = w.await.unwrap();
        for (version, value) in a {
            assert!(
                accepted.insert(version, value).is_none(),
                "version {version} accepted twice"
            );
        }
        refused += r;
    }
    assert_eq!(accepted.len() + refused, 1000);
    assert!(!accepted.is_empty());
    let revisions = revision::Entity::find()
        .filter(revision::Column::DatasetId.eq(d.id))
        .filter(revision::Column::Version.gt(start_version))
        .order_by_asc(revision::Column::Version)
        .all(&app.db)
        .await
        .unwrap();
    let versions: Vec<i64> = revisions.iter().map(|r| r.version as i64).collect();
    let expected: Vec<i64> =
        (start_version as i64 + 1..=start_version as i64 + accepted.len() as i64).collect();
    assert_eq!(versions, expected, "no gaps, no duplicates");
    assert_eq!(
        versions.iter().copied().collect::<BTreeSet<_>>(),
        accepted.keys().copied().collect::<BTreeSet<_>>()
    );
    for r in &revisions {
        assert_eq!(
            r.diff["description_en"]["to"].as_str(),
            Some(accepted[&(r.version as i64)].as_str()),
            "revision {} records the edit accepted as that version",
            r.version
        );
    }
    let last = revisions.last().unwrap();
    let now = dataset::Entity::find_by_id(d.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(now.version as i64, *accepted.keys().last().unwrap());
    assert_eq!(
        now.description_en,
        accepted.values().last().unwrap().as_str()
    );
    assert_eq!(
        last.snapshot["description_en"].as_str(),
        Some(now.description_en.as_str())
    );
}

async fn history_compare_and_revert(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let (d, owner) = pick(&app, "published").await;
    let (client, _) = app.login(&format!("{owner}-steward"), PASSWORD).await;
    let v = d.version;
    for (base, title) in [(v, "First"), (v + 1, "Second")] {
        let (status, body) = patch(
            &client,
            &app,
            d.id,
            Some(&format!("\"{base}\"")),
            serde_json::json!({ "title_en": title }),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let base = format!("/api/v1/datasets/{}/revisions", d.slug);
    let history: serde_json::Value = client
        .get(app.url(&base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(history[0]["version"], v + 2, "newest first");
    assert_eq!(history[0]["diff"]["title_en"]["to"], "Second");
    assert!(history[0]["author"].as_str().is_some_and(|a| !a.is_empty()));
    let diff: serde_json::Value = client
        .get(app.url(&format!("{base}/compare?from={}&to={}", v + 1, v + 2)))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        diff,
        serde_json::json!({ "title_en": { "from": "First", "to": "Second" } })
    );
    let resp = client
        .get(app.url(&format!("{base}/compare?from=one&to=2")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["field"], "from");
    // Anonymous readers see no history.
    let resp = dongne_tests::get(app.url(&base)).await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    // Revert to the first edit: a new revision; a stale base version is refused.
    let revert = format!("{base}/{}/revert", v + 1);
    let resp = client
        .post(app.url(&revert))
        .header("if-match", format!("\"{}\"", v + 1))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    let resp = client
        .post(app.url(&revert))
        .header("if-match", format!("\"{}\"", v + 2))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["version"], v + 3);
    let now = dataset::Entity::find_by_id(d.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(now.title_en, "First");
    assert_eq!(now.version, v + 3);
    let rev = revision::Entity::find()
        .filter(revision::Column::DatasetId.eq(d.id))
        .filter(revision::Column::Version.eq(v + 3))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(rev.message.contains("되돌림"), "{}", rev.message);
    assert_eq!(rev.diff["title_en"]["to"], "First");
    // A viewer may read the history but not revert.
    let (viewer, _) = app.login("viewer", PASSWORD).await;
    let resp = viewer.get(app.url(&base)).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let resp = viewer
        .post(app.url(&revert))
        .header("if-match", format!("\"{}\"", v + 3))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
}

async fn staff_discuss_datasets(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let (d, _) = pick(&app, "published").await;
    let (draft, draft_owner) = pick(&app, "draft").await;
    let url = app.url(&format!("/api/v1/datasets/{}/comments", d.slug));
    let (viewer, _) = app.login("viewer", PASSWORD).await;
    let text = "갱신 주기가 맞나요? <b>확인</b> 부탁드립니다.\n감사합니다.";
    let resp = viewer
        .post(&url)
        .json(&serde_json::json!({ "body": text }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let listed: serde_json::Value = viewer.get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(
        listed[0]["body"], text,
        "stored as plain text, shown escaped"
    );
    assert!(listed[0]["author"].as_str().is_some());
    // Bad input names the field; nothing is stored.
    for body in [
        serde_json::json!({ "body": "   " }),
        serde_json::json!({ "text": "x" }),
    ] {
        let resp = viewer.post(&url).json(&body).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "{body}");
        let e: serde_json::Value = resp.json().await.unwrap();
        assert_eq!(e["error"]["field"], "body");
    }
    // Anonymous readers neither read nor write the discussion.
    assert_eq!(
        dongne_tests::get(url.clone()).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    let resp = dongne_tests::plain_client()
        .post(&url)
        .json(&serde_json::json!({ "body": "hi" }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    // Another department's draft does not exist for the viewer.
    let other = other_department(&app, &draft_owner).await;
    let (outsider, _) = app.login(&format!("{other}-editor"), PASSWORD).await;
    let resp = outsider
        .post(app.url(&format!("/api/v1/datasets/{}/comments", draft.id)))
        .json(&serde_json::json!({ "body": "hi" }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let listed: serde_json::Value = viewer.get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
}

/// The lists are edited like any field: validated with named errors, replaced in one revision,
/// searchable at once, and restored by a revert. The update-cycle facet follows the field.
async fn terms_distributions_and_columns(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let (d, owner, _) = dongne_tests::public_dataset(&app).await;
    let (client, _) = app.login(&format!("{owner}-steward"), PASSWORD).await;
    let bad = [
        (
            serde_json::json!({ "terms": ["theme:no-such-theme"] }),
            "terms[0]",
        ),
        (
            serde_json::json!({ "terms": ["department:parks"] }),
            "terms[0]",
        ),
        (
            serde_json::json!({ "distributions": [{ "title": "x", "kind": "file", "format": "CSV", "url": "ftp://x", "size_bytes": null }] }),
            "distributions[0].url",
        ),
        (
            serde_json::json!({ "columns": [
                { "name": "a", "data_type": "text", "description": null, "unit": null },
                { "name": "A", "data_type": "text", "description": null, "unit": null }] }),
            "columns[1].name",
        ),
        (
            serde_json::json!({ "columns": [{ "name": "a", "data_type": "blob", "description": null, "unit": null }] }),
            "columns[0].data_type",
        ),
    ];
    for (body, field) in bad {
        let (status, e) = patch(
            &client,
            &app,
            d.id,
            Some(&d.version.to_string()),
            body.clone(),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(e["error"]["field"], field, "{e}");
    }
    assert_eq!(
        dongne_tests::dataset_version(&app, d.id).await,
        d.version,
        "nothing written"
    );
    let before: serde_json::Value =
        dongne_tests::get_json(&client, &app, &format!("/api/v1/datasets/{}", d.id)).await;
    let change = serde_json::json!({
        "terms": ["theme:environment", "dong:oksu", "data_type:api"],
        "distributions": [
            { "title": "실시간 API", "kind": "api", "format": " JSON ", "url": "https://api.example.kr/v1", "size_bytes": null },
            { "title": "전체 파일", "kind": "file", "format": "CSV", "url": "https://files.example.kr/all.csv", "size_bytes": 2048 }
        ],
        "columns": [
            { "name": "측정소명", "data_type": "text", "description": "측정 장소", "unit": null },
            { "name": "zelkovaindex", "data_type": "number", "description": "", "unit": "㎍/㎥" }
        ],
        "update_cycle": if d.update_cycle == "daily" { "weekly" } else { "daily" },
        "message": "분류와 항목 정의 정리"
    });
    let (status, body) = patch(&client, &app, d.id, Some(&d.version.to_string()), change).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let new_cycle = if d.update_cycle == "daily" {
        "weekly"
    } else {
        "daily"
    };
    let after: serde_json::Value =
        dongne_tests::get_json(&client, &app, &format!("/api/v1/datasets/{}", d.id)).await;
    assert_eq!(after["distributions"][0]["format"], "JSON", "trimmed");
    assert_eq!(after["distributions"][1]["size_bytes"], 2048);
    assert_eq!(after["columns"][1]["name"], "zelkovaindex");
    assert_eq!(
        after["columns"][1]["description"],
        serde_json::Value::Null,
        "empty is none"
    );
    let codes: BTreeSet<String> = after["terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            format!(
                "{}:{}",
                t["scheme"].as_str().unwrap(),
                t["code"].as_str().unwrap()
            )
        })
        .collect();
    for want in [
        "theme:environment",
        "dong:oksu",
        "data_type:api",
        &format!("update_cycle:{new_cycle}"),
    ] {
        assert!(codes.contains(want), "{want} in {codes:?}");
    }
    assert!(
        codes.iter().any(|c| c.starts_with("department:")),
        "derived terms kept"
    );
    // Searchable at once: the new column name, the new theme and cycle facets.
    let found: serde_json::Value = dongne_tests::get(app.url(&format!(
        "/api/v1/datasets?q=zelkovaindex&theme=environment&cycle={new_cycle}&dong=oksu"
    )))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(found["items"][0]["dataset"]["id"], d.id);
    // One revision; reverting restores the lists.
    let history: serde_json::Value = dongne_tests::get_json(
        &client,
        &app,
        &format!("/api/v1/datasets/{}/revisions", d.id),
    )
    .await;
    assert!(history[0]["diff"]["columns"].is_object(), "{}", history[0]);
    let resp = client
        .post(app.url(&format!(
            "/api/v1/datasets/{}/revisions/{}/revert",
            d.id,
            d.version + 1
        )))
        .header("if-match", (d.version + 1).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status(),
        StatusCode::OK,
        "reverting to itself changes nothing"
    );
    // Put the old lists back through a PATCH built from the earlier GET.
    let restore = serde_json::json!({
        "distributions": before["distributions"], "columns": before["columns"],
        "terms": before["terms"].as_array().unwrap().iter()
            .filter(|t| ["theme", "dong", "source", "data_type"].contains(&t["scheme"].as_str().unwrap()))
            .map(|t| format!("{}:{}", t["scheme"].as_str().unwrap(), t["code"].as_str().unwrap()))
            .collect::<Vec<_>>(),
    });
    let (status, body) = patch(
        &client,
        &app,
        d.id,
        Some(&(d.version + 1).to_string()),
        restore,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let restored: serde_json::Value =
        dongne_tests::get_json(&client, &app, &format!("/api/v1/datasets/{}", d.id)).await;
    assert_eq!(restored["columns"], before["columns"]);
    assert_eq!(restored["distributions"], before["distributions"]);
}

/// Descriptions are Markdown: formatted on the dataset page, with raw HTML shown as text and
/// unsafe links removed (in the server-rendered HTML, before any script runs).
async fn markdown_descriptions_are_sanitized(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let (d, owner, _) = dongne_tests::public_dataset(&app).await;
    let (client, _) = app.login(&format!("{owner}-steward"), PASSWORD).await;
    let md = "**중요** 안내 <script>alert('x')</script> [링크](javascript:alert(1)) [출처](https://data.go.kr)";
    let (status, _) = patch(
        &client,
        &app,
        d.id,
        Some(&d.version.to_string()),
        serde_json::json!({ "description_ko": md }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let html = dongne_tests::get(app.url(&format!("/datasets/{}", d.slug)))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("<strong>중요</strong>"), "formatted");
    assert!(
        html.contains("&lt;script&gt;alert"),
        "raw HTML shown as text"
    );
    assert!(!html.contains("<script>alert"), "never executed");
    assert!(!html.contains("href=\"javascript:"), "unsafe link removed");
    assert!(html.contains(r#"<a href="https://data.go.kr">출처</a>"#));
}

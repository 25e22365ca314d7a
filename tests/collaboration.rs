//! Proposals across departments, notifications, activity feeds and live presence, through the
//! real router on SQLite and PostgreSQL.
//!
//! Every test works on a public dataset of its own in the [`OWNER`] department and on users it
//! makes: the owning department's staff, another department's ([`OTHER`]) and a viewer.

use domain::entities::dataset;
use dongne_tests::{
    both_databases, dataset_version, send, Backend, DatasetBuilder, SseStream, TestApp, UserBuilder,
};
use reqwest::StatusCode;
use sea_orm::EntityTrait;
use serde_json::{json, Value};

both_databases!(
    proposal_accepted_after_a_conflicting_edit,
    proposals_refused_rejected_and_withdrawn,
    notifications_and_activity,
    live_presence_and_change_notices,
    server_functions_check_permissions,
    permission_matrix_for_collaboration,
);

/// The department owning the datasets of these tests.
const OWNER: &str = "parks";
/// Another department: its staff propose, they do not edit.
const OTHER: &str = "transport";

/// A public dataset of the owning department.
async fn owned_dataset(app: &TestApp) -> dataset::Model {
    DatasetBuilder::new(app)
        .department(OWNER)
        .public()
        .create()
        .await
}
/// Presence and change notices reach open streams within this.
const LIVE_WITHIN: std::time::Duration = std::time::Duration::from_secs(2);

async fn proposal_accepted_after_a_conflicting_edit(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let d = owned_dataset(&app).await;
    let proposer = UserBuilder::new(&app)
        .editor()
        .department(OTHER)
        .login()
        .await;
    let steward = UserBuilder::new(&app)
        .steward()
        .department(OWNER)
        .login()
        .await;
    let v = dataset_version(&app, d.id).await;
    // The outsider cannot edit the dataset, but may propose a change to it.
    let (s, _) = send(
        proposer
            .patch(app.url(&format!("/api/v1/datasets/{}", d.id)))
            .header("if-match", v.to_string())
            .json(&json!({ "title_en": "x" })),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, p) = send(
        proposer
            .post(app.url(&format!("/api/v1/datasets/{}/proposals", d.slug)))
            .header("if-match", format!("\"{v}\""))
            .json(&json!({
                "title_en": "Zelkova proposal title",
                "contact_name": "Kim Proposer",
                "message": "English title and contact"
            })),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    assert_eq!(p["status"], "open");
    assert_eq!(p["base_version"], v);
    assert_eq!(p["can_review"], false, "the proposer does not review");
    let pid = p["id"].as_i64().unwrap();
    // It waits in the owning stewards' queue, not in the proposer's.
    let (_, queue) = send(steward.get(app.url("/api/v1/proposals?scope=review"))).await;
    let mine = queue
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == pid)
        .expect("in the steward's queue");
    assert_eq!(mine["can_review"], true);
    let (_, theirs) = send(proposer.get(app.url("/api/v1/proposals?scope=review"))).await;
    assert!(!theirs.as_array().unwrap().iter().any(|q| q["id"] == pid));
    let (_, own) = send(proposer.get(app.url("/api/v1/proposals?scope=mine"))).await;
    assert!(own.as_array().unwrap().iter().any(|q| q["id"] == pid));
    // The proposer cannot accept it.
    let (s, _) = send(
        proposer
            .post(app.url(&format!("/api/v1/proposals/{pid}/accept")))
            .header("if-match", v.to_string()),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // Meanwhile the steward edits the same field directly.
    let (s, _) = send(
        steward
            .patch(app.url(&format!("/api/v1/datasets/{}", d.id)))
            .header("if-match", v.to_string())
            .json(&json!({ "title_en": "Steward's own title" })),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let v2 = v + 1;
    // The proposal is rebased: title_en conflicts, contact_name does not.
    let (_, p) = send(steward.get(app.url(&format!("/api/v1/proposals/{pid}")))).await;
    let fields = p["rebase"]["fields"].as_array().unwrap();
    let conflict = |f: &str| fields.iter().find(|x| x["field"] == f).unwrap()["conflict"].clone();
    assert_eq!(conflict("title_en"), true, "{p}");
    assert_eq!(conflict("contact_name"), false);
    assert_eq!(p["rebase"]["current_version"], v2);
    // Accepting with the old version is refused with the current one.
    let (s, e) = send(
        steward
            .post(app.url(&format!("/api/v1/proposals/{pid}/accept")))
            .header("if-match", v.to_string()),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(e["error"]["current_version"], v2);
    // Accepting without settling the conflict is refused, naming the field; nothing changes.
    let (s, e) = send(
        steward
            .post(app.url(&format!("/api/v1/proposals/{pid}/accept")))
            .header("if-match", v2.to_string()),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"]["field"], "title_en");
    assert_eq!(dataset_version(&app, d.id).await, v2);
    // A resolution for a field the proposal does not touch is refused.
    let (s, e) = send(
        steward
            .post(app.url(&format!("/api/v1/proposals/{pid}/accept")))
            .header("if-match", v2.to_string())
            .json(&json!({ "resolution": { "license": "x", "title_en": "y" } })),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(e["error"]["field"], "resolution.license");
    // Settled: the steward keeps the proposer's title.
    let (s, p) = send(
        steward
            .post(app.url(&format!("/api/v1/proposals/{pid}/accept")))
            .header("if-match", v2.to_string())
            .json(&json!({ "resolution": { "title_en": "Zelkova proposal title" } })),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["status"], "accepted");
    assert_eq!(p["applied_version"], v2 + 1);
    let after = dataset::Entity::find_by_id(d.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.title_en, "Zelkova proposal title");
    assert_eq!(after.contact_name.as_deref(), Some("Kim Proposer"));
    assert_eq!(after.version, v2 + 1);
    // The revision credits both the reviewer and the proposer.
    let (_, history) =
        send(steward.get(app.url(&format!("/api/v1/datasets/{}/revisions", d.id)))).await;
    let top = &history[0];
    assert_eq!(top["version"], v2 + 1);
    assert_eq!(top["proposal_id"], pid);
    assert!(!top["author"].as_str().unwrap().is_empty());
    assert!(top["proposer"].as_str().is_some(), "{top}");
    assert_ne!(top["author"], top["proposer"]);
    // The search index follows.
    let found: Value = dongne_tests::get(app.url("/api/v1/datasets?q=zelkova&lang=en"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(found["items"][0]["dataset"]["id"], d.id, "{found}");
    // Decided once: a second decision is refused.
    let (s, _) = send(
        steward
            .post(app.url(&format!("/api/v1/proposals/{pid}/reject")))
            .json(&json!({ "reason": "late" })),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
}

async fn proposals_refused_rejected_and_withdrawn(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let d = owned_dataset(&app).await;
    let url = app.url(&format!("/api/v1/datasets/{}/proposals", d.id));
    let v = dataset_version(&app, d.id).await;
    let proposer = UserBuilder::new(&app)
        .editor()
        .department(OTHER)
        .login()
        .await;
    let viewer = UserBuilder::new(&app).viewer().login().await;
    let steward = UserBuilder::new(&app)
        .steward()
        .department(OWNER)
        .login()
        .await;
    let anon = dongne_tests::plain_client();
    let change = json!({ "description_en": "Proposed description" });
    #[allow(clippy::type_complexity)]
    let cases: Vec<(
        &reqwest::Client,
        Option<String>,
        Value,
        StatusCode,
        Option<&str>,
    )> = vec![
        (
            &anon,
            Some(v.to_string()),
            change.clone(),
            StatusCode::UNAUTHORIZED,
            None,
        ),
        (
            &viewer,
            Some(v.to_string()),
            change.clone(),
            StatusCode::FORBIDDEN,
            None,
        ),
        (
            &proposer,
            None,
            change.clone(),
            StatusCode::PRECONDITION_REQUIRED,
            None,
        ),
        (
            &proposer,
            Some((v + 5).to_string()),
            change.clone(),
            StatusCode::CONFLICT,
            None,
        ),
        (
            &proposer,
            Some(v.to_string()),
            json!({ "status": "archived" }),
            StatusCode::BAD_REQUEST,
            Some("status"),
        ),
        (
            &proposer,
            Some(v.to_string()),
            json!({ "title_ko": "" }),
            StatusCode::BAD_REQUEST,
            Some("title_ko"),
        ),
        (
            &proposer,
            Some(v.to_string()),
            json!({ "title_ko": d.title_ko }),
            StatusCode::BAD_REQUEST,
            Some("body"),
        ),
        (
            &proposer,
            Some(v.to_string()),
            json!({ "nonsense": 1 }),
            StatusCode::BAD_REQUEST,
            Some("body"),
        ),
    ];
    for (client, if_match, body, want, field) in cases {
        let mut req = client.post(&url).json(&body);
        if let Some(m) = if_match {
            req = req.header("if-match", m);
        }
        let (s, e) = send(req).await;
        assert_eq!(s, want, "{body} -> {e}");
        if let Some(f) = field {
            assert_eq!(e["error"]["field"], f, "{e}");
        }
    }
    let (_, list) = send(steward.get(&url)).await;
    assert_eq!(list.as_array().unwrap().len(), 0, "nothing half-written");
    // Two proposals: one rejected with a reason, one withdrawn by its proposer.
    let mut ids = Vec::new();
    for text in ["First proposal", "Second proposal"] {
        let (s, p) = send(
            proposer
                .post(&url)
                .header("if-match", v.to_string())
                .json(&json!({ "description_en": text })),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED);
        ids.push(p["id"].as_i64().unwrap());
    }
    let reject = app.url(&format!("/api/v1/proposals/{}/reject", ids[0]));
    let (s, e) = send(steward.post(&reject).json(&json!({ "reason": "  " }))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(e["error"]["field"], "reason");
    let (s, p) = send(
        steward
            .post(&reject)
            .json(&json!({ "reason": "설명이 부정확합니다" })),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(p["status"], "rejected");
    assert_eq!(p["reason"], "설명이 부정확합니다");
    let withdraw = app.url(&format!("/api/v1/proposals/{}/withdraw", ids[1]));
    let (s, _) = send(steward.post(&withdraw)).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "only the proposer withdraws");
    let (s, p) = send(proposer.post(&withdraw)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(p["status"], "withdrawn");
    assert_eq!(
        dataset_version(&app, d.id).await,
        v,
        "neither changed the dataset"
    );
    let (s, _) = send(app.client().get(app.url("/api/v1/proposals/abc"))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = send(steward.get(app.url("/api/v1/proposals/999999"))).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, e) = send(steward.get(app.url("/api/v1/proposals?scope=everything"))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(e["error"]["field"], "scope");
}

async fn notifications_and_activity(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let d = owned_dataset(&app).await;
    let v = dataset_version(&app, d.id).await;
    let proposer = UserBuilder::new(&app)
        .editor()
        .department(OTHER)
        .login()
        .await;
    let steward = UserBuilder::new(&app)
        .steward()
        .department(OWNER)
        .login()
        .await;
    let viewer = UserBuilder::new(&app).viewer().login().await;
    let notes = |c: &reqwest::Client| {
        let req = c.get(app.url("/api/v1/notifications"));
        async move { send(req).await.1 }
    };
    let stored = |n: &Value, kind: &str| -> Vec<Value> {
        n["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["kind"] == kind && i["id"].as_i64().unwrap() > 0)
            .cloned()
            .collect()
    };
    let before = notes(&steward).await["unread"].as_u64().unwrap();
    assert_eq!(before, 0, "a new steward has nothing unread");
    // A proposal and a comment reach the owning steward.
    let (_, p) = send(
        proposer
            .post(app.url(&format!("/api/v1/datasets/{}/proposals", d.id)))
            .header("if-match", v.to_string())
            .json(&json!({ "keywords": ["제안", "proposal"] })),
    )
    .await;
    let pid = p["id"].as_i64().unwrap();
    let (s, _) = send(
        viewer
            .post(app.url(&format!("/api/v1/datasets/{}/comments", d.id)))
            .json(&json!({ "body": "출처를 확인해 주세요" })),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let n = notes(&steward).await;
    assert_eq!(n["unread"].as_u64().unwrap(), before + 2, "{n}");
    let received = stored(&n, "proposal_received");
    assert_eq!(received[0]["proposal_id"], pid);
    assert_eq!(received[0]["dataset"]["id"], d.id);
    assert!(received[0]["actor"].as_str().is_some());
    assert_eq!(stored(&n, "comment").len(), 1);
    // The viewer (the commenter) is not told of their own comment.
    assert_eq!(stored(&notes(&viewer).await, "comment").len(), 0);
    // Mark one read, then all.
    let first = received[0]["id"].as_i64().unwrap();
    let (s, r) = send(
        steward
            .post(app.url("/api/v1/notifications/read"))
            .json(&json!({ "ids": [first] })),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(r["marked"], 1);
    assert_eq!(
        notes(&steward).await["unread"].as_u64().unwrap(),
        before + 1
    );
    let (s, _) = send(steward.post(app.url("/api/v1/notifications/read"))).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(notes(&steward).await["unread"], 0);
    let (s, e) = send(
        steward
            .post(app.url("/api/v1/notifications/read"))
            .json(&json!({ "ids": "all" })),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(e["error"]["field"], "body");
    // The decision reaches the proposer.
    let (s, _) = send(
        steward
            .post(app.url(&format!("/api/v1/proposals/{pid}/accept")))
            .header("if-match", v.to_string()),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let n = notes(&proposer).await;
    assert_eq!(stored(&n, "proposal_accepted")[0]["proposal_id"], pid);
    // Feeds: the dataset's, the department's, and the user's own.
    let kinds = |feed: &Value| -> Vec<String> {
        feed.as_array()
            .unwrap()
            .iter()
            .map(|i| i["kind"].as_str().unwrap().to_string())
            .collect()
    };
    let (s, feed) =
        send(viewer.get(app.url(&format!("/api/v1/activity?dataset={}", d.slug)))).await;
    assert_eq!(s, StatusCode::OK);
    let k = kinds(&feed);
    for want in [
        "revision",
        "comment",
        "proposal_opened",
        "proposal_accepted",
    ] {
        assert!(k.iter().any(|x| x == want), "{want} in {k:?}");
    }
    assert_eq!(k[0], "proposal_accepted", "newest first: {k:?}");
    let (_, feed) =
        send(viewer.get(app.url(&format!("/api/v1/activity?department={OWNER}")))).await;
    assert!(feed
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["dataset"]["id"] == d.id));
    let (_, feed) = send(proposer.get(app.url("/api/v1/activity"))).await;
    let k = kinds(&feed);
    assert_eq!(k, ["proposal_opened"], "the proposer's own actions only");
    let (s, e) = send(viewer.get(app.url("/api/v1/activity?dataset=a&department=b"))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    let (s, _) = send(viewer.get(app.url("/api/v1/activity?department=nowhere"))).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = send(dongne_tests::plain_client().get(app.url("/api/v1/activity"))).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = send(dongne_tests::plain_client().get(app.url("/api/v1/notifications"))).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

fn names(presence: &Value) -> Vec<(String, bool)> {
    presence["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_string(),
                p["editing"].as_bool().unwrap(),
            )
        })
        .collect()
}

async fn live_presence_and_change_notices(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let d = owned_dataset(&app).await;
    let url = |mode: &str| app.url(&format!("/api/v1/datasets/{}/live?mode={mode}", d.slug));
    let steward = UserBuilder::new(&app)
        .steward()
        .department(OWNER)
        .login()
        .await;
    let viewer = UserBuilder::new(&app).viewer().login().await;
    let mut editing = SseStream::open(&steward, url("edit")).await;
    let first = editing.expect("presence", LIVE_WITHIN).await;
    assert_eq!(names(&first).len(), 1);
    assert!(names(&first)[0].1, "the steward is editing");
    let mut reading = SseStream::open(&viewer, url("view")).await;
    let both = reading.expect("presence", LIVE_WITHIN).await;
    assert_eq!(names(&both).len(), 2, "{both}");
    let seen = editing.expect("presence", LIVE_WITHIN).await;
    assert_eq!(names(&seen).len(), 2, "the editor sees the reader arrive");
    // A saved change reaches everyone with the dataset open, naming who made it.
    let v = dataset_version(&app, d.id).await;
    let (s, _) = send(
        steward
            .patch(app.url(&format!("/api/v1/datasets/{}", d.id)))
            .header("if-match", v.to_string())
            .json(&json!({ "title_en": "Live title" })),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let changed = reading.expect("changed", LIVE_WITHIN).await;
    assert_eq!(changed["version"], v + 1);
    assert_eq!(changed["dataset_id"], d.id);
    assert!(changed["by"].as_str().is_some());
    assert_eq!(
        editing.expect("changed", LIVE_WITHIN).await["version"],
        v + 1
    );
    // The reader leaves: the editor sees it.
    drop(reading);
    let left = editing.expect("presence", LIVE_WITHIN).await;
    assert_eq!(names(&left).len(), 1, "{left}");
    // Anonymous readers get no stream; bad parameters are named.
    let resp = dongne_tests::plain_client()
        .get(url("view"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let (s, e) = send(viewer.get(url("spy"))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(e["error"]["field"], "mode");
}

/// The UI's server functions enforce the same rules as the JSON API.
async fn server_functions_check_permissions(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let d = owned_dataset(&app).await;
    let v = dataset_version(&app, d.id).await;
    let steward = UserBuilder::new(&app)
        .steward()
        .department(OWNER)
        .login()
        .await;
    let viewer = UserBuilder::new(&app).viewer().login().await;
    let outsider = UserBuilder::new(&app)
        .editor()
        .department(OTHER)
        .login()
        .await;
    let anon = app.client();
    let save = |c: &reqwest::Client, version: i32, title: &str| {
        c.post(app.url("/api/save_dataset"))
            .header("accept", "application/json")
            .json(&json!({ "slug": d.slug, "version": version, "patch": { "title_en": title } }))
    };
    for (client, want) in [
        (&anon, StatusCode::UNAUTHORIZED),
        (&viewer, StatusCode::FORBIDDEN),
        (&outsider, StatusCode::FORBIDDEN),
    ] {
        let (s, _) = send(save(client, v, "Not allowed")).await;
        assert_eq!(s, want);
    }
    let (s, body) = send(save(&steward, v, "Saved through the UI")).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body, v + 1);
    let (s, body) = send(save(&steward, v, "Stale")).await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    // The edit page's data: the steward edits, the outsider proposes, the viewer neither.
    let edit = |c: &reqwest::Client| {
        c.post(app.url("/api/dataset_for_edit"))
            .header("accept", "application/json")
            .form(&[("slug", d.slug.as_str())])
    };
    let (s, ctx) = send(edit(&steward)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(ctx["direct"], true);
    let (s, ctx) = send(edit(&outsider)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(ctx["direct"], false);
    assert_eq!(send(edit(&viewer)).await.0, StatusCode::FORBIDDEN);
    assert_eq!(send(edit(&anon)).await.0, StatusCode::UNAUTHORIZED);
    // The outsider's proposal through the UI's function reaches the steward's queue.
    let (s, p) = send(
        outsider
            .post(app.url("/api/propose_change"))
            .header("accept", "application/json")
            .json(
                &json!({ "slug": d.slug, "version": v + 1, "patch": { "license": "CC BY 4.0" } }),
            ),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    let (s, queue) = send(
        steward
            .post(app.url("/api/proposals"))
            .header("accept", "application/json")
            .json(&json!({ "scope": "Review" })),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{queue}");
    assert!(queue.as_array().unwrap().iter().any(|q| q["id"] == p["id"]));
}

/// Role x action x own/other department for discussing, proposing and reviewing, through the
/// real router: every refusal changes nothing.
async fn permission_matrix_for_collaboration(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let d = owned_dataset(&app).await;
    let users: Vec<(&str, Option<UserBuilder>)> = vec![
        ("anonymous", None),
        ("viewer", Some(UserBuilder::new(&app).viewer())),
        (
            "own editor",
            Some(UserBuilder::new(&app).editor().department(OWNER)),
        ),
        (
            "own steward",
            Some(UserBuilder::new(&app).steward().department(OWNER)),
        ),
        (
            "other editor",
            Some(UserBuilder::new(&app).editor().department(OTHER)),
        ),
        (
            "other steward",
            Some(UserBuilder::new(&app).steward().department(OTHER)),
        ),
        ("admin", Some(UserBuilder::new(&app).admin())),
    ];
    use StatusCode as S;
    // (action, expected status per user, in the order above)
    let matrix: [(&str, [StatusCode; 7]); 4] = [
        (
            "comment",
            [
                S::UNAUTHORIZED,
                S::CREATED,
                S::CREATED,
                S::CREATED,
                S::CREATED,
                S::CREATED,
                S::CREATED,
            ],
        ),
        (
            "propose",
            [
                S::UNAUTHORIZED,
                S::FORBIDDEN,
                S::CREATED,
                S::CREATED,
                S::CREATED,
                S::CREATED,
                S::CREATED,
            ],
        ),
        (
            "accept",
            [
                S::UNAUTHORIZED,
                S::FORBIDDEN,
                S::FORBIDDEN,
                S::OK,
                S::FORBIDDEN,
                S::FORBIDDEN,
                S::OK,
            ],
        ),
        (
            "reject",
            [
                S::UNAUTHORIZED,
                S::FORBIDDEN,
                S::FORBIDDEN,
                S::OK,
                S::FORBIDDEN,
                S::FORBIDDEN,
                S::OK,
            ],
        ),
    ];
    let mut clients = Vec::new();
    let mut who = Vec::new();
    for (name, user) in users {
        who.push(name);
        clients.push(match user {
            Some(u) => u.login().await,
            None => dongne_tests::plain_client(),
        });
    }
    // Proposals to decide come from the other department's editor.
    let proposer = clients[4].clone();
    let mut n = 0;
    for (action, expected) in matrix {
        for (i, who) in who.iter().enumerate() {
            n += 1;
            let c = &clients[i];
            let v = dataset_version(&app, d.id).await;
            let req = match action {
                "comment" => c
                    .post(app.url(&format!("/api/v1/datasets/{}/comments", d.id)))
                    .json(&json!({ "body": format!("의견 {n}") })),
                "propose" => c
                    .post(app.url(&format!("/api/v1/datasets/{}/proposals", d.id)))
                    .header("if-match", v.to_string())
                    .json(&json!({ "description_en": format!("Proposal {n}") })),
                _ => {
                    let (s, p) = send(
                        proposer
                            .post(app.url(&format!("/api/v1/datasets/{}/proposals", d.id)))
                            .header("if-match", v.to_string())
                            .json(&json!({ "title_en": format!("Matrix {n}") })),
                    )
                    .await;
                    assert_eq!(s, S::CREATED, "{p}");
                    let pid = p["id"].as_i64().unwrap();
                    if action == "accept" {
                        c.post(app.url(&format!("/api/v1/proposals/{pid}/accept")))
                            .header("if-match", v.to_string())
                    } else {
                        c.post(app.url(&format!("/api/v1/proposals/{pid}/reject")))
                            .json(&json!({ "reason": "matrix" }))
                    }
                }
            };
            let (status, body) = send(req).await;
            assert_eq!(status, expected[i], "{who} {action}: {body}");
            let after = dataset_version(&app, d.id).await;
            let changes = action == "accept" && status == S::OK;
            assert_eq!(after, if changes { v + 1 } else { v }, "{who} {action}");
        }
    }
}

//! Two doors, one answer: the pages' server functions (`POST /api/<endpoint>`) and the JSON
//! API (`/api/v1/…`) reach the same operations, so for the same operation and the same person
//! they must give the same answer: allowed through both, or refused through both, for the
//! same reason (not signed in, refused, or bad input).
//!
//! Each [`Op`] is tried by every [`Who`] through each [`Door`] on a fixture of its own where
//! the operation uses one up (a proposal to decide, a rule to delete, a key to revoke, a
//! running emergency to end), so the first door's success never decides the second's answer.

use std::collections::BTreeMap;

use domain::entities::{crowd_alert, crowd_alert_rule, dataset};
use dongne_tests::{
    both_databases, dataset_version, Backend, DatasetBuilder, TestApp, UserBuilder,
};
use reqwest::{Client, RequestBuilder, StatusCode};
use sea_orm::{EntityTrait, QueryOrder};
use serde_json::{json, Value};

both_databases!(server_functions_and_the_json_api_give_the_same_answer);

/// The department owning the fixtures, and another one.
const OWNER: &str = "parks";
const OTHER: &str = "transport";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Door {
    /// `POST /api/<endpoint>`, as the pages call it.
    ServerFn,
    /// `/api/v1/…`.
    Api,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Who {
    Anonymous,
    Viewer,
    /// An editor of the owning department.
    Editor,
    /// An editor of another department: the author of the proposals.
    OtherEditor,
    /// A steward of the owning department.
    Steward,
    Admin,
}

const EVERYONE: [Who; 6] = [
    Who::Anonymous,
    Who::Viewer,
    Who::Editor,
    Who::OtherEditor,
    Who::Steward,
    Who::Admin,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Op {
    ReadDraft,
    SaveDraft,
    ProposeChange,
    AddComment,
    AcceptProposal,
    RejectProposal,
    WithdrawProposal,
    Proposals,
    Notifications,
    MarkAllRead,
    SetFeedbackStatus,
    AddAlertRule,
    DeleteAlertRule,
    AcknowledgeAlert,
    AnnotateAlert,
    StartEmergency,
    EndEmergency,
    AddLocalPoint,
    HarvestSources,
    SaveHarvestSource,
    RunHarvestSource,
    ApiKeys,
    CreateApiKey,
    RevokeApiKey,
    AllApiKeys,
    Jobs,
    Job,
}

const OPS: [Op; 27] = [
    Op::ReadDraft,
    Op::SaveDraft,
    Op::ProposeChange,
    Op::AddComment,
    Op::AcceptProposal,
    Op::RejectProposal,
    Op::WithdrawProposal,
    Op::Proposals,
    Op::Notifications,
    Op::MarkAllRead,
    Op::SetFeedbackStatus,
    Op::AddAlertRule,
    Op::DeleteAlertRule,
    Op::AcknowledgeAlert,
    Op::AnnotateAlert,
    Op::StartEmergency,
    Op::EndEmergency,
    Op::AddLocalPoint,
    Op::HarvestSources,
    Op::SaveHarvestSource,
    Op::RunHarvestSource,
    Op::ApiKeys,
    Op::CreateApiKey,
    Op::RevokeApiKey,
    Op::AllApiKeys,
    Op::Jobs,
    Op::Job,
];

/// What an answer means, whichever door gave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Allowed,
    NotSignedIn,
    /// 403, or 404 for what the caller may not even see.
    Refused,
    BadInput,
    ServerError,
}

fn outcome(s: StatusCode) -> Outcome {
    match s.as_u16() {
        200..=399 => Outcome::Allowed,
        401 => Outcome::NotSignedIn,
        403 | 404 => Outcome::Refused,
        500.. => Outcome::ServerError,
        _ => Outcome::BadInput,
    }
}

/// The fixtures and the signed-in clients.
struct World {
    app: TestApp,
    clients: BTreeMap<Who, Client>,
    /// A public published dataset of the owning department (proposals, comments, reports).
    published: dataset::Model,
    /// A draft of the owning department with a file.
    draft: dataset::Model,
    /// An open crowd alert.
    alert: i32,
    /// The owning steward's profiling job.
    job: i64,
    /// Counts the fixtures made, for unique names.
    n: std::cell::Cell<usize>,
}

impl World {
    fn client(&self, who: Who) -> &Client {
        &self.clients[&who]
    }

    fn admin(&self) -> &Client {
        self.client(Who::Admin)
    }

    fn next(&self) -> usize {
        self.n.set(self.n.get() + 1);
        self.n.get()
    }

    fn url(&self, path: &str) -> String {
        self.app.url(path)
    }

    /// `POST /api/{name}` with a form body, answered in JSON.
    fn server_fn(&self, who: Who, name: &str, form: &[(&str, String)]) -> RequestBuilder {
        self.client(who)
            .post(self.url(&format!("/api/{name}")))
            .header("accept", "application/json")
            .form(form)
    }

    /// `POST /api/{name}` with a JSON body (`input = Json`).
    fn server_fn_json(&self, who: Who, name: &str, body: Value) -> RequestBuilder {
        self.client(who)
            .post(self.url(&format!("/api/{name}")))
            .header("accept", "application/json")
            .json(&body)
    }

    /// A new open proposal by the other department's editor on the published dataset.
    async fn proposal(&self) -> i64 {
        let v = dataset_version(&self.app, self.published.id).await;
        let n = self.next();
        let (s, p) = send(
            self.client(Who::OtherEditor)
                .post(self.url(&format!("/api/v1/datasets/{}/proposals", self.published.id)))
                .header("if-match", format!("\"{v}\""))
                .json(&json!({ "description_en": format!("Two doors proposal {n}") })),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "proposal: {p}");
        p["id"].as_i64().unwrap()
    }

    /// A new alert rule (by the administrator).
    async fn rule(&self) -> i32 {
        let (s, r) = send(
            self.admin()
                .post(self.url("/api/v1/crowd/rules"))
                .json(&json!({ "min_level": 4, "for_minutes": 0 })),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "rule: {r}");
        crowd_alert_rule::Entity::find()
            .order_by_desc(crowd_alert_rule::Column::Id)
            .one(&self.app.db)
            .await
            .unwrap()
            .expect("the rule")
            .id
    }

    /// A new API key of the owning steward.
    async fn key(&self) -> i64 {
        let n = self.next();
        let (s, k) = send(
            self.client(Who::Steward)
                .post(self.url("/api/v1/keys"))
                .json(&json!({ "name": format!("two doors {n}") })),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "key: {k}");
        k["key"]["id"].as_i64().unwrap()
    }

    /// A new resident's report on the published dataset.
    async fn report(&self) -> i64 {
        let n = self.next();
        let (s, r) = send(
            dongne_tests::plain_client()
                .post(self.url(&format!("/datasets/{}/feedback", self.published.slug)))
                .header("accept", "application/json")
                .form(&[
                    ("kind", "wrong_data".to_string()),
                    ("body", format!("Two doors report {n}")),
                ]),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "report: {r}");
        r["id"].as_i64().unwrap()
    }

    /// A new harvest source (on a closed port: its runs fail, harmlessly).
    async fn source(&self) -> i64 {
        let (s, r) = send(
            self.admin()
                .post(self.url("/api/v1/harvest/sources"))
                .json(&source_json(&format!("Two doors source {}", self.next()))),
        )
        .await;
        assert!(s.is_success(), "source: {s} {r}");
        r["id"].as_i64().unwrap()
    }

    async fn emergency(&self, running: bool) {
        let r = if running {
            self.admin()
                .post(self.url("/api/v1/crowd/emergency"))
                .json(&emergency_json())
        } else {
            self.admin().delete(self.url("/api/v1/crowd/emergency"))
        };
        let s = r.send().await.unwrap().status();
        assert!(
            s.is_success() || s == StatusCode::NOT_FOUND,
            "emergency: {s}"
        );
    }

    /// The request for `op` by `who` through `door`, with a fresh fixture where it uses one up.
    async fn request(&self, op: Op, who: Who, door: Door) -> RequestBuilder {
        let c = self.client(who);
        let n = self.next();
        let api = door == Door::Api;
        let draft = &self.draft;
        match op {
            Op::ReadDraft if api => c.get(self.url(&format!("/api/v1/datasets/{}", draft.id))),
            Op::ReadDraft => self.server_fn(who, "dataset", &[("slug", draft.slug.clone())]),
            Op::SaveDraft => {
                let v = dataset_version(&self.app, draft.id).await;
                let title = format!("Two doors {n}");
                if api {
                    c.patch(self.url(&format!("/api/v1/datasets/{}", draft.id)))
                        .header("if-match", format!("\"{v}\""))
                        .json(&json!({ "title_en": title }))
                } else {
                    self.server_fn_json(
                        who,
                        "save_dataset",
                        json!({ "slug": draft.slug, "version": v, "patch": { "title_en": title } }),
                    )
                }
            }
            Op::ProposeChange => {
                let d = &self.published;
                let v = dataset_version(&self.app, d.id).await;
                let patch = json!({ "description_en": format!("Proposed {n}") });
                if api {
                    c.post(self.url(&format!("/api/v1/datasets/{}/proposals", d.id)))
                        .header("if-match", format!("\"{v}\""))
                        .json(&patch)
                } else {
                    self.server_fn_json(
                        who,
                        "propose_change",
                        json!({ "slug": d.slug, "version": v, "patch": patch }),
                    )
                }
            }
            Op::AddComment if api => c
                .post(self.url(&format!("/api/v1/datasets/{}/comments", self.published.id)))
                .json(&json!({ "body": format!("Comment {n}") })),
            Op::AddComment => self.server_fn(
                who,
                "add_comment",
                &[
                    ("slug", self.published.slug.clone()),
                    ("body", format!("Comment {n}")),
                ],
            ),
            Op::AcceptProposal => {
                let pid = self.proposal().await;
                let v = dataset_version(&self.app, self.published.id).await;
                if api {
                    c.post(self.url(&format!("/api/v1/proposals/{pid}/accept")))
                        .header("if-match", format!("\"{v}\""))
                } else {
                    self.server_fn_json(
                        who,
                        "accept_proposal",
                        json!({ "id": pid, "version": v, "resolution": {} }),
                    )
                }
            }
            Op::RejectProposal => {
                let pid = self.proposal().await;
                if api {
                    c.post(self.url(&format!("/api/v1/proposals/{pid}/reject")))
                        .json(&json!({ "reason": "Two doors" }))
                } else {
                    self.server_fn(
                        who,
                        "reject_proposal",
                        &[("id", pid.to_string()), ("reason", "Two doors".into())],
                    )
                }
            }
            Op::WithdrawProposal => {
                let pid = self.proposal().await;
                if api {
                    c.post(self.url(&format!("/api/v1/proposals/{pid}/withdraw")))
                } else {
                    self.server_fn(who, "withdraw_proposal", &[("id", pid.to_string())])
                }
            }
            Op::Proposals if api => c.get(self.url("/api/v1/proposals?scope=review")),
            Op::Proposals => self.server_fn_json(who, "proposals", json!({ "scope": "Review" })),
            Op::Notifications if api => c.get(self.url("/api/v1/notifications")),
            Op::Notifications => self.server_fn(who, "notifications", &[]),
            Op::MarkAllRead if api => c.post(self.url("/api/v1/notifications/read")),
            Op::MarkAllRead => self.server_fn(who, "mark_all_read", &[]),
            Op::SetFeedbackStatus => {
                let id = self.report().await;
                if api {
                    c.post(self.url(&format!("/api/v1/feedback/{id}/resolve")))
                } else {
                    self.server_fn(
                        who,
                        "set_feedback_status",
                        &[("id", id.to_string()), ("status", "resolved".into())],
                    )
                }
            }
            Op::AddAlertRule if api => c
                .post(self.url("/api/v1/crowd/rules"))
                .json(&json!({ "min_level": 4, "for_minutes": 5 })),
            Op::AddAlertRule => self.server_fn(
                who,
                "add_alert_rule",
                &[
                    ("spot_code", String::new()),
                    ("min_level", "4".into()),
                    ("min_population", String::new()),
                    ("for_minutes", "5".into()),
                ],
            ),
            Op::DeleteAlertRule => {
                let id = self.rule().await;
                if api {
                    c.delete(self.url(&format!("/api/v1/crowd/rules/{id}")))
                } else {
                    self.server_fn(who, "delete_alert_rule", &[("id", id.to_string())])
                }
            }
            Op::AcknowledgeAlert if api => {
                c.post(self.url(&format!("/api/v1/crowd/alerts/{}/ack", self.alert)))
            }
            Op::AcknowledgeAlert => {
                self.server_fn(who, "acknowledge_alert", &[("id", self.alert.to_string())])
            }
            Op::AnnotateAlert if api => c
                .post(self.url(&format!("/api/v1/crowd/alerts/{}/notes", self.alert)))
                .json(&json!({ "body": format!("Note {n}") })),
            Op::AnnotateAlert => self.server_fn(
                who,
                "annotate_alert",
                &[
                    ("id", self.alert.to_string()),
                    ("body", format!("Note {n}")),
                ],
            ),
            Op::StartEmergency => {
                self.emergency(false).await;
                if api {
                    c.post(self.url("/api/v1/crowd/emergency"))
                        .json(&emergency_json())
                } else {
                    let e = emergency_json();
                    let field = |k: &str| e[k].as_str().unwrap().to_string();
                    self.server_fn(
                        who,
                        "start_emergency",
                        &[
                            ("spot_code", field("spot_code")),
                            ("message_ko", field("message_ko")),
                            ("message_en", field("message_en")),
                        ],
                    )
                }
            }
            Op::EndEmergency => {
                self.emergency(true).await;
                if api {
                    c.delete(self.url("/api/v1/crowd/emergency"))
                } else {
                    self.server_fn(who, "end_emergency", &[])
                }
            }
            Op::AddLocalPoint => {
                let code = format!("doors-{n}");
                if api {
                    c.post(self.url("/api/v1/crowd/spots")).json(&json!({
                        "code": code, "name_ko": "두 문", "name_en": "Two doors",
                        "lat": 37.55, "lon": 127.04
                    }))
                } else {
                    self.server_fn(
                        who,
                        "add_local_point",
                        &[
                            ("code", code),
                            ("name_ko", "두 문".into()),
                            ("name_en", "Two doors".into()),
                            ("lat", "37.55".into()),
                            ("lon", "127.04".into()),
                        ],
                    )
                }
            }
            Op::HarvestSources if api => c.get(self.url("/api/v1/harvest/sources")),
            Op::HarvestSources => self.server_fn(who, "harvest_sources", &[]),
            Op::SaveHarvestSource => {
                let name = format!("Two doors saved {n}");
                if api {
                    c.post(self.url("/api/v1/harvest/sources"))
                        .json(&source_json(&name))
                } else {
                    let s = source_json(&name);
                    let field = |k: &str| s[k].as_str().unwrap().to_string();
                    self.server_fn(
                        who,
                        "save_harvest_source",
                        &[
                            ("form[name]", name.clone()),
                            ("form[kind]", field("kind")),
                            ("form[url]", field("url")),
                            ("form[department]", field("department")),
                            ("form[source_institution]", field("source_institution")),
                            ("form[default_terms]", String::new()),
                            ("form[visibility]", field("visibility")),
                            ("form[interval_minutes]", String::new()),
                            ("form[enabled]", "on".into()),
                        ],
                    )
                }
            }
            Op::RunHarvestSource => {
                let id = self.source().await;
                if api {
                    c.post(self.url(&format!("/api/v1/harvest/sources/{id}/run")))
                } else {
                    self.server_fn(who, "run_harvest_source", &[("id", id.to_string())])
                }
            }
            Op::ApiKeys if api => c.get(self.url("/api/v1/keys")),
            Op::ApiKeys => self.server_fn(who, "api_keys", &[]),
            Op::CreateApiKey if api => c
                .post(self.url("/api/v1/keys"))
                .json(&json!({ "name": format!("Key {n}") })),
            Op::CreateApiKey => {
                self.server_fn(who, "create_api_key", &[("name", format!("Key {n}"))])
            }
            Op::RevokeApiKey => {
                let id = self.key().await;
                if api {
                    c.delete(self.url(&format!("/api/v1/keys/{id}")))
                } else {
                    self.server_fn(who, "revoke_api_key", &[("id", id.to_string())])
                }
            }
            Op::AllApiKeys if api => c.get(self.url("/api/v1/admin/keys")),
            Op::AllApiKeys => self.server_fn(who, "all_api_keys", &[]),
            Op::Jobs if api => c.get(self.url("/api/v1/jobs")),
            Op::Jobs => self.server_fn(who, "jobs", &[]),
            Op::Job if api => c.get(self.url(&format!("/api/v1/jobs/{}", self.job))),
            Op::Job => self.server_fn(who, "job", &[("id", self.job.to_string())]),
        }
    }
}

fn source_json(name: &str) -> Value {
    json!({
        "name": name,
        "kind": "ckan",
        "url": "http://127.0.0.1:9/api/3/action/package_search",
        "department": OWNER,
        "source_institution": "Two doors",
        "default_terms": [],
        "visibility": "public",
        "interval_minutes": null,
        "enabled": true
    })
}

fn emergency_json() -> Value {
    json!({
        "spot_code": "doors-point",
        "message_ko": "두 문 안내",
        "message_en": "Two doors notice"
    })
}

async fn send(req: RequestBuilder) -> (StatusCode, Value) {
    dongne_tests::send(req).await
}

async fn world(app: TestApp) -> World {
    let mut clients = BTreeMap::new();
    clients.insert(Who::Anonymous, app.client());
    let users = [
        (Who::Viewer, UserBuilder::new(&app).viewer()),
        (
            Who::Editor,
            UserBuilder::new(&app).editor().department(OWNER),
        ),
        (
            Who::OtherEditor,
            UserBuilder::new(&app).editor().department(OTHER),
        ),
        (
            Who::Steward,
            UserBuilder::new(&app).steward().department(OWNER),
        ),
        (Who::Admin, UserBuilder::new(&app).admin()),
    ];
    for (who, user) in users {
        clients.insert(who, user.login().await);
    }
    let published = DatasetBuilder::new(&app)
        .department(OWNER)
        .public()
        .create()
        .await;
    let file = "https://files.example/two-doors.csv";
    let draft = DatasetBuilder::new(&app)
        .department(OWNER)
        .draft()
        .file("CSV", file)
        .create()
        .await;
    let steward = &clients[&Who::Steward];
    let (s, j) = send(
        steward
            .post(app.url(&format!("/api/v1/datasets/{}/profile", draft.id)))
            .query(&[("url", file), ("name", "x.csv")])
            .header("content-type", "text/csv")
            .body("name,count\na,1\n"),
    )
    .await;
    assert_eq!(s, StatusCode::ACCEPTED, "profiling job: {j}");
    let job = j["job"].as_i64().unwrap();
    // A local point with a busy reading under a rule: an open alert.
    let admin = &clients[&Who::Admin];
    let (s, point) = send(admin.post(app.url("/api/v1/crowd/spots")).json(&json!({
        "code": "doors-point", "name_ko": "두 문", "name_en": "Two doors",
        "lat": 37.55, "lon": 127.04
    })))
    .await;
    assert_eq!(s, StatusCode::CREATED, "local point: {point}");
    let (s, _) = send(
        admin
            .post(app.url("/api/v1/crowd/rules"))
            .json(&json!({ "spot_code": "doors-point", "min_level": 4, "for_minutes": 0 })),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _) = send(
        app.client()
            .post(app.url("/api/v1/crowd/spots/doors-point/readings"))
            .bearer_auth(point["token"].as_str().unwrap())
            .json(&json!({ "level": 4, "population_min": 9000, "population_max": 9500 })),
    )
    .await;
    assert!(s.is_success(), "reading: {s}");
    let alert = crowd_alert::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .expect("an alert raised by the busy reading")
        .id;
    World {
        app,
        clients,
        published,
        draft,
        alert,
        job,
        n: std::cell::Cell::new(0),
    }
}

async fn server_functions_and_the_json_api_give_the_same_answer(backend: Backend) {
    // Many reports on one dataset from one address: no hourly limit here.
    let Some(app) = TestApp::start_with(backend, &[("DONGNE_FEEDBACK_PER_HOUR", "0")]).await else {
        return;
    };
    let w = world(app).await;
    let mut disagreements = Vec::new();
    let mut differences = Vec::new();
    for op in OPS {
        let mut allowed_somewhere = false;
        for who in EVERYONE {
            let mut got = Vec::new();
            for door in [Door::ServerFn, Door::Api] {
                let req = w.request(op, who, door).await;
                let resp = req.send().await.unwrap();
                let status = resp.status();
                let body = resp.text().await.unwrap_or_default();
                got.push((door, status, body));
            }
            let (sf, api) = (&got[0], &got[1]);
            let (a, b) = (outcome(sf.1), outcome(api.1));
            for (door, status, body) in &got {
                assert_ne!(
                    outcome(*status),
                    Outcome::ServerError,
                    "{op:?} as {who:?} through {door:?}: {status} {body}"
                );
            }
            if a != b {
                disagreements.push(format!(
                    "{op:?} as {who:?}: server function {} ({a:?}) {}, JSON API {} ({b:?}) {}",
                    sf.1,
                    short(&sf.2),
                    api.1,
                    short(&api.2)
                ));
            } else if sf.1 != api.1 && a != Outcome::Allowed {
                // (Allowed answers differ as they should: 201 Created, 204 No Content…)
                differences.push(format!("{op:?} as {who:?}: {} vs {}", sf.1, api.1));
            }
            allowed_somewhere |= a == Outcome::Allowed && b == Outcome::Allowed;
        }
        assert!(
            allowed_somewhere,
            "{op:?}: nobody got through either door (is a request wrong?)"
        );
    }
    if !differences.is_empty() {
        eprintln!(
            "refused alike, with a different status:\n{}",
            differences.join("\n")
        );
    }
    assert!(
        disagreements.is_empty(),
        "{} times the doors disagree:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}

/// The start of a body, for a failure message.
fn short(body: &str) -> String {
    body.chars().take(160).collect()
}

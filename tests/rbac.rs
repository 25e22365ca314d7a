//! The RBAC matrix: every route the server answers, called as every kind of user.
//!
//! The routes come from the server itself, so a new one cannot be forgotten:
//! - the explicit routes from [`server::http::route_paths`] (the table `router()` is built
//!   from), each probed with GET, POST, PUT, PATCH and DELETE (axum answers 405 for a method a
//!   path does not route);
//! - every server function ([`server::http::server_fn_paths`], all `POST /api/…`);
//! - every page ([`server::http::page_paths`]).
//!
//! [`matrix`] gives each (method, route) a [`Rule`] and the request that exercises it, with the
//! path parameters filled from [`Fixtures`]: ids of the owning department's *draft* dataset (so
//! another department cannot even see it: IDOR), its jobs, keys, reports and proposals. Each is
//! then sent as every [`Role`], in the matrix's order (writes that destroy a fixture come last):
//! a role the rule refuses gets 401 when anonymous, 403 or 404 when signed in, never 2xx/3xx and
//! never 5xx; a role it allows gets neither 401 nor 403 (a 4xx from a minimal body is fine), nor
//! 404 for the owning department's own fixtures. Every state-changing request is also refused
//! when it comes from another site (CSRF).
//!
//! A route without a rule fails [`every_route_has_a_rule_and_the_rule_holds`] naming it: add an
//! entry to [`matrix::matrix`] (in `rbac/matrix.rs`) with the rule the handler enforces and the
//! smallest request that reaches its permission check.

mod doors;
mod matrix;

use std::collections::BTreeSet;

use domain::entities::{crowd_alert, crowd_alert_rule, dataset, harvest_source};
use dongne_tests::{
    both_databases, dataset_version, department_codes, draft_with_distribution, Backend, TestApp,
};
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{json, Value};

both_databases!(every_route_has_a_rule_and_the_rule_holds);

const PASSWORD: &str = domain::seed::DEMO_PASSWORD;

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// Anyone, signed in or not.
    Public,
    /// Anyone signed in, the read-only `viewer` included.
    Staff,
    /// Department staff (editors, stewards) and admins; not the `viewer`.
    Editor,
    /// The owning department's staff and admins; other departments get 403 or 404 (IDOR).
    Owner,
    /// Administrators only.
    Admin,
    /// The proposal's author only (the other department's editor).
    Proposer,
    /// Nobody by session: the crowd push token (`Authorization: Bearer <token>`) only.
    Token,
}

/// The users every request is sent as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Anonymous,
    Viewer,
    /// An editor of a department that does not own the fixtures; the author of the proposal.
    OtherEditor,
    /// A steward of the department owning the fixtures.
    Owner,
    Admin,
}

const ROLES: [Role; 5] = [
    Role::Anonymous,
    Role::Viewer,
    Role::OtherEditor,
    Role::Owner,
    Role::Admin,
];

impl Rule {
    fn allows(self, role: Role) -> bool {
        match self {
            Rule::Public => true,
            Rule::Staff => role != Role::Anonymous,
            Rule::Editor => matches!(role, Role::OtherEditor | Role::Owner | Role::Admin),
            Rule::Owner => matches!(role, Role::Owner | Role::Admin),
            Rule::Admin => role == Role::Admin,
            Rule::Proposer => role == Role::OtherEditor,
            Rule::Token => false,
        }
    }

    /// What `role` got is what the rule says, or why not.
    fn judge(self, role: Role, status: StatusCode) -> Result<(), String> {
        let s = status.as_u16();
        if status.is_server_error() {
            return Err(format!("{role:?} got {s}: a server error"));
        }
        if self.allows(role) {
            if s == 401 || s == 403 {
                return Err(format!("{role:?} may, but got {s}"));
            }
            if self == Rule::Owner && s == 404 {
                return Err(format!("{role:?} owns the fixture, but got 404"));
            }
            return Ok(());
        }
        let refused: &[u16] = match (role, self) {
            // A draft does not exist for those who may not see it.
            (Role::Anonymous, Rule::Owner) => &[401, 404],
            // A session is no push token.
            (_, Rule::Token) => &[401],
            (Role::Anonymous, _) => &[401],
            _ => &[403, 404],
        };
        if refused.contains(&s) {
            Ok(())
        } else {
            Err(format!(
                "{role:?} may not, but got {s} (expected {refused:?})"
            ))
        }
    }
}

enum Body {
    None,
    Json(Value),
    Form(Vec<(&'static str, String)>),
    /// A data file to profile.
    Csv(&'static str),
}

const PROFILE_CSV: &str = "name,count\na,1\n";

/// One request of the matrix.
struct Check {
    method: Method,
    /// The route as the server lists it (`/api/v1/datasets/{id}`, `/api/login`, `/admin`).
    route: String,
    /// The route with its parameters filled from the fixtures, and any query.
    url: String,
    rule: Rule,
    body: Body,
    /// Send `If-Match` with this dataset's current version.
    if_match: Option<i32>,
}

impl Check {
    fn json(&mut self, body: Value) -> &mut Self {
        self.body = Body::Json(body);
        self
    }
    fn form(&mut self, pairs: &[(&'static str, &str)]) -> &mut Self {
        self.body = Body::Form(pairs.iter().map(|(k, v)| (*k, v.to_string())).collect());
        self
    }
    fn query(&mut self, q: &str) -> &mut Self {
        self.url = format!("{}?{q}", self.url);
        self
    }
    fn if_match(&mut self, dataset: i32) -> &mut Self {
        self.if_match = Some(dataset);
        self
    }
}

/// Ids and codes the matrix fills path parameters with. The owning department (`owner`) has a
/// draft dataset with a distribution; everything else belongs to that department or its steward.
struct Fixtures {
    owner: String,
    other: String,
    draft: dataset::Model,
    /// The draft's first distribution's URL (profiling needs one).
    draft_file_url: String,
    /// A published public dataset of the owning department.
    published: dataset::Model,
    /// The owning steward's profiling job.
    job: i64,
    /// The owning steward's API key.
    key: i64,
    /// A resident's report on `published`.
    feedback: i64,
    /// Another department's proposal on `published`.
    proposal: i64,
    alert: i32,
    alert_rule: i32,
    harvest_source: i32,
    /// A local crowd point and its push token.
    point: String,
    point_token: String,
}

impl Fixtures {
    /// `route` with its `{…}` parameters replaced by fixture values.
    fn fill(&self, route: &str) -> String {
        let draft_id = self.draft.id.to_string();
        let by_prefix: [(&str, &str, String); 15] = [
            ("/api/v1/datasets/", "{id}", draft_id),
            ("/api/v1/datasets/", "{version}", "1".into()),
            ("/api/v1/crowd/alerts/", "{id}", self.alert.to_string()),
            ("/api/v1/crowd/rules/", "{id}", self.alert_rule.to_string()),
            ("/api/v1/crowd/spots/", "{code}", self.point.clone()),
            ("/api/v1/proposals/", "{pid}", self.proposal.to_string()),
            ("/api/v1/jobs/", "{id}", self.job.to_string()),
            (
                "/api/v1/harvest/sources/",
                "{id}",
                self.harvest_source.to_string(),
            ),
            ("/api/v1/feedback/", "{id}", self.feedback.to_string()),
            ("/api/v1/keys/", "{id}", self.key.to_string()),
            ("/lang/", "{code}", "en".into()),
            // Residents report problems on published datasets.
            (
                "/datasets/{slug}/feedback",
                "{slug}",
                self.published.slug.clone(),
            ),
            ("/datasets/", "{slug}", self.draft.slug.clone()),
            ("/jobs/", "{id}", self.job.to_string()),
            ("", "{", "UNFILLED".into()),
        ];
        let mut url = route.to_string();
        for (prefix, param, value) in by_prefix {
            if route.starts_with(prefix) {
                url = url.replace(param, &value);
            }
        }
        url
    }
}

async fn every_route_has_a_rule_and_the_rule_holds(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let f = fixtures(&app).await;
    let checks = matrix::matrix(&f);

    // Every route the server answers has a rule, and every rule a route.
    let ruled: BTreeSet<(String, String)> = checks
        .iter()
        .map(|c| (c.method.to_string(), c.route.clone()))
        .collect();
    let mut served = BTreeSet::new();
    let probe = app.client();
    for route in server::http::route_paths() {
        for method in [
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ] {
            let r = probe
                .request(method.clone(), app.url(&f.fill(route)))
                .send()
                .await
                .unwrap();
            if r.status() != StatusCode::METHOD_NOT_ALLOWED {
                served.insert((method.to_string(), route.to_string()));
            }
        }
    }
    let server_fns = server::http::server_fn_paths();
    let pages = server::http::page_paths();
    served.extend(
        server_fns
            .iter()
            .map(|p| ("POST".to_string(), p.to_string())),
    );
    served.extend(pages.iter().map(|p| ("GET".to_string(), p.clone())));
    let unruled: Vec<_> = served.difference(&ruled).collect();
    assert!(
        unruled.is_empty(),
        "routes without a rule (add a rule to tests/rbac.rs): {unruled:?}"
    );
    let stale: Vec<_> = ruled.difference(&served).collect();
    assert!(
        stale.is_empty(),
        "rules for routes the server does not answer: {stale:?}"
    );
    eprintln!(
        "RBAC matrix: {} checks: {} explicit (method, route), {} server functions, {} pages",
        checks.len(),
        served.len() - server_fns.len() - pages.len(),
        server_fns.len(),
        pages.len()
    );

    // Every rule holds for every role.
    let mut clients = Vec::new();
    for role in ROLES {
        clients.push((role, session(&app, role, &f).await));
    }
    let mut failures = Vec::new();
    for check in &checks {
        for (role, client) in &clients {
            let status = send(&app, client, check).await;
            if let Err(why) = check.rule.judge(*role, status) {
                failures.push(format!("{} {}: {why}", check.method, check.url));
            }
        }
        if check.rule == Rule::Token {
            let status = send_with(&app, &app.client(), check, |r| {
                r.bearer_auth(&f.point_token)
            })
            .await;
            if status.as_u16() == 401 || status.as_u16() == 403 || status.is_server_error() {
                failures.push(format!(
                    "{} {}: the push token was refused: {status}",
                    check.method, check.url
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} RBAC failures:\n{}",
        failures.len(),
        failures.join("\n")
    );

    // No state-changing request is accepted from another site, whoever is signed in.
    let (admin, _) = app.login("admin", PASSWORD).await;
    for check in checks.iter().filter(|c| c.method != Method::GET) {
        let status = send_with(&app, &admin, check, |r| {
            r.header("origin", "https://evil.example")
        })
        .await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "cross-site {} {}",
            check.method,
            check.url
        );
    }
}

async fn send(app: &TestApp, client: &reqwest::Client, check: &Check) -> StatusCode {
    send_with(app, client, check, |r| r).await
}

/// Send `check` with `client`, `extra` adding headers; only the status is read (some routes
/// are event streams that do not end).
async fn send_with(
    app: &TestApp,
    client: &reqwest::Client,
    check: &Check,
    extra: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder,
) -> StatusCode {
    let mut r = client.request(check.method.clone(), app.url(&check.url));
    if let Some(id) = check.if_match {
        r = r.header(
            "if-match",
            format!("\"{}\"", dataset_version(app, id).await),
        );
    }
    r = match &check.body {
        Body::None => r,
        Body::Json(v) => r.json(v),
        Body::Form(pairs) => r.form(pairs),
        Body::Csv(text) => r.header("content-type", "text/csv").body(*text),
    };
    extra(r)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{} {}: {e:?}", check.method, check.url))
        .status()
}

/// A client signed in as `role` (no cookie for the anonymous one).
async fn session(app: &TestApp, role: Role, f: &Fixtures) -> reqwest::Client {
    let user = match role {
        Role::Anonymous => return app.client(),
        Role::Viewer => "viewer".to_string(),
        Role::OtherEditor => format!("{}-editor", f.other),
        Role::Owner => format!("{}-steward", f.owner),
        Role::Admin => "admin".to_string(),
    };
    let (client, status) = app.login(&user, PASSWORD).await;
    assert!(status.is_success(), "{user} signs in: {status}");
    client
}

/// A JSON response's body, asserting its status.
async fn expect(resp: reqwest::Response, status: StatusCode, what: &str) -> Value {
    let got = resp.status();
    let body: Value = resp.json().await.unwrap_or(Value::Null);
    assert_eq!(got, status, "{what}: {body}");
    body
}

async fn fixtures(app: &TestApp) -> Fixtures {
    // The first draft with a distribution, and its department.
    let (draft, dist) = draft_with_distribution(app).await;
    let draft_file_url = dist.url;
    let (owner, other) = department_codes(app, draft.department_id).await;
    let published = dataset::Entity::find()
        .filter(dataset::Column::DepartmentId.eq(draft.department_id))
        .filter(dataset::Column::Status.eq("published"))
        .filter(dataset::Column::Visibility.eq("public"))
        .order_by_asc(dataset::Column::Id)
        .one(&app.db)
        .await
        .unwrap()
        .expect("the owning department has a public dataset");

    let (steward, _) = app.login(&format!("{owner}-steward"), PASSWORD).await;
    let (proposer, _) = app.login(&format!("{other}-editor"), PASSWORD).await;
    let (admin, _) = app.login("admin", PASSWORD).await;

    let resp = steward
        .post(app.url(&format!("/api/v1/datasets/{}/profile", draft.id)))
        .query(&[("url", draft_file_url.as_str()), ("name", "x.csv")])
        .header("content-type", "text/csv")
        .body(PROFILE_CSV)
        .send()
        .await
        .unwrap();
    let job = expect(resp, StatusCode::ACCEPTED, "profiling job").await["job"]
        .as_i64()
        .unwrap();
    let resp = steward
        .post(app.url("/api/v1/keys"))
        .json(&json!({ "name": "RBAC fixture" }))
        .send()
        .await
        .unwrap();
    let key = expect(resp, StatusCode::CREATED, "API key").await["key"]["id"]
        .as_i64()
        .unwrap();
    let resp = app
        .client()
        .post(app.url(&format!("/datasets/{}/feedback", published.slug)))
        .header("accept", "application/json")
        .form(&[("kind", "wrong_data"), ("body", "RBAC fixture report")])
        .send()
        .await
        .unwrap();
    let feedback = expect(resp, StatusCode::CREATED, "report").await["id"]
        .as_i64()
        .unwrap();
    let resp = proposer
        .post(app.url(&format!("/api/v1/datasets/{}/proposals", published.id)))
        .header("if-match", format!("\"{}\"", published.version))
        .json(&json!({ "title_en": "RBAC fixture proposal" }))
        .send()
        .await
        .unwrap();
    let proposal = expect(resp, StatusCode::CREATED, "proposal").await["id"]
        .as_i64()
        .unwrap();
    let resp = admin
        .post(app.url("/api/v1/crowd/spots"))
        .json(&json!({
            "code": "rbac-point", "name_ko": "RBAC", "name_en": "RBAC",
            "lat": 37.55, "lon": 127.04
        }))
        .send()
        .await
        .unwrap();
    let point = expect(resp, StatusCode::CREATED, "local point").await;
    let resp = admin
        .post(app.url("/api/v1/crowd/rules"))
        .json(&json!({ "min_level": 4, "for_minutes": 0 }))
        .send()
        .await
        .unwrap();
    let status = resp.status();
    assert!(status.is_success(), "alert rule: {status}");
    let alert_rule = crowd_alert_rule::Entity::find()
        .order_by_desc(crowd_alert_rule::Column::Id)
        .one(&app.db)
        .await
        .unwrap()
        .expect("an alert rule")
        .id;
    // A busy reading on the point raises an alert under that rule.
    let resp = app
        .client()
        .post(app.url("/api/v1/crowd/spots/rbac-point/readings"))
        .bearer_auth(point["token"].as_str().expect("the point's token"))
        .json(&json!({ "level": 4, "population_min": 9000, "population_max": 9500 }))
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "reading: {}", resp.status());
    let alert = crowd_alert::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .expect("an alert raised by the busy reading")
        .id;
    let harvest_source = harvest_source::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .map_or(1, |s| s.id);
    Fixtures {
        owner,
        other,
        draft,
        draft_file_url,
        published,
        job,
        key,
        feedback,
        proposal,
        alert,
        alert_rule,
        harvest_source,
        point: point["code"].as_str().unwrap().to_string(),
        point_token: point["token"].as_str().unwrap().to_string(),
    }
}

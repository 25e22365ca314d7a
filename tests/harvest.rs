//! Harvesting other catalogs through the real router on SQLite and PostgreSQL: an administrator
//! configures a source and runs it as a background job against a real HTTP server on a loopback
//! port that serves the fixtures in `fixtures/harvest` (and whatever a test changes them to).
//! Runs are idempotent, follow changes at the source (removed records are archived, never
//! deleted), fail as a whole when the source cannot be read, follow pages (CKAN and DCAT), are
//! reserved to administrators, and are started by the scheduler when a source is due.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use domain::entities::{dataset, department, harvest_source, job, revision, user};
use dongne_tests::{both_databases, Backend, TestApp};
use reqwest::StatusCode;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use serde_json::{json, Value};

both_databases!(
    a_ckan_source_is_harvested_across_pages,
    abbreviated_search_records_are_completed,
    harvests_are_idempotent_and_follow_changes,
    a_source_that_cannot_be_read_changes_nothing,
    a_dcat_source_is_harvested_across_pages,
    only_administrators_manage_sources,
    due_sources_are_harvested_by_the_scheduler,
    paging_boundaries_and_huge_descriptions,
);

const PASSWORD: &str = "dongne-demo";

const CKAN_PAGE1: &str = include_str!("fixtures/harvest/ckan_search_page1.json");
const CKAN_PAGE2: &str = include_str!("fixtures/harvest/ckan_search_page2.json");
const CKAN_EMPTY: &str = include_str!("fixtures/harvest/ckan_search_empty.json");
const CKAN_ERROR: &str = include_str!("fixtures/harvest/ckan_error.json");
const CKAN_SHOW: &str = include_str!("fixtures/harvest/ckan_show.json");
const DCAT_PAGE1: &str = include_str!("fixtures/harvest/dcat_graph_page1.jsonld");
const DCAT_PAGE2: &str = include_str!("fixtures/harvest/dcat_graph_page2.jsonld");
const DCAT_EMBEDDED: &str = include_str!("fixtures/harvest/dcat_embedded.jsonld");
const BROKEN_HTML: &str = include_str!("fixtures/harvest/broken_html.html");
const BROKEN_TRUNCATED: &str = include_str!("fixtures/harvest/broken_truncated.json");

/// The CKAN fixtures' records, by their `id`.
const CCTV: &str = "0a1b2c3d-0001-4000-8000-000000000001";
const TOILETS: &str = "0a1b2c3d-0002-4000-8000-000000000002";
const FOREST: &str = "0a1b2c3d-0003-4000-8000-000000000003";
const PARKING: &str = "0a1b2c3d-0004-4000-8000-000000000004";
const LIBRARIES: &str = "0a1b2c3d-0005-4000-8000-000000000005";

/// How long a test waits for one job.
const JOB_WAIT: Duration = Duration::from_secs(40);

// ---------------------------------------------------------------------------------------------
// The remote catalog: a real HTTP server whose answers a test can change between runs.
// ---------------------------------------------------------------------------------------------

#[derive(Clone)]
enum Serve {
    /// A CKAN Action API over these packages, at most `page_size` per `package_search` page
    /// (like a site's `ckan.search.rows_max`), sorted as given. `broken` replaces the page that
    /// starts at that offset with a raw body. `package_show` answers with the package (by id or
    /// name), or with what `show` says for that id or name.
    Ckan {
        packages: Vec<Value>,
        page_size: usize,
        broken: HashMap<usize, Vec<u8>>,
        show: HashMap<String, (u16, Vec<u8>)>,
    },
    /// Fixed bodies by path and query (`/dcat/catalog.jsonld?page=2`); anything else is 404.
    Files(HashMap<String, Vec<u8>>),
    /// The same answer to every request.
    Always {
        status: u16,
        content_type: &'static str,
        body: Vec<u8>,
    },
}

#[derive(Clone)]
struct Remote {
    base: String,
    serve: Arc<Mutex<Serve>>,
    /// Every request's path and query, in order.
    log: Arc<Mutex<Vec<String>>>,
}

impl Remote {
    async fn start(serve: Serve) -> Remote {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let remote = Remote {
            base: format!("http://{addr}"),
            serve: Arc::new(Mutex::new(serve)),
            log: Arc::default(),
        };
        let router = axum::Router::new()
            .fallback(answer)
            .with_state(remote.clone());
        tokio::spawn(async move {
            axum::serve(listener, router).await.unwrap();
        });
        remote
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn set(&self, serve: Serve) {
        *self.serve.lock().unwrap() = serve;
    }

    /// The requests since the last call.
    fn take_requests(&self) -> Vec<String> {
        std::mem::take(&mut *self.log.lock().unwrap())
    }
}

async fn answer(State(remote): State<Remote>, uri: Uri) -> Response {
    let pq = uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    remote.log.lock().unwrap().push(pq.clone());
    let serve = remote.serve.lock().unwrap().clone();
    let reply = |status: u16, content_type: &str, body: Vec<u8>| {
        (
            axum::http::StatusCode::from_u16(status).unwrap(),
            [(axum::http::header::CONTENT_TYPE, content_type.to_string())],
            body,
        )
            .into_response()
    };
    match serve {
        Serve::Ckan {
            packages,
            page_size,
            broken,
            show,
        } => {
            let query = app::search::parse_query_string(uri.query().unwrap_or(""));
            if uri.path().ends_with("/api/3/action/package_show") {
                let id = query
                    .iter()
                    .find(|(k, _)| k == "id")
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default();
                if let Some((status, body)) = show.get(&id) {
                    return reply(*status, "application/json", body.clone());
                }
                return match packages.iter().find(|p| p["id"] == id || p["name"] == id) {
                    Some(p) => {
                        let body = json!({ "success": true, "result": p });
                        reply(200, "application/json", body.to_string().into_bytes())
                    }
                    None => reply(404, "application/json", CKAN_ERROR.as_bytes().to_vec()),
                };
            }
            if !uri.path().ends_with("/api/3/action/package_search") {
                return reply(404, "application/json", CKAN_ERROR.as_bytes().to_vec());
            }
            let number = |name: &str| {
                query
                    .iter()
                    .find(|(k, _)| k == name)
                    .and_then(|(_, v)| v.parse::<usize>().ok())
            };
            let start = number("start").unwrap_or(0);
            let rows = number("rows").unwrap_or(10).min(page_size);
            if let Some(body) = broken.get(&start) {
                return reply(200, "application/json", body.clone());
            }
            let page = ckan_page(&packages, start, rows);
            reply(200, "application/json", page.to_string().into_bytes())
        }
        Serve::Files(files) => match files.get(&pq) {
            Some(body) => reply(200, "application/ld+json", body.clone()),
            None => reply(404, "text/plain", b"not found".to_vec()),
        },
        Serve::Always {
            status,
            content_type,
            body,
        } => reply(status, content_type, body),
    }
}

fn ckan_page(packages: &[Value], start: usize, rows: usize) -> Value {
    let results: Vec<&Value> = packages.iter().skip(start).take(rows).collect();
    json!({
        "help": "https://data.seongdong.example/api/3/action/help_show?name=package_search",
        "success": true,
        "result": {
            "count": packages.len(),
            "facets": {},
            "results": results,
            "sort": "id asc",
            "search_facets": {}
        }
    })
}

fn results_of(page: &str) -> Vec<Value> {
    let v: Value = serde_json::from_str(page).unwrap();
    v["result"]["results"].as_array().unwrap().clone()
}

/// The five records of the two CKAN fixture pages (the last one has neither id nor name).
fn fixture_packages() -> Vec<Value> {
    let mut all = results_of(CKAN_PAGE1);
    all.extend(results_of(CKAN_PAGE2));
    all
}

/// The fixtures as the fixture pages have them: three records a page.
fn ckan(packages: Vec<Value>) -> Serve {
    Serve::Ckan {
        packages,
        page_size: 3,
        broken: HashMap::new(),
        show: HashMap::new(),
    }
}

fn dcat_files() -> Serve {
    Serve::Files(HashMap::from([
        ("/dcat/catalog.jsonld".to_string(), DCAT_PAGE1.into()),
        ("/dcat/catalog.jsonld?page=2".to_string(), DCAT_PAGE2.into()),
        ("/dcat/embedded.jsonld".to_string(), DCAT_EMBEDDED.into()),
    ]))
}

/// A loopback port nobody listens on.
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

// ---------------------------------------------------------------------------------------------
// Driving the API.
// ---------------------------------------------------------------------------------------------

fn source_input(name: &str, kind: &str, url: &str) -> Value {
    json!({
        "name": name,
        "kind": kind,
        "url": url,
        "department": "smart-city",
        "source_institution": "성동구 열린데이터 포털",
        "default_terms": ["theme:public-safety", "dong:oksu"],
        "visibility": "public",
        "interval_minutes": null,
        "enabled": true
    })
}

async fn save_source(c: &reqwest::Client, app: &TestApp, input: &Value) -> (StatusCode, Value) {
    let resp = c
        .post(app.url("/api/v1/harvest/sources"))
        .json(input)
        .send()
        .await
        .unwrap();
    let s = resp.status();
    (s, resp.json().await.unwrap_or(Value::Null))
}

/// Create a source (as an administrator); its id.
async fn create_source(c: &reqwest::Client, app: &TestApp, input: &Value) -> i32 {
    let (s, saved) = save_source(c, app, input).await;
    assert_eq!(s, StatusCode::OK, "{saved}");
    assert_eq!(saved["name"], input["name"]);
    assert_eq!(saved["kind"], input["kind"]);
    assert_eq!(saved["department"]["code"], input["department"]);
    assert_eq!(saved["datasets"], 0);
    saved["id"].as_i64().unwrap() as i32
}

/// `POST …/run`: 202 with the job (also in `Location`); the job's id.
async fn start_run(c: &reqwest::Client, app: &TestApp, source: i32) -> i32 {
    let resp = c
        .post(app.url(&format!("/api/v1/harvest/sources/{source}/run")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::ACCEPTED);
    let location = resp
        .headers()
        .get("location")
        .expect("202 names the job")
        .to_str()
        .unwrap()
        .to_string();
    let body: Value = resp.json().await.unwrap();
    let id = body["job"].as_i64().expect("the job's id") as i32;
    assert_eq!(location, format!("/api/v1/jobs/{id}"));
    id
}

/// Poll `GET /api/v1/jobs/{id}` until the job has finished; its last state.
async fn wait_job(c: &reqwest::Client, app: &TestApp, id: i32) -> Value {
    let until = Instant::now() + JOB_WAIT;
    loop {
        let resp = c
            .get(app.url(&format!("/api/v1/jobs/{id}")))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        let j: Value = resp.json().await.unwrap();
        if j["status"] == "succeeded" || j["status"] == "failed" {
            assert!(j["finished_at"].is_string(), "{j}");
            return j;
        }
        assert!(Instant::now() < until, "job {id} did not finish: {j}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Run a source to its end; the job's report (the job must have succeeded).
async fn harvest(c: &reqwest::Client, app: &TestApp, source: i32) -> Value {
    let id = start_run(c, app, source).await;
    let j = wait_job(c, app, id).await;
    assert_eq!(j["status"], "succeeded", "{j}");
    assert_eq!(j["kind"], "harvest");
    assert_eq!(j["outcome"]["kind"], "harvest", "{j}");
    assert_eq!(j["outcome"]["source_id"], source);
    j["outcome"].clone()
}

/// Run a source that must fail; the failed job's English message.
async fn harvest_fails(c: &reqwest::Client, app: &TestApp, source: i32) -> String {
    let id = start_run(c, app, source).await;
    let j = wait_job(c, app, id).await;
    assert_eq!(j["status"], "failed", "{j}");
    assert_eq!(j["outcome"], Value::Null, "{j}");
    let e = &j["error"]["Validation"];
    assert_eq!(e["field"], "source", "{j}");
    assert!(
        e["message_en"]
            .as_str()
            .unwrap()
            .contains("nothing was changed")
            || e["message_en"]
                .as_str()
                .unwrap()
                .contains("nothing was archived"),
        "{j}"
    );
    e["message_en"].as_str().unwrap().to_string()
}

/// The counts of a report: (fetched, created, updated, unchanged, archived, failed).
fn counts(r: &Value) -> (u64, u64, u64, u64, u64, usize) {
    (
        r["fetched"].as_u64().unwrap(),
        r["created"].as_u64().unwrap(),
        r["updated"].as_u64().unwrap(),
        r["unchanged"].as_u64().unwrap(),
        r["archived"].as_u64().unwrap(),
        r["failed"].as_array().unwrap().len(),
    )
}

/// The report's record for a source key.
fn record<'a>(r: &'a Value, key: &str) -> &'a Value {
    r["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["key"] == key)
        .unwrap_or_else(|| panic!("no record {key} in {r}"))
}

/// The datasets harvested from a source, by their key at the source.
async fn harvested(app: &TestApp, source: i32) -> HashMap<String, dataset::Model> {
    dataset::Entity::find()
        .filter(dataset::Column::HarvestSourceId.eq(source))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|d| {
            (
                d.harvest_key
                    .clone()
                    .expect("a harvested dataset has its key"),
                d,
            )
        })
        .collect()
}

/// Everything a run could change, to compare before and after: every dataset (id, slug,
/// version, status, title), the number of revisions and of harvest-linked datasets.
async fn catalog_state(app: &TestApp) -> (Vec<(i32, String, i32, String, String)>, u64) {
    let all = dataset::Entity::find()
        .order_by_asc(dataset::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|d| (d.id, d.slug, d.version, d.status, d.title_ko))
        .collect();
    let revisions = revision::Entity::find().count(&app.db).await.unwrap();
    (all, revisions)
}

fn term_codes(detail: &Value) -> BTreeSet<String> {
    detail["terms"]
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
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The tests.
// ---------------------------------------------------------------------------------------------

async fn a_ckan_source_is_harvested_across_pages(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let remote = Remote::start(ckan(fixture_packages())).await;
    let (admin, _) = app.login("admin", PASSWORD).await;
    let before = dataset::Entity::find().count(&app.db).await.unwrap();
    let input = source_input("성동구 CKAN", "ckan", &remote.url("/ckan/"));
    let source = create_source(&admin, &app, &input).await;

    // Follow the run through its event stream until the job ends.
    let job_id = start_run(&admin, &app, source).await;
    let events = job_events(&admin, &app, job_id).await;
    let last = events.last().expect("at least one event");
    assert!(
        events.iter().all(|e| e["id"] == job_id),
        "every event is about the job"
    );
    assert_eq!(last["status"], "succeeded", "{events:?}");
    let j = wait_job(&admin, &app, job_id).await;
    assert_eq!(&j, last, "the stream ends with the job's final state");
    assert_eq!(j["subject"], "성동구 CKAN");
    assert_eq!(j["attempts"], 1);
    let report = &j["outcome"];

    // Paging: both pages were asked for, from the CKAN Action API under the source's URL.
    let asked = remote.take_requests();
    assert!(
        asked.iter().all(|r| r.starts_with("/ckan/api/3/action/")),
        "{asked:?}"
    );
    let starts: Vec<&str> = asked
        .iter()
        .filter(|r| r.starts_with("/ckan/api/3/action/package_search?"))
        .map(|r| r.split('&').find_map(|p| p.strip_prefix("start=")).unwrap())
        .collect();
    assert_eq!(starts, ["0", "3"], "{asked:?}");

    // Four records created; the malformed one failed alone, with its reason.
    assert_eq!(counts(report), (5, 4, 0, 0, 0, 1), "{report}");
    assert_eq!(
        report["failed"][0],
        json!({ "key": null, "reason": "record 4: id and name both missing" })
    );
    for key in [CCTV, TOILETS, FOREST, PARKING] {
        assert_eq!(record(report, key)["action"], "created", "{key}");
    }
    let after = dataset::Entity::find().count(&app.db).await.unwrap();
    assert_eq!(after, before + 4);

    // The datasets: the source's department, institution, visibility and default terms.
    let smart_city = department::Entity::find()
        .filter(department::Column::Code.eq("smart-city"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let harvester = user::Entity::find()
        .filter(user::Column::Username.eq("harvester"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the harvester account exists");
    assert!(!harvester.active, "the harvester cannot sign in");
    let got = harvested(&app, source).await;
    assert_eq!(
        got.keys().cloned().collect::<BTreeSet<_>>(),
        BTreeSet::from([CCTV, TOILETS, FOREST, PARKING].map(String::from))
    );
    for (key, d) in &got {
        assert_eq!(record(report, key)["slug"], d.slug.as_str());
        assert_eq!(d.department_id, smart_city.id, "{key}");
        assert_eq!(d.source_institution, "성동구 열린데이터 포털", "{key}");
        assert_eq!(d.status, "published", "{key}");
        assert_eq!(d.visibility, "public", "{key}");
        assert_eq!(d.version, 1, "{key}");
        let detail =
            dongne_tests::get_json(&admin, &app, &format!("/api/v1/datasets/{}", d.id)).await;
        let terms = term_codes(&detail);
        for want in ["theme:public-safety", "dong:oksu", "department:smart-city"] {
            assert!(terms.contains(want), "{key}: {want} in {terms:?}");
        }
        let revs = revision::Entity::find()
            .filter(revision::Column::DatasetId.eq(d.id))
            .all(&app.db)
            .await
            .unwrap();
        assert_eq!(revs.len(), 1, "{key}");
        assert_eq!(revs[0].author_id, Some(harvester.id), "{key}");
        assert!(revs[0].message.contains("성동구 CKAN"), "{key}");
    }
    // What the record said, within Dongne's fields.
    let cctv = &got[CCTV];
    assert_eq!(cctv.title_ko, "성동구 CCTV 설치 현황");
    assert_eq!(cctv.title_en, "Seongdong-gu CCTV installations");
    assert_eq!(cctv.update_cycle, "monthly");
    assert_eq!(cctv.license, "공공누리 제1유형 (출처표시)");
    assert_eq!(cctv.contact_email.as_deref(), Some("data@sd.go.kr.example"));
    assert_eq!(
        cctv.last_updated,
        chrono::NaiveDate::from_ymd_opt(2024, 3, 1)
    );
    assert_eq!(cctv.keywords, json!(["CCTV", "안전", "방범"]));
    let detail =
        dongne_tests::get_json(&admin, &app, &format!("/api/v1/datasets/{}", cctv.id)).await;
    let formats: Vec<&str> = detail["distributions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["format"].as_str().unwrap())
        .collect();
    assert_eq!(formats, ["CSV", "XLSX", "API"]);
    // The second page's record is there too.
    assert_eq!(got[PARKING].title_ko, "성동구 공영주차장 정보");
    assert_eq!(got[PARKING].update_cycle, "quarterly");
    // Public and published: anyone finds it at once.
    let found = dongne_tests::get_json(
        &dongne_tests::plain_client(),
        &app,
        "/api/v1/datasets?q=%EA%B3%B5%EC%98%81%EC%A3%BC%EC%B0%A8%EC%9E%A5&per_page=100",
    )
    .await;
    assert!(
        found["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["dataset"]["slug"] == got[PARKING].slug.as_str()),
        "{found}"
    );

    // The source lists its datasets and its last run; the job is in the job list.
    let sources = dongne_tests::get_json(&admin, &app, "/api/v1/harvest/sources").await;
    let listed = sources
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == source)
        .expect("the source is listed");
    assert_eq!(listed["datasets"], 4);
    assert_eq!(listed["last_job"]["id"], job_id);
    assert_eq!(listed["last_job"]["status"], "succeeded");
    assert_eq!(
        listed["default_terms"],
        json!(["dong:oksu", "theme:public-safety"])
    );
    let jobs = dongne_tests::get_json(&admin, &app, "/api/v1/jobs").await;
    assert!(jobs
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["id"] == job_id && x["kind"] == "harvest"));
    // Unknown parameters and job numbers are named.
    let resp = admin
        .get(app.url("/api/v1/jobs?status=running"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let resp = admin.get(app.url("/api/v1/jobs/abc")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let resp = admin
        .get(app.url("/api/v1/jobs/999999"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
}

/// Read a job's Server-Sent Events to their end; the `JobInfo` of each.
async fn job_events(c: &reqwest::Client, app: &TestApp, id: i32) -> Vec<Value> {
    let mut resp = c
        .get(app.url(&format!("/api/v1/jobs/{id}/events")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    let mut text = String::new();
    while let Some(chunk) = resp.chunk().await.expect("the stream ends cleanly") {
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
    let mut events = Vec::new();
    for block in text.split("\n\n") {
        let mut name = None;
        let mut data = String::new();
        for line in block.lines() {
            if let Some(v) = line.strip_prefix("event:") {
                name = Some(v.trim().to_string());
            } else if let Some(v) = line.strip_prefix("data:") {
                data.push_str(v.trim_start());
            }
        }
        if name.as_deref() == Some("job") {
            events.push(serde_json::from_str(&data).unwrap());
        }
    }
    events
}

async fn abbreviated_search_records_are_completed(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    // The search leaves the first record's resources out; `package_show` has them.
    let mut packages = fixture_packages();
    packages[0].as_object_mut().unwrap().remove("resources");
    let full = (200, CKAN_SHOW.as_bytes().to_vec());
    let serve = |show: (u16, Vec<u8>)| Serve::Ckan {
        packages: packages.clone(),
        page_size: 3,
        broken: HashMap::new(),
        show: HashMap::from([
            (CCTV.to_string(), show.clone()),
            ("seongdong-cctv-locations".to_string(), show),
        ]),
    };
    let remote = Remote::start(serve(full.clone())).await;
    let (admin, _) = app.login("admin", PASSWORD).await;
    let source = create_source(
        &admin,
        &app,
        &source_input("성동구 CKAN", "ckan", &remote.url("/ckan")),
    )
    .await;
    let report = harvest(&admin, &app, source).await;
    assert_eq!(counts(&report), (5, 4, 0, 0, 0, 1), "{report}");
    assert!(
        remote
            .take_requests()
            .iter()
            .any(|r| r.contains("/package_show?")),
        "the whole record was asked for"
    );
    let cctv = harvested(&app, source).await[CCTV].clone();
    let detail =
        dongne_tests::get_json(&admin, &app, &format!("/api/v1/datasets/{}", cctv.id)).await;
    assert_eq!(detail["distributions"].as_array().unwrap().len(), 3);
    let again = harvest(&admin, &app, source).await;
    assert_eq!(counts(&again), (5, 0, 0, 4, 0, 1), "{again}");

    // The whole record cannot be had this time: that record fails alone, and its dataset keeps
    // what it has (its files are not taken away, it is not archived).
    remote.set(serve((503, BROKEN_HTML.as_bytes().to_vec())));
    let state = catalog_state(&app).await;
    let report = harvest(&admin, &app, source).await;
    assert_eq!(counts(&report), (5, 0, 0, 3, 0, 2), "{report}");
    let failure = report["failed"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == CCTV)
        .unwrap_or_else(|| panic!("the record failed: {report}"));
    assert!(
        failure["reason"].as_str().unwrap().contains("503"),
        "{failure}"
    );
    assert_eq!(catalog_state(&app).await, state);
    let detail =
        dongne_tests::get_json(&admin, &app, &format!("/api/v1/datasets/{}", cctv.id)).await;
    assert_eq!(detail["distributions"].as_array().unwrap().len(), 3);
}

async fn harvests_are_idempotent_and_follow_changes(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let remote = Remote::start(ckan(fixture_packages())).await;
    let (admin, _) = app.login("admin", PASSWORD).await;
    let source = create_source(
        &admin,
        &app,
        &source_input("성동구 CKAN", "ckan", &remote.url("/ckan")),
    )
    .await;
    let first = harvest(&admin, &app, source).await;
    assert_eq!(counts(&first), (5, 4, 0, 0, 0, 1), "{first}");
    let state = catalog_state(&app).await;

    // The same source again: nothing changes, not even a version.
    let again = harvest(&admin, &app, source).await;
    assert_eq!(counts(&again), (5, 0, 0, 4, 0, 1), "{again}");
    for key in [CCTV, TOILETS, FOREST, PARKING] {
        let r = record(&again, key);
        assert_eq!(r["action"], "unchanged", "{key}: {r}");
        assert_eq!(r["changed_fields"], json!([]), "{key}: {r}");
    }
    assert_eq!(
        catalog_state(&app).await,
        state,
        "a second run writes nothing"
    );

    // At the source: one record changed, one removed, one new.
    let before = harvested(&app, source).await;
    let mut packages = fixture_packages();
    packages[0]["title"] = json!("성동구 CCTV 설치 현황 (2024년 개정)");
    packages[0]["notes"] = json!("방범용 CCTV 위치와 대수. 2024년 3월 전수 조사 반영.");
    packages.retain(|p| p["id"] != TOILETS);
    packages.push(json!({
        "id": LIBRARIES,
        "name": "seongdong-public-libraries",
        "title": "성동구 공공도서관 현황",
        "notes": "구립·작은도서관 위치와 운영 시간",
        "license_id": "KOGL-Type1",
        "metadata_modified": "2024-03-10T00:00:00",
        "tags": [{ "name": "도서관" }],
        "resources": [{
            "name": "도서관 목록",
            "format": "CSV",
            "url": "https://data.seongdong.example/files/libraries.csv",
            "size": 2048
        }]
    }));
    remote.set(ckan(packages.clone()));
    let changed = harvest(&admin, &app, source).await;
    // cctv updated; forest, parking unchanged; libraries created; toilets archived; the
    // malformed record failed again.
    assert_eq!(counts(&changed), (5, 1, 1, 2, 1, 1), "{changed}");
    assert_eq!(record(&changed, CCTV)["action"], "updated");
    let fields: BTreeSet<&str> = record(&changed, CCTV)["changed_fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        BTreeSet::from(["title_ko", "description_ko"]),
        "{changed}"
    );
    assert_eq!(record(&changed, LIBRARIES)["action"], "created");
    assert_eq!(record(&changed, TOILETS)["action"], "archived");
    assert_eq!(record(&changed, FOREST)["action"], "unchanged");
    assert_eq!(record(&changed, PARKING)["action"], "unchanged");
    let now = harvested(&app, source).await;
    assert_eq!(now.len(), 5, "the removed record's dataset is kept");
    assert_eq!(now[CCTV].title_ko, "성동구 CCTV 설치 현황 (2024년 개정)");
    assert_eq!(now[CCTV].version, before[CCTV].version + 1);
    assert_eq!(now[CCTV].id, before[CCTV].id, "updated in place");
    assert_eq!(now[TOILETS].status, "archived");
    assert_eq!(now[TOILETS].id, before[TOILETS].id);
    assert_eq!(now[TOILETS].version, before[TOILETS].version + 1);
    assert_eq!(now[FOREST].version, before[FOREST].version);
    assert_eq!(now[PARKING].version, before[PARKING].version);
    assert_eq!(now[LIBRARIES].status, "published");
    assert_eq!(now[LIBRARIES].source_institution, "성동구 열린데이터 포털");
    let archived_rev = revision::Entity::find()
        .filter(revision::Column::DatasetId.eq(now[TOILETS].id))
        .order_by_desc(revision::Column::Version)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(
        archived_rev.message.contains("removed at the source"),
        "{}",
        archived_rev.message
    );

    // Running the changed source again changes nothing more (the archived one stays archived).
    let steady = harvest(&admin, &app, source).await;
    assert_eq!(counts(&steady), (5, 0, 0, 4, 0, 1), "{steady}");

    // The removed record comes back: published again.
    packages.insert(1, fixture_packages()[1].clone());
    remote.set(ckan(packages));
    let back = harvest(&admin, &app, source).await;
    assert_eq!(counts(&back), (6, 0, 1, 4, 0, 1), "{back}");
    assert_eq!(record(&back, TOILETS)["action"], "updated");
    let toilets = &harvested(&app, source).await[TOILETS];
    assert_eq!(toilets.status, "published");
    assert_eq!(toilets.id, before[TOILETS].id);
}

async fn a_source_that_cannot_be_read_changes_nothing(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let remote = Remote::start(ckan(fixture_packages())).await;
    let (admin, _) = app.login("admin", PASSWORD).await;
    let mut input = source_input("성동구 CKAN", "ckan", &remote.url("/ckan"));
    let source = create_source(&admin, &app, &input).await;
    let first = harvest(&admin, &app, source).await;
    assert_eq!(counts(&first), (5, 4, 0, 0, 0, 1), "{first}");
    let state = catalog_state(&app).await;
    // Later runs change the first page's first record: none of them may apply it.
    let mut changed = fixture_packages();
    changed[0]["title"] = json!("바뀐 제목");
    remote.take_requests();

    // Down: 503 on every attempt. The run retries, then fails and archives nothing.
    remote.set(Serve::Always {
        status: 503,
        content_type: "text/html",
        body: BROKEN_HTML.into(),
    });
    let job = start_run(&admin, &app, source).await;
    // While it waits between attempts, asking again gives the same job.
    assert_eq!(start_run(&admin, &app, source).await, job);
    let j = wait_job(&admin, &app, job).await;
    assert_eq!(j["status"], "failed", "{j}");
    let message = j["error"]["Validation"]["message_en"].as_str().unwrap();
    assert!(message.contains("nothing was changed"), "{message}");
    assert!(message.contains("HTTP 503"), "{message}");
    assert!(message.contains("4 attempt(s)"), "{message}");
    assert_eq!(remote.take_requests().len(), 4, "three retries");
    assert_eq!(catalog_state(&app).await, state, "503");

    // Nobody listening at the source's address.
    input["id"] = json!(source);
    input["url"] = json!(format!("http://127.0.0.1:{}/ckan", closed_port()));
    let (s, saved) = save_source(&admin, &app, &input).await;
    assert_eq!(s, StatusCode::OK, "{saved}");
    assert_eq!(saved["id"], source, "the same source, changed");
    let message = harvest_fails(&admin, &app, source).await;
    assert!(message.contains("4 attempt(s)"), "{message}");
    assert_eq!(catalog_state(&app).await, state, "connection refused");
    input["url"] = json!(remote.url("/ckan"));
    let (s, _) = save_source(&admin, &app, &input).await;
    assert_eq!(s, StatusCode::OK);

    // An HTML error page with 200.
    remote.set(Serve::Always {
        status: 200,
        content_type: "text/html",
        body: BROKEN_HTML.into(),
    });
    let message = harvest_fails(&admin, &app, source).await;
    assert!(message.contains("not JSON"), "{message}");
    assert!(message.contains("HTML"), "{message}");
    assert_eq!(catalog_state(&app).await, state, "HTML");

    // The first page is fine (and changed), the second one is cut off.
    remote.set(Serve::Ckan {
        packages: changed.clone(),
        page_size: 3,
        broken: HashMap::from([(3, BROKEN_TRUNCATED.as_bytes().to_vec())]),
        show: HashMap::new(),
    });
    let message = harvest_fails(&admin, &app, source).await;
    assert!(message.contains("not JSON"), "{message}");
    assert!(message.contains("start=3"), "names the page: {message}");
    assert_eq!(catalog_state(&app).await, state, "truncated second page");

    // The second page comes back empty although the first announced more: an incomplete read,
    // not removed datasets.
    remote.set(Serve::Ckan {
        packages: changed.clone(),
        page_size: 3,
        broken: HashMap::from([(
            3,
            br#"{"help":"","success":true,"result":{"count":5,"results":[]}}"#.to_vec(),
        )]),
        show: HashMap::new(),
    });
    let message = harvest_fails(&admin, &app, source).await;
    assert!(message.contains("ended after 3 of the 5"), "{message}");
    assert_eq!(catalog_state(&app).await, state, "short listing");

    // CKAN says it failed.
    remote.set(Serve::Always {
        status: 200,
        content_type: "application/json",
        body: CKAN_ERROR.into(),
    });
    let message = harvest_fails(&admin, &app, source).await;
    assert!(message.contains("success=false"), "{message}");
    assert!(message.contains("Not found"), "{message}");
    assert_eq!(catalog_state(&app).await, state, "success=false");

    // A listing with no records at all is not taken as "everything was removed".
    remote.set(Serve::Always {
        status: 200,
        content_type: "application/json",
        body: CKAN_EMPTY.into(),
    });
    let message = harvest_fails(&admin, &app, source).await;
    assert!(message.contains("nothing was changed"), "{message}");
    assert_eq!(catalog_state(&app).await, state, "empty listing");
    // Nor is one where every record is broken.
    remote.set(ckan(vec![fixture_packages()[4].clone(); 2]));
    let message = harvest_fails(&admin, &app, source).await;
    assert!(message.contains("archived"), "{message}");
    assert_eq!(catalog_state(&app).await, state, "only broken records");

    // Back up: the run goes through, with only the real change.
    remote.set(ckan(changed));
    let after = harvest(&admin, &app, source).await;
    assert_eq!(counts(&after), (5, 0, 1, 3, 0, 1), "{after}");
    let sources = dongne_tests::get_json(&admin, &app, "/api/v1/harvest/sources").await;
    assert_eq!(sources[0]["last_job"]["status"], "succeeded");
    assert_eq!(sources[0]["datasets"], 4);
}

async fn a_dcat_source_is_harvested_across_pages(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let remote = Remote::start(dcat_files()).await;
    let (admin, _) = app.login("admin", PASSWORD).await;
    let mut input = source_input("성동구 DCAT", "dcat", &remote.url("/dcat/catalog.jsonld"));
    input["visibility"] = json!("internal");
    input["default_terms"] = json!(["theme:environment"]);
    let source = create_source(&admin, &app, &input).await;
    let report = harvest(&admin, &app, source).await;
    assert_eq!(
        remote.take_requests(),
        ["/dcat/catalog.jsonld", "/dcat/catalog.jsonld?page=2"],
        "the relative next page, resolved against the page's address"
    );
    assert_eq!(counts(&report), (4, 3, 0, 0, 0, 1), "{report}");
    assert_eq!(report["failed"][0]["key"], "sd-untitled");
    let reason = report["failed"][0]["reason"].as_str().unwrap();
    assert!(reason.contains("title missing"), "{reason}");
    let got = harvested(&app, source).await;
    assert_eq!(
        got.keys().cloned().collect::<BTreeSet<_>>(),
        BTreeSet::from(
            [
                "sd-air-quality-001",
                "sd-bike-stations",
                "sd-population-monthly"
            ]
            .map(String::from)
        )
    );
    let air = &got["sd-air-quality-001"];
    assert_eq!(air.title_ko, "성동구 실시간 대기질 측정정보");
    assert_eq!(air.title_en, "Seongdong-gu real-time air quality");
    assert_eq!(air.update_cycle, "realtime");
    assert_eq!(air.visibility, "internal");
    assert_eq!(air.source_institution, "성동구 열린데이터 포털");
    assert_eq!(air.contact_email.as_deref(), Some("env@sd.go.kr.example"));
    let detail =
        dongne_tests::get_json(&admin, &app, &format!("/api/v1/datasets/{}", air.id)).await;
    assert_eq!(detail["distributions"].as_array().unwrap().len(), 2);
    assert!(term_codes(&detail).contains("theme:environment"));
    // From the second page.
    let population = &got["sd-population-monthly"];
    assert_eq!(population.title_ko, "성동구 주민등록 인구 통계");
    assert_eq!(population.update_cycle, "monthly");
    // Internal datasets are not public.
    let resp = dongne_tests::get(app.url(&format!("/api/v1/datasets/{}", population.id)))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);

    let again = harvest(&admin, &app, source).await;
    assert_eq!(counts(&again), (4, 0, 0, 3, 0, 1), "{again}");

    // A catalog embedded in one document with its own context.
    let embedded = create_source(
        &admin,
        &app,
        &source_input("성동구 포털", "dcat", &remote.url("/dcat/embedded.jsonld")),
    )
    .await;
    let report = harvest(&admin, &app, embedded).await;
    assert_eq!(counts(&report), (3, 2, 0, 0, 0, 1), "{report}");
    assert!(harvested(&app, embedded)
        .await
        .contains_key("sd-trash-schedule"));
    // The two sources keep to their own datasets.
    assert_eq!(harvested(&app, source).await.len(), 3);
}

async fn only_administrators_manage_sources(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let remote = Remote::start(ckan(fixture_packages())).await;
    let input = source_input("성동구 CKAN", "ckan", &remote.url("/ckan"));
    let (admin, _) = app.login("admin", PASSWORD).await;
    let source = create_source(&admin, &app, &input).await;
    let anonymous = dongne_tests::plain_client();

    let (viewer, _) = app.login("viewer", PASSWORD).await;
    let (steward, _) = app.login("smart-city-steward", PASSWORD).await;
    let (editor, _) = app.login("smart-city-editor", PASSWORD).await;
    for (who, c, want) in [
        ("viewer", &viewer, StatusCode::FORBIDDEN),
        ("steward", &steward, StatusCode::FORBIDDEN),
        ("editor", &editor, StatusCode::FORBIDDEN),
        ("anonymous", &anonymous, StatusCode::UNAUTHORIZED),
    ] {
        let (s, _) = save_source(c, &app, &input).await;
        assert_eq!(s, want, "{who} creates a source");
        let mut change = input.clone();
        change["id"] = json!(source);
        change["url"] = json!("https://elsewhere.example/");
        let (s, _) = save_source(c, &app, &change).await;
        assert_eq!(s, want, "{who} changes a source");
        let resp = c
            .post(app.url(&format!("/api/v1/harvest/sources/{source}/run")))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), want, "{who} runs a source");
        let resp = c
            .get(app.url("/api/v1/harvest/sources"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), want, "{who} lists the sources");
    }
    let resp = anonymous.get(app.url("/api/v1/jobs")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    // Nothing was created, changed or queued.
    assert_eq!(
        harvest_source::Entity::find().count(&app.db).await.unwrap(),
        1
    );
    let s = harvest_source::Entity::find_by_id(source)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(s.url, remote.url("/ckan"));
    assert_eq!(job::Entity::find().count(&app.db).await.unwrap(), 0);
    assert!(remote.take_requests().is_empty());

    // Invalid input: 400, naming the field; nothing saved.
    let cases: Vec<(&str, Value, &str)> = vec![
        ("url", json!("ftp://data.example/"), "url"),
        ("url", json!("not a url"), "url"),
        ("interval_minutes", json!(1), "interval_minutes"),
        ("interval_minutes", json!(0), "interval_minutes"),
        ("interval_minutes", json!(60 * 24 * 32), "interval_minutes"),
        ("kind", json!("ftp"), "kind"),
        ("name", json!(" "), "name"),
        ("visibility", json!("secret"), "visibility"),
        ("department", json!("nowhere"), "department"),
        ("source_institution", json!(""), "source_institution"),
        ("default_terms", json!(["nocolon"]), "default_terms[0]"),
        // Unknown terms are named by their position in the input.
        (
            "default_terms",
            json!(["theme:no-such-theme", "dong:oksu"]),
            "default_terms[0]",
        ),
        (
            "default_terms",
            json!(["dong:oksu", " theme:no-such-theme "]),
            "default_terms[1]",
        ),
    ];
    for (key, value, field) in cases {
        let mut bad = input.clone();
        bad[key] = value.clone();
        let (s, e) = save_source(&admin, &app, &bad).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{key}={value}: {e}");
        assert_eq!(e["error"]["field"], field, "{key}={value}: {e}");
        let message = e["error"]["message"].as_str().unwrap();
        assert!(message.starts_with(field), "{key}={value}: {e}");
    }
    // Not the expected shape at all.
    let mut unknown = input.clone();
    unknown["colour"] = json!("red");
    let (s, e) = save_source(&admin, &app, &unknown).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    assert_eq!(e["error"]["field"], "body");
    let mut missing = input.clone();
    missing.as_object_mut().unwrap().remove("url");
    let (s, e) = save_source(&admin, &app, &missing).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    assert_eq!(e["error"]["field"], "body");
    assert_eq!(
        harvest_source::Entity::find().count(&app.db).await.unwrap(),
        1,
        "no invalid source was saved"
    );
    // The shortest interval is accepted.
    let mut shortest = input.clone();
    shortest["name"] = json!("가장 짧은 주기");
    shortest["interval_minutes"] = json!(app::jobs::MIN_INTERVAL_MINUTES);
    shortest["enabled"] = json!(false);
    let (s, e) = save_source(&admin, &app, &shortest).await;
    assert_eq!(s, StatusCode::OK, "{e}");
    // Sources that do not exist.
    let resp = admin
        .post(app.url("/api/v1/harvest/sources/999999/run"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let mut ghost = input.clone();
    ghost["id"] = json!(999_999);
    let (s, _) = save_source(&admin, &app, &ghost).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Someone else's job does not exist for a non-administrator.
    let job_id = start_run(&admin, &app, source).await;
    wait_job(&admin, &app, job_id).await;
    let resp = steward
        .get(app.url(&format!("/api/v1/jobs/{job_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let theirs = dongne_tests::get_json(&steward, &app, "/api/v1/jobs").await;
    assert_eq!(theirs, json!([]));
}

async fn due_sources_are_harvested_by_the_scheduler(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let remote = Remote::start(ckan(fixture_packages())).await;
    let (admin, _) = app.login("admin", PASSWORD).await;
    // Scheduled but disabled, and enabled but on demand only: neither is run by itself.
    let mut input = source_input("정기 수집", "ckan", &remote.url("/ckan"));
    input["interval_minutes"] = json!(60);
    input["enabled"] = json!(false);
    let scheduled = create_source(&admin, &app, &input).await;
    let on_demand = create_source(
        &admin,
        &app,
        &source_input("수동 수집", "ckan", &remote.url("/ckan")),
    )
    .await;
    let past = chrono::Utc::now() - chrono::Duration::minutes(5);
    let mut a = harvest_source::Entity::find_by_id(on_demand)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    a.next_run_at = Set(Some(past));
    a.update(&app.db).await.unwrap();

    // The source's time has come (its next run is in the past) and it is enabled.
    let mut a = harvest_source::Entity::find_by_id(scheduled)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    a.enabled = Set(true);
    a.next_run_at = Set(Some(past));
    a.update(&app.db).await.unwrap();
    let first = wait_scheduled(&app, scheduled, None).await;
    let j = wait_job(&admin, &app, first).await;
    assert_eq!(j["status"], "succeeded", "{j}");
    assert_eq!(j["created_by"], Value::Null, "queued by the schedule");
    assert_eq!(counts(&j["outcome"]), (5, 4, 0, 0, 0, 1));
    let s = harvest_source::Entity::find_by_id(scheduled)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let next = s.next_run_at.expect("the next run is planned");
    let ahead = next - chrono::Utc::now();
    assert!(
        ahead > chrono::Duration::minutes(55) && ahead <= chrono::Duration::minutes(60),
        "next run in an interval: {ahead}"
    );

    // Due again, with several schedulers at once (this process's worker and three more):
    // exactly one run is queued.
    let mut a = s.into_active_model();
    a.next_run_at = Set(Some(chrono::Utc::now() - chrono::Duration::seconds(1)));
    a.update(&app.db).await.unwrap();
    let (r1, r2, r3) = tokio::join!(
        domain::services::jobs::runner::schedule(&app.db),
        domain::services::jobs::runner::schedule(&app.db),
        domain::services::jobs::runner::schedule(&app.db),
    );
    let queued_here = r1.unwrap() + r2.unwrap() + r3.unwrap();
    assert!(queued_here <= 1, "{queued_here}");
    let second = wait_scheduled(&app, scheduled, Some(first)).await;
    let j = wait_job(&admin, &app, second).await;
    assert_eq!(j["status"], "succeeded", "{j}");
    assert_eq!(counts(&j["outcome"]), (5, 0, 0, 4, 0, 1));
    // Let the worker look again; still exactly two runs of the source, none of the other.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let runs = harvest_jobs(&app).await;
    assert_eq!(
        runs.iter().filter(|(_, s)| *s == scheduled).count(),
        2,
        "{runs:?}"
    );
    assert!(
        !runs.iter().any(|(_, s)| *s == on_demand),
        "a source without a schedule is run on demand only: {runs:?}"
    );
    assert!(harvested(&app, on_demand).await.is_empty());
    let s = harvest_source::Entity::find_by_id(scheduled)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(s.next_run_at.unwrap() > chrono::Utc::now() + chrono::Duration::minutes(55));
    assert_eq!(s.last_job_id, Some(second));

    // Disabled again: not run even when due.
    let mut a = s.into_active_model();
    a.enabled = Set(false);
    a.next_run_at = Set(Some(past));
    a.update(&app.db).await.unwrap();
    assert_eq!(
        domain::services::jobs::runner::schedule(&app.db)
            .await
            .unwrap(),
        0
    );
}

/// Every harvest job: (job id, source id).
async fn harvest_jobs(app: &TestApp) -> Vec<(i32, i32)> {
    job::Entity::find()
        .filter(job::Column::Kind.eq("harvest"))
        .order_by_asc(job::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|j| (j.id, j.params["source_id"].as_i64().unwrap() as i32))
        .collect()
}

/// Wait (without asking for it) for the source's run after `previous`; the job's id.
async fn wait_scheduled(app: &TestApp, source: i32, previous: Option<i32>) -> i32 {
    let until = Instant::now() + JOB_WAIT;
    loop {
        let s = harvest_source::Entity::find_by_id(source)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        if let Some(id) = s.last_job_id.filter(|id| Some(*id) != previous) {
            return id;
        }
        assert!(
            Instant::now() < until,
            "the scheduler did not run source {source}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A CKAN package as `package_search` returns it, with one CSV resource.
fn package(n: usize, notes: &str) -> Value {
    json!({
        "id": format!("00000000-0000-4000-8000-{n:012}"),
        "name": format!("boundary-{n}"),
        "title": format!("경계 시험 데이터 {n} 🌳"),
        "notes": notes,
        "metadata_modified": "2026-11-01T09:00:00.000000",
        "resources": [{ "url": format!("https://files.example/boundary-{n}.csv"), "format": "CSV", "name": "CSV" }],
    })
}

async fn paging_boundaries_and_huge_descriptions(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    // Six packages in pages of three: the listing ends exactly at a page boundary, so no
    // third (empty) page is asked for. One description is about 1 MB of Hangul.
    let huge = "가나다라마바사 ".repeat(150_000);
    let packages: Vec<Value> = (1..=6)
        .map(|n| package(n, if n == 2 { &huge } else { "설명" }))
        .collect();
    let remote = Remote::start(ckan(packages)).await;
    let (admin, _) = app.login("admin", PASSWORD).await;
    let input = source_input("경계 CKAN", "ckan", &remote.url("/ckan"));
    let source = create_source(&admin, &app, &input).await;
    let report = harvest(&admin, &app, source).await;
    assert_eq!(counts(&report), (6, 6, 0, 0, 0, 0), "{report}");
    let starts: Vec<String> = remote
        .take_requests()
        .iter()
        .filter(|r| r.contains("package_search?"))
        .map(|r| {
            r.split('&')
                .find_map(|p| p.strip_prefix("start="))
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(starts, ["0", "3"]);
    let got = harvested(&app, source).await;
    let big = &got["00000000-0000-4000-8000-000000000002"];
    let n = big.description_ko.chars().count();
    assert!(
        n <= app::editing::MAX_DESCRIPTION && n > 1000,
        "a huge description is clipped to the limit, not dropped: {n} chars"
    );
    assert_eq!(
        got["00000000-0000-4000-8000-000000000001"].title_ko,
        "경계 시험 데이터 1 🌳"
    );
    // Clipped the same way again: a re-run changes nothing.
    let again = harvest(&admin, &app, source).await;
    assert_eq!(counts(&again), (6, 0, 0, 6, 0, 0), "{again}");
}

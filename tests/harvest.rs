//! Harvesting other catalogs through the real router on SQLite and PostgreSQL: an administrator
//! configures a source and runs it as a background job against a real HTTP server on a loopback
//! port that serves the fixtures in `fixtures/harvest` (and whatever a test changes them to).
//!
//! - [`formats`]: CKAN and DCAT sources are read across pages, abbreviated records completed,
//!   paging boundaries and huge descriptions survive;
//! - [`changes`]: runs are idempotent and follow changes at the source (removed records are
//!   archived, never deleted), and fail as a whole when the source cannot be read;
//! - [`admin`]: sources are reserved to administrators, and the scheduler runs those due.
//!
//! This file holds what they share: the remote catalog and the helpers that drive the API.

mod admin;
mod changes;
mod formats;

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use domain::entities::{dataset, department, harvest_source, job, revision, user};
use dongne_tests::TestApp;
use reqwest::StatusCode;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use serde_json::{json, Value};

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

//! Requests the server makes to other machines (harvest sources, their redirects and next
//! pages, the city's crowd API) through the real router on SQLite and PostgreSQL: loopback,
//! private, link-local and cloud-metadata addresses are refused before any connection is made,
//! after every redirect, and for names that resolve to them; a DCAT page's next link stays on
//! the source's site; `DONGNE_FETCH_ALLOW` lets listed addresses through; and what users see
//! says what failed without the network stack's own words.
//!
//! The test configuration allows `127.0.0.1/32` (the other harvest and crowd tests serve their
//! remote catalogs there); these tests set `DONGNE_FETCH_ALLOW` themselves.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use axum::serve::ListenerExt;
use domain::entities::dataset;
use domain::services::crowd::feed::{self, FeedConfig, FeedSource};
use dongne_tests::{both_databases, Backend, TestApp};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};

both_databases!(
    internal_addresses_are_refused_before_connecting,
    redirects_to_internal_addresses_are_refused,
    a_next_page_on_another_site_is_refused,
    connection_failures_are_told_without_low_level_detail,
    the_city_api_goes_through_the_same_guard,
);

const PASSWORD: &str = "dongne-demo";
const JOB_WAIT: Duration = Duration::from_secs(40);
const DCAT_PAGE1: &str = include_str!("fixtures/harvest/dcat_graph_page1.jsonld");
const DCAT_PAGE2: &str = include_str!("fixtures/harvest/dcat_graph_page2.jsonld");

/// Words of the network stack that users must never see.
const LOW_LEVEL: &[&str] = &[
    "os error",
    "Connection refused",
    "connection refused",
    "tcp connect",
    "error trying to connect",
    "error sending request",
    "client error",
    "dns error",
    "hyper",
    "Connect)",
];

// ---------------------------------------------------------------------------------------------
// A remote server that counts every connection it accepts.
// ---------------------------------------------------------------------------------------------

struct Mock {
    base: String,
    addr: SocketAddr,
    connections: Arc<AtomicUsize>,
}

impl Mock {
    /// Listen on `ip` (any port) and answer every request with `answer(path and query)`.
    async fn start(ip: &str, answer: impl Fn(&str) -> Response + Send + Sync + 'static) -> Mock {
        let listener = tokio::net::TcpListener::bind((ip, 0)).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let connections = Arc::new(AtomicUsize::new(0));
        let counter = connections.clone();
        let answer = Arc::new(answer);
        let router = axum::Router::new().fallback(move |uri: Uri| {
            let answer = answer.clone();
            async move {
                let pq = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
                answer(pq)
            }
        });
        let listener = listener.tap_io(move |_| {
            counter.fetch_add(1, Ordering::SeqCst);
        });
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        Mock {
            base: format!("http://{addr}"),
            addr,
            connections,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

fn jsonld(body: &str) -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "application/ld+json")],
        body.to_string(),
    )
        .into_response()
}

fn redirect(to: &str) -> Response {
    (
        axum::http::StatusCode::FOUND,
        [(axum::http::header::LOCATION, to.to_string())],
    )
        .into_response()
}

// ---------------------------------------------------------------------------------------------
// Driving the API.
// ---------------------------------------------------------------------------------------------

/// Create a DCAT source at `url` (as an administrator); its id.
async fn create_source(c: &reqwest::Client, app: &TestApp, name: &str, url: &str) -> i32 {
    let input = json!({
        "name": name,
        "kind": "dcat",
        "url": url,
        "department": "smart-city",
        "source_institution": "성동구 열린데이터 포털",
        "default_terms": [],
        "visibility": "public",
        "interval_minutes": null,
        "enabled": true
    });
    let resp = c
        .post(app.url("/api/v1/harvest/sources"))
        .json(&input)
        .send()
        .await
        .unwrap();
    let status = resp.status();
    let saved: Value = resp.json().await.unwrap_or(Value::Null);
    assert_eq!(status, StatusCode::OK, "{saved}");
    saved["id"].as_i64().unwrap() as i32
}

/// Run a source and wait for the job; its final state.
async fn run(c: &reqwest::Client, app: &TestApp, source: i32) -> Value {
    let resp = c
        .post(app.url(&format!("/api/v1/harvest/sources/{source}/run")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::ACCEPTED);
    let id = resp.json::<Value>().await.unwrap()["job"].as_i64().unwrap();
    let until = Instant::now() + JOB_WAIT;
    loop {
        let j: Value = c
            .get(app.url(&format!("/api/v1/jobs/{id}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if j["status"] == "succeeded" || j["status"] == "failed" {
            return j;
        }
        assert!(Instant::now() < until, "job {id} did not finish: {j}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Run a source that must fail as a whole, having changed nothing; its (English, Korean)
/// messages, checked free of the network stack's words.
async fn run_fails(c: &reqwest::Client, app: &TestApp, source: i32) -> (String, String) {
    let j = run(c, app, source).await;
    assert_eq!(j["status"], "failed", "{j}");
    let e = &j["error"]["Validation"];
    assert_eq!(e["field"], "source", "{j}");
    let en = e["message_en"].as_str().unwrap().to_string();
    let ko = e["message_ko"].as_str().unwrap().to_string();
    assert!(en.contains("nothing was changed"), "{en}");
    for m in [&en, &ko] {
        for word in LOW_LEVEL {
            assert!(!m.contains(word), "{word:?} shown to the user: {m}");
        }
    }
    let harvested = dataset::Entity::find()
        .filter(dataset::Column::HarvestSourceId.eq(source))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(harvested, 0, "nothing harvested: {en}");
    (en, ko)
}

// ---------------------------------------------------------------------------------------------
// The tests.
// ---------------------------------------------------------------------------------------------

/// Without an allowlist, a source on a loopback address (as an IP literal, an IPv4-mapped IPv6
/// literal, a decimal literal, or a name that resolves to it) or at the cloud metadata address
/// is refused before connecting, with a message saying why and how to allow it.
async fn internal_addresses_are_refused_before_connecting(backend: Backend) {
    let Some(app) = TestApp::start_with(backend, &[("DONGNE_FETCH_ALLOW", "")]).await else {
        return;
    };
    let target = Mock::start("127.0.0.1", |_| jsonld(DCAT_PAGE2)).await;
    let port = target.addr.port();
    let (admin, _) = app.login("admin", PASSWORD).await;

    let literal = create_source(&admin, &app, "loopback", &target.url("/catalog")).await;
    let (en, ko) = run_fails(&admin, &app, literal).await;
    assert!(
        en.contains(&format!("could not connect to 127.0.0.1:{port}")),
        "{en}"
    );
    assert!(en.contains("not allowed (loopback)"), "{en}");
    assert!(en.contains("DONGNE_FETCH_ALLOW"), "{en}");
    assert!(
        en.contains("1 attempt(s)"),
        "a refusal is not retried: {en}"
    );
    assert!(ko.contains("DONGNE_FETCH_ALLOW"), "{ko}");

    for (name, url) in [
        (
            "mapped",
            format!("http://[::ffff:127.0.0.1]:{port}/catalog"),
        ),
        ("decimal", format!("http://2130706433:{port}/catalog")),
    ] {
        let source = create_source(&admin, &app, name, &url).await;
        let (en, _) = run_fails(&admin, &app, source).await;
        assert!(en.contains("not allowed (loopback)"), "{name}: {en}");
    }

    // A name: checked on the addresses it resolves to, at connect time. The message names the
    // host, not the addresses it resolved to.
    let named = create_source(
        &admin,
        &app,
        "localhost",
        &format!("http://localhost:{port}/catalog"),
    )
    .await;
    let (en, _) = run_fails(&admin, &app, named).await;
    assert!(en.contains("could not connect to localhost"), "{en}");
    assert!(en.contains("not allowed (loopback)"), "{en}");
    assert!(!en.contains("127.0.0.1") && !en.contains("::1"), "{en}");

    // The cloud metadata service: refused without a packet sent (no connect timeout to wait).
    let metadata = create_source(
        &admin,
        &app,
        "metadata",
        "http://169.254.169.254/latest/meta-data/",
    )
    .await;
    let started = Instant::now();
    let (en, _) = run_fails(&admin, &app, metadata).await;
    assert!(en.contains("cloud metadata"), "{en}");
    assert!(started.elapsed() < Duration::from_secs(8), "{en}");

    assert_eq!(
        target.connections(),
        0,
        "nothing reached the loopback server"
    );
}

/// With `127.0.0.1/32` allowed, a source there that redirects to another loopback address is
/// refused at the redirect: the second server is never contacted.
async fn redirects_to_internal_addresses_are_refused(backend: Backend) {
    let Some(app) = TestApp::start_with(backend, &[("DONGNE_FETCH_ALLOW", "127.0.0.1/32")]).await
    else {
        return;
    };
    let inner = Mock::start("127.0.0.2", |_| jsonld(DCAT_PAGE2)).await;
    let to = inner.url("/catalog");
    let hop = to.clone();
    let outer = Mock::start("127.0.0.1", move |_| redirect(&hop)).await;
    let (admin, _) = app.login("admin", PASSWORD).await;
    let source = create_source(&admin, &app, "redirected", &outer.url("/catalog")).await;
    let (en, _) = run_fails(&admin, &app, source).await;
    assert!(en.contains(&format!("redirect to {to}")), "{en}");
    assert!(en.contains("not allowed (loopback)"), "{en}");
    assert!(outer.connections() >= 1, "the allowed server was asked");
    assert_eq!(
        inner.connections(),
        0,
        "the redirect target was never contacted"
    );

    // The allowed server itself still harvests fine.
    let direct = Mock::start("127.0.0.1", |_| jsonld(DCAT_PAGE2)).await;
    let ok = create_source(&admin, &app, "direct", &direct.url("/catalog")).await;
    let j = run(&admin, &app, ok).await;
    assert_eq!(j["status"], "succeeded", "{j}");
}

/// A DCAT page whose next link points to another site (here another port) fails the harvest,
/// naming the link; the other site receives nothing.
async fn a_next_page_on_another_site_is_refused(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let other = Mock::start("127.0.0.1", |_| jsonld(DCAT_PAGE2)).await;
    let next = other.url("/dcat/catalog.jsonld?page=2");
    let page1 = DCAT_PAGE1.replace(
        r#""hydra:nextPage": "?page=2""#,
        &format!(r#""hydra:nextPage": "{next}""#),
    );
    assert_ne!(page1, DCAT_PAGE1, "the fixture's next link was replaced");
    let home = Mock::start("127.0.0.1", move |pq| match pq {
        "/dcat/catalog.jsonld" => jsonld(&page1),
        _ => (axum::http::StatusCode::NOT_FOUND, "not found").into_response(),
    })
    .await;
    let (admin, _) = app.login("admin", PASSWORD).await;
    let source = create_source(&admin, &app, "paged", &home.url("/dcat/catalog.jsonld")).await;
    let (en, _) = run_fails(&admin, &app, source).await;
    assert!(en.contains(&next), "names the link: {en}");
    assert!(en.contains("another site"), "{en}");
    assert!(home.connections() >= 1);
    assert_eq!(other.connections(), 0, "the other site was never contacted");
}

/// A source that cannot be reached (an allowed address where nobody listens) is told as "could
/// not connect to host:port", without the operating system's words.
async fn connection_failures_are_told_without_low_level_detail(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let (admin, _) = app.login("admin", PASSWORD).await;
    let source = create_source(
        &admin,
        &app,
        "closed",
        &format!("http://127.0.0.1:{port}/catalog"),
    )
    .await;
    let (en, ko) = run_fails(&admin, &app, source).await;
    assert!(
        en.contains(&format!("could not connect to 127.0.0.1:{port}")),
        "{en}"
    );
    assert!(en.contains("4 attempt(s)"), "still retried: {en}");
    assert!(ko.contains(&format!("127.0.0.1:{port}")), "{ko}");
}

/// The crowd feed's connector to the city API uses the same client: without an allowlist, a
/// city API on loopback is refused for every place without being contacted, and the reasons
/// keep the API key out.
async fn the_city_api_goes_through_the_same_guard(backend: Backend) {
    let Some(app) = TestApp::start_with(backend, &[("DONGNE_FETCH_ALLOW", "")]).await else {
        return;
    };
    let city = Mock::start("127.0.0.1", |_| jsonld("{}")).await;
    let key = "secret-city-key";
    let mut config = FeedConfig::new(FeedSource::City {
        base: city.base.clone(),
        key: key.into(),
    });
    config.policy.retries = 0;
    let r = feed::poll_once(&app.db, &config, &app.services.outbound, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(r.stored, 0, "{r:?}");
    assert!(!r.failed.is_empty(), "{r:?}");
    for (spot, why) in &r.failed {
        assert!(why.contains("not allowed (loopback)"), "{spot}: {why}");
        assert!(!why.contains(key), "{spot}: {why}");
    }
    assert_eq!(
        city.connections(),
        0,
        "the city API on loopback was never contacted"
    );
}

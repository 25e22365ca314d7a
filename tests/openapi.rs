//! The OpenAPI document (`GET /api/v1/openapi.json`) against the router that serves it: every
//! route under `/api/v1` is documented with every method it answers, and every documented
//! operation is served, its path parameters those of its path. (The server's unit tests pin the
//! document's whole text in a snapshot.)

use std::collections::BTreeSet;

use dongne_tests::{both_databases, Backend, TestApp};

both_databases!(every_api_route_and_method_is_documented);

const METHODS: [&str; 5] = ["GET", "PUT", "POST", "DELETE", "PATCH"];

/// The route with each `{parameter}` filled in (any value: only the routing matters).
fn fill(route: &str) -> String {
    route
        .split('/')
        .map(|s| if s.starts_with('{') { "1" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

/// The `{parameter}` names in a route.
fn params_of(route: &str) -> BTreeSet<String> {
    route
        .split('/')
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
        .map(String::from)
        .collect()
}

async fn every_api_route_and_method_is_documented(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let doc: serde_json::Value = dongne_tests::get(app.url("/api/v1/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS {
            let Some(op) = item.get(method.to_lowercase()) else {
                continue;
            };
            documented.insert((method.to_string(), path.clone()));
            let in_path: BTreeSet<String> = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "path")
                .map(|p| p["name"].as_str().unwrap().to_string())
                .collect();
            assert_eq!(in_path, params_of(path), "{method} {path}: path parameters");
            assert!(
                op["responses"]["400"].is_object(),
                "{method} {path}: the error answers"
            );
        }
    }

    // The methods each route answers, from the router itself: a method no route has gets 405
    // with `Allow` listing the ones the path does.
    let probe = app.client();
    let mut served = BTreeSet::new();
    for route in server::http::route_paths() {
        if !route.starts_with("/api/v1/") {
            continue;
        }
        let r = probe
            .request(
                reqwest::Method::from_bytes(b"PROPFIND").unwrap(),
                app.url(&fill(route)),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 405, "{route}");
        let allow = r
            .headers()
            .get("allow")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let methods: Vec<&str> = allow
            .split(',')
            .map(str::trim)
            .filter(|m| METHODS.contains(m))
            .collect();
        assert!(!methods.is_empty(), "{route}: Allow {allow:?}");
        for m in methods {
            served.insert((m.to_string(), route.to_string()));
        }
    }
    let missing: Vec<_> = served.difference(&documented).collect();
    assert!(
        missing.is_empty(),
        "served under /api/v1 but not in the OpenAPI document: {missing:?}"
    );
    let stale: Vec<_> = documented.difference(&served).collect();
    assert!(
        stale.is_empty(),
        "in the OpenAPI document but not served: {stale:?}"
    );
}

//! Integration tests through the real router over real HTTP, on SQLite and on PostgreSQL.
//! Every test runs once per database, each time on a database of its own.

use domain::entities::{dataset, hot_spot, user};
use dongne_tests::{Backend, TestApp};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use dongne_tests::both_databases;

both_databases!(
    demo_catalog_is_loaded_and_served,
    health_and_readiness,
    public_never_sees_internal_datasets,
    login_sets_secure_session_cookie_and_logout_ends_it,
    bad_login_input_is_a_4xx_not_a_500,
    role_checks_are_enforced_on_the_server,
    cross_site_writes_are_refused,
    bad_catalog_parameters_are_400_naming_the_parameter,
    language_switch_is_remembered,
    sitemap_lists_public_datasets_only_and_robots_names_it,
    public_reads_allow_any_origin_but_writes_do_not,
    dataset_pages_carry_open_graph_and_schema_org_metadata,
    requests_carry_ids_and_metrics_are_exposed_to_operators,
    pages_send_a_content_security_policy,
    hostile_input_is_a_4xx_never_a_5xx,
);

const PASSWORD: &str = domain::seed::DEMO_PASSWORD;

async fn app(backend: Backend) -> Option<TestApp> {
    TestApp::start(backend).await
}

async fn demo_catalog_is_loaded_and_served(backend: Backend) {
    let Some(app) = app(backend).await else {
        return;
    };
    assert_eq!(dataset::Entity::find().count(&app.db).await.unwrap(), 733);
    assert!(hot_spot::Entity::find().count(&app.db).await.unwrap() >= 30);
    let names: Vec<String> = hot_spot::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|h| h.name_ko)
        .collect();
    for spot in ["성수카페거리", "왕십리역", "서울숲공원"] {
        assert!(names.iter().any(|n| n == spot), "hot spot {spot} missing");
    }

    let html = dongne_tests::get(app.url("/"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("<html lang=\"ko\""), "Korean by default");
    assert!(
        html.contains("data-testid=\"stats\""),
        "home content rendered on the server"
    );

    let resp = dongne_tests::get(app.url("/datasets?q=%EA%B3%B5%EC%9B%90"))
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let html = resp.text().await.unwrap();
    assert!(
        html.contains("공원 및 녹지 현황"),
        "search for 공원 lists the parks dataset"
    );

    let resp = dongne_tests::get(app.url("/datasets/parks-green-spaces"))
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let html = resp.text().await.unwrap();
    assert!(html.contains("공원명"), "data dictionary rendered");
    assert!(
        !html.contains("최초 등록"),
        "revision messages are for staff only"
    );

    let resp = dongne_tests::get(app.url("/datasets/no-such-dataset"))
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);

    // Restarting on the same database neither re-seeds nor fails (migrations are idempotent).
    let again = server::prepare_database(&app.config()).await.unwrap();
    assert_eq!(dataset::Entity::find().count(&again).await.unwrap(), 733);
}

async fn health_and_readiness(backend: Backend) {
    let Some(app) = app(backend).await else {
        return;
    };
    let r = dongne_tests::get(app.url("/healthz")).await.unwrap();
    assert_eq!(r.status(), 200);
    let r = dongne_tests::get(app.url("/readyz")).await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers().get("x-content-type-options").unwrap(),
        "nosniff"
    );
}

async fn public_never_sees_internal_datasets(backend: Backend) {
    let Some(app) = app(backend).await else {
        return;
    };
    let internal = dataset::Entity::find()
        .filter(dataset::Column::Visibility.eq("internal"))
        .filter(dataset::Column::Status.eq("published"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("demo data has internal datasets");
    let anon = app.client();
    let r = anon
        .get(app.url(&format!("/datasets/{}", internal.slug)))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        404,
        "an internal dataset does not exist for the public"
    );
    let listing = anon
        .get(app.url("/datasets?per_page=100"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!listing.contains(&internal.title_ko));
    // Through the server function too.
    let r = anon
        .post(app.url("/api/dataset"))
        .form(&[("slug", internal.slug.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    // Staff see it.
    let (staff, status) = app.login("viewer", PASSWORD).await;
    assert!(
        status.is_success() || status.is_redirection(),
        "login failed: {status}"
    );
    let r = staff
        .get(app.url(&format!("/datasets/{}", internal.slug)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

async fn login_sets_secure_session_cookie_and_logout_ends_it(backend: Backend) {
    // Behind a reverse proxy on this machine (its `X-Forwarded-Proto` is believed).
    let Some(app) =
        TestApp::start_with(backend, &[("DONGNE_TRUSTED_PROXIES", "127.0.0.1/32")]).await
    else {
        return;
    };
    let client = app.client();
    // An attacker-chosen session id planted before login is never adopted (no fixation).
    let planted = "a".repeat(64);
    let resp = client
        .post(app.url("/api/login"))
        .header("accept", "application/json")
        .header("cookie", format!("dongne_session={planted}"))
        .form(&[("username", "parks-steward"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert!(
        resp.status().is_success() || resp.status().is_redirection(),
        "{}",
        resp.status()
    );
    let cookie = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("dongne_session="))
        .expect("session cookie set");
    assert!(cookie.contains("HttpOnly"));
    assert!(cookie.contains("SameSite=Lax"));
    assert!(!cookie.contains(&planted), "a fresh session id after login");
    let planted_user = client
        .post(app.url("/api/current_user"))
        .header("cookie", format!("dongne_session={planted}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!planted_user.contains("parks-steward"), "{planted_user}");
    assert!(
        !cookie.contains("Secure"),
        "plain http on loopback: not Secure"
    );

    let me = client
        .post(app.url("/api/current_user"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(me.contains("parks-steward"), "{me}");
    let html = client
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("data-testid=\"user-name\""));

    // Behind TLS (as the trusted proxy says) the cookie is Secure.
    let tls = app.client();
    let resp = tls
        .post(app.url("/api/login"))
        .header("x-forwarded-proto", "https")
        .form(&[("username", "parks-steward"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let cookie = resp
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(cookie.contains("; Secure"), "{cookie}");

    let r = client.post(app.url("/api/logout")).send().await.unwrap();
    assert!(r.status().is_success() || r.status().is_redirection());
    let me = client
        .post(app.url("/api/current_user"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(me.trim(), "null");
    // A forged token is nobody.
    let forged = dongne_tests::plain_client()
        .post(app.url("/api/current_user"))
        .header("cookie", format!("dongne_session={}", "a".repeat(64)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(forged.trim(), "null");
}

async fn bad_login_input_is_a_4xx_not_a_500(backend: Backend) {
    let Some(app) = app(backend).await else {
        return;
    };
    let (_, status) = app.login("parks-steward", "wrong password").await;
    assert_eq!(status, 401);
    let (_, status) = app.login("nobody", PASSWORD).await;
    assert_eq!(status, 401);
    let client = app.client();
    let r = client
        .post(app.url("/api/login"))
        .form(&[("username", ""), ("password", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let body = r.text().await.unwrap();
    assert!(body.contains("username"), "names the field: {body}");
    // Missing field, garbage body, unknown function.
    let r = client
        .post(app.url("/api/login"))
        .form(&[("username", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = client
        .post(app.url("/api/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(vec![0xff, 0xfe, 0x00])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error(), "{}", r.status());
    // An oversized body is refused from its declared length, before it is read.
    assert_eq!(raw_status(&app, "POST /api/login HTTP/1.1\r\nContent-Length: 3145728\r\nContent-Type: application/x-www-form-urlencoded\r\n").await, 413);
    let r = client
        .post(app.url("/api/no_such_function"))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error(), "{}", r.status());
}

/// Send request headers over a raw socket (no body) and read the status code.
async fn raw_status(app: &TestApp, head: &str) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = app.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(format!("{head}Host: {addr}\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut buf = vec![0u8; 1024];
    let n = stream.read(&mut buf).await.unwrap();
    let text = String::from_utf8_lossy(&buf[..n]).to_string();
    text.split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no status in {text:?}"))
}

async fn role_checks_are_enforced_on_the_server(backend: Backend) {
    let Some(app) = app(backend).await else {
        return;
    };
    // Anonymous: admin data is refused.
    let r = app
        .client()
        .post(app.url("/api/admin_overview"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = app.client().get(app.url("/admin")).send().await.unwrap();
    assert_eq!(r.status(), 401);
    // A steward is not an admin.
    let (steward, _) = app.login("parks-steward", PASSWORD).await;
    let r = steward
        .post(app.url("/api/admin_overview"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // The steward edits their own department's dataset; another department's only through a
    // proposal (the edit page opens in proposal mode).
    let r = steward
        .post(app.url("/api/dataset_for_edit"))
        .form(&[("slug", "parks-green-spaces")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let ctx: serde_json::Value = r.json().await.unwrap();
    assert_eq!(ctx["direct"], true);
    let r = steward
        .post(app.url("/api/dataset_for_edit"))
        .form(&[("slug", "public-wifi")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let ctx: serde_json::Value = r.json().await.unwrap();
    assert_eq!(ctx["direct"], false);
    let r = steward
        .get(app.url("/datasets/public-wifi/edit"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("data-testid=\"propose-mode\""));
    // A viewer edits nothing.
    let (viewer, _) = app.login("viewer", PASSWORD).await;
    let r = viewer
        .post(app.url("/api/dataset_for_edit"))
        .form(&[("slug", "parks-green-spaces")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // The admin sees the overview, with every department and user.
    let (admin, _) = app.login("admin", PASSWORD).await;
    let r = admin
        .post(app.url("/api/admin_overview"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    let users = user::Entity::find().count(&app.db).await.unwrap();
    assert_eq!(body["users"].as_array().unwrap().len() as u64, users);
    let r = admin.get(app.url("/admin")).send().await.unwrap();
    assert_eq!(r.status(), 200);
}

async fn cross_site_writes_are_refused(backend: Backend) {
    let Some(app) = app(backend).await else {
        return;
    };
    let (client, _) = app.login("admin", PASSWORD).await;
    let r = client
        .post(app.url("/api/logout"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = client
        .post(app.url("/api/current_user"))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // Still signed in: the forged logout did nothing.
    let me = client
        .post(app.url("/api/current_user"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(me.contains("admin"));
    // Same-origin writes pass.
    let origin = app.base.clone();
    let r = client
        .post(app.url("/api/current_user"))
        .header("origin", origin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

async fn bad_catalog_parameters_are_400_naming_the_parameter(backend: Backend) {
    let Some(app) = app(backend).await else {
        return;
    };
    for (query, param) in [
        ("page=0", "page"),
        ("page=abc", "page"),
        ("sort=best", "sort"),
        ("theme=%27%3B--", "theme"),
    ] {
        let r = dongne_tests::get(app.url(&format!("/datasets?{query}")))
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{query}");
        let html = r.text().await.unwrap();
        assert!(html.contains(param), "{query}: error names {param}");
    }
    let r = app
        .client()
        .post(app.url("/api/search"))
        .form(&[("query", "page=-1")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let body = r.text().await.unwrap();
    assert!(body.contains("\"page\""), "{body}");
    // Valid filters narrow results; wildcards are literal text.
    let r = app
        .client()
        .post(app.url("/api/search"))
        .form(&[("query", "theme=environment")])
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = r.json().await.unwrap();
    let total = body["total"].as_u64().unwrap();
    assert!(total > 0 && total < 733);
    let r = app
        .client()
        .post(app.url("/api/search"))
        .form(&[("query", "q=%25%25")])
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["total"].as_u64().unwrap(), 0);
}

async fn language_switch_is_remembered(backend: Backend) {
    let Some(app) = app(backend).await else {
        return;
    };
    let client = app.client();
    let r = client
        .get(app.url("/lang/en?next=/datasets"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers().get("location").unwrap(), "/datasets");
    let html = client
        .get(app.url("/datasets"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("<html lang=\"en\""));
    assert!(html.contains("Datasets"));
    // No open redirects, and unknown languages are a 400.
    let r = client
        .get(app.url("/lang/ko?next=//evil.example"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers().get("location").unwrap(), "/");
    let r = client.get(app.url("/lang/fr")).send().await.unwrap();
    assert_eq!(r.status(), 400);
}

async fn sitemap_lists_public_datasets_only_and_robots_names_it(backend: Backend) {
    let Some(app) = app(backend).await else {
        return;
    };
    let resp = dongne_tests::get(app.url("/sitemap.xml")).await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/xml"));
    let xml = resp.text().await.unwrap();
    let public: Vec<dataset::Model> = dataset::Entity::find()
        .filter(dataset::Column::Visibility.eq("public"))
        .filter(dataset::Column::Status.eq("published"))
        .all(&app.db)
        .await
        .unwrap();
    let listed = xml.matches("/datasets/").count();
    assert_eq!(listed, public.len(), "every public dataset once");
    let internal = dataset::Entity::find()
        .filter(dataset::Column::Visibility.eq("internal"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the demo has internal datasets");
    assert!(!xml.contains(&format!("/datasets/{}<", internal.slug)));
    assert!(xml.contains(&format!("/datasets/{}</loc><lastmod>", public[0].slug)));
    assert!(xml.contains("/crowd/lite</loc>"));
    let robots = dongne_tests::get(app.url("/robots.txt"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(robots.contains("Disallow: /admin"));
    assert!(robots.contains("Sitemap: http://127.0.0.1:"), "{robots}");
}

async fn public_reads_allow_any_origin_but_writes_do_not(backend: Backend) {
    let Some(app) = app(backend).await else {
        return;
    };
    let client = dongne_tests::plain_client();
    let resp = client
        .get(app.url("/api/v1/datasets?q=%EA%B3%B5%EC%9B%90"))
        .header("origin", "https://other.example")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["access-control-allow-origin"], "*");
    assert!(resp
        .headers()
        .get("access-control-allow-credentials")
        .is_none());
    // A preflight for a read is answered; one for a write is not.
    let pre = client
        .request(reqwest::Method::OPTIONS, app.url("/api/v1/crowd"))
        .header("origin", "https://other.example")
        .header("access-control-request-method", "GET")
        .send()
        .await
        .unwrap();
    assert_eq!(pre.status(), 204);
    assert_eq!(pre.headers()["access-control-allow-methods"], "GET, HEAD");
    let pre = client
        .request(reqwest::Method::OPTIONS, app.url("/api/v1/crowd/rules"))
        .header("origin", "https://other.example")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert!(pre.headers().get("access-control-allow-origin").is_none());
    let write = client
        .post(app.url("/api/v1/crowd/rules"))
        .header("origin", "https://other.example")
        .json(&serde_json::json!({"min_level": 3}))
        .send()
        .await
        .unwrap();
    assert_eq!(write.status(), 403, "cross-site write refused");
    assert!(write.headers().get("access-control-allow-origin").is_none());
    // Pages are not part of the API.
    let page = client
        .get(app.url("/datasets"))
        .header("origin", "https://other.example")
        .send()
        .await
        .unwrap();
    assert!(page.headers().get("access-control-allow-origin").is_none());
}

async fn dataset_pages_carry_open_graph_and_schema_org_metadata(backend: Backend) {
    let Some(app) = app(backend).await else {
        return;
    };
    let (d, _, _) = dongne_tests::public_dataset(&app).await;
    let html = dongne_tests::get(app.url(&format!("/datasets/{}", d.slug)))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("<meta property=\"og:title\""),
        "Open Graph title"
    );
    assert!(html.contains("<meta name=\"description\""));
    let start = html
        .find("<script type=\"application/ld+json\">")
        .expect("schema.org JSON-LD in the server's HTML");
    let rest = &html[start + "<script type=\"application/ld+json\">".len()..];
    let json = &rest[..rest.find("</script>").unwrap()];
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(v["@type"], "Dataset");
    assert_eq!(v["name"], d.title_ko.as_str());
    assert_eq!(v["identifier"], d.id.to_string());
    assert!(v["distribution"].is_array());
    // Absolute addresses, on the site's public address (here the test server's own).
    let url = format!("{}/datasets/{}", app.base, d.slug);
    assert_eq!(v["url"], url.as_str());
    assert!(
        html.contains(&format!("<link href=\"{url}\" rel=\"canonical\">")),
        "canonical link"
    );
    assert!(html.contains(&format!("<meta property=\"og:url\" content=\"{url}\"")));
}

async fn requests_carry_ids_and_metrics_are_exposed_to_operators(backend: Backend) {
    let Some(app) =
        TestApp::start_with(backend, &[("DONGNE_TRUSTED_PROXIES", "127.0.0.1/32")]).await
    else {
        return;
    };
    let (d, _, _) = dongne_tests::public_dataset(&app).await;
    let c = dongne_tests::plain_client();
    let path = format!("/api/v1/datasets/{}", d.id);
    // Every answer names its request; a usable id from the caller (a proxy) is kept.
    let r = c.get(app.url(&path)).send().await.unwrap();
    let id = r.headers()["x-request-id"].to_str().unwrap().to_string();
    assert!(
        id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit()),
        "{id}"
    );
    let r = c
        .get(app.url(&path))
        .header("x-request-id", "lb-7f3a.1")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-request-id"], "lb-7f3a.1");
    let r = c
        .get(app.url(&path))
        .header("x-request-id", "no spaces <script>")
        .send()
        .await
        .unwrap();
    assert_ne!(r.headers()["x-request-id"], "no spaces <script>");
    c.get(app.url("/api/v1/datasets/999999"))
        .send()
        .await
        .unwrap();

    // Prometheus text from this machine: latency by route template, never the raw path.
    let r = c.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::OK);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain; version=0.0.4"));
    let text = r.text().await.unwrap();
    let series = "route=\"/api/v1/datasets/{id}\",method=\"GET\"";
    assert!(
        text.contains(&format!(
            "dongne_http_request_duration_seconds_count{{{series},status=\"2xx\"}} 3"
        )),
        "{text}"
    );
    assert!(text.contains(&format!(
        "dongne_http_request_duration_seconds_count{{{series},status=\"4xx\"}} 1"
    )));
    assert!(!text.contains(&format!("/api/v1/datasets/{}", d.id)));
    for gauge in [
        "dongne_sse_subscribers",
        "dongne_jobs_queued",
        "dongne_jobs_running",
        "dongne_search_documents 733",
    ] {
        assert!(text.contains(gauge), "{gauge}");
    }
    // From the Internet (as a trusted proxy reports it): administrators only.
    let (viewer, _) = app.login("viewer", PASSWORD).await;
    let (admin, _) = app.login("admin", PASSWORD).await;
    for (who, client, status) in [
        ("anonymous", &c, reqwest::StatusCode::UNAUTHORIZED),
        ("viewer", &viewer, reqwest::StatusCode::FORBIDDEN),
        ("admin", &admin, reqwest::StatusCode::OK),
    ] {
        let r = client
            .get(app.url("/metrics"))
            .header("x-forwarded-for", "203.0.113.9")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), status, "{who} from outside");
    }
}

async fn pages_send_a_content_security_policy(backend: Backend) {
    let Some(app) = app(backend).await else {
        return;
    };
    for path in ["/", "/datasets", "/crowd", "/login"] {
        let r = dongne_tests::get(app.url(path)).await.unwrap();
        let csp = r.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_string();
        let html = r.text().await.unwrap();
        // Inline scripts run only with this response's nonce; nothing else but our own files.
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .unwrap_or_else(|| panic!("{path}: no nonce in {csp}"));
        assert!(
            html.contains(&format!("nonce=\"{nonce}\"")),
            "{path}: scripts carry the nonce"
        );
        for directive in [
            "default-src 'self'",
            "object-src 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
            "connect-src 'self'",
        ] {
            assert!(csp.contains(directive), "{path}: {directive} in {csp}");
        }
        assert!(!csp.contains("'unsafe-eval'") && !csp.contains("script-src *"));
        let again = dongne_tests::get(app.url(path)).await.unwrap();
        assert_ne!(
            again.headers()["content-security-policy"].to_str().unwrap(),
            csp,
            "{path}: a new nonce for every response"
        );
    }
    let lite = dongne_tests::get(app.url("/crowd/lite")).await.unwrap();
    assert!(lite.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .starts_with("default-src 'none'"));
}

async fn hostile_input_is_a_4xx_never_a_5xx(backend: Backend) {
    let Some(app) = app(backend).await else {
        return;
    };
    let (d, owner, _) = dongne_tests::public_dataset(&app).await;
    let (steward, _) = app.login(&format!("{owner}-steward"), PASSWORD).await;
    let patch = |body: Vec<u8>| {
        steward
            .patch(app.url(&format!("/api/v1/datasets/{}", d.id)))
            .header("if-match", format!("\"{}\"", d.version))
            .header("content-type", "application/json")
            .body(body)
    };
    let deep = format!("{{\"keywords\":{}{}}}", "[".repeat(5000), "]".repeat(5000));
    let cp949_title: &[u8] = b"{\"title_ko\":\"\xb0\xf8\xbf\xf8\"}"; // 공원 in CP949
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("deeply nested", deep.into_bytes()),
        ("invalid UTF-8", b"{\"title_en\":\"\xff\xfe\"}".to_vec()),
        ("CP949 text", cp949_title.to_vec()),
        ("not JSON", b"<xml/>".to_vec()),
        ("NUL in text", b"{\"title_en\":\"a\\u0000b\"}".to_vec()),
        // Last: the server may close this connection before the client finished writing.
        ("oversized", vec![b' '; 3 * 1024 * 1024]),
    ];
    for (what, body) in cases {
        match patch(body).send().await {
            Ok(r) => assert!(r.status().is_client_error(), "{what}: {}", r.status()),
            // The server may answer 413 and close before the client has written 3 MB.
            Err(e) if what == "oversized" && e.is_request() => {}
            Err(e) => panic!("{what}: {e}"),
        }
    }
    // The form endpoints and the query strings too.
    let c = dongne_tests::plain_client();
    let r = c
        .post(app.url(&format!("/datasets/{}/feedback", d.slug)))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body(b"kind=other&body=\xb0\xf8\xbf\xf8\xb0\xf8\xbf\xf8\xb0\xf8\xbf\xf8".to_vec())
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error(), "CP949 report: {}", r.status());
    let r = c
        .post(app.url("/api/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(b"username=\xff&password=\xfe".to_vec())
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error(), "login: {}", r.status());
    for path in [
        "/api/v1/datasets?q=%FF%FE%00",
        "/api/v1/datasets?page=99999999999999999999",
        "/api/3/action/package_search?rows=-1",
        "/datasets?q=%ED%A0%80",
        "/api/v1/crowd/spots/%00/history",
        "/api/v1/datasets/a%00b",
        "/api/3/action/package_show?id=a%00b",
        "/datasets/a%00b",
    ] {
        let status = c.get(app.url(path)).send().await.unwrap().status();
        assert!(!status.is_server_error(), "{path}: {status}");
    }
}

//! Behind a reverse proxy: who the client is (`DONGNE_TRUSTED_PROXIES`), who may read
//! `/metrics`, when `X-Forwarded-Proto` is believed, and that every absolute address comes from
//! `DONGNE_PUBLIC_URL`, never from a request header (least of all into a cached page).

use dongne_tests::{Backend, TestApp};
use reqwest::StatusCode;

use dongne_tests::both_databases;

both_databases!(
    the_client_is_the_rightmost_address_not_a_trusted_proxy,
    forwarding_headers_are_ignored_without_trusted_proxies,
    metrics_need_a_token_or_an_administrator_unless_asked_locally,
    forwarded_proto_is_believed_only_from_a_trusted_proxy,
    a_hostile_host_header_never_reaches_a_cached_page,
    absolute_addresses_come_from_the_public_url,
);

const PASSWORD: &str = domain::seed::DEMO_PASSWORD;
const PUBLIC_URL: &str = "https://data.example.kr";
const METRICS_TOKEN: &str = "scrape-4f9c2e7a1b3d5e6f";

/// `GET /api/v1/datasets` with these `X-Forwarded-For` headers: the allowance left for the
/// address the server saw, or `None` when it was refused with 429.
async fn remaining(app: &TestApp, forwarded_for: &[&str]) -> Option<u32> {
    let mut req = dongne_tests::plain_client().get(app.url("/api/v1/datasets"));
    for v in forwarded_for {
        req = req.header("x-forwarded-for", *v);
    }
    let r = req.send().await.unwrap();
    if r.status() == StatusCode::TOO_MANY_REQUESTS {
        return None;
    }
    assert_eq!(r.status(), StatusCode::OK, "{forwarded_for:?}");
    Some(
        r.headers()["x-ratelimit-remaining"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap(),
    )
}

async fn the_client_is_the_rightmost_address_not_a_trusted_proxy(backend: Backend) {
    let Some(app) = TestApp::start_with(
        backend,
        &[
            ("DONGNE_API_RATE_LIMIT", "3"),
            ("DONGNE_TRUSTED_PROXIES", "127.0.0.0/8, 10.1.0.0/16"),
        ],
    )
    .await
    else {
        return;
    };
    // A proxy that appends `ip:port`: the spoofed entry on the left never wins, so changing it
    // does not buy a fresh allowance.
    assert_eq!(
        remaining(&app, &["198.51.100.1, 203.0.113.5:5555"]).await,
        Some(2)
    );
    assert_eq!(
        remaining(&app, &["198.51.100.2, 203.0.113.5:5555"]).await,
        Some(1)
    );
    // Several headers are one list, in order; trusted hops on the right are stepped over.
    assert_eq!(
        remaining(&app, &["198.51.100.3", "203.0.113.5, 10.1.2.3"]).await,
        Some(0)
    );
    assert_eq!(remaining(&app, &["198.51.100.4, 203.0.113.5"]).await, None);
    // Another client behind the same proxy has an allowance of its own.
    assert_eq!(remaining(&app, &["203.0.113.6"]).await, Some(2));
    // IPv6 clients are one client per /64, in every written form.
    assert_eq!(remaining(&app, &["[2001:db8:1:2::1]:443"]).await, Some(2));
    assert_eq!(remaining(&app, &["2001:db8:1:2::ffff"]).await, Some(1));
    assert_eq!(
        remaining(&app, &["\"[2001:db8:1:2:aaaa::7]:8080\""]).await,
        Some(0)
    );
    assert_eq!(remaining(&app, &["2001:db8:1:3::1"]).await, Some(2));
    // Garbage reported by a trusted proxy: the client is that proxy (here the connection's
    // own address), never an entry further left.
    assert_eq!(remaining(&app, &["203.0.113.7, garbage"]).await, Some(2));
    assert_eq!(remaining(&app, &["203.0.113.8, 1.2.3.4.5"]).await, Some(1));
    assert_eq!(remaining(&app, &[]).await, Some(0));
}

async fn forwarding_headers_are_ignored_without_trusted_proxies(backend: Backend) {
    let Some(app) = TestApp::start_with(backend, &[("DONGNE_API_RATE_LIMIT", "2")]).await else {
        return;
    };
    assert_eq!(remaining(&app, &["198.51.100.1"]).await, Some(1));
    assert_eq!(
        remaining(&app, &["198.51.100.2, 203.0.113.9"]).await,
        Some(0)
    );
    assert_eq!(remaining(&app, &["2001:db8::1"]).await, None);
}

async fn metrics_need_a_token_or_an_administrator_unless_asked_locally(backend: Backend) {
    for proxies in ["", "127.0.0.1/32"] {
        let Some(app) = TestApp::start_with(
            backend,
            &[
                ("DONGNE_TRUSTED_PROXIES", proxies),
                ("DONGNE_METRICS_TOKEN", METRICS_TOKEN),
            ],
        )
        .await
        else {
            return;
        };
        let c = dongne_tests::plain_client();
        let metrics = |headers: &[(&str, &str)]| {
            let mut req = c.get(app.url("/metrics"));
            for (k, v) in headers {
                req = req.header(*k, *v);
            }
            async move {
                let r = req.send().await.unwrap();
                let status = r.status();
                (status, r.text().await.unwrap())
            }
        };
        // A scraper on this machine, connecting directly.
        let (status, text) = metrics(&[]).await;
        assert_eq!(status, StatusCode::OK, "{proxies:?}");
        assert!(text.contains("dongne_search_documents"));
        // Anything a proxy forwards is not local, whatever address it names.
        for header in [
            ("x-forwarded-for", "127.0.0.1"),
            ("x-forwarded-for", "10.0.0.5"),
            ("x-forwarded-for", "203.0.113.9"),
            ("x-real-ip", "127.0.0.1"),
            ("forwarded", "for=127.0.0.1"),
        ] {
            let (status, text) = metrics(&[header]).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{proxies:?} {header:?}");
            assert!(!text.contains("dongne_"), "no metrics leak: {text}");
        }
        // The scrape token.
        let bearer = format!("Bearer {METRICS_TOKEN}");
        let (status, _) = metrics(&[
            ("x-forwarded-for", "203.0.113.9"),
            ("authorization", &bearer),
        ])
        .await;
        assert_eq!(status, StatusCode::OK, "{proxies:?} with the token");
        let wrong = format!("Bearer {METRICS_TOKEN}x");
        let (status, text) = metrics(&[
            ("x-forwarded-for", "203.0.113.9"),
            ("authorization", &wrong),
        ])
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{proxies:?} wrong token");
        assert!(!text.contains("dongne_"));
        // Signed-in staff: administrators only.
        let (viewer, _) = app.login("viewer", PASSWORD).await;
        let (admin, _) = app.login("admin", PASSWORD).await;
        for (who, client, status) in [
            ("viewer", &viewer, StatusCode::FORBIDDEN),
            ("admin", &admin, StatusCode::OK),
        ] {
            let r = client
                .get(app.url("/metrics"))
                .header("x-forwarded-for", "203.0.113.9")
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), status, "{proxies:?} {who}");
        }
    }
}

/// The session cookie's `Set-Cookie` after signing in with these headers.
async fn login_cookie(app: &TestApp, headers: &[(&str, &str)]) -> String {
    let mut req = app
        .client()
        .post(app.url("/api/login"))
        .header("accept", "application/json");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let r = req
        .form(&[("username", "viewer"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    r.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("dongne_session="))
        .expect("session cookie set")
}

async fn forwarded_proto_is_believed_only_from_a_trusted_proxy(backend: Backend) {
    let Some(direct) = TestApp::start(backend).await else {
        return;
    };
    let cookie = login_cookie(&direct, &[("x-forwarded-proto", "https")]).await;
    assert!(!cookie.contains("Secure"), "not from a proxy: {cookie}");
    let Some(proxied) =
        TestApp::start_with(backend, &[("DONGNE_TRUSTED_PROXIES", "127.0.0.1")]).await
    else {
        return;
    };
    let cookie = login_cookie(&proxied, &[("x-forwarded-proto", "https")]).await;
    assert!(
        cookie.contains("; Secure"),
        "from a trusted proxy: {cookie}"
    );
    let cookie = login_cookie(&proxied, &[]).await;
    assert!(!cookie.contains("Secure"), "plain http: {cookie}");
}

/// Neither the body nor the `Location` or `Link` headers name the hostile host.
async fn clean(what: &str, r: reqwest::Response) -> String {
    for h in ["location", "link", "content-location"] {
        for v in r.headers().get_all(h) {
            assert!(
                !v.to_str().unwrap_or("").contains("evil.example"),
                "{what}: {h}: {v:?}"
            );
        }
    }
    let text = r.text().await.unwrap();
    assert!(!text.contains("evil.example"), "{what}: {text}");
    text
}

const HOSTILE: [(&str, &str); 4] = [
    ("host", "evil.example"),
    ("x-forwarded-host", "evil.example"),
    ("x-forwarded-proto", "http"),
    ("forwarded", "host=evil.example;proto=http"),
];

async fn a_hostile_host_header_never_reaches_a_cached_page(backend: Backend) {
    // The cache kept long enough that the second request surely gets the first one's page.
    let Some(app) = TestApp::start_with(
        backend,
        &[
            ("DONGNE_PAGE_CACHE_MS", "10000"),
            ("DONGNE_PUBLIC_URL", PUBLIC_URL),
            ("DONGNE_TRUSTED_PROXIES", "127.0.0.1/32"),
        ],
    )
    .await
    else {
        return;
    };
    let (d, _, _) = dongne_tests::public_dataset(&app).await;
    let dataset = format!("/datasets/{}", d.slug);
    let c = dongne_tests::plain_client();
    for path in ["/", "/datasets", dataset.as_str(), "/crowd", "/crowd/lite"] {
        let mut req = c.get(app.url(path));
        for (k, v) in HOSTILE {
            req = req.header(k, v);
        }
        let first = clean(
            &format!("{path} with a hostile Host"),
            req.send().await.unwrap(),
        )
        .await;
        // The same through an absolute-form request line (`GET http://evil.example/… HTTP/1.1`).
        let via_proxy = reqwest::Client::builder()
            .proxy(reqwest::Proxy::http(&app.base).unwrap())
            .timeout(dongne_tests::REQUEST_TIMEOUT)
            .build()
            .unwrap();
        let r = via_proxy
            .get(format!("http://evil.example{path}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path} absolute-form");
        clean(&format!("{path} in absolute form"), r).await;
        let second = clean(
            &format!("{path} after it"),
            c.get(app.url(path)).send().await.unwrap(),
        )
        .await;
        if path == dataset {
            let canonical = format!("{PUBLIC_URL}{dataset}");
            for html in [&first, &second] {
                assert!(
                    html.contains(&format!("<link href=\"{canonical}\" rel=\"canonical\">")),
                    "{html}"
                );
                assert!(html.contains(&format!(
                    "<meta property=\"og:url\" content=\"{canonical}\""
                )));
                assert!(html.contains(&format!("\"url\":\"{canonical}\"")), "{html}");
            }
        }
    }
}

async fn absolute_addresses_come_from_the_public_url(backend: Backend) {
    let Some(app) = TestApp::start_with(
        backend,
        &[
            ("DONGNE_PUBLIC_URL", "https://data.example.kr/"),
            ("DONGNE_TRUSTED_PROXIES", "127.0.0.1/32"),
        ],
    )
    .await
    else {
        return;
    };
    let (d, _, _) = dongne_tests::public_dataset(&app).await;
    let c = dongne_tests::plain_client();
    let get = |path: String| {
        let mut req = c.get(app.url(&path));
        for (k, v) in HOSTILE {
            req = req.header(k, v);
        }
        async move { clean(&path, req.send().await.unwrap()).await }
    };
    let sitemap = get("/sitemap.xml".into()).await;
    assert!(sitemap.contains(&format!("<loc>{PUBLIC_URL}/datasets</loc>")));
    assert!(sitemap.contains(&format!("<loc>{PUBLIC_URL}/datasets/{}</loc>", d.slug)));
    let robots = get("/robots.txt".into()).await;
    assert!(
        robots.contains(&format!("Sitemap: {PUBLIC_URL}/sitemap.xml\n")),
        "{robots}"
    );
    let jsonld = get("/catalog.jsonld".into()).await;
    assert!(jsonld.contains(&format!("{PUBLIC_URL}/catalog.jsonld?page=1")));
    assert!(jsonld.contains(&format!("\"@id\":\"{PUBLIC_URL}/catalog\"")));
    assert!(jsonld.contains(&format!("{PUBLIC_URL}/datasets/")));
    let ttl = get("/catalog.ttl".into()).await;
    assert!(ttl.contains(&format!("<{PUBLIC_URL}/catalog>")), "{ttl}");
    let show = get(format!("/api/3/action/package_show?id={}", d.slug)).await;
    let v: serde_json::Value = serde_json::from_str(&show).unwrap();
    assert_eq!(
        v["help"],
        format!("{PUBLIC_URL}/api/3/action/help_show?name=package_show")
    );
    assert_eq!(
        v["result"]["url"],
        format!("{PUBLIC_URL}/datasets/{}", d.slug)
    );
    let search = get("/api/3/action/package_search?rows=1".into()).await;
    let v: serde_json::Value = serde_json::from_str(&search).unwrap();
    assert!(v["result"]["results"][0]["url"]
        .as_str()
        .unwrap()
        .starts_with(&format!("{PUBLIC_URL}/datasets/")));
    let missing = get("/api/3/action/package_show?id=no-such-dataset".into()).await;
    assert!(missing.contains(&format!("{PUBLIC_URL}/api/3/action/help_show")));
}

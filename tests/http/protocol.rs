//! HTTP itself: public reads for any origin (writes not), request ids and the operators'
//! metrics, a content security policy on every page, and hostile input answered with a 4xx.

use dongne_tests::{both_databases, Backend, TestApp};

use super::{app, PASSWORD};

both_databases!(
    public_reads_allow_any_origin_but_writes_do_not,
    requests_carry_ids_and_metrics_are_exposed_to_operators,
    pages_send_a_content_security_policy,
    hostile_input_is_a_4xx_never_a_5xx,
);

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

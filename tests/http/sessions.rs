//! Sessions and permissions: the session cookie (fresh, HttpOnly, Secure behind TLS) and logout,
//! bad login input answered as such, roles checked on the server, cross-site writes refused.

use domain::entities::user;
use dongne_tests::{both_databases, Backend, DatasetBuilder, TestApp, UserBuilder};
use sea_orm::{EntityTrait, PaginatorTrait};

use super::{app, PASSWORD};

both_databases!(
    login_sets_secure_session_cookie_and_logout_ends_it,
    bad_login_input_is_a_4xx_not_a_500,
    role_checks_are_enforced_on_the_server,
    cross_site_writes_are_refused,
);

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
    // A steward of parks, a dataset of theirs and one of another department.
    let own = DatasetBuilder::new(&app).department("parks").create().await;
    let others = DatasetBuilder::new(&app)
        .department("smart-city")
        .create()
        .await;
    let steward = UserBuilder::new(&app)
        .steward()
        .department("parks")
        .login()
        .await;
    // A steward is not an admin.
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
        .form(&[("slug", own.slug.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let ctx: serde_json::Value = r.json().await.unwrap();
    assert_eq!(ctx["direct"], true);
    let r = steward
        .post(app.url("/api/dataset_for_edit"))
        .form(&[("slug", others.slug.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let ctx: serde_json::Value = r.json().await.unwrap();
    assert_eq!(ctx["direct"], false);
    let r = steward
        .get(app.url(&format!("/datasets/{}/edit", others.slug)))
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
    let viewer = UserBuilder::new(&app).viewer().login().await;
    let r = viewer
        .post(app.url("/api/dataset_for_edit"))
        .form(&[("slug", own.slug.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // The admin sees the overview, with every department and user.
    let admin = UserBuilder::new(&app).admin().login().await;
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

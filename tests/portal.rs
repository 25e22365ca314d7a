//! The public portal's guard rails through the real router on SQLite and PostgreSQL: the
//! anonymous rate limit on the catalog APIs (429 with Retry-After), staff API keys, residents'
//! "report a problem" reaching the owning department, and "most viewed" from page views.

use std::net::{IpAddr, Ipv4Addr};

use domain::entities::{dataset, feedback, notification, user};
use dongne_tests::{both_databases, public_dataset, Backend, TestApp, REQUEST_TIMEOUT};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::{json, Value};

both_databases!(
    anonymous_api_use_is_rate_limited_and_keys_are_not,
    residents_reports_reach_the_owning_department,
    most_viewed_follows_page_views,
    anonymous_pages_are_shared_for_a_moment,
    revision_authors_and_messages_are_for_staff_only,
);

const PASSWORD: &str = "dongne-demo";
const BROWSER: &str = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126 Mobile";

/// A client calling from another loopback address (127.0.0.x is all this machine).
fn client_from(last: u8) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, last)))
        .redirect(reqwest::redirect::Policy::none())
        .timeout(REQUEST_TIMEOUT)
        .build()
        .unwrap()
}

async fn internal_dataset(app: &TestApp) -> dataset::Model {
    dataset::Entity::find()
        .filter(dataset::Column::Visibility.eq("internal"))
        .filter(dataset::Column::Status.eq("published"))
        .order_by_asc(dataset::Column::Id)
        .one(&app.db)
        .await
        .unwrap()
        .expect("the demo catalog has an internal dataset")
}

async fn anonymous_api_use_is_rate_limited_and_keys_are_not(backend: Backend) {
    let Some(app) = TestApp::start_with(backend, &[("DONGNE_API_RATE_LIMIT", "5")]).await else {
        return;
    };
    let anon = client_from(1);
    for i in 0..5 {
        let r = anon
            .get(app.url("/api/v1/datasets?q=공원"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "request {i}");
        assert_eq!(r.headers()["x-ratelimit-limit"], "5");
        assert_eq!(
            r.headers()["x-ratelimit-remaining"],
            (4 - i).to_string().as_str()
        );
    }
    // The sixth in the same minute: 429, with when to come back, in every limited API.
    for path in [
        "/api/v1/datasets",
        "/api/3/action/package_list",
        "/catalog.jsonld",
    ] {
        let r = anon.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "{path}");
        let wait: u64 = r.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=60).contains(&wait), "Retry-After {wait}");
        let body: Value = r.json().await.unwrap();
        assert!(body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Too many requests"));
    }
    // Pages and crowd data are never limited (phones behind one carrier address).
    for path in ["/api/v1/crowd", "/crowd/lite", "/"] {
        let r = anon.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
    }
    // Another address has its own allowance.
    let other = client_from(2);
    let r = other.get(app.url("/api/v1/datasets")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    // A signed-in staff member is not limited (a whole office may share one address).
    let (staff, status) = app.login("admin", PASSWORD).await;
    assert!(status.is_success());
    for _ in 0..8 {
        let r = staff.get(app.url("/api/v1/datasets")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }

    // API keys: made with a session, shown once, stored as a hash.
    let internal = internal_dataset(&app).await;
    let (owner, _) = app.login("viewer", PASSWORD).await;
    let r = owner
        .post(app.url("/api/v1/keys"))
        .json(&json!({ "name": "통계 연계" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let made: Value = r.json().await.unwrap();
    let secret = made["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("dn_") && secret.len() == 43, "{secret}");
    let key_id = made["key"]["id"].as_i64().unwrap();
    let stored = domain::entities::api_key::Entity::find_by_id(key_id as i32)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(stored.key_hash, secret);
    assert!(!stored.key_hash.contains(&secret[3..]));
    let listed: Value = owner
        .get(app.url("/api/v1/keys"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed[0]["name"], "통계 연계");
    assert!(
        !listed.to_string().contains(&secret),
        "the key is never shown again"
    );

    // With the key, an exhausted address reads on, as the key's owner (internal data too).
    for _ in 0..8 {
        let r = anon
            .get(app.url(&format!("/api/v1/datasets/{}", internal.id)))
            .bearer_auth(&secret)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }
    let r = anon
        .get(app.url(&format!("/api/v1/datasets/{}", internal.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let r = other
        .get(app.url(&format!("/api/v1/datasets/{}", internal.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::NOT_FOUND,
        "anonymous readers never see it"
    );
    let used = domain::entities::api_key::Entity::find_by_id(key_id as i32)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(used.last_used_at.is_some());

    // A key cannot make keys; a wrong key is 401, not anonymous.
    let r = anon
        .post(app.url("/api/v1/keys"))
        .bearer_auth(&secret)
        .json(&json!({ "name": "x" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let wrong = format!("dn_{}", "0".repeat(40));
    for key in [wrong.as_str(), "not-a-key"] {
        let r = other
            .get(app.url("/api/v1/datasets"))
            .bearer_auth(key)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{key}");
    }
    // Bad names are refused, naming the field.
    let r = owner
        .post(app.url("/api/v1/keys"))
        .json(&json!({ "name": "  " }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["field"], "name");

    // Someone else cannot revoke it; its owner can, and it stops working at once.
    let (stranger, _) = app.login("general-affairs-editor", PASSWORD).await;
    let r = stranger
        .delete(app.url(&format!("/api/v1/keys/{key_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = owner
        .delete(app.url(&format!("/api/v1/keys/{key_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = other
        .get(app.url("/api/v1/datasets"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

/// Post the report form as a browser without JavaScript does (`json: false`: the answer is a
/// redirect back to the page) or as the page's script does (`json: true`).
async fn post_report(
    app: &TestApp,
    client: &reqwest::Client,
    slug: &str,
    form: &[(&str, &str)],
    json: bool,
) -> reqwest::Response {
    let mut req = client
        .post(app.url(&format!("/datasets/{slug}/feedback")))
        .form(form);
    if json {
        req = req.header("accept", "application/json");
    }
    req.send().await.unwrap()
}

async fn report(
    app: &TestApp,
    client: &reqwest::Client,
    slug: &str,
    form: &[(&str, &str)],
) -> (StatusCode, Value) {
    let r = post_report(app, client, slug, form, true).await;
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn residents_reports_reach_the_owning_department(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let (d, owner, other) = public_dataset(&app).await;
    let resident = client_from(3);
    let count = || async { feedback::Entity::find().count(&app.db).await.unwrap() };

    // The plain form (no JavaScript): stored, then back to the page, which says so.
    let r = post_report(
        &app,
        &resident,
        &d.slug,
        &[
            ("kind", "outdated"),
            (
                "body",
                "2024년 이후 자료가 없습니다. <script>alert(1)</script>",
            ),
            ("contact", "resident@example.com"),
            ("website", ""),
        ],
        false,
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let back = r.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(back, format!("/datasets/{}?feedback=sent#report", d.slug));
    let page = resident
        .get(app.url(back.trim_end_matches("#report")))
        .header("user-agent", BROWSER)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("담당 부서에 전달했습니다"),
        "the page thanks the resident"
    );
    assert!(page.contains(&format!("action=\"/datasets/{}/feedback\"", d.slug)));
    assert_eq!(count().await, 1);
    let saved = feedback::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (saved.dataset_id, saved.department_id),
        (d.id, d.department_id)
    );
    assert_eq!(saved.status, "open");

    // The department's steward and editor are told; nobody else.
    let told: Vec<i32> = notification::Entity::find()
        .filter(notification::Column::Kind.eq("feedback"))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.user_id)
        .collect();
    let mut expected = Vec::new();
    for name in [format!("{owner}-steward"), format!("{owner}-editor")] {
        let u = user::Entity::find()
            .filter(user::Column::Username.eq(name))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        expected.push(u.id);
    }
    let mut told_sorted = told.clone();
    told_sorted.sort();
    expected.sort();
    assert_eq!(told_sorted, expected);

    // Bad input: every problem named, nothing stored; the form gets its page back with the field.
    let (status, body) = report(
        &app,
        &resident,
        &d.slug,
        &[("kind", "nope"), ("body", "짧음")],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let fields: Vec<&str> = body["error"]["detail"]["InvalidFields"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["kind", "body"]);
    let r = post_report(
        &app,
        &resident,
        &d.slug,
        &[("kind", "other"), ("body", "short")],
        false,
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(r.headers()["location"]
        .to_str()
        .unwrap()
        .contains("feedback=invalid&field=body"));
    let spam = "http://a.example http://b.example http://c.example 최저가";
    let (status, _) = report(
        &app,
        &resident,
        &d.slug,
        &[("kind", "other"), ("body", spam)],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // Internal datasets do not exist for residents.
    let internal = internal_dataset(&app).await;
    let ok_body = "파일 링크가 열리지 않습니다.";
    let (status, _) = report(
        &app,
        &resident,
        &internal.slug,
        &[("kind", "broken_link"), ("body", ok_body)],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(count().await, 1);

    // A robot filling the hidden field is answered as usual but nothing is kept; the same text
    // twice in a day is kept once.
    let (status, body) = report(
        &app,
        &resident,
        &d.slug,
        &[
            ("kind", "other"),
            ("body", "great prices at our store"),
            ("website", "http://spam.example"),
        ],
    )
    .await;
    assert_eq!(
        (status, body["received"].clone()),
        (StatusCode::CREATED, json!(true))
    );
    let (status, _) = report(
        &app,
        &resident,
        &d.slug,
        &[("kind", "broken_link"), ("body", ok_body)],
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = report(
        &app,
        &resident,
        &d.slug,
        &[("kind", "broken_link"), ("body", ok_body)],
    )
    .await;
    assert_eq!(
        (status, body["id"].clone()),
        (StatusCode::CREATED, Value::Null)
    );
    assert_eq!(count().await, 2);

    // Five reports an hour per address (whatever became of them: the one about the internal
    // dataset, the robot's and the duplicate count too): the sixth is 429, and the form says
    // so; other addresses go on.
    let r = post_report(
        &app,
        &resident,
        &d.slug,
        &[("kind", "other"), ("body", "여섯 번째 신고입니다.")],
        true,
    )
    .await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().contains_key("retry-after"));
    let r = post_report(
        &app,
        &resident,
        &d.slug,
        &[("kind", "other"), ("body", "여섯 번째 신고입니다.")],
        false,
    )
    .await;
    assert!(r.headers()["location"]
        .to_str()
        .unwrap()
        .contains("feedback=limited"));
    let neighbour = client_from(4);
    let (status, _) = report(
        &app,
        &neighbour,
        &d.slug,
        &[
            ("kind", "wrong_data"),
            ("body", "주소가 틀렸습니다, 3번지입니다."),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(count().await, 3);

    // The owning department reads them (contact included); others do not.
    let (steward, _) = app.login(&format!("{owner}-steward"), PASSWORD).await;
    let list: Value = steward
        .get(app.url("/api/v1/feedback?status=open"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 3);
    let first = list
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["contact"] == "resident@example.com")
        .expect("the first report");
    let first_id = first["id"].as_i64().unwrap();
    let (stranger, _) = app.login(&format!("{other}-steward"), PASSWORD).await;
    let theirs: Value = stranger
        .get(app.url("/api/v1/feedback"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(theirs, json!([]));
    let r = stranger
        .post(app.url(&format!("/api/v1/feedback/{first_id}/resolve")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let (viewer, _) = app.login("viewer", PASSWORD).await;
    let r = viewer
        .get(app.url("/api/v1/feedback"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = resident
        .get(app.url("/api/v1/feedback"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = steward
        .get(app.url("/api/v1/feedback?status=closed"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);

    // On the dataset page, the steward sees the reports, with what residents wrote escaped.
    let page = steward
        .get(app.url(&format!("/datasets/{}", d.slug)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("data-testid=\"reports\""));
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!page.contains("<script>alert(1)</script>"));
    let public_page = resident
        .get(app.url(&format!("/datasets/{}", d.slug)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !public_page.contains("resident@example.com"),
        "reports are not public"
    );

    let r = steward
        .post(app.url(&format!("/api/v1/feedback/{first_id}/resolve")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let done: Value = r.json().await.unwrap();
    assert_eq!(done["status"], "resolved");
    assert!(done["resolved_by"].as_str().unwrap().contains("관리책임자"));
    let open: Value = steward
        .get(app.url("/api/v1/feedback?status=open"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(open.as_array().unwrap().len(), 2);
}

async fn most_viewed_follows_page_views(backend: Backend) {
    // With the page cache on: views served from it count too.
    let Some(app) = TestApp::start_with(backend, &[("DONGNE_PAGE_CACHE_MS", "60000")]).await else {
        return;
    };
    use app::model::{Role, SessionUser, Viewer};
    use domain::services::popular::popular;
    // The demo month of views: the home page shows the most viewed public datasets.
    let top = popular(&app.db, &Viewer::Public, 6).await.unwrap();
    assert_eq!(top.len(), 6);
    assert!(
        top.windows(2).all(|w| w[0].1 >= w[1].1),
        "most viewed first"
    );
    let home = app
        .client()
        .get(app.url("/"))
        .header("user-agent", BROWSER)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(home.contains("data-testid=\"popular\""));
    assert!(home.contains(&top[0].0.title_ko));

    // A dataset nobody viewed yet: three readers count, a crawler does not.
    let viewed: Vec<i32> = popular(&app.db, &Viewer::Public, 1000)
        .await
        .unwrap()
        .iter()
        .map(|(s, _)| s.id)
        .collect();
    let fresh = dataset::Entity::find()
        .filter(dataset::Column::Visibility.eq("public"))
        .filter(dataset::Column::Status.eq("published"))
        .filter(dataset::Column::Id.is_not_in(viewed))
        .one(&app.db)
        .await
        .unwrap()
        .expect("a public dataset without views");
    let c = app.client();
    for ua in [
        BROWSER,
        BROWSER,
        BROWSER,
        "Googlebot/2.1 (+http://www.google.com/bot.html)",
    ] {
        let r = c
            .get(app.url(&format!("/datasets/{}", fresh.slug)))
            .header("user-agent", ua)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }
    // Counted in memory, written in one batch; one reader's reloads count once an hour.
    assert_eq!(app.services.views.flush(&app.db).await.unwrap(), 1);
    let all = popular(&app.db, &Viewer::Public, 1000).await.unwrap();
    let (_, n) = all
        .iter()
        .find(|(s, _)| s.id == fresh.id)
        .expect("now viewed");
    assert_eq!(*n, 1, "three page loads from one address are one view");
    // Another reader's view counts; flushing again adds to the same day's row.
    app.services
        .views
        .record(Some([192, 0, 2, 7].into()), fresh.id);
    app.services.views.flush(&app.db).await.unwrap();
    let all = popular(&app.db, &Viewer::Public, 1000).await.unwrap();
    assert_eq!(all.iter().find(|(s, _)| s.id == fresh.id).unwrap().1, 2);

    // However viewed, an internal dataset is never "popular" for the public.
    let internal = internal_dataset(&app).await;
    for _ in 0..100_000 {
        app.services.views.record(None, internal.id);
    }
    app.services.views.flush(&app.db).await.unwrap();
    let public_top = popular(&app.db, &Viewer::Public, 6).await.unwrap();
    assert!(public_top.iter().all(|(s, _)| s.id != internal.id));
    let admin = Viewer::Staff(SessionUser {
        id: 1,
        username: "admin".into(),
        display_name: "admin".into(),
        role: Role::Admin,
        department: None,
    });
    let staff_top = popular(&app.db, &admin, 6).await.unwrap();
    assert_eq!(staff_top[0].0.id, internal.id);
    assert_eq!(staff_top[0].1, 100_000);
}

/// An anonymous page: its CSP nonce, its body, and whether the internal header leaked.
async fn anonymous_page(client: &reqwest::Client, url: String) -> (String, String) {
    let r = client
        .get(url)
        .header("user-agent", BROWSER)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(!r.headers().contains_key("x-dongne-viewed"));
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|n| n.split('\'').next())
        .expect("a nonce in the CSP")
        .to_string();
    (nonce, r.text().await.unwrap())
}

async fn anonymous_pages_are_shared_for_a_moment(backend: Backend) {
    let Some(app) = TestApp::start_with(backend, &[("DONGNE_PAGE_CACHE_MS", "60000")]).await else {
        return;
    };
    let (d, owner, _) = public_dataset(&app).await;
    let url = app.url(&format!("/datasets/{}", d.slug));
    let anon = app.client();
    // The same page for everyone asking meanwhile, each answer with a nonce of its own.
    let (n1, first) = anonymous_page(&anon, url.clone()).await;
    let (n2, second) = anonymous_page(&client_from(5), url.clone()).await;
    assert_ne!(n1, n2, "every answer gets its own nonce");
    assert!(first.contains(&format!("nonce=\"{n1}\"")));
    assert!(second.contains(&format!("nonce=\"{n2}\"")) && !second.contains(&n1));
    assert_eq!(first.replace(&n1, "N"), second.replace(&n2, "N"));
    assert!(first.contains(&d.title_ko));

    // A change: staff see it at once; the public once the moment has passed (60 s here).
    let (steward, _) = app.login(&format!("{owner}-steward"), PASSWORD).await;
    let r = steward
        .patch(app.url(&format!("/api/v1/datasets/{}", d.id)))
        .header("if-match", format!("\"{}\"", d.version))
        .json(&json!({ "title_ko": "잠깐 공유되는 제목" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let staff_page = steward.get(url.clone()).send().await.unwrap();
    assert!(!staff_page.headers().contains_key("x-dongne-viewed"));
    assert!(staff_page
        .text()
        .await
        .unwrap()
        .contains("잠깐 공유되는 제목"));
    let (_, still) = anonymous_page(&anon, url.clone()).await;
    assert!(still.contains(&d.title_ko) && !still.contains("잠깐 공유되는 제목"));
    // Each language is its own page.
    let english = app.client();
    english.get(app.url("/lang/en")).send().await.unwrap();
    let (_, en) = anonymous_page(&english, url.clone()).await;
    assert!(en.contains("lang=\"en\""), "the English page");
}

/// The dataset detail shows its latest revisions (author, message) to staff only: the history
/// itself is staff-only, so the anonymous API and page show neither.
async fn revision_authors_and_messages_are_for_staff_only(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let (d, owner, _) = public_dataset(&app).await;
    let username = format!("{owner}-steward");
    let (steward, _) = app.login(&username, PASSWORD).await;
    let author = user::Entity::find()
        .filter(user::Column::Username.eq(username.as_str()))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .display_name;
    let message = "internal note about the budget review";
    let r = steward
        .patch(app.url(&format!("/api/v1/datasets/{}", d.id)))
        .header("if-match", format!("\"{}\"", d.version))
        .json(&json!({ "title_en": "Revised for the review", "message": message }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let path = format!("/api/v1/datasets/{}", d.slug);
    let staff = dongne_tests::get_json(&steward, &app, &path).await;
    assert_eq!(staff["revisions"][0]["message"], message, "{staff}");
    assert_eq!(staff["revisions"][0]["author"], author.as_str());
    let anon = dongne_tests::plain_client();
    let public = dongne_tests::get_json(&anon, &app, &path).await;
    assert_eq!(
        public["summary"]["title_en"], "Revised for the review",
        "{public}"
    );
    assert_eq!(public["revisions"], json!([]), "{public}");
    let text = public.to_string();
    assert!(!text.contains(message) && !text.contains(&author), "{text}");
    let page = anon
        .get(app.url(&format!("/datasets/{}", d.slug)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Revised for the review"));
    assert!(
        !page.contains(message) && !page.contains(&author),
        "the anonymous page names no author and no message"
    );
    let staff_page = steward
        .get(app.url(&format!("/datasets/{}", d.slug)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(staff_page.contains(message) && staff_page.contains(&author));
}

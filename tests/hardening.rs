//! Hardening through the real router, on SQLite and PostgreSQL: redirects that stay on the
//! site, CSV exports that carry no live formula, the anonymous limit on the catalog's server
//! functions, views counted once per reader and hour, and demo mode that must be asked for.

use dongne_tests::{Backend, TestApp};
use reqwest::StatusCode;
use sea_orm::{EntityTrait, PaginatorTrait};

dongne_tests::both_databases!(
    redirects_after_a_language_switch_or_login_stay_on_the_site,
    csv_exports_carry_no_live_formula,
    catalog_server_functions_share_the_anonymous_limit_and_count_views_once,
    demo_accounts_exist_only_when_asked_for,
);

const PASSWORD: &str = domain::seed::DEMO_PASSWORD;

/// The usual open-redirect payloads (and their encoded forms as a browser would send them).
const HOSTILE_NEXT: [&str; 12] = [
    "/\t/evil.example",
    "/\n/evil.example",
    "/%09/evil.example",
    "/\\evil.example",
    "/%2F%2Fevil.example",
    "//evil.example",
    "https:evil.example",
    "https://evil.example/",
    "/ /evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "/\r\n/evil.example",
];

async fn redirects_after_a_language_switch_or_login_stay_on_the_site(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let c = app.client();
    for next in HOSTILE_NEXT {
        let r = c
            .get(app.url("/lang/en"))
            .query(&[("next", next)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(r.headers()["location"], "/", "/lang next={next:?}");

        let r = c
            .post(app.url("/api/login"))
            .header("accept", "text/html")
            .form(&[
                ("username", "parks-steward"),
                ("password", PASSWORD),
                ("next", next),
            ])
            .send()
            .await
            .unwrap();
        assert!(r.status().is_redirection(), "{next:?}: {}", r.status());
        assert_eq!(r.headers()["location"], "/", "/api/login next={next:?}");
    }
    // A plain path on the site, query included, is followed.
    let here = "/datasets?q=%EA%B3%B5%EC%9B%90&page=2";
    let r = c
        .get(app.url("/lang/en"))
        .query(&[("next", here)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], here);
}

async fn csv_exports_carry_no_live_formula(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let (d, _, _) = dongne_tests::public_dataset(&app).await;
    let (admin, _) = app.login("admin", PASSWORD).await;
    let formula = "=HYPERLINK(\"http://evil.example\",\"보기\")";
    let version = dongne_tests::dataset_version(&app, d.id).await;
    let r = admin
        .patch(app.url(&format!("/api/v1/datasets/{}", d.id)))
        .header("if-match", format!("\"{version}\""))
        .json(&serde_json::json!({ "title_en": formula, "keywords": ["@SUM(1+1)", "-2+3"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    for query in [
        "format=csv",
        "format=csv&q=HYPERLINK",
        &format!(
            "format=csv&department={}",
            dongne_tests::department_codes(&app, d.department_id)
                .await
                .0
        ),
    ] {
        let r = admin
            .get(app.url(&format!("/api/v1/export?{query}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{query}");
        let text = r.text().await.unwrap();
        let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
        let mut found = false;
        for rec in reader.records() {
            let rec = rec.unwrap();
            for cell in rec.iter() {
                assert!(
                    !matches!(
                        cell.as_bytes().first(),
                        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
                    ),
                    "{query}: a live formula cell {cell:?}"
                );
                found |= cell == format!("'{formula}");
            }
        }
        assert!(found, "{query}: the neutralized title is exported");
    }
    // Imported back, the title is the one that was exported.
    let r = admin
        .get(app.url("/api/v1/export?format=csv&q=HYPERLINK"))
        .send()
        .await
        .unwrap();
    let bytes = r.bytes().await.unwrap();
    let r = admin
        .post(app.url("/api/v1/import"))
        .query(&[("dry_run", "true"), ("name", "export.csv")])
        .body(bytes.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let report: serde_json::Value = r.json().await.unwrap();
    assert!(
        !report.to_string().contains("'=HYPERLINK"),
        "the ' is stripped on import: {report}"
    );
}

async fn catalog_server_functions_share_the_anonymous_limit_and_count_views_once(backend: Backend) {
    let Some(app) = TestApp::start_with(backend, &[("DONGNE_API_RATE_LIMIT", "6")]).await else {
        return;
    };
    let (d, _, _) = dongne_tests::public_dataset(&app).await;
    let c = dongne_tests::plain_client();
    let views_of = |db: sea_orm::DatabaseConnection, id: i32| async move {
        domain::entities::dataset_view::Entity::find()
            .all(&db)
            .await
            .unwrap()
            .iter()
            .filter(|v| v.dataset_id == id)
            .map(|v| v.views)
            .sum::<i64>()
    };
    let before = views_of(app.db.clone(), d.id).await;
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let r = c
            .post(app.url("/api/dataset"))
            .header("accept", "application/json")
            .header(
                "user-agent",
                "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36",
            )
            .form(&[("slug", d.slug.as_str())])
            .send()
            .await
            .unwrap();
        statuses.push(r.status());
    }
    assert!(
        statuses.iter().all(|s| *s == StatusCode::OK),
        "{statuses:?}"
    );
    // Six calls from one address are one view.
    app.services.views.flush(&app.db).await.unwrap();
    let views = views_of(app.db.clone(), d.id).await - before;
    assert_eq!(views, 1, "one view per reader, dataset and hour");
    // The allowance is spent: every catalog server function now answers 429 with Retry-After.
    for (path, form) in [
        ("/api/search", vec![("query", "q=공원")]),
        ("/api/suggest", vec![("q", "공원")]),
        ("/api/dataset", vec![("slug", d.slug.as_str())]),
    ] {
        let r = c
            .post(app.url(path))
            .header("accept", "application/json")
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "{path}");
        assert!(r.headers().contains_key("retry-after"), "{path}");
    }
    // Signed-in staff are never limited.
    let (staff, _) = app.login("viewer", PASSWORD).await;
    let r = staff
        .post(app.url("/api/suggest"))
        .header("accept", "application/json")
        .form(&[("q", "공원")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

async fn demo_accounts_exist_only_when_asked_for(backend: Backend) {
    let Some(app) = TestApp::start_with(backend, &[("DONGNE_DEMO_DATA", "false")]).await else {
        return;
    };
    // A production start: no account, so the published demo password opens nothing.
    assert_eq!(
        domain::entities::user::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        0
    );
    let (_, status) = app.login("admin", PASSWORD).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let home = dongne_tests::get(app.url("/"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!home.contains("demo-banner"), "no demo banner");
    // The first administrator comes from `server admin create` (this is what it runs).
    let create = |name: &'static str| {
        let db = app.db.clone();
        async move {
            domain::services::admin::create_first_admin::create_first_admin(
                &db,
                name,
                "첫 관리자",
                "a-long-secret-password",
            )
            .await
        }
    };
    create("root-admin").await.unwrap();
    let (_, status) = app.login("root-admin", "a-long-secret-password").await;
    assert!(status.is_success() || status.is_redirection(), "{status}");
    let again = create("second-admin").await.unwrap_err();
    assert!(format!("{again:?}").contains("exists already"), "{again:?}");

    // Asked for, demo mode says so on every page.
    let Some(demo) = TestApp::start(backend).await else {
        return;
    };
    for path in ["/", "/datasets", "/crowd", "/login"] {
        let page = dongne_tests::get(demo.url(path))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("data-testid=\"demo-banner\""),
            "{path}: no demo banner"
        );
    }
}

//! The catalog as the public and staff see it: the demo catalog served, internal datasets hidden
//! from the public, bad parameters named, the language remembered, the sitemap and robots.txt,
//! and the metadata of dataset pages.

use domain::entities::{dataset, hot_spot};
use dongne_tests::{both_databases, Backend, DatasetBuilder, UserBuilder};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use super::app;

both_databases!(
    demo_catalog_is_loaded_and_served,
    health_and_readiness,
    public_never_sees_internal_datasets,
    bad_catalog_parameters_are_400_naming_the_parameter,
    language_switch_is_remembered,
    sitemap_lists_public_datasets_only_and_robots_names_it,
    dataset_pages_carry_open_graph_and_schema_org_metadata,
);

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
    let internal = DatasetBuilder::new(&app)
        .title("내부 검토용 주차 현황", "Parking, for internal review")
        .internal()
        .create()
        .await;
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
    let staff = UserBuilder::new(&app).viewer().login().await;
    let r = staff
        .get(app.url(&format!("/datasets/{}", internal.slug)))
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

async fn dataset_pages_carry_open_graph_and_schema_org_metadata(backend: Backend) {
    let Some(app) = app(backend).await else {
        return;
    };
    let d = DatasetBuilder::new(&app)
        .public()
        .file("CSV", "https://files.example/trees.csv")
        .create()
        .await;
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

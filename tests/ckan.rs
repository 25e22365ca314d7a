//! The CKAN-compatible API through the real router: the envelope, search with filters, paging,
//! sorting and facets, show, the lists, errors; and a round trip in which Dongne's own harvester
//! harvests a second Dongne instance through it and gets every public dataset and no internal
//! one.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use domain::entities::{dataset, department};
use dongne_tests::{both_databases, Backend, TestApp};
use reqwest::StatusCode;
use sea_orm::*;
use serde_json::{json, Value};

both_databases!(
    the_ckan_api_answers_in_ckans_shape,
    dongnes_harvester_reads_another_dongne_through_the_ckan_api,
    the_dcat_catalog_pages_in_json_ld_and_turtle,
    dongnes_harvester_reads_another_dongne_through_its_dcat_catalog,
);

const PASSWORD: &str = "dongne-demo";

async fn action(app: &TestApp, q: &str) -> (StatusCode, Value) {
    let r = dongne_tests::get(app.url(&format!("/api/3/action/{q}")))
        .await
        .unwrap();
    let s = r.status();
    (s, r.json().await.unwrap())
}

async fn public(app: &TestApp) -> Vec<dataset::Model> {
    dataset::Entity::find()
        .filter(dataset::Column::Visibility.eq("public"))
        .filter(dataset::Column::Status.eq("published"))
        .order_by_asc(dataset::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
}

async fn the_ckan_api_answers_in_ckans_shape(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let public = public(&app).await;
    let (s, body) = action(&app, "package_search?rows=5&sort=id%20asc").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(body["success"], true);
    assert!(body["help"]
        .as_str()
        .unwrap()
        .contains("help_show?name=package_search"));
    let r = &body["result"];
    assert_eq!(
        r["count"],
        public.len(),
        "every public dataset, no internal one"
    );
    let results = r["results"].as_array().unwrap();
    assert_eq!(results.len(), 5);
    let first = &results[0];
    assert_eq!(first["id"], public[0].id.to_string());
    assert_eq!(first["name"], public[0].slug.as_str());
    assert_eq!(first["title"], public[0].title_ko.as_str());
    assert_eq!(first["title_translated"]["en"], public[0].title_en.as_str());
    assert_eq!(first["private"], false);
    assert!(first["organization"]["name"].is_string());
    assert!(first["resources"].is_array() && first["extras"].is_array());
    // Paging needs no alignment: start=3 is the fourth of the same order.
    let (_, page) = action(&app, "package_search?rows=2&start=3&sort=id%20asc").await;
    assert_eq!(page["result"]["results"][0]["id"], public[3].id.to_string());
    // A filter and facets over every match.
    let parks = department::Entity::find()
        .filter(department::Column::Code.eq("parks"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let in_parks = public
        .iter()
        .filter(|d| d.department_id == parks.id)
        .count();
    let (s, f) = action(
        &app,
        "package_search?fq=organization:parks&rows=0&facet.field=%5B%22organization%22,%22tags%22%5D",
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{f}");
    assert_eq!(f["result"]["count"], in_parks);
    assert_eq!(f["result"]["facets"]["organization"]["parks"], in_parks);
    assert_eq!(f["result"]["results"].as_array().unwrap().len(), 0);
    let items = f["result"]["search_facets"]["tags"]["items"]
        .as_array()
        .unwrap();
    assert!(!items.is_empty());
    // Text search, Korean.
    let (_, q) = action(&app, "package_search?q=%EA%B3%B5%EC%9B%90&rows=3").await;
    assert!(q["result"]["count"].as_u64().unwrap() > 0);
    // Errors in CKAN's shape, naming the parameter.
    for (bad, field) in [
        ("package_search?rows=5000", "rows"),
        ("package_search?sort=views%20desc", "sort"),
        ("package_search?fq=license_id:x", "fq"),
        ("package_search?facet.field=organization", "facet.field"),
        ("package_search?bogus=1", "bogus"),
        ("package_show", "id"),
    ] {
        let (s, e) = action(&app, bad).await;
        assert_eq!(s, StatusCode::CONFLICT, "{bad}: {e}");
        assert_eq!(e["success"], false);
        assert_eq!(e["error"]["__type"], "Validation Error", "{bad}");
        assert!(e["error"][field].is_array(), "{bad}: {e}");
    }
    // Show: public by name or id; internal ones do not exist for anonymous callers.
    let (s, shown) = action(&app, &format!("package_show?id={}", public[1].slug)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(shown["result"]["id"], public[1].id.to_string());
    let internal = dataset::Entity::find()
        .filter(dataset::Column::Visibility.eq("internal"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let (s, e) = action(&app, &format!("package_show?id={}", internal.slug)).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(e["error"]["__type"], "Not Found Error");
    // The lists.
    let (_, list) = action(&app, "package_list").await;
    let names: BTreeSet<&str> = list["result"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(names.len(), public.len());
    assert!(!names.contains(internal.slug.as_str()));
    let (_, some) = action(&app, "package_list?limit=3&offset=2").await;
    assert_eq!(some["result"].as_array().unwrap().len(), 3);
    let (_, orgs) = action(&app, "organization_list").await;
    assert!(orgs["result"].as_array().unwrap().contains(&json!("parks")));
    let (_, orgs) = action(&app, "organization_list?all_fields=true").await;
    let p = orgs["result"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == "parks")
        .unwrap()
        .clone();
    assert_eq!(p["package_count"], in_parks);
    let (_, groups) = action(&app, "group_list?all_fields=true").await;
    assert!(groups["result"]
        .as_array()
        .unwrap()
        .iter()
        .any(|g| g["package_count"].as_u64().unwrap() > 0));
    let (_, tags) = action(&app, "tag_list").await;
    assert!(!tags["result"].as_array().unwrap().is_empty());
    // Open to other sites' scripts.
    let r = dongne_tests::plain_client()
        .get(app.url("/api/3/action/package_list"))
        .header("origin", "https://portal.example")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["access-control-allow-origin"], "*");
}

async fn dongnes_harvester_reads_another_dongne_through_the_ckan_api(backend: Backend) {
    let Some(remote) = TestApp::start(backend).await else {
        return;
    };
    let url = remote.url("");
    round_trip(backend, remote, "ckan", url).await;
}

async fn dongnes_harvester_reads_another_dongne_through_its_dcat_catalog(backend: Backend) {
    let Some(remote) = TestApp::start(backend).await else {
        return;
    };
    let url = remote.url("/catalog.jsonld");
    round_trip(backend, remote, "dcat", url).await;
}

/// Harvest `remote` (a second instance) at `url` as a `kind` source: every public dataset of it
/// arrives, and no internal one.
async fn round_trip(backend: Backend, remote: TestApp, kind: &str, url: String) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let (admin, _) = app.login("admin", PASSWORD).await;
    let r = admin
        .post(app.url("/api/v1/harvest/sources"))
        .json(&json!({
            "name": "다른 동네", "kind": kind, "url": url,
            "department": "smart-city", "source_institution": "이웃 구청",
            "default_terms": [], "visibility": "public", "interval_minutes": null, "enabled": true
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let source = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap() as i32;
    let r = admin
        .post(app.url(&format!("/api/v1/harvest/sources/{source}/run")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let job = r.json::<Value>().await.unwrap()["job"].as_i64().unwrap();
    let until = Instant::now() + Duration::from_secs(240);
    let j = loop {
        let j: Value = admin
            .get(app.url(&format!("/api/v1/jobs/{job}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if j["status"] == "succeeded" || j["status"] == "failed" {
            break j;
        }
        assert!(Instant::now() < until, "the harvest did not finish: {j}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    assert_eq!(j["status"], "succeeded", "{j}");
    let remote_public = public(&remote).await;
    let harvested: Vec<dataset::Model> = dataset::Entity::find()
        .filter(dataset::Column::HarvestSourceId.eq(source))
        .all(&app.db)
        .await
        .unwrap();
    let keys: BTreeSet<String> = harvested
        .iter()
        .filter_map(|d| d.harvest_key.clone())
        .collect();
    let want: BTreeSet<String> = remote_public.iter().map(|d| d.id.to_string()).collect();
    assert_eq!(
        keys, want,
        "every public dataset of the other instance, and nothing else"
    );
    let remote_internal: Vec<String> = dataset::Entity::find()
        .filter(dataset::Column::Visibility.ne("public"))
        .all(&remote.db)
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.id.to_string())
        .collect();
    assert!(!remote_internal.is_empty());
    assert!(remote_internal.iter().all(|k| !keys.contains(k)));
    // Titles, descriptions and resources came across.
    let by_key: std::collections::HashMap<String, &dataset::Model> = harvested
        .iter()
        .map(|d| (d.harvest_key.clone().unwrap(), d))
        .collect();
    for d in remote_public.iter().take(20) {
        let h = by_key[&d.id.to_string()];
        assert_eq!(h.title_ko, d.title_ko);
        assert_eq!(h.title_en, d.title_en);
        assert_eq!(h.description_ko, d.description_ko);
    }
}

async fn the_dcat_catalog_pages_in_json_ld_and_turtle(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let public = public(&app).await;
    let pages = public.len().div_ceil(100);
    let app = &app;
    let get = |path: String| async move { dongne_tests::get(app.url(&path)).await.unwrap() };
    let first = get("/catalog.jsonld".into()).await;
    assert_eq!(first.status(), StatusCode::OK);
    assert!(first.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/ld+json"));
    let doc: Value = first.json().await.unwrap();
    assert_eq!(doc["hydra:totalItems"], public.len());
    let sets = doc["dcat:dataset"].as_array().unwrap();
    assert_eq!(sets.len(), 100);
    assert_eq!(sets[0]["dct:identifier"], public[0].id.to_string());
    assert_eq!(sets[0]["dct:title"][0]["@language"], "ko");
    assert!(doc["hydra:view"]["hydra:next"]
        .as_str()
        .unwrap()
        .ends_with("/catalog.jsonld?page=2"));
    let last: Value = get(format!("/catalog.jsonld?page={pages}"))
        .await
        .json()
        .await
        .unwrap();
    assert!(last["hydra:view"].get("hydra:next").is_none());
    assert_eq!(
        last["dcat:dataset"].as_array().unwrap().len(),
        public.len() - (pages - 1) * 100
    );
    for bad in ["page=0", "page=x", &format!("page={}", pages + 1), "rows=5"] {
        let r = get(format!("/catalog.jsonld?{bad}")).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{bad}");
    }
    // Turtle: parses, and says the same.
    let ttl = get("/catalog.ttl".into()).await;
    assert!(ttl.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/turtle"));
    let text = ttl.text().await.unwrap();
    use rio_api::model::{NamedNode, Subject, Term};
    use rio_api::parser::TriplesParser;
    let mut datasets = BTreeSet::new();
    let mut titles = 0;
    rio_turtle::TurtleParser::new(text.as_bytes(), None)
        .parse_all(&mut |t| {
            if t.predicate.iri == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
                && t.object
                    == Term::NamedNode(NamedNode {
                        iri: "http://www.w3.org/ns/dcat#Dataset",
                    })
            {
                if let Subject::NamedNode(n) = t.subject {
                    datasets.insert(n.iri.to_string());
                }
            }
            if t.predicate.iri == "http://purl.org/dc/terms/title" {
                titles += 1;
            }
            Ok::<_, rio_turtle::TurtleError>(())
        })
        .unwrap_or_else(|e| {
            panic!(
                "the Turtle parses: {e}\n{}",
                &text[..std::cmp::min(2000, text.len())]
            )
        });
    assert_eq!(datasets.len(), 100);
    assert!(titles >= 100);
    let internal = dataset::Entity::find()
        .filter(dataset::Column::Visibility.eq("internal"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(!text.contains(&format!("/datasets/{}>", internal.slug)));
}

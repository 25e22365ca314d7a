//! Catalog search through the service layer and the JSON API, on SQLite and PostgreSQL:
//! relevance in Korean and English, facet counts against SQL, visibility, index consistency.

use app::i18n::Lang;
use app::model::{Role, SessionUser, Viewer};
use app::search::{parse_query_string, FacetKey, SearchQuery, SearchResult};
use domain::entities::dataset;
use dongne_tests::{both_databases, Backend, TestApp};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, IntoActiveModel,
    QueryFilter, Set, Statement,
};

both_databases!(
    korean_and_english_queries_rank_the_expected_dataset_in_the_top_3,
    facet_counts_equal_sql_counts,
    anonymous_never_sees_internal_datasets,
    index_follows_edits_and_deletes,
    json_api_validates_and_documents_itself,
    search_page_is_server_rendered_with_highlights,
);

fn search(app: &TestApp, viewer: &Viewer, qs: &str) -> SearchResult {
    let q = SearchQuery::from_pairs(parse_query_string(qs)).unwrap();
    app.services.search.search(viewer, &q, Lang::Ko).unwrap()
}

fn slugs(r: &SearchResult) -> Vec<String> {
    r.items.iter().map(|h| h.dataset.slug.clone()).collect()
}

async fn korean_and_english_queries_rank_the_expected_dataset_in_the_top_3(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let cases = [
        ("공원 녹지", "parks-green-spaces"),
        ("와이파이", "public-wifi"),
        ("위반건축물", "illegal-buildings"),
        ("어린이 보행자 사고", "child-pedestrian-accidents"),
        ("주차장", "parking-lots"),
        ("대기질", "air-quality"),
        ("Wi-Fi", "public-wifi"),
        ("parking", "parking-lots"),
        ("air quality", "air-quality"),
        ("street trees", "street-trees"),
        ("교통 bus", "bus-stops"),
        ("따릉이 bike", "bike-stations"),
        ("parkinng", "parking-lots"),
        ("libraires", "libraries"),
    ];
    for (q, family) in cases {
        let r = search(
            &app,
            &Viewer::Public,
            &format!("q={}", app::search::encode(q)),
        );
        let top: Vec<String> = slugs(&r).into_iter().take(3).collect();
        assert!(
            top.iter().any(|s| s.starts_with(family)),
            "{q}: expected {family}* in the top 3, got {top:?}"
        );
    }
    for two_syllables in ["공원", "교통"] {
        let r = search(
            &app,
            &Viewer::Public,
            &format!("q={}", app::search::encode(two_syllables)),
        );
        assert!(r.total > 5, "{two_syllables} finds datasets");
        assert!(!r.fuzzy);
    }
    // Typos are only tolerated as a fallback.
    let r = search(&app, &Viewer::Public, "q=parkinng");
    assert!(r.fuzzy);
    // Highlights mark what matched.
    let r = search(&app, &Viewer::Public, "q=%EA%B3%B5%EC%9B%90");
    assert!(
        r.items[0]
            .title_highlight
            .iter()
            .any(|s| s.hit && s.text.contains("공원")),
        "{:?}",
        r.items[0].title_highlight
    );
    // One syllable and two letters suggest titles.
    let s = app
        .services
        .search
        .suggest(&Viewer::Public, "와", 8)
        .unwrap();
    assert!(s.iter().any(|x| x.slug.starts_with("public-wifi")), "{s:?}");
    let s = app
        .services
        .search
        .suggest(&Viewer::Public, "pa", 8)
        .unwrap();
    assert!(
        s.iter()
            .any(|x| x.slug.starts_with("parks") || x.slug.starts_with("parking")),
        "{s:?}"
    );
    assert!(app
        .services
        .search
        .suggest(&Viewer::Public, "p", 8)
        .unwrap()
        .is_empty());
}

/// Count with SQL what the index should count: public, published datasets carrying `term` of
/// `scheme`, and (optionally) also `and_term`.
async fn sql_count(app: &TestApp, scheme: &str, term: &str, and: Option<(&str, &str)>) -> u64 {
    let mut sql = String::from(
        "SELECT COUNT(*) AS n FROM datasets d WHERE d.visibility = 'public' AND d.status = 'published' \
         AND d.id IN (SELECT dt.dataset_id FROM dataset_terms dt JOIN terms t ON t.id = dt.term_id JOIN schemes s ON s.id = t.scheme_id WHERE s.code = ? AND t.code = ?)",
    );
    let mut values: Vec<sea_orm::Value> = vec![scheme.into(), term.into()];
    if let Some((s2, t2)) = and {
        sql.push_str(" AND d.id IN (SELECT dt.dataset_id FROM dataset_terms dt JOIN terms t ON t.id = dt.term_id JOIN schemes s ON s.id = t.scheme_id WHERE s.code = ? AND t.code = ?)");
        values.push(s2.into());
        values.push(t2.into());
    }
    let backend = app.db.get_database_backend();
    if backend == DatabaseBackend::Postgres {
        let mut n = 0;
        sql = sql
            .chars()
            .map(|c| {
                if c == '?' {
                    n += 1;
                    format!("${n}")
                } else {
                    c.to_string()
                }
            })
            .collect();
    }
    let row = app
        .db
        .query_one_raw(Statement::from_sql_and_values(backend, sql, values))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap() as u64
}

async fn facet_counts_equal_sql_counts(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let all = search(&app, &Viewer::Public, "");
    for (key, scheme) in [
        (FacetKey::Theme, "theme"),
        (FacetKey::Dong, "dong"),
        (FacetKey::Source, "source"),
        (FacetKey::Cycle, "update_cycle"),
    ] {
        let values = &all.facets[&key];
        assert!(!values.is_empty());
        for v in values {
            assert_eq!(
                v.count,
                sql_count(&app, scheme, &v.term, None).await,
                "{scheme}/{}",
                v.term
            );
        }
    }
    // With a filter: other facets count within it; the filtered facet still counts alternatives.
    let filtered = search(&app, &Viewer::Public, "theme=environment");
    for v in &filtered.facets[&FacetKey::Dong] {
        assert_eq!(
            v.count,
            sql_count(&app, "dong", &v.term, Some(("theme", "environment"))).await,
            "dong/{} within environment",
            v.term
        );
    }
    let env_total = sql_count(&app, "theme", "environment", None).await;
    assert_eq!(filtered.total, env_total);
    let theme_env = filtered.facets[&FacetKey::Theme]
        .iter()
        .find(|v| v.term == "environment")
        .unwrap();
    assert_eq!(theme_env.count, env_total);
    // OR within a facet, AND across.
    let either = search(&app, &Viewer::Public, "theme=environment&theme=transport");
    let transport = sql_count(&app, "theme", "transport", None).await;
    assert_eq!(
        either.total,
        env_total + transport,
        "each demo dataset has one theme"
    );
    let both = search(&app, &Viewer::Public, "theme=environment&dong=oksu");
    assert_eq!(
        both.total,
        sql_count(&app, "theme", "environment", Some(("dong", "oksu"))).await
    );
    // Each selected facet counts its values under the other facets' filters only.
    for v in &both.facets[&FacetKey::Dong] {
        assert_eq!(
            v.count,
            sql_count(&app, "dong", &v.term, Some(("theme", "environment"))).await,
            "dong/{} beside theme=environment",
            v.term
        );
    }
    for v in &both.facets[&FacetKey::Theme] {
        assert_eq!(
            v.count,
            sql_count(&app, "theme", &v.term, Some(("dong", "oksu"))).await,
            "theme/{} beside dong=oksu",
            v.term
        );
    }
    // Sorting and paging.
    let by_title = search(&app, &Viewer::Public, "sort=title&per_page=50");
    let titles: Vec<String> = by_title
        .items
        .iter()
        .map(|h| h.dataset.title_ko.clone())
        .collect();
    let mut sorted = titles.clone();
    sorted.sort();
    assert_eq!(titles, sorted);
    let p1 = slugs(&search(&app, &Viewer::Public, "sort=updated&per_page=10"));
    let p2 = slugs(&search(
        &app,
        &Viewer::Public,
        "sort=updated&per_page=10&page=2",
    ));
    assert!(p1.iter().all(|s| !p2.contains(s)));
}

fn staff(role: Role, department: Option<app::model::DepartmentRef>) -> Viewer {
    Viewer::Staff(SessionUser {
        id: 1,
        username: "t".into(),
        display_name: "T".into(),
        role,
        department,
    })
}

async fn anonymous_never_sees_internal_datasets(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let internal = dataset::Entity::find()
        .filter(dataset::Column::Visibility.eq("internal"))
        .all(&app.db)
        .await
        .unwrap();
    assert!(!internal.is_empty());
    let public_count = dataset::Entity::find()
        .filter(dataset::Column::Visibility.eq("public"))
        .filter(dataset::Column::Status.eq("published"))
        .all(&app.db)
        .await
        .unwrap()
        .len() as u64;
    let r = search(&app, &Viewer::Public, "per_page=100");
    assert_eq!(r.total, public_count);
    assert!(
        !r.facets.contains_key(&FacetKey::Visibility),
        "no visibility facet for the public"
    );
    let theme_sum: u64 = r.facets[&FacetKey::Theme].iter().map(|v| v.count).sum();
    assert_eq!(
        theme_sum, public_count,
        "facet counts include no internal dataset"
    );
    for d in internal.iter().take(5) {
        let r = search(
            &app,
            &Viewer::Public,
            &format!("q={}", app::search::encode(&d.title_ko)),
        );
        assert!(
            r.items.iter().all(|h| h.dataset.id != d.id),
            "{} leaked through search",
            d.slug
        );
        let s = app
            .services
            .search
            .suggest(&Viewer::Public, &d.title_ko, 8)
            .unwrap();
        assert!(
            s.iter().all(|x| x.slug != d.slug),
            "{} leaked through suggest",
            d.slug
        );
        let resp = dongne_tests::get(app.url(&format!("/api/v1/datasets/{}", d.slug)))
            .await
            .unwrap();
        assert_eq!(resp.status(), 404);
        let resp = dongne_tests::get(app.url(&format!(
            "/api/v1/suggest?q={}",
            app::search::encode(&d.title_ko)
        )))
        .await
        .unwrap();
        assert!(!resp.text().await.unwrap().contains(&d.slug));
    }
    let resp = dongne_tests::get(app.url("/api/v1/datasets?visibility=internal"))
        .await
        .unwrap();
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["total"], 0);
    // Staff see internal datasets; other departments' drafts stay hidden from non-admins.
    let viewer = staff(Role::Viewer, None);
    let r = search(&app, &viewer, "visibility=internal");
    assert!(r.total > 0);
    assert!(r
        .items
        .iter()
        .all(|h| h.dataset.status != app::model::Status::Draft));
    let admin = staff(Role::Admin, None);
    let everything = search(&app, &admin, "");
    assert_eq!(
        everything.total,
        dataset::Entity::find().all(&app.db).await.unwrap().len() as u64
    );
}

async fn index_follows_edits_and_deletes(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let d = dataset::Entity::find()
        .filter(dataset::Column::Slug.eq("public-wifi"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut m = d.clone().into_active_model();
    m.title_ko = Set("서울특별시 성동구_무료 인터넷 존 현황".into());
    m.title_en = Set("Seongdong-gu free internet hotspots".into());
    m.update(&app.db).await.unwrap();
    app.services.search.refresh(&app.db, &[d.id]).await.unwrap();
    let r = search(&app, &Viewer::Public, "q=%EC%9D%B8%ED%84%B0%EB%84%B7"); // 인터넷
    assert!(
        slugs(&r).contains(&"public-wifi".to_string()),
        "edited title is found"
    );
    let r = search(&app, &Viewer::Public, "q=hotspots");
    assert_eq!(slugs(&r), vec!["public-wifi".to_string()]);
    // Made internal: gone for the public.
    let mut m = dataset::Entity::find_by_id(d.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    m.visibility = Set("internal".into());
    m.update(&app.db).await.unwrap();
    app.services.search.refresh(&app.db, &[d.id]).await.unwrap();
    assert_eq!(search(&app, &Viewer::Public, "q=hotspots").total, 0);
    // Deleted: gone for everyone.
    dataset::Entity::delete_by_id(d.id)
        .exec(&app.db)
        .await
        .unwrap();
    app.services.search.refresh(&app.db, &[d.id]).await.unwrap();
    assert_eq!(
        search(&app, &staff(Role::Admin, None), "q=hotspots").total,
        0
    );
    assert_eq!(app.services.search.num_docs(), 732);
    // A rebuild from the database gives the same answers as the incremental index.
    let before = search(&app, &Viewer::Public, "q=%EA%B3%B5%EC%9B%90&per_page=100");
    app.services.search.rebuild(&app.db).await.unwrap();
    let after = search(&app, &Viewer::Public, "q=%EA%B3%B5%EC%9B%90&per_page=100");
    assert_eq!(before.total, after.total);
    assert_eq!(before.facets, after.facets);
}

async fn json_api_validates_and_documents_itself(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let r = dongne_tests::get(
        app.url("/api/v1/datasets?q=%EA%B3%B5%EC%9B%90&theme=environment&per_page=5"),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(body["total"].as_u64().unwrap() > 0);
    assert_eq!(body["items"].as_array().unwrap().len(), 5);
    assert!(body["facets"]["dong"]
        .as_array()
        .unwrap()
        .iter()
        .all(|v| v["term"].is_string() && v["label"].is_string() && v["count"].is_u64()));
    assert!(body["took_ms"].is_number());
    for (query, param) in [
        ("page=0", "page"),
        ("per_page=1000", "per_page"),
        ("sort=best", "sort"),
        ("theme=%27%3B--", "theme"),
        ("colour=red", "colour"),
        ("lang=fr", "lang"),
    ] {
        let r = dongne_tests::get(app.url(&format!("/api/v1/datasets?{query}")))
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{query}");
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["error"]["field"], param, "{query}");
    }
    let r = dongne_tests::get(app.url("/api/v1/datasets/parks-green-spaces"))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["summary"]["slug"], "parks-green-spaces");
    let id = body["summary"]["id"].as_i64().unwrap();
    let r = dongne_tests::get(app.url(&format!("/api/v1/datasets/{id}")))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = dongne_tests::get(app.url("/api/v1/datasets/nope"))
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = dongne_tests::get(app.url("/api/v1/suggest?q=%EC%99%80%EC%9D%B4"))
        .await
        .unwrap();
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(body
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["slug"].as_str().unwrap().starts_with("public-wifi")));
    let r = dongne_tests::get(app.url("/api/v1/suggest")).await.unwrap();
    assert_eq!(r.status(), 400);
    let doc: serde_json::Value = dongne_tests::get(app.url("/api/v1/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    for path in [
        "/api/v1/datasets",
        "/api/v1/datasets/{id}",
        "/api/v1/suggest",
    ] {
        assert!(doc["paths"][path]["get"].is_object(), "{path} documented");
    }
}

async fn search_page_is_server_rendered_with_highlights(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let html = dongne_tests::get(app.url("/datasets?q=%EA%B3%B5%EC%9B%90&theme=environment"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("<mark>공원</mark>"),
        "highlighted title in the server HTML"
    );
    assert!(
        html.contains("aria-checked=\"true\""),
        "the selected facet is ticked"
    );
    let r = dongne_tests::get(app.url("/datasets?per_page=0"))
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // Nothing found: help is shown.
    let html = dongne_tests::get(app.url("/datasets?q=zzzzzzqqqq"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("class=\"empty\""));
}

//! Runs change only what changed at the source: a second run changes nothing, edits are
//! followed, removed records are archived (never deleted); a source that cannot be read fails
//! the run as a whole and changes nothing.

use dongne_tests::{both_databases, Backend, TestApp};

// The remote catalog and the helpers that drive the API.
use super::*;

both_databases!(
    harvests_are_idempotent_and_follow_changes,
    a_source_that_cannot_be_read_changes_nothing,
);

async fn harvests_are_idempotent_and_follow_changes(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let remote = Remote::start(ckan(fixture_packages())).await;
    let (admin, _) = app.login("admin", PASSWORD).await;
    let source = create_source(
        &admin,
        &app,
        &source_input("성동구 CKAN", "ckan", &remote.url("/ckan")),
    )
    .await;
    let first = harvest(&admin, &app, source).await;
    assert_eq!(counts(&first), (5, 4, 0, 0, 0, 1), "{first}");
    let state = catalog_state(&app).await;

    // The same source again: nothing changes, not even a version.
    let again = harvest(&admin, &app, source).await;
    assert_eq!(counts(&again), (5, 0, 0, 4, 0, 1), "{again}");
    for key in [CCTV, TOILETS, FOREST, PARKING] {
        let r = record(&again, key);
        assert_eq!(r["action"], "unchanged", "{key}: {r}");
        assert_eq!(r["changed_fields"], json!([]), "{key}: {r}");
    }
    assert_eq!(
        catalog_state(&app).await,
        state,
        "a second run writes nothing"
    );

    // At the source: one record changed, one removed, one new.
    let before = harvested(&app, source).await;
    let mut packages = fixture_packages();
    packages[0]["title"] = json!("성동구 CCTV 설치 현황 (2024년 개정)");
    packages[0]["notes"] = json!("방범용 CCTV 위치와 대수. 2024년 3월 전수 조사 반영.");
    packages.retain(|p| p["id"] != TOILETS);
    packages.push(json!({
        "id": LIBRARIES,
        "name": "seongdong-public-libraries",
        "title": "성동구 공공도서관 현황",
        "notes": "구립·작은도서관 위치와 운영 시간",
        "license_id": "KOGL-Type1",
        "metadata_modified": "2024-03-10T00:00:00",
        "tags": [{ "name": "도서관" }],
        "resources": [{
            "name": "도서관 목록",
            "format": "CSV",
            "url": "https://data.seongdong.example/files/libraries.csv",
            "size": 2048
        }]
    }));
    remote.set(ckan(packages.clone()));
    let changed = harvest(&admin, &app, source).await;
    // cctv updated; forest, parking unchanged; libraries created; toilets archived; the
    // malformed record failed again.
    assert_eq!(counts(&changed), (5, 1, 1, 2, 1, 1), "{changed}");
    assert_eq!(record(&changed, CCTV)["action"], "updated");
    let fields: BTreeSet<&str> = record(&changed, CCTV)["changed_fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        BTreeSet::from(["title_ko", "description_ko"]),
        "{changed}"
    );
    assert_eq!(record(&changed, LIBRARIES)["action"], "created");
    assert_eq!(record(&changed, TOILETS)["action"], "archived");
    assert_eq!(record(&changed, FOREST)["action"], "unchanged");
    assert_eq!(record(&changed, PARKING)["action"], "unchanged");
    let now = harvested(&app, source).await;
    assert_eq!(now.len(), 5, "the removed record's dataset is kept");
    assert_eq!(now[CCTV].title_ko, "성동구 CCTV 설치 현황 (2024년 개정)");
    assert_eq!(now[CCTV].version, before[CCTV].version + 1);
    assert_eq!(now[CCTV].id, before[CCTV].id, "updated in place");
    assert_eq!(now[TOILETS].status, "archived");
    assert_eq!(now[TOILETS].id, before[TOILETS].id);
    assert_eq!(now[TOILETS].version, before[TOILETS].version + 1);
    assert_eq!(now[FOREST].version, before[FOREST].version);
    assert_eq!(now[PARKING].version, before[PARKING].version);
    assert_eq!(now[LIBRARIES].status, "published");
    assert_eq!(now[LIBRARIES].source_institution, "성동구 열린데이터 포털");
    let archived_rev = revision::Entity::find()
        .filter(revision::Column::DatasetId.eq(now[TOILETS].id))
        .order_by_desc(revision::Column::Version)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(
        archived_rev.message.contains("removed at the source"),
        "{}",
        archived_rev.message
    );

    // Running the changed source again changes nothing more (the archived one stays archived).
    let steady = harvest(&admin, &app, source).await;
    assert_eq!(counts(&steady), (5, 0, 0, 4, 0, 1), "{steady}");

    // The removed record comes back: published again.
    packages.insert(1, fixture_packages()[1].clone());
    remote.set(ckan(packages));
    let back = harvest(&admin, &app, source).await;
    assert_eq!(counts(&back), (6, 0, 1, 4, 0, 1), "{back}");
    assert_eq!(record(&back, TOILETS)["action"], "updated");
    let toilets = &harvested(&app, source).await[TOILETS];
    assert_eq!(toilets.status, "published");
    assert_eq!(toilets.id, before[TOILETS].id);
}

async fn a_source_that_cannot_be_read_changes_nothing(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let remote = Remote::start(ckan(fixture_packages())).await;
    let (admin, _) = app.login("admin", PASSWORD).await;
    let mut input = source_input("성동구 CKAN", "ckan", &remote.url("/ckan"));
    let source = create_source(&admin, &app, &input).await;
    let first = harvest(&admin, &app, source).await;
    assert_eq!(counts(&first), (5, 4, 0, 0, 0, 1), "{first}");
    let state = catalog_state(&app).await;
    // Later runs change the first page's first record: none of them may apply it.
    let mut changed = fixture_packages();
    changed[0]["title"] = json!("바뀐 제목");
    remote.take_requests();

    // Down: 503 on every attempt. The run retries, then fails and archives nothing.
    remote.set(Serve::Always {
        status: 503,
        content_type: "text/html",
        body: BROKEN_HTML.into(),
    });
    let job = start_run(&admin, &app, source).await;
    // While it waits between attempts, asking again gives the same job.
    assert_eq!(start_run(&admin, &app, source).await, job);
    let j = wait_job(&admin, &app, job).await;
    assert_eq!(j["status"], "failed", "{j}");
    let message = j["error"]["Validation"]["message_en"].as_str().unwrap();
    assert!(message.contains("nothing was changed"), "{message}");
    assert!(message.contains("HTTP 503"), "{message}");
    assert!(message.contains("4 attempt(s)"), "{message}");
    assert_eq!(remote.take_requests().len(), 4, "three retries");
    assert_eq!(catalog_state(&app).await, state, "503");

    // Nobody listening at the source's address.
    input["id"] = json!(source);
    input["url"] = json!(format!("http://127.0.0.1:{}/ckan", closed_port()));
    let (s, saved) = save_source(&admin, &app, &input).await;
    assert_eq!(s, StatusCode::OK, "{saved}");
    assert_eq!(saved["id"], source, "the same source, changed");
    let message = harvest_fails(&admin, &app, source).await;
    assert!(message.contains("4 attempt(s)"), "{message}");
    assert_eq!(catalog_state(&app).await, state, "connection refused");
    input["url"] = json!(remote.url("/ckan"));
    let (s, _) = save_source(&admin, &app, &input).await;
    assert_eq!(s, StatusCode::OK);

    // An HTML error page with 200.
    remote.set(Serve::Always {
        status: 200,
        content_type: "text/html",
        body: BROKEN_HTML.into(),
    });
    let message = harvest_fails(&admin, &app, source).await;
    assert!(message.contains("not JSON"), "{message}");
    assert!(message.contains("HTML"), "{message}");
    assert_eq!(catalog_state(&app).await, state, "HTML");

    // The first page is fine (and changed), the second one is cut off.
    remote.set(Serve::Ckan {
        packages: changed.clone(),
        page_size: 3,
        broken: HashMap::from([(3, BROKEN_TRUNCATED.as_bytes().to_vec())]),
        show: HashMap::new(),
    });
    let message = harvest_fails(&admin, &app, source).await;
    assert!(message.contains("not JSON"), "{message}");
    assert!(message.contains("start=3"), "names the page: {message}");
    assert_eq!(catalog_state(&app).await, state, "truncated second page");

    // The second page comes back empty although the first announced more: an incomplete read,
    // not removed datasets.
    remote.set(Serve::Ckan {
        packages: changed.clone(),
        page_size: 3,
        broken: HashMap::from([(
            3,
            br#"{"help":"","success":true,"result":{"count":5,"results":[]}}"#.to_vec(),
        )]),
        show: HashMap::new(),
    });
    let message = harvest_fails(&admin, &app, source).await;
    assert!(message.contains("ended after 3 of the 5"), "{message}");
    assert_eq!(catalog_state(&app).await, state, "short listing");

    // CKAN says it failed.
    remote.set(Serve::Always {
        status: 200,
        content_type: "application/json",
        body: CKAN_ERROR.into(),
    });
    let message = harvest_fails(&admin, &app, source).await;
    assert!(message.contains("success=false"), "{message}");
    assert!(message.contains("Not found"), "{message}");
    assert_eq!(catalog_state(&app).await, state, "success=false");

    // A listing with no records at all is not taken as "everything was removed".
    remote.set(Serve::Always {
        status: 200,
        content_type: "application/json",
        body: CKAN_EMPTY.into(),
    });
    let message = harvest_fails(&admin, &app, source).await;
    assert!(message.contains("nothing was changed"), "{message}");
    assert_eq!(catalog_state(&app).await, state, "empty listing");
    // Nor is one where every record is broken.
    remote.set(ckan(vec![fixture_packages()[4].clone(); 2]));
    let message = harvest_fails(&admin, &app, source).await;
    assert!(message.contains("archived"), "{message}");
    assert_eq!(catalog_state(&app).await, state, "only broken records");

    // Back up: the run goes through, with only the real change.
    remote.set(ckan(changed));
    let after = harvest(&admin, &app, source).await;
    assert_eq!(counts(&after), (5, 0, 1, 3, 0, 1), "{after}");
    let sources = dongne_tests::get_json(&admin, &app, "/api/v1/harvest/sources").await;
    assert_eq!(sources[0]["last_job"]["status"], "succeeded");
    assert_eq!(sources[0]["datasets"], 4);
}

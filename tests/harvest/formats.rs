//! Reading the formats: a CKAN source across pages (with the job's progress as it runs),
//! abbreviated search records completed from `package_show`, a DCAT source across pages, and
//! paging boundaries with huge descriptions.

use dongne_tests::{both_databases, Backend, TestApp};

// The remote catalog and the helpers that drive the API.
use super::*;

both_databases!(
    a_ckan_source_is_harvested_across_pages,
    abbreviated_search_records_are_completed,
    a_dcat_source_is_harvested_across_pages,
    paging_boundaries_and_huge_descriptions,
);

async fn a_ckan_source_is_harvested_across_pages(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let remote = Remote::start(ckan(fixture_packages())).await;
    let (admin, _) = app.login("admin", PASSWORD).await;
    let before = dataset::Entity::find().count(&app.db).await.unwrap();
    let input = source_input("성동구 CKAN", "ckan", &remote.url("/ckan/"));
    let source = create_source(&admin, &app, &input).await;

    // Follow the run through its event stream until the job ends.
    let job_id = start_run(&admin, &app, source).await;
    let events = job_events(&admin, &app, job_id).await;
    let last = events.last().expect("at least one event");
    assert!(
        events.iter().all(|e| e["id"] == job_id),
        "every event is about the job"
    );
    assert_eq!(last["status"], "succeeded", "{events:?}");
    let j = wait_job(&admin, &app, job_id).await;
    assert_eq!(&j, last, "the stream ends with the job's final state");
    assert_eq!(j["subject"], "성동구 CKAN");
    assert_eq!(j["attempts"], 1);
    let report = &j["outcome"];

    // Paging: both pages were asked for, from the CKAN Action API under the source's URL.
    let asked = remote.take_requests();
    assert!(
        asked.iter().all(|r| r.starts_with("/ckan/api/3/action/")),
        "{asked:?}"
    );
    let starts: Vec<&str> = asked
        .iter()
        .filter(|r| r.starts_with("/ckan/api/3/action/package_search?"))
        .map(|r| r.split('&').find_map(|p| p.strip_prefix("start=")).unwrap())
        .collect();
    assert_eq!(starts, ["0", "3"], "{asked:?}");

    // Four records created; the malformed one failed alone, with its reason.
    assert_eq!(counts(report), (5, 4, 0, 0, 0, 1), "{report}");
    assert_eq!(
        report["failed"][0],
        json!({ "key": null, "reason": "record 4: id and name both missing" })
    );
    for key in [CCTV, TOILETS, FOREST, PARKING] {
        assert_eq!(record(report, key)["action"], "created", "{key}");
    }
    let after = dataset::Entity::find().count(&app.db).await.unwrap();
    assert_eq!(after, before + 4);

    // The datasets: the source's department, institution, visibility and default terms.
    let smart_city = department::Entity::find()
        .filter(department::Column::Code.eq("smart-city"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let harvester = user::Entity::find()
        .filter(user::Column::Username.eq("harvester"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the harvester account exists");
    assert!(!harvester.active, "the harvester cannot sign in");
    let got = harvested(&app, source).await;
    assert_eq!(
        got.keys().cloned().collect::<BTreeSet<_>>(),
        BTreeSet::from([CCTV, TOILETS, FOREST, PARKING].map(String::from))
    );
    for (key, d) in &got {
        assert_eq!(record(report, key)["slug"], d.slug.as_str());
        assert_eq!(d.department_id, smart_city.id, "{key}");
        assert_eq!(d.source_institution, "성동구 열린데이터 포털", "{key}");
        assert_eq!(d.status, "published", "{key}");
        assert_eq!(d.visibility, "public", "{key}");
        assert_eq!(d.version, 1, "{key}");
        let detail =
            dongne_tests::get_json(&admin, &app, &format!("/api/v1/datasets/{}", d.id)).await;
        let terms = term_codes(&detail);
        for want in ["theme:public-safety", "dong:oksu", "department:smart-city"] {
            assert!(terms.contains(want), "{key}: {want} in {terms:?}");
        }
        let revs = revision::Entity::find()
            .filter(revision::Column::DatasetId.eq(d.id))
            .all(&app.db)
            .await
            .unwrap();
        assert_eq!(revs.len(), 1, "{key}");
        assert_eq!(revs[0].author_id, Some(harvester.id), "{key}");
        assert!(revs[0].message.contains("성동구 CKAN"), "{key}");
    }
    // What the record said, within Dongne's fields.
    let cctv = &got[CCTV];
    assert_eq!(cctv.title_ko, "성동구 CCTV 설치 현황");
    assert_eq!(cctv.title_en, "Seongdong-gu CCTV installations");
    assert_eq!(cctv.update_cycle, "monthly");
    assert_eq!(cctv.license, "공공누리 제1유형 (출처표시)");
    assert_eq!(cctv.contact_email.as_deref(), Some("data@sd.go.kr.example"));
    assert_eq!(
        cctv.last_updated,
        chrono::NaiveDate::from_ymd_opt(2024, 3, 1)
    );
    assert_eq!(cctv.keywords, json!(["CCTV", "안전", "방범"]));
    let detail =
        dongne_tests::get_json(&admin, &app, &format!("/api/v1/datasets/{}", cctv.id)).await;
    let formats: Vec<&str> = detail["distributions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["format"].as_str().unwrap())
        .collect();
    assert_eq!(formats, ["CSV", "XLSX", "API"]);
    // The second page's record is there too.
    assert_eq!(got[PARKING].title_ko, "성동구 공영주차장 정보");
    assert_eq!(got[PARKING].update_cycle, "quarterly");
    // Public and published: anyone finds it at once.
    let found = dongne_tests::get_json(
        &dongne_tests::plain_client(),
        &app,
        "/api/v1/datasets?q=%EA%B3%B5%EC%98%81%EC%A3%BC%EC%B0%A8%EC%9E%A5&per_page=100",
    )
    .await;
    assert!(
        found["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["dataset"]["slug"] == got[PARKING].slug.as_str()),
        "{found}"
    );

    // The source lists its datasets and its last run; the job is in the job list.
    let sources = dongne_tests::get_json(&admin, &app, "/api/v1/harvest/sources").await;
    let listed = sources
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == source)
        .expect("the source is listed");
    assert_eq!(listed["datasets"], 4);
    assert_eq!(listed["last_job"]["id"], job_id);
    assert_eq!(listed["last_job"]["status"], "succeeded");
    assert_eq!(
        listed["default_terms"],
        json!(["dong:oksu", "theme:public-safety"])
    );
    let jobs = dongne_tests::get_json(&admin, &app, "/api/v1/jobs").await;
    assert!(jobs
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["id"] == job_id && x["kind"] == "harvest"));
    // Unknown parameters and job numbers are named.
    let resp = admin
        .get(app.url("/api/v1/jobs?status=running"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let resp = admin.get(app.url("/api/v1/jobs/abc")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let resp = admin
        .get(app.url("/api/v1/jobs/999999"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
}

/// Read a job's Server-Sent Events to their end; the `JobInfo` of each.
async fn job_events(c: &reqwest::Client, app: &TestApp, id: i32) -> Vec<Value> {
    let mut resp = c
        .get(app.url(&format!("/api/v1/jobs/{id}/events")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    let mut text = String::new();
    while let Some(chunk) = resp.chunk().await.expect("the stream ends cleanly") {
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
    let mut events = Vec::new();
    for block in text.split("\n\n") {
        let mut name = None;
        let mut data = String::new();
        for line in block.lines() {
            if let Some(v) = line.strip_prefix("event:") {
                name = Some(v.trim().to_string());
            } else if let Some(v) = line.strip_prefix("data:") {
                data.push_str(v.trim_start());
            }
        }
        if name.as_deref() == Some("job") {
            events.push(serde_json::from_str(&data).unwrap());
        }
    }
    events
}

async fn abbreviated_search_records_are_completed(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    // The search leaves the first record's resources out; `package_show` has them.
    let mut packages = fixture_packages();
    packages[0].as_object_mut().unwrap().remove("resources");
    let full = (200, CKAN_SHOW.as_bytes().to_vec());
    let serve = |show: (u16, Vec<u8>)| Serve::Ckan {
        packages: packages.clone(),
        page_size: 3,
        broken: HashMap::new(),
        show: HashMap::from([
            (CCTV.to_string(), show.clone()),
            ("seongdong-cctv-locations".to_string(), show),
        ]),
    };
    let remote = Remote::start(serve(full.clone())).await;
    let (admin, _) = app.login("admin", PASSWORD).await;
    let source = create_source(
        &admin,
        &app,
        &source_input("성동구 CKAN", "ckan", &remote.url("/ckan")),
    )
    .await;
    let report = harvest(&admin, &app, source).await;
    assert_eq!(counts(&report), (5, 4, 0, 0, 0, 1), "{report}");
    assert!(
        remote
            .take_requests()
            .iter()
            .any(|r| r.contains("/package_show?")),
        "the whole record was asked for"
    );
    let cctv = harvested(&app, source).await[CCTV].clone();
    let detail =
        dongne_tests::get_json(&admin, &app, &format!("/api/v1/datasets/{}", cctv.id)).await;
    assert_eq!(detail["distributions"].as_array().unwrap().len(), 3);
    let again = harvest(&admin, &app, source).await;
    assert_eq!(counts(&again), (5, 0, 0, 4, 0, 1), "{again}");

    // The whole record cannot be had this time: that record fails alone, and its dataset keeps
    // what it has (its files are not taken away, it is not archived).
    remote.set(serve((503, BROKEN_HTML.as_bytes().to_vec())));
    let state = catalog_state(&app).await;
    let report = harvest(&admin, &app, source).await;
    assert_eq!(counts(&report), (5, 0, 0, 3, 0, 2), "{report}");
    let failure = report["failed"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == CCTV)
        .unwrap_or_else(|| panic!("the record failed: {report}"));
    assert!(
        failure["reason"].as_str().unwrap().contains("503"),
        "{failure}"
    );
    assert_eq!(catalog_state(&app).await, state);
    let detail =
        dongne_tests::get_json(&admin, &app, &format!("/api/v1/datasets/{}", cctv.id)).await;
    assert_eq!(detail["distributions"].as_array().unwrap().len(), 3);
}

async fn a_dcat_source_is_harvested_across_pages(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let remote = Remote::start(dcat_files()).await;
    let (admin, _) = app.login("admin", PASSWORD).await;
    let mut input = source_input("성동구 DCAT", "dcat", &remote.url("/dcat/catalog.jsonld"));
    input["visibility"] = json!("internal");
    input["default_terms"] = json!(["theme:environment"]);
    let source = create_source(&admin, &app, &input).await;
    let report = harvest(&admin, &app, source).await;
    assert_eq!(
        remote.take_requests(),
        ["/dcat/catalog.jsonld", "/dcat/catalog.jsonld?page=2"],
        "the relative next page, resolved against the page's address"
    );
    assert_eq!(counts(&report), (4, 3, 0, 0, 0, 1), "{report}");
    assert_eq!(report["failed"][0]["key"], "sd-untitled");
    let reason = report["failed"][0]["reason"].as_str().unwrap();
    assert!(reason.contains("title missing"), "{reason}");
    let got = harvested(&app, source).await;
    assert_eq!(
        got.keys().cloned().collect::<BTreeSet<_>>(),
        BTreeSet::from(
            [
                "sd-air-quality-001",
                "sd-bike-stations",
                "sd-population-monthly"
            ]
            .map(String::from)
        )
    );
    let air = &got["sd-air-quality-001"];
    assert_eq!(air.title_ko, "성동구 실시간 대기질 측정정보");
    assert_eq!(air.title_en, "Seongdong-gu real-time air quality");
    assert_eq!(air.update_cycle, "realtime");
    assert_eq!(air.visibility, "internal");
    assert_eq!(air.source_institution, "성동구 열린데이터 포털");
    assert_eq!(air.contact_email.as_deref(), Some("env@sd.go.kr.example"));
    let detail =
        dongne_tests::get_json(&admin, &app, &format!("/api/v1/datasets/{}", air.id)).await;
    assert_eq!(detail["distributions"].as_array().unwrap().len(), 2);
    assert!(term_codes(&detail).contains("theme:environment"));
    // From the second page.
    let population = &got["sd-population-monthly"];
    assert_eq!(population.title_ko, "성동구 주민등록 인구 통계");
    assert_eq!(population.update_cycle, "monthly");
    // Internal datasets are not public.
    let resp = dongne_tests::get(app.url(&format!("/api/v1/datasets/{}", population.id)))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);

    let again = harvest(&admin, &app, source).await;
    assert_eq!(counts(&again), (4, 0, 0, 3, 0, 1), "{again}");

    // A catalog embedded in one document with its own context.
    let embedded = create_source(
        &admin,
        &app,
        &source_input("성동구 포털", "dcat", &remote.url("/dcat/embedded.jsonld")),
    )
    .await;
    let report = harvest(&admin, &app, embedded).await;
    assert_eq!(counts(&report), (3, 2, 0, 0, 0, 1), "{report}");
    assert!(harvested(&app, embedded)
        .await
        .contains_key("sd-trash-schedule"));
    // The two sources keep to their own datasets.
    assert_eq!(harvested(&app, source).await.len(), 3);
}

/// A CKAN package as `package_search` returns it, with one CSV resource.
fn package(n: usize, notes: &str) -> Value {
    json!({
        "id": format!("00000000-0000-4000-8000-{n:012}"),
        "name": format!("boundary-{n}"),
        "title": format!("경계 시험 데이터 {n} 🌳"),
        "notes": notes,
        "metadata_modified": "2026-11-01T09:00:00.000000",
        "resources": [{ "url": format!("https://files.example/boundary-{n}.csv"), "format": "CSV", "name": "CSV" }],
    })
}

async fn paging_boundaries_and_huge_descriptions(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    // Six packages in pages of three: the listing ends exactly at a page boundary, so no
    // third (empty) page is asked for. One description is about 1 MB of Hangul.
    let huge = "가나다라마바사 ".repeat(150_000);
    let packages: Vec<Value> = (1..=6)
        .map(|n| package(n, if n == 2 { &huge } else { "설명" }))
        .collect();
    let remote = Remote::start(ckan(packages)).await;
    let (admin, _) = app.login("admin", PASSWORD).await;
    let input = source_input("경계 CKAN", "ckan", &remote.url("/ckan"));
    let source = create_source(&admin, &app, &input).await;
    let report = harvest(&admin, &app, source).await;
    assert_eq!(counts(&report), (6, 6, 0, 0, 0, 0), "{report}");
    let starts: Vec<String> = remote
        .take_requests()
        .iter()
        .filter(|r| r.contains("package_search?"))
        .map(|r| {
            r.split('&')
                .find_map(|p| p.strip_prefix("start="))
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(starts, ["0", "3"]);
    let got = harvested(&app, source).await;
    let big = &got["00000000-0000-4000-8000-000000000002"];
    let n = big.description_ko.chars().count();
    assert!(
        n <= app::editing::MAX_DESCRIPTION && n > 1000,
        "a huge description is clipped to the limit, not dropped: {n} chars"
    );
    assert_eq!(
        got["00000000-0000-4000-8000-000000000001"].title_ko,
        "경계 시험 데이터 1 🌳"
    );
    // Clipped the same way again: a re-run changes nothing.
    let again = harvest(&admin, &app, source).await;
    assert_eq!(counts(&again), (6, 0, 0, 6, 0, 0), "{again}");
}

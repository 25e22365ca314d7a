//! Who manages sources (administrators only, with checked input), and the scheduler that runs
//! the sources that are due without being asked.

use dongne_tests::{both_databases, Backend, TestApp};

// The remote catalog and the helpers that drive the API.
use super::*;

both_databases!(
    only_administrators_manage_sources,
    due_sources_are_harvested_by_the_scheduler,
);

async fn only_administrators_manage_sources(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let remote = Remote::start(ckan(fixture_packages())).await;
    let input = source_input("성동구 CKAN", "ckan", &remote.url("/ckan"));
    let (admin, _) = app.login("admin", PASSWORD).await;
    let source = create_source(&admin, &app, &input).await;
    let anonymous = dongne_tests::plain_client();

    let (viewer, _) = app.login("viewer", PASSWORD).await;
    let (steward, _) = app.login("smart-city-steward", PASSWORD).await;
    let (editor, _) = app.login("smart-city-editor", PASSWORD).await;
    for (who, c, want) in [
        ("viewer", &viewer, StatusCode::FORBIDDEN),
        ("steward", &steward, StatusCode::FORBIDDEN),
        ("editor", &editor, StatusCode::FORBIDDEN),
        ("anonymous", &anonymous, StatusCode::UNAUTHORIZED),
    ] {
        let (s, _) = save_source(c, &app, &input).await;
        assert_eq!(s, want, "{who} creates a source");
        let mut change = input.clone();
        change["id"] = json!(source);
        change["url"] = json!("https://elsewhere.example/");
        let (s, _) = save_source(c, &app, &change).await;
        assert_eq!(s, want, "{who} changes a source");
        let resp = c
            .post(app.url(&format!("/api/v1/harvest/sources/{source}/run")))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), want, "{who} runs a source");
        let resp = c
            .get(app.url("/api/v1/harvest/sources"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), want, "{who} lists the sources");
    }
    let resp = anonymous.get(app.url("/api/v1/jobs")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    // Nothing was created, changed or queued.
    assert_eq!(
        harvest_source::Entity::find().count(&app.db).await.unwrap(),
        1
    );
    let s = harvest_source::Entity::find_by_id(source)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(s.url, remote.url("/ckan"));
    assert_eq!(job::Entity::find().count(&app.db).await.unwrap(), 0);
    assert!(remote.take_requests().is_empty());

    // Invalid input: 400, naming the field; nothing saved.
    let cases: Vec<(&str, Value, &str)> = vec![
        ("url", json!("ftp://data.example/"), "url"),
        ("url", json!("not a url"), "url"),
        ("interval_minutes", json!(1), "interval_minutes"),
        ("interval_minutes", json!(0), "interval_minutes"),
        ("interval_minutes", json!(60 * 24 * 32), "interval_minutes"),
        ("kind", json!("ftp"), "kind"),
        ("name", json!(" "), "name"),
        ("visibility", json!("secret"), "visibility"),
        ("department", json!("nowhere"), "department"),
        ("source_institution", json!(""), "source_institution"),
        ("default_terms", json!(["nocolon"]), "default_terms[0]"),
        // Unknown terms are named by their position in the input.
        (
            "default_terms",
            json!(["theme:no-such-theme", "dong:oksu"]),
            "default_terms[0]",
        ),
        (
            "default_terms",
            json!(["dong:oksu", " theme:no-such-theme "]),
            "default_terms[1]",
        ),
    ];
    for (key, value, field) in cases {
        let mut bad = input.clone();
        bad[key] = value.clone();
        let (s, e) = save_source(&admin, &app, &bad).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{key}={value}: {e}");
        assert_eq!(e["error"]["field"], field, "{key}={value}: {e}");
        let message = e["error"]["message"].as_str().unwrap();
        assert!(message.starts_with(field), "{key}={value}: {e}");
    }
    // Not the expected shape at all.
    let mut unknown = input.clone();
    unknown["colour"] = json!("red");
    let (s, e) = save_source(&admin, &app, &unknown).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    assert_eq!(e["error"]["field"], "body");
    let mut missing = input.clone();
    missing.as_object_mut().unwrap().remove("url");
    let (s, e) = save_source(&admin, &app, &missing).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    assert_eq!(e["error"]["field"], "body");
    assert_eq!(
        harvest_source::Entity::find().count(&app.db).await.unwrap(),
        1,
        "no invalid source was saved"
    );
    // The shortest interval is accepted.
    let mut shortest = input.clone();
    shortest["name"] = json!("가장 짧은 주기");
    shortest["interval_minutes"] = json!(app::jobs::MIN_INTERVAL_MINUTES);
    shortest["enabled"] = json!(false);
    let (s, e) = save_source(&admin, &app, &shortest).await;
    assert_eq!(s, StatusCode::OK, "{e}");
    // Sources that do not exist.
    let resp = admin
        .post(app.url("/api/v1/harvest/sources/999999/run"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let mut ghost = input.clone();
    ghost["id"] = json!(999_999);
    let (s, _) = save_source(&admin, &app, &ghost).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Someone else's job does not exist for a non-administrator.
    let job_id = start_run(&admin, &app, source).await;
    wait_job(&admin, &app, job_id).await;
    let resp = steward
        .get(app.url(&format!("/api/v1/jobs/{job_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let theirs = dongne_tests::get_json(&steward, &app, "/api/v1/jobs").await;
    assert_eq!(theirs, json!([]));
}

async fn due_sources_are_harvested_by_the_scheduler(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let remote = Remote::start(ckan(fixture_packages())).await;
    let (admin, _) = app.login("admin", PASSWORD).await;
    // Scheduled but disabled, and enabled but on demand only: neither is run by itself.
    let mut input = source_input("정기 수집", "ckan", &remote.url("/ckan"));
    input["interval_minutes"] = json!(60);
    input["enabled"] = json!(false);
    let scheduled = create_source(&admin, &app, &input).await;
    let on_demand = create_source(
        &admin,
        &app,
        &source_input("수동 수집", "ckan", &remote.url("/ckan")),
    )
    .await;
    let past = chrono::Utc::now() - chrono::Duration::minutes(5);
    let mut a = harvest_source::Entity::find_by_id(on_demand)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    a.next_run_at = Set(Some(past));
    a.update(&app.db).await.unwrap();

    // The source's time has come (its next run is in the past) and it is enabled.
    let mut a = harvest_source::Entity::find_by_id(scheduled)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    a.enabled = Set(true);
    a.next_run_at = Set(Some(past));
    a.update(&app.db).await.unwrap();
    let first = wait_scheduled(&app, scheduled, None).await;
    let j = wait_job(&admin, &app, first).await;
    assert_eq!(j["status"], "succeeded", "{j}");
    assert_eq!(j["created_by"], Value::Null, "queued by the schedule");
    assert_eq!(counts(&j["outcome"]), (5, 4, 0, 0, 0, 1));
    let s = harvest_source::Entity::find_by_id(scheduled)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let next = s.next_run_at.expect("the next run is planned");
    let ahead = next - chrono::Utc::now();
    assert!(
        ahead > chrono::Duration::minutes(55) && ahead <= chrono::Duration::minutes(60),
        "next run in an interval: {ahead}"
    );

    // Due again, with several schedulers at once (this process's worker and three more):
    // exactly one run is queued.
    let mut a = s.into_active_model();
    a.next_run_at = Set(Some(chrono::Utc::now() - chrono::Duration::seconds(1)));
    a.update(&app.db).await.unwrap();
    let (r1, r2, r3) = tokio::join!(
        domain::services::jobs::runner::schedule(&app.db),
        domain::services::jobs::runner::schedule(&app.db),
        domain::services::jobs::runner::schedule(&app.db),
    );
    let queued_here = r1.unwrap() + r2.unwrap() + r3.unwrap();
    assert!(queued_here <= 1, "{queued_here}");
    let second = wait_scheduled(&app, scheduled, Some(first)).await;
    let j = wait_job(&admin, &app, second).await;
    assert_eq!(j["status"], "succeeded", "{j}");
    assert_eq!(counts(&j["outcome"]), (5, 0, 0, 4, 0, 1));
    // Let the worker look again; still exactly two runs of the source, none of the other.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let runs = harvest_jobs(&app).await;
    assert_eq!(
        runs.iter().filter(|(_, s)| *s == scheduled).count(),
        2,
        "{runs:?}"
    );
    assert!(
        !runs.iter().any(|(_, s)| *s == on_demand),
        "a source without a schedule is run on demand only: {runs:?}"
    );
    assert!(harvested(&app, on_demand).await.is_empty());
    let s = harvest_source::Entity::find_by_id(scheduled)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(s.next_run_at.unwrap() > chrono::Utc::now() + chrono::Duration::minutes(55));
    assert_eq!(s.last_job_id, Some(second));

    // Disabled again: not run even when due.
    let mut a = s.into_active_model();
    a.enabled = Set(false);
    a.next_run_at = Set(Some(past));
    a.update(&app.db).await.unwrap();
    assert_eq!(
        domain::services::jobs::runner::schedule(&app.db)
            .await
            .unwrap(),
        0
    );
}

/// Every harvest job: (job id, source id).
async fn harvest_jobs(app: &TestApp) -> Vec<(i32, i32)> {
    job::Entity::find()
        .filter(job::Column::Kind.eq("harvest"))
        .order_by_asc(job::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|j| (j.id, j.params["source_id"].as_i64().unwrap() as i32))
        .collect()
}

/// Wait (without asking for it) for the source's run after `previous`; the job's id.
async fn wait_scheduled(app: &TestApp, source: i32, previous: Option<i32>) -> i32 {
    let until = Instant::now() + JOB_WAIT;
    loop {
        let s = harvest_source::Entity::find_by_id(source)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        if let Some(id) = s.last_job_id.filter(|id| Some(*id) != previous) {
            return id;
        }
        assert!(
            Instant::now() < until,
            "the scheduler did not run source {source}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

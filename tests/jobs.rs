//! Background jobs on SQLite and PostgreSQL: a job cut short by a dead instance is run again on
//! restart (or given up after too many interruptions) and is never half-applied; data files are
//! profiled by a job started over HTTP, by those who may edit the dataset only.

use std::time::{Duration, Instant};

use domain::entities::{dataset, distribution, job, user};
use domain::services::jobs::{runner, NewJob};
use dongne_tests::{both_databases, Backend, TestApp, TestDb};
use reqwest::StatusCode;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::{json, Value};

both_databases!(
    an_import_cut_short_is_run_again_after_a_restart,
    interrupted_jobs_are_queued_again_or_given_up,
    data_files_are_profiled_in_a_job,
);

const PASSWORD: &str = "dongne-demo";
const JOB_WAIT: Duration = Duration::from_secs(40);

/// A sheet of `n` new datasets of the parks department, `prefix-0001`….
fn sheet(prefix: &str, n: usize) -> Vec<u8> {
    let mut s = String::from(
        "slug,title_ko,title_en,department,source_institution,update_cycle,keywords\n",
    );
    for i in 1..=n {
        s.push_str(&format!(
            "{prefix}-{i:04},중단 시험 데이터 {i},Interrupted import {i},parks,성동구,monthly,\"시험, 복구\"\n"
        ));
    }
    s.into_bytes()
}

/// How many datasets of a sheet exist.
async fn rows_of(db: &DatabaseConnection, prefix: &str) -> u64 {
    dataset::Entity::find()
        .filter(dataset::Column::Slug.starts_with(format!("{prefix}-")))
        .count(db)
        .await
        .unwrap()
}

async fn user_id(db: &DatabaseConnection, username: &str) -> i32 {
    user::Entity::find()
        .filter(user::Column::Username.eq(username))
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .id
}

fn import_job(file_name: &str, bytes: Vec<u8>, by: i32) -> NewJob {
    NewJob {
        kind: app::jobs::JobKind::Import,
        params: json!({ "subject": file_name, "file_name": file_name }),
        input: Some(bytes),
        created_by: Some(by),
    }
}

async fn job_row(db: &DatabaseConnection, id: i32) -> job::Model {
    job::Entity::find_by_id(id).one(db).await.unwrap().unwrap()
}

/// Wait for a job (read from the database) to finish.
async fn finished(db: &DatabaseConnection, id: i32) -> job::Model {
    let until = Instant::now() + JOB_WAIT;
    loop {
        let j = job_row(db, id).await;
        if j.status == "succeeded" || j.status == "failed" {
            return j;
        }
        assert!(
            Instant::now() < until,
            "job {id} did not finish: {} {:?}",
            j.status,
            j.progress_note
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Whether another connection is inside a write transaction right now.
async fn someone_is_writing(backend: Backend, probe: &DatabaseConnection) -> bool {
    match backend {
        // A transaction that has written anything has a transaction id.
        Backend::Postgres => {
            let row = probe
                .query_one_raw(sea_orm::Statement::from_string(
                    sea_orm::DbBackend::Postgres,
                    "SELECT count(*) AS n FROM pg_stat_activity \
                     WHERE datname = current_database() AND pid <> pg_backend_pid() \
                     AND backend_xid IS NOT NULL",
                ))
                .await
                .unwrap()
                .unwrap();
            row.try_get::<i64>("", "n").unwrap() > 0
        }
        // The write lock is taken (the probe does not wait for it).
        Backend::Sqlite => match probe.execute_unprepared("BEGIN IMMEDIATE").await {
            Ok(_) => {
                probe.execute_unprepared("ROLLBACK").await.unwrap();
                false
            }
            Err(e) => {
                assert!(e.to_string().contains("locked"), "{e}");
                true
            }
        },
    }
}

/// A connection that looks at the others: for SQLite one connection that never waits for the
/// write lock.
async fn probe(backend: Backend, url: &str) -> DatabaseConnection {
    let mut opt = sea_orm::ConnectOptions::new(url.to_string());
    opt.max_connections(1)
        .min_connections(1)
        .sqlx_logging(false);
    if backend == Backend::Sqlite {
        opt.map_sqlx_sqlite_opts(|o| o.busy_timeout(Duration::ZERO));
    }
    sea_orm::Database::connect(opt).await.unwrap()
}

async fn an_import_cut_short_is_run_again_after_a_restart(backend: Backend) {
    let Some(test_db) = TestDb::new(backend).await else {
        return;
    };
    let config = test_db.config();
    let db = server::prepare_database(&config).await.unwrap();
    let steward = user_id(&db, "parks-steward").await;
    let before = dataset::Entity::find().count(&db).await.unwrap();
    const ROWS: usize = 600;

    // An instance on its own runtime (a process of its own), with its worker running.
    let dead = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let url = config.database_url.clone();
    dead.spawn(async move {
        let db = domain::db::connect(&url, 3).await.unwrap();
        let services = domain::ctx::Services::new(db).await.unwrap();
        let _ = services.start_jobs().await;
    });
    let id = domain::services::jobs::enqueue(
        &db,
        import_job("interrupted.csv", sheet("cut", ROWS), steward),
    )
    .await
    .unwrap();

    // It takes the job and starts writing; then the instance dies, mid-transaction.
    let probe = probe(backend, &config.database_url).await;
    let until = Instant::now() + JOB_WAIT;
    let mut writing_since: Option<Instant> = None;
    loop {
        assert!(Instant::now() < until, "the import never started writing");
        let j = job_row(&db, id).await;
        assert!(
            j.status == "queued" || j.status == "running",
            "the import ended before the instance died: {} (make the sheet larger)",
            j.status
        );
        if j.status == "running" && someone_is_writing(backend, &probe).await {
            // Held for a while: the import's transaction, not a progress update.
            let since = *writing_since.get_or_insert_with(Instant::now);
            if since.elapsed() >= Duration::from_millis(150) {
                break;
            }
        } else {
            writing_since = None;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    dead.shutdown_background();
    // Its connections close, and their work with them.
    let until = Instant::now() + JOB_WAIT;
    while someone_is_writing(backend, &probe).await {
        assert!(
            Instant::now() < until,
            "the dead instance's transaction lingers"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let left = job_row(&db, id).await;
    assert_eq!(left.status, "running", "nobody recorded its end");
    let dead_instance = left
        .claimed_by
        .clone()
        .expect("claimed by the dead instance");
    assert_eq!(left.attempts, 1);
    assert_eq!(rows_of(&db, "cut").await, 0, "nothing half-applied");
    assert_eq!(dataset::Entity::find().count(&db).await.unwrap(), before);

    // Restart. A job whose heartbeat is recent may belong to a live instance: on a shared
    // database it is left alone until it is stale.
    if backend == Backend::Postgres {
        assert_eq!(runner::recover(&db, false).await.unwrap(), 0);
        assert_eq!(job_row(&db, id).await.status, "running");
        let mut a: job::ActiveModel = job_row(&db, id).await.into();
        a.heartbeat_at = Set(Some(
            chrono::Utc::now() - chrono::Duration::from_std(runner_stale() * 2).unwrap(),
        ));
        a.update(&db).await.unwrap();
    }
    let services = domain::ctx::Services::new(db.clone()).await.unwrap();
    let worker = services.start_jobs();
    let j = finished(&db, id).await;
    assert_eq!(j.status, "succeeded", "{:?}", j.error);
    assert_eq!(j.attempts, 2, "run a second time");
    assert_ne!(j.claimed_by.as_deref(), Some(dead_instance.as_str()));
    assert_eq!(j.input, None, "the file is dropped once the job is done");
    let outcome: app::jobs::JobOutcome = serde_json::from_value(j.result.unwrap()).unwrap();
    let app::jobs::JobOutcome::Import(report) = outcome else {
        panic!("an import's outcome: {outcome:?}")
    };
    assert_eq!(report.created, ROWS);
    assert_eq!(rows_of(&db, "cut").await, ROWS as u64, "all of it, once");
    assert_eq!(
        dataset::Entity::find().count(&db).await.unwrap(),
        before + ROWS as u64
    );
    services.live.close();
    tokio::time::timeout(Duration::from_secs(10), worker)
        .await
        .expect("the worker stops")
        .unwrap();
}

fn runner_stale() -> Duration {
    domain::services::jobs::STALE_AFTER
}

async fn interrupted_jobs_are_queued_again_or_given_up(backend: Backend) {
    let Some(test_db) = TestDb::new(backend).await else {
        return;
    };
    let db = server::prepare_database(&test_db.config()).await.unwrap();
    let steward = user_id(&db, "parks-steward").await;
    let now = chrono::Utc::now();
    let stale = now - chrono::Duration::minutes(10);
    // Three jobs left running: by an instance gone ten minutes ago (first attempt, and its
    // last allowed one), and by an instance still at work.
    let mut ids = Vec::new();
    for (prefix, attempts, heartbeat) in [
        ("again", 1, stale),
        ("given-up", domain::services::jobs::MAX_ATTEMPTS, stale),
        ("alive", 1, now),
    ] {
        let id = domain::services::jobs::enqueue(
            &db,
            import_job(&format!("{prefix}.csv"), sheet(prefix, 3), steward),
        )
        .await
        .unwrap();
        let mut a: job::ActiveModel = job_row(&db, id).await.into();
        a.status = Set("running".into());
        a.attempts = Set(attempts);
        a.claimed_by = Set(Some("gone-0000".into()));
        a.started_at = Set(Some(heartbeat));
        a.heartbeat_at = Set(Some(heartbeat));
        a.update(&db).await.unwrap();
        ids.push(id);
    }
    let (again, given_up, alive) = (ids[0], ids[1], ids[2]);

    assert_eq!(runner::recover(&db, false).await.unwrap(), 2);
    let j = job_row(&db, again).await;
    assert_eq!(j.status, "queued");
    assert_eq!(j.claimed_by, None);
    assert!(j.progress_note.contains("resuming"), "{}", j.progress_note);
    let j = job_row(&db, given_up).await;
    assert_eq!(j.status, "failed");
    assert!(j.finished_at.is_some());
    let e: app::error::AppError = serde_json::from_value(j.error.unwrap()).unwrap();
    let message = e.message(app::i18n::Lang::En);
    assert!(message.contains("interrupted 3 times"), "{message}");
    assert!(message.contains("nothing was changed"), "{message}");
    assert_eq!(job_row(&db, alive).await.status, "running", "not stolen");
    assert_eq!(runner::recover(&db, false).await.unwrap(), 0, "once");
    // The job as its owner sees it.
    let owner = domain::services::auth::to_session_user(
        &db,
        user::Entity::find_by_id(steward)
            .one(&db)
            .await
            .unwrap()
            .unwrap(),
    )
    .await
    .unwrap();
    let info = domain::services::jobs::get(&db, &owner, given_up)
        .await
        .unwrap();
    assert_eq!(info.status, app::jobs::JobStatus::Failed);
    assert_eq!(info.error, Some(e));

    // A worker starts (a restart): the queued one runs; the given-up one never does. On an
    // embedded database the restart also takes back whatever was left running, however recent
    // (nothing else can be running it); on a shared one a job with a live heartbeat is left to
    // its instance.
    let services = domain::ctx::Services::new(db.clone()).await.unwrap();
    let worker = services.start_jobs();
    let j = finished(&db, again).await;
    assert_eq!(j.status, "succeeded", "{:?}", j.error);
    assert_eq!(j.attempts, 2);
    assert_eq!(rows_of(&db, "again").await, 3);
    match backend {
        Backend::Sqlite => {
            let j = finished(&db, alive).await;
            assert_eq!(j.status, "succeeded", "{:?}", j.error);
            assert_eq!(j.attempts, 2);
            assert_eq!(rows_of(&db, "alive").await, 3);
        }
        Backend::Postgres => {
            // Give the worker a full round to look at it.
            tokio::time::sleep(Duration::from_millis(2500)).await;
            let j = job_row(&db, alive).await;
            assert_eq!(j.status, "running");
            assert_eq!(j.claimed_by.as_deref(), Some("gone-0000"));
            assert_eq!(rows_of(&db, "alive").await, 0);
        }
    }
    assert_eq!(rows_of(&db, "given-up").await, 0);
    assert_eq!(job_row(&db, given_up).await.status, "failed");
    services.live.close();
    tokio::time::timeout(Duration::from_secs(10), worker)
        .await
        .expect("the worker stops")
        .unwrap();
}

/// A CSV with coordinates: three rows, five columns.
const CSV: &str = "name,lat,lon,count,opened\n\
                   왕십리광장,37.5612,127.0371,3,2024-01-02\n\
                   서울숲,37.5444,127.0374,,2024-02-03\n\
                   응봉산,37.5502,127.0311,7,2024-03-04\n";

async fn profile(
    c: &reqwest::Client,
    app: &TestApp,
    dataset: &str,
    query: &[(&str, &str)],
    body: Vec<u8>,
) -> (StatusCode, Value) {
    let resp = c
        .post(app.url(&format!("/api/v1/datasets/{dataset}/profile")))
        .query(query)
        .header("content-type", "text/csv")
        .body(body)
        .send()
        .await
        .unwrap();
    let s = resp.status();
    if s == StatusCode::ACCEPTED {
        let id = resp.json::<Value>().await.unwrap()["job"].as_i64().unwrap();
        return (s, json!(id));
    }
    (s, resp.json().await.unwrap_or(Value::Null))
}

async fn wait_job(c: &reqwest::Client, app: &TestApp, id: i64) -> Value {
    let until = Instant::now() + JOB_WAIT;
    loop {
        let j = dongne_tests::get_json(c, app, &format!("/api/v1/jobs/{id}")).await;
        if j["status"] == "succeeded" || j["status"] == "failed" {
            return j;
        }
        assert!(Instant::now() < until, "job {id} did not finish: {j}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn data_files_are_profiled_in_a_job(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    // A draft with a distribution: its department's editors may edit it.
    let (d, dist) = dongne_tests::draft_with_distribution(&app).await;
    let owner = dongne_tests::department_codes(&app, d.department_id)
        .await
        .0;
    let other = if owner == "parks" { "culture" } else { "parks" };
    let id = d.id.to_string();
    let url = dist.url.as_str();
    let query = [("url", url), ("name", "x.csv")];

    // Who may not: 401; 403, or 404 for a draft they cannot even see; nothing is queued.
    let anonymous = dongne_tests::plain_client();
    let (s, _) = profile(&anonymous, &app, &id, &query, CSV.into()).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (viewer, _) = app.login("viewer", PASSWORD).await;
    let (s, e) = profile(&viewer, &app, &id, &query, CSV.into()).await;
    assert!(
        s == StatusCode::FORBIDDEN || s == StatusCode::NOT_FOUND,
        "a viewer: {s} {e}"
    );
    let (outsider, _) = app.login(&format!("{other}-steward"), PASSWORD).await;
    let (s, e) = profile(&outsider, &app, &id, &query, CSV.into()).await;
    assert!(
        s == StatusCode::FORBIDDEN || s == StatusCode::NOT_FOUND,
        "another department: {s} {e}"
    );
    assert_eq!(job::Entity::find().count(&app.db).await.unwrap(), 0);

    // The department's editor, with a url that is not the dataset's, or none, or no file.
    let (editor, _) = app.login(&format!("{owner}-editor"), PASSWORD).await;
    let (s, e) = profile(
        &editor,
        &app,
        &id,
        &[
            ("url", "https://elsewhere.example/data.csv"),
            ("name", "x.csv"),
        ],
        CSV.into(),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    assert_eq!(e["error"]["field"], "url");
    let (s, e) = profile(&editor, &app, &id, &[("name", "x.csv")], CSV.into()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    assert_eq!(e["error"]["field"], "url");
    let (s, e) = profile(&editor, &app, &id, &query, Vec::new()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    assert_eq!(e["error"]["field"], "file");
    let (s, e) = profile(
        &editor,
        &app,
        &id,
        &[("url", url), ("name", "x.csv"), ("colour", "red")],
        CSV.into(),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    let (s, _) = profile(&editor, &app, "999999", &query, CSV.into()).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(job::Entity::find().count(&app.db).await.unwrap(), 0);

    // The file is accepted at once and profiled in the background.
    let (s, job_id) = profile(&editor, &app, &id, &query, CSV.into()).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{job_id}");
    let job_id = job_id.as_i64().unwrap();
    let j = wait_job(&editor, &app, job_id).await;
    assert_eq!(j["status"], "succeeded", "{j}");
    assert_eq!(j["kind"], "profile");
    let outcome = &j["outcome"];
    assert_eq!(outcome["kind"], "profile", "{j}");
    assert_eq!(outcome["dataset_slug"], d.slug.as_str());
    assert_eq!(outcome["url"], url);
    assert_eq!(outcome["file_name"], "x.csv");
    let p = &outcome["profile"];
    assert_eq!(p["format"], "csv");
    assert_eq!(p["rows"], 3);
    let names: Vec<&str> = p["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["name", "lat", "lon", "count", "opened"]);
    assert_eq!(p["columns"][3]["data_type"], "integer");
    assert_eq!(p["columns"][3]["nulls"], 1);
    assert_eq!(p["columns"][4]["data_type"], "date");
    assert_eq!(p["lat_column"], "lat");
    assert_eq!(p["lon_column"], "lon");
    assert_eq!(p["points"].as_array().unwrap().len(), 3);
    // Stored for the distribution, and the uploaded copy is gone.
    let latest = domain::services::profiling::latest(&app.db, d.id)
        .await
        .unwrap();
    assert_eq!(latest.len(), 1);
    assert_eq!(latest[0].url, url);
    assert_eq!(latest[0].file_name, "x.csv");
    assert_eq!(latest[0].profile.rows, 3);
    assert_eq!(latest[0].profile.columns.len(), 5);
    let stored = job_row(&app.db, job_id as i32).await;
    let path = stored.params["path"].as_str().unwrap();
    assert!(
        !std::path::Path::new(path).exists(),
        "{path} removed after the job"
    );
    // The editor's job is theirs; an administrator sees it too, a viewer does not.
    let mine = dongne_tests::get_json(&editor, &app, "/api/v1/jobs").await;
    assert_eq!(mine.as_array().unwrap().len(), 1, "{mine}");
    assert_eq!(mine[0]["id"], job_id);
    let (admin, _) = app.login("admin", PASSWORD).await;
    let seen = dongne_tests::get_json(&admin, &app, &format!("/api/v1/jobs/{job_id}")).await;
    assert_eq!(seen["status"], "succeeded");
    let resp = viewer
        .get(app.url(&format!("/api/v1/jobs/{job_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);

    // A file that cannot be read fails its job with the reason; the last profile stays.
    let (s, bad) = profile(
        &editor,
        &app,
        &id,
        &[("url", url), ("name", "broken.xlsx")],
        b"PK\x03\x04 not really a workbook".to_vec(),
    )
    .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{bad}");
    let j = wait_job(&editor, &app, bad.as_i64().unwrap()).await;
    assert_eq!(j["status"], "failed", "{j}");
    assert_eq!(j["error"]["Validation"]["field"], "file", "{j}");
    assert!(
        j["error"]["Validation"]["message_en"]
            .as_str()
            .unwrap()
            .starts_with("broken.xlsx"),
        "{j}"
    );
    let latest = domain::services::profiling::latest(&app.db, d.id)
        .await
        .unwrap();
    assert_eq!(latest.len(), 1);
    assert_eq!(latest[0].file_name, "x.csv");

    // Published datasets are the stewards' to change, not the editors'.
    let published = dataset::Entity::find()
        .filter(dataset::Column::Status.eq("published"))
        .filter(dataset::Column::DepartmentId.eq(d.department_id))
        .order_by_asc(dataset::Column::Id)
        .all(&app.db)
        .await
        .unwrap();
    let mut with_file = None;
    for p in published {
        if let Some(x) = distribution::Entity::find()
            .filter(distribution::Column::DatasetId.eq(p.id))
            .one(&app.db)
            .await
            .unwrap()
        {
            with_file = Some((p, x));
            break;
        }
    }
    let (p, x) = with_file.expect("the department has a published dataset with a distribution");
    {
        let q = [("url", x.url.as_str()), ("name", "y.csv")];
        let (s, e) = profile(&editor, &app, &p.id.to_string(), &q, CSV.into()).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
        // A viewer sees it, and may not change it.
        let (s, e) = profile(&viewer, &app, &p.slug, &q, CSV.into()).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "a viewer: {e}");
        let (steward, _) = app.login(&format!("{owner}-steward"), PASSWORD).await;
        let (s, e) = profile(&steward, &app, &p.slug, &q, CSV.into()).await;
        assert_eq!(s, StatusCode::ACCEPTED, "{e}");
        let j = wait_job(&steward, &app, e.as_i64().unwrap()).await;
        assert_eq!(j["status"], "succeeded", "{j}");
        let latest = domain::services::profiling::latest(&app.db, p.id)
            .await
            .unwrap();
        assert_eq!(latest.len(), 1);
        assert_eq!(latest[0].profile.rows, 3);
    }
}

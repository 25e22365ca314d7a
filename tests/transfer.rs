//! Bulk import and export through the real router on SQLite and PostgreSQL: round trips in CSV
//! and XLSX, all-or-nothing imports with row-level errors, dry runs, permissions.

use domain::entities::{dataset, department, revision};
use dongne_tests::{both_databases, Backend, TestApp};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;

both_databases!(
    export_then_import_is_a_round_trip,
    imports_are_all_or_nothing,
    the_import_command,
    a_hidden_draft_is_refused_like_any_dataset_one_may_not_change,
);

const PASSWORD: &str = "dongne-demo";

async fn import(
    c: &reqwest::Client,
    app: &TestApp,
    query: &str,
    content_type: &str,
    body: Vec<u8>,
) -> (StatusCode, Value) {
    let resp = c
        .post(app.url(&format!("/api/v1/import?{query}")))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let s = resp.status();
    (s, resp.json().await.unwrap_or(Value::Null))
}

async fn export(c: &reqwest::Client, app: &TestApp, query: &str) -> (StatusCode, Vec<u8>) {
    let resp = c
        .get(app.url(&format!("/api/v1/export?{query}")))
        .send()
        .await
        .unwrap();
    (resp.status(), resp.bytes().await.unwrap().to_vec())
}

async fn export_then_import_is_a_round_trip(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let (admin, _) = app.login("admin", PASSWORD).await;
    let total = dataset::Entity::find().count(&app.db).await.unwrap();
    for (format, ctype) in [
        ("csv", "text/csv"),
        (
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ] {
        let (s, bytes) = export(&admin, &app, &format!("format={format}")).await;
        assert_eq!(s, StatusCode::OK);
        let (s, report) = import(&admin, &app, "dry_run=true", ctype, bytes).await;
        assert_eq!(s, StatusCode::OK, "{format}: {report}");
        assert_eq!(report["unchanged"], total, "{format}: nothing to change");
        assert_eq!(report["created"], 0);
        assert_eq!(report["updated"], 0);
    }
    let (s, bytes) = export(&admin, &app, "format=json&department=parks").await;
    assert_eq!(s, StatusCode::OK);
    let list: Vec<Value> = serde_json::from_slice(&bytes).unwrap();
    assert!(!list.is_empty());
    assert!(list.iter().all(|d| d["department"] == "parks"));
    // Anonymous readers export the public catalog only.
    let (_, bytes) = export(&dongne_tests::plain_client(), &app, "format=json").await;
    let public: Vec<Value> = serde_json::from_slice(&bytes).unwrap();
    assert!(public
        .iter()
        .all(|d| d["visibility"] == "public" && d["status"] == "published"));
    assert!((public.len() as u64) < total);
    let (s, _) = export(&admin, &app, "format=pdf").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    // A search's results, in the search's order, as the reader sees them.
    let anon = dongne_tests::plain_client();
    let found = dongne_tests::get_json(
        &anon,
        &app,
        "/api/v1/datasets?q=%EA%B3%B5%EC%9B%90&theme=environment&per_page=100",
    )
    .await;
    let (s, bytes) = export(
        &anon,
        &app,
        "format=json&q=%EA%B3%B5%EC%9B%90&theme=environment&",
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let rows: Vec<Value> = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(rows.len() as u64, found["total"].as_u64().unwrap());
    assert!(!rows.is_empty());
    let slugs: Vec<&Value> = found["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| &i["dataset"]["slug"])
        .collect();
    assert_eq!(rows.iter().map(|r| &r["slug"]).collect::<Vec<_>>(), slugs);
    let (s, _) = export(&anon, &app, "format=csv&colour=red").await;
    assert_eq!(
        s,
        StatusCode::BAD_REQUEST,
        "unknown search parameters are named"
    );
}

async fn imports_are_all_or_nothing(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let (steward, _) = app.login("parks-steward", PASSWORD).await;
    let before = dataset::Entity::find().count(&app.db).await.unwrap();
    // Korean headers; a new dataset and a change to an existing one.
    let good = "식별자,제목,영문 제목,담당 부서,제공 기관,갱신 주기,키워드,분류\n\
                pocket-parks,성동구 소공원 현황,Pocket parks,공원녹지과,성동구,월간,\"공원, 소공원\",theme:environment; dong:oksu\n\
                parks-green-spaces,서울특별시 성동구_공원 및 녹지 현황,Parks and green spaces (imported),parks,성동구,연간,,\n";
    let (s, report) = import(
        &steward,
        &app,
        "dry_run=true&name=parks.csv",
        "text/csv",
        good.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{report}");
    assert_eq!(
        (report["created"].as_u64(), report["updated"].as_u64()),
        (Some(1), Some(1)),
        "{report}"
    );
    assert_eq!(
        dataset::Entity::find().count(&app.db).await.unwrap(),
        before,
        "a dry run writes nothing"
    );
    let (s, report) = import(
        &steward,
        &app,
        "name=parks.csv",
        "text/csv",
        good.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{report}");
    let created = dataset::Entity::find()
        .filter(dataset::Column::Slug.eq("pocket-parks"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("created");
    assert_eq!(created.status, "draft");
    assert_eq!(created.update_cycle, "monthly");
    let rev = revision::Entity::find()
        .filter(revision::Column::DatasetId.eq(created.id))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(rev.message.contains("parks.csv"));
    assert!(rev.author_id.is_some());
    // Searchable at once (staff see drafts of their department), with its terms.
    let found = dongne_tests::get_json(&steward, &app, "/api/v1/datasets?q=소공원&dong=oksu").await;
    assert!(
        found["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["dataset"]["slug"] == "pocket-parks"),
        "{found}"
    );
    // Running it again changes nothing.
    let (_, again) = import(
        &steward,
        &app,
        "name=parks.csv",
        "text/csv",
        good.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(again["unchanged"], 2, "{again}");
    // A file with problems: every one reported with row and column, nothing written.
    let bad = "slug,title_ko,department,source_institution,update_cycle,contact_email\n\
               new-one,,parks,성동구,monthly,\n\
               second,둘째,nowhere,성동구,sometimes,\n\
               third,셋째,parks,성동구,weekly,not-an-email\n\
               third,셋째,parks,성동구,weekly,\n\
               public-wifi,와이파이,,성동구,,\n";
    let count = dataset::Entity::find().count(&app.db).await.unwrap();
    let (s, e) = import(&steward, &app, "", "text/csv", bad.as_bytes().to_vec()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    let problems: Vec<String> = e["error"]["detail"]["InvalidFields"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["field"].as_str().unwrap().to_string())
        .collect();
    for want in [
        "row 2, title_ko",
        "row 3, department",
        "row 3, update_cycle",
        "row 4, contact_email",
        "row 5, slug",
        "row 6, slug",
    ] {
        assert!(problems.iter().any(|p| p == want), "{want} in {problems:?}");
    }
    assert_eq!(
        dataset::Entity::find().count(&app.db).await.unwrap(),
        count,
        "nothing written"
    );
    // Headers and files that are not sheets are named too.
    let (s, e) = import(
        &steward,
        &app,
        "",
        "text/csv",
        b"slug,colour\nx,y\n".to_vec(),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(e["error"]["field"], "header 2");
    let (s, e) = import(
        &steward,
        &app,
        "name=x.xlsx",
        "text/csv",
        b"not a zip".to_vec(),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(e["error"]["field"], "file");
    // Only staff who may edit.
    let (s, _) = import(
        &dongne_tests::plain_client(),
        &app,
        "",
        "text/csv",
        good.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (viewer, _) = app.login("viewer", PASSWORD).await;
    let (s, _) = import(&viewer, &app, "", "text/csv", good.as_bytes().to_vec()).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

/// `server import FILE [--dry-run] [--user NAME]`.
async fn the_import_command(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("dongne-import-{}", rand::random::<u32>()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("parks.csv");
    std::fs::write(
        &good,
        "slug,title_ko,department,source_institution\ncli-parks,명령줄 공원,parks,성동구\n",
    )
    .unwrap();
    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        "slug,title_ko,department,source_institution\ncli-bad,,parks,성동구\n",
    )
    .unwrap();
    let config = app.config();
    let exists = |slug: &'static str| {
        let db = app.db.clone();
        async move {
            dataset::Entity::find()
                .filter(dataset::Column::Slug.eq(slug))
                .one(&db)
                .await
                .unwrap()
                .is_some()
        }
    };
    server::import_file(&config, &good, "parks-steward", true)
        .await
        .unwrap();
    assert!(!exists("cli-parks").await, "dry run");
    assert!(server::import_file(&config, &bad, "parks-steward", false)
        .await
        .is_err());
    assert!(!exists("cli-bad").await);
    assert!(server::import_file(&config, &good, "nobody", false)
        .await
        .is_err());
    server::import_file(&config, &good, "parks-steward", false)
        .await
        .unwrap();
    assert!(exists("cli-parks").await);
    std::fs::remove_dir_all(&dir).ok();
}

/// Importing a row whose identifier belongs to another department's draft (which the importer
/// cannot see) is answered exactly as for another department's public dataset: the identifier
/// is taken; nothing says it is a draft, or whose.
async fn a_hidden_draft_is_refused_like_any_dataset_one_may_not_change(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let parks = department::Entity::find()
        .filter(department::Column::Code.eq("parks"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let elsewhere = |status: &'static str, visibility: &'static [&'static str]| {
        let db = app.db.clone();
        async move {
            dataset::Entity::find()
                .filter(dataset::Column::Status.eq(status))
                .filter(dataset::Column::Visibility.is_in(visibility.iter().copied()))
                .filter(dataset::Column::DepartmentId.ne(parks.id))
                .one(&db)
                .await
                .unwrap()
                .expect("another department's dataset")
        }
    };
    let draft = elsewhere("draft", &["public", "internal"]).await;
    let public = elsewhere("published", &["public"]).await;
    let (steward, _) = app.login("parks-steward", PASSWORD).await;
    // The steward cannot see the draft at all.
    let r = steward
        .get(app.url(&format!("/api/v1/datasets/{}", draft.slug)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let mut answers = Vec::new();
    for (d, dry_run) in [
        (&draft, true),
        (&public, true),
        (&draft, false),
        (&public, false),
    ] {
        let csv = format!("slug,title_ko\n{},가져온 제목\n", d.slug);
        let (s, e) = import(
            &steward,
            &app,
            &format!("dry_run={dry_run}"),
            "text/csv",
            csv.into_bytes(),
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
        let text = e.to_string();
        let owner = department::Entity::find_by_id(d.department_id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        for secret in [
            "draft",
            "초안",
            d.title_ko.as_str(),
            owner.code.as_str(),
            owner.name_ko.as_str(),
            owner.name_en.as_str(),
        ] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        assert!(
            text.contains("use another identifier"),
            "the row says what to do: {text}"
        );
        answers.push(text.replace(&d.slug, "SLUG"));
    }
    assert_eq!(answers[0], answers[1], "draft and public answered alike");
    assert_eq!(answers[2], answers[3]);
    assert_eq!(
        dataset::Entity::find_by_id(draft.id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
            .title_ko,
        draft.title_ko,
        "nothing written"
    );
}

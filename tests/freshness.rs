//! Freshness: next-due dates follow the update cycle and the last refresh; the dashboard's counts
//! equal the database's, per viewer, on SQLite and PostgreSQL.

use domain::entities::{dataset, department};
use dongne_tests::{both_databases, Backend, TestApp};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};

both_databases!(dashboard_counts_and_refreshing);

const PASSWORD: &str = "dongne-demo";

async fn dashboard_counts_and_refreshing(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let today = chrono::Utc::now().date_naive();
    let published = dataset::Entity::find()
        .filter(dataset::Column::Status.eq("published"))
        .all(&app.db)
        .await
        .unwrap();
    let overdue: Vec<&dataset::Model> = published
        .iter()
        .filter(|d| d.next_due.is_some_and(|n| n < today))
        .collect();
    assert!(!overdue.is_empty(), "the demo catalog has overdue datasets");
    let (admin, _) = app.login("admin", PASSWORD).await;
    let r = dongne_tests::get_json(&admin, &app, "/api/v1/freshness").await;
    assert_eq!(r["total"]["overdue"], overdue.len(), "{}", r["total"]);
    let sum: u64 = ["on_time", "due_soon", "overdue", "no_schedule"]
        .iter()
        .map(|k| r["total"][k].as_u64().unwrap())
        .sum();
    assert_eq!(sum, published.len() as u64);
    // Per department, the overdue counts match the database.
    for row in r["departments"].as_array().unwrap() {
        let id = row["department"]["id"].as_i64().unwrap() as i32;
        let n = overdue.iter().filter(|d| d.department_id == id).count();
        assert_eq!(row["counts"]["overdue"], n, "{}", row["department"]["code"]);
    }
    // Anonymous readers: the public catalog only.
    let public =
        dongne_tests::get_json(&dongne_tests::plain_client(), &app, "/api/v1/freshness").await;
    let public_count = published
        .iter()
        .filter(|d| d.visibility == "public")
        .count() as u64;
    let public_sum: u64 = ["on_time", "due_soon", "overdue", "no_schedule"]
        .iter()
        .map(|k| public["total"][k].as_u64().unwrap())
        .sum();
    assert_eq!(public_sum, public_count);
    // The search facet agrees, and filters.
    let found = dongne_tests::get_json(
        &admin,
        &app,
        "/api/v1/datasets?freshness=overdue&per_page=1",
    )
    .await;
    assert_eq!(
        found["total"],
        overdue.len(),
        "{}",
        found["facets"]["freshness"]
    );
    let facet = dongne_tests::get_json(&admin, &app, "/api/v1/datasets?per_page=1").await;
    let count = |code: &str| {
        facet["facets"]["freshness"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["term"] == code)
            .map(|v| v["count"].as_u64().unwrap())
            .unwrap_or(0)
    };
    assert_eq!(count("overdue"), overdue.len() as u64);
    assert_eq!(count("due_soon"), r["total"]["due_soon"].as_u64().unwrap());
    assert_eq!(count("on_time"), r["total"]["on_time"].as_u64().unwrap());
    // Refreshing an overdue dataset moves its due date on by its cycle.
    let late = overdue[0];
    let owner = department::Entity::find_by_id(late.department_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .code;
    let (steward, _) = app.login(&format!("{owner}-steward"), PASSWORD).await;
    let patch = |v: i32, body: Value| {
        steward
            .patch(app.url(&format!("/api/v1/datasets/{}", late.id)))
            .header("if-match", v.to_string())
            .json(&body)
            .send()
    };
    let resp = patch(late.version, json!({ "last_updated": "2026-13-01" }))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let e: Value = resp.json().await.unwrap();
    assert_eq!(e["error"]["field"], "last_updated");
    let resp = patch(late.version, json!({ "last_updated": today.to_string() }))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let now = dataset::Entity::find_by_id(late.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let cycle = app::model::UpdateCycle::parse(&now.update_cycle).unwrap();
    assert_eq!(now.last_updated, Some(today));
    assert_eq!(now.next_due, cycle.next_due(Some(today)));
    let after = dongne_tests::get_json(&admin, &app, "/api/v1/freshness").await;
    assert_eq!(after["total"]["overdue"], overdue.len() - 1);
    assert!(!after["overdue"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["dataset"]["id"] == late.id));
    // Without a cycle there is no due date.
    let resp = patch(now.version, json!({ "update_cycle": "irregular" }))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let now = dataset::Entity::find_by_id(late.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(now.next_due, None);
}

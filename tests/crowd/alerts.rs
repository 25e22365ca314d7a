//! Crowd alerts: rules that raise, hold and resolve alerts; the staff's desk (acknowledging,
//! notes) and the administrators' rules; emergency mode.

use axum::http::StatusCode;
use chrono::Utc;
use dongne_tests::{both_databases, Backend, SseStream, TestApp};
use sea_orm::*;

use super::{insert, spots, PASSWORD};

both_databases!(
    alert_rules_raise_hold_and_resolve,
    staff_acknowledge_and_annotate_alerts_admins_manage_rules,
    emergency_mode_pins_a_place_and_lightens_public_pages,
);

async fn rule(
    app: &TestApp,
    spot: Option<i32>,
    level: Option<i16>,
    pop: Option<i32>,
    minutes: i32,
) -> i32 {
    use domain::entities::crowd_alert_rule;
    crowd_alert_rule::ActiveModel {
        hot_spot_id: Set(spot),
        min_level: Set(level),
        min_population: Set(pop),
        for_minutes: Set(minutes),
        enabled: Set(true),
        created_by: Set(None),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap()
    .id
}

async fn alert_rules_raise_hold_and_resolve(backend: Backend) {
    use domain::entities::crowd_alert;
    use domain::services::crowd::alerts;
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let all = spots(&app).await;
    let (x, y, z) = (&all[0], &all[1], &all[2]);
    let t0 = chrono::SubsecRound::trunc_subsecs(Utc::now() - chrono::Duration::minutes(40), 0);
    let at = |m: i64| t0 + chrono::Duration::minutes(m);
    // Nothing to watch: nothing raised.
    assert!(!alerts::evaluate(&app.db, at(0)).await.unwrap().changed());
    let slightly_busy_10 = rule(&app, Some(x.id), Some(3), None, 10).await;
    let crowded = rule(&app, None, None, Some(50_000), 0).await;
    // X: 보통, then 약간 붐빔 for 5 minutes: not yet.
    insert(&app, x.id, at(0), 2, 100, 200).await;
    insert(&app, x.id, at(5), 3, 100, 200).await;
    insert(&app, x.id, at(10), 3, 100, 200).await;
    // Z: over 50,000 people but 25 minutes ago (stale by now): raises nothing.
    insert(&app, z.id, at(10), 4, 60_000, 70_000).await;
    let e = alerts::evaluate(&app.db, at(10)).await.unwrap();
    assert_eq!(e.raised.len(), 1, "Z is live at 10 and over 50,000: {e:?}");
    let e = alerts::evaluate(&app.db, at(36)).await.unwrap();
    assert!(e.raised.is_empty() && e.resolved.is_empty(), "{e:?}");
    // X held 10 minutes at 15: raised once, since 5.
    insert(&app, x.id, at(15), 3, 100, 200).await;
    let e = alerts::evaluate(&app.db, at(15)).await.unwrap();
    assert_eq!(e.raised.len(), 1, "{e:?}");
    let a = crowd_alert::Entity::find_by_id(e.raised[0])
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (a.rule_id, a.hot_spot_id, a.level),
        (slightly_busy_10, x.id, 3)
    );
    assert_eq!(a.since, at(5));
    assert!(
        alerts::evaluate(&app.db, at(16))
            .await
            .unwrap()
            .raised
            .is_empty(),
        "raised once"
    );
    // Y: 55,000 people now: the global rule raises at once.
    insert(&app, y.id, at(16), 2, 50_500, 55_000).await;
    let e = alerts::evaluate(&app.db, at(16)).await.unwrap();
    assert_eq!(e.raised.len(), 1);
    let ya = crowd_alert::Entity::find_by_id(e.raised[0])
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((ya.rule_id, ya.hot_spot_id), (crowded, y.id));
    // The public view: one entry per place, worst first.
    let public = alerts::public(&app.db).await.unwrap();
    let codes: Vec<&str> = public.alerts.iter().map(|a| a.spot_code.as_str()).collect();
    assert!(
        codes.contains(&x.code.as_str()) && codes.contains(&y.code.as_str()),
        "{codes:?}"
    );
    // X back to 여유: resolved; Y stays.
    insert(&app, x.id, at(20), 1, 100, 200).await;
    let e = alerts::evaluate(&app.db, at(20)).await.unwrap();
    assert_eq!(e.resolved, vec![a.id]);
    let public = alerts::public(&app.db).await.unwrap();
    assert!(
        public.alerts.iter().all(|a| a.spot_code != x.code),
        "{public:?}"
    );
    // Disabled rules watch nothing; deleting a rule removes its alerts.
    let (admin, _) = app.login("admin", PASSWORD).await;
    let resp = admin
        .delete(app.url(&format!("/api/v1/crowd/rules/{crowded}")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert!(crowd_alert::Entity::find_by_id(ya.id)
        .one(&app.db)
        .await
        .unwrap()
        .is_none());
}

async fn staff_acknowledge_and_annotate_alerts_admins_manage_rules(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let all = spots(&app).await;
    let (admin, _) = app.login("admin", PASSWORD).await;
    let (viewer, _) = app.login("viewer", PASSWORD).await;
    let anon = dongne_tests::plain_client();
    // Rules: admins only, checked input.
    let body = serde_json::json!({"spot_code": all[0].code, "min_level": 4, "for_minutes": 0});
    let r = anon
        .post(app.url("/api/v1/crowd/rules"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = viewer
        .post(app.url("/api/v1/crowd/rules"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    for (bad, field) in [
        (
            serde_json::json!({"min_level": 7, "for_minutes": 0}),
            "min_level",
        ),
        (serde_json::json!({"for_minutes": 5}), "min_level"),
        (
            serde_json::json!({"min_level": 3, "for_minutes": 99999}),
            "for_minutes",
        ),
        (
            serde_json::json!({"spot_code": "NOPE", "min_level": 3}),
            "spot_code",
        ),
    ] {
        let r = admin
            .post(app.url("/api/v1/crowd/rules"))
            .json(&bad)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{bad}");
        let e: serde_json::Value = r.json().await.unwrap();
        assert_eq!(e["error"]["field"], field, "{e}");
    }
    // A rule that already holds raises its alert when it is added.
    insert(&app, all[0].id, Utc::now(), 4, 30_000, 32_000).await;
    let r = admin
        .post(app.url("/api/v1/crowd/rules"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let rules: serde_json::Value = viewer
        .get(app.url("/api/v1/crowd/rules"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(rules.as_array().unwrap().len(), 1);
    let public: serde_json::Value = dongne_tests::get(app.url("/api/v1/crowd/alerts"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let alert = &public["alerts"][0];
    assert_eq!(alert["spot_code"], all[0].code.as_str(), "{public}");
    assert!(alert.get("notes").is_none(), "staff notes stay internal");
    let id = alert["id"].as_i64().unwrap();
    // The log is for staff; any staff member acknowledges and writes notes.
    let r = anon
        .get(app.url("/api/v1/crowd/alerts/log"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = anon
        .post(app.url(&format!("/api/v1/crowd/alerts/{id}/ack")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = viewer
        .post(app.url(&format!("/api/v1/crowd/alerts/{id}/ack")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = viewer
        .post(app.url(&format!("/api/v1/crowd/alerts/{id}/notes")))
        .json(&serde_json::json!({"body": "  Police informed <b>now</b>  "}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = viewer
        .post(app.url(&format!("/api/v1/crowd/alerts/{id}/notes")))
        .json(&serde_json::json!({"body": " "}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = viewer
        .post(app.url("/api/v1/crowd/alerts/99999/ack"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = viewer
        .post(app.url("/api/v1/crowd/alerts/x/ack"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let log: serde_json::Value = viewer
        .get(app.url("/api/v1/crowd/alerts/log"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let entry = &log[0];
    assert_eq!(entry["alert"]["id"], id);
    assert!(entry["alert"]["acknowledged_at"].is_string());
    assert!(entry["acknowledged_by"].is_string());
    assert_eq!(entry["notes"][0]["body"], "Police informed <b>now</b>");
    // The public view says it was acknowledged.
    let public: serde_json::Value = dongne_tests::get(app.url("/api/v1/crowd/alerts"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        public["alerts"][0]["acknowledged_at"].is_string(),
        "{public}"
    );
}

async fn emergency_mode_pins_a_place_and_lightens_public_pages(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let all = spots(&app).await;
    let pinned = all.iter().find(|h| h.is_local).unwrap();
    let (admin, _) = app.login("admin", PASSWORD).await;
    let (viewer, _) = app.login("viewer", PASSWORD).await;
    let anon = app.client(); // no session, redirects not followed
    let body = serde_json::json!({
        "spot_code": pinned.code,
        "message_ko": "성수역 방면 <혼잡>: 뚝섬역을 이용하세요.",
        "message_en": "Crowded near Seongsu Station: use Ttukseom Station."
    });
    let r = viewer
        .post(app.url("/api/v1/crowd/emergency"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = admin
        .post(app.url("/api/v1/crowd/emergency"))
        .json(&serde_json::json!({"message_ko": "안내", "message_en": ""}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let e: serde_json::Value = r.json().await.unwrap();
    assert_eq!(e["error"]["field"], "message_en");
    // Before: the full map for everyone.
    let r = anon.get(app.url("/crowd")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    let client = dongne_tests::plain_client();
    let mut map = SseStream::open(&client, app.url("/api/v1/crowd/events")).await;
    map.events("alerts", 1).await;
    let r = admin
        .post(app.url("/api/v1/crowd/emergency"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let got = map.events("alerts", 1).await;
    let em = &got[0].1["emergency"];
    assert_eq!(em["spot_code"], pinned.code.as_str(), "{em}");
    assert_eq!(
        em["message_en"],
        "Crowded near Seongsu Station: use Ttukseom Station."
    );

    // The public map becomes the light list, with the message (escaped) and the place first.
    let r = anon
        .get(app.url("/crowd?district=all"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/crowd/lite?district=all");
    let lite = anon
        .get(app.url("/crowd/lite"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(lite.contains("role=alert"), "{lite}");
    assert!(lite.contains("&lt;혼잡&gt;") && !lite.contains("<혼잡>"));
    let first_row = lite.lines().find(|l| l.starts_with("<tr class=")).unwrap();
    assert!(first_row.contains(&pinned.name_ko), "{first_row}");
    assert!(lite.len() < 30 * 1024);
    // Staff keep the full map.
    let r = viewer.get(app.url("/crowd")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    // Ending it: back to normal, and every map hears it.
    let r = viewer
        .delete(app.url("/api/v1/crowd/emergency"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = admin
        .delete(app.url("/api/v1/crowd/emergency"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let got = map.events("alerts", 1).await;
    assert!(serde_json::Value::is_null(&got[0].1["emergency"]));
    let r = anon.get(app.url("/crowd")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = admin
        .delete(app.url("/api/v1/crowd/emergency"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

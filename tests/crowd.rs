//! The crowd feed against a real database: simulated polls, the city connector against a local
//! HTTP server (good, failing and garbage answers per place), older readings ignored, and the
//! seven-day retention that folds raw readings into hours.

use std::collections::HashMap;
use std::time::Duration;

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::{TimeZone, Utc};
use domain::entities::{crowd_hourly, crowd_reading, hot_spot};
use domain::services::crowd::citydata::CityReading;
use domain::services::crowd::feed::{self, FeedConfig, FeedSource};
use domain::services::harvest::fetch::FetchPolicy;
use dongne_tests::{both_databases, Backend, SseStream, TestApp};
use sea_orm::*;

both_databases!(
    simulated_polls_store_one_reading_per_spot_and_ignore_older_ones,
    the_city_connector_isolates_failing_places,
    old_readings_are_folded_into_hours,
    live_subscribers_get_the_snapshot_then_every_update,
    the_light_list_works_without_javascript,
    alert_rules_raise_hold_and_resolve,
    staff_acknowledge_and_annotate_alerts_admins_manage_rules,
    pushed_readings_reach_open_maps_with_their_alerts,
    emergency_mode_pins_a_place_and_lightens_public_pages,
    history_is_served_raw_then_hourly_with_the_forecast,
);

const SEONGSU: &str = include_str!("fixtures/citydata/seongsu_cafe_street.json");

async fn spots(app: &TestApp) -> Vec<hot_spot::Model> {
    hot_spot::Entity::find()
        .order_by_asc(hot_spot::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
}

async fn readings(app: &TestApp, spot: i32) -> Vec<crowd_reading::Model> {
    crowd_reading::Entity::find()
        .filter(crowd_reading::Column::HotSpotId.eq(spot))
        .order_by_asc(crowd_reading::Column::ObservedAt)
        .all(&app.db)
        .await
        .unwrap()
}

async fn simulated_polls_store_one_reading_per_spot_and_ignore_older_ones(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let all = spots(&app).await;
    assert!(all.len() >= 3, "the demo hot spots");
    let config = FeedConfig::new(FeedSource::Simulated);
    let client = app.services.outbound.clone();
    let now = Utc::now() + chrono::Duration::minutes(10);
    let r = feed::poll_once(&app.db, &config, &client, now)
        .await
        .unwrap();
    assert_eq!(r.stored, all.len(), "{r:?}");
    assert!(r.failed.is_empty());
    // The same slot again: nothing new.
    let again = feed::poll_once(&app.db, &config, &client, now)
        .await
        .unwrap();
    assert_eq!((again.stored, again.ignored), (0, all.len()));
    // A reading older than the last stored one is ignored.
    let last = readings(&app, all[0].id).await.pop().unwrap();
    let older = CityReading {
        area_code: all[0].code.clone(),
        area_name: all[0].name_ko.clone(),
        level: app::model::CrowdLevel::Busy,
        population_min: 1,
        population_max: 2,
        observed_at: last.observed_at - chrono::Duration::minutes(5),
        message: None,
        forecast: vec![],
    };
    assert!(!feed::store(&app.db, all[0].id, &older, "test")
        .await
        .unwrap());
    assert_eq!(readings(&app, all[0].id).await.last().unwrap(), &last);
    // The simulated reading carries its forecast.
    let forecast: Vec<serde_json::Value> =
        serde_json::from_value(last.forecast.clone().unwrap()).unwrap();
    assert_eq!(forecast.len(), 12);
    // Backfill gives spots a three-hour history once, not twice.
    let n = feed::backfill(&app.db, Utc::now(), 3).await.unwrap();
    assert_eq!(
        n, 0,
        "spots that already have fresh readings are left alone"
    );
    crowd_reading::Entity::delete_many()
        .filter(crowd_reading::Column::Source.ne("demo"))
        .exec(&app.db)
        .await
        .unwrap();
    let n = feed::backfill(&app.db, Utc::now(), 3).await.unwrap();
    assert!(
        n >= all.len() * 36,
        "every spot gets a reading every five minutes for three hours: {n}"
    );
    let demo = crowd_reading::Entity::find()
        .filter(crowd_reading::Column::Source.eq("demo"))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(demo, 0, "the seed's placeholders are gone");
    assert_eq!(
        feed::backfill(&app.db, Utc::now(), 3).await.unwrap(),
        0,
        "only once"
    );
}

async fn the_city_connector_isolates_failing_places(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let all = spots(&app).await;
    // Start from no readings: the fixture's observation time is older than the demo's.
    crowd_reading::Entity::delete_many()
        .exec(&app.db)
        .await
        .unwrap();
    // The city answers for the first place, fails for the second, talks garbage for the third,
    // and has no data for the rest.
    // The city knows its places by their POI codes.
    let good = all[0].code.clone();
    let failing = all[1].code.clone();
    let garbage = all[2].code.clone();
    let routes = axum::Router::new().route(
        "/{key}/json/citydata_ppltn/1/5/{area}",
        axum::routing::get(move |Path((key, area)): Path<(String, String)>| {
            let (good, failing, garbage) = (good.clone(), failing.clone(), garbage.clone());
            async move {
                assert_eq!(key, "test-key");
                if area == good {
                    (StatusCode::OK, SEONGSU.to_string()).into_response()
                } else if area == failing {
                    (StatusCode::INTERNAL_SERVER_ERROR, "down").into_response()
                } else if area == garbage {
                    (StatusCode::OK, "<html>점검 중</html>").into_response()
                } else {
                    (
                        StatusCode::OK,
                        r#"{"RESULT":{"RESULT.CODE":"INFO-200","RESULT.MESSAGE":"해당하는 데이터가 없습니다."}}"#,
                    )
                        .into_response()
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, routes).await.unwrap() });
    let mut config = FeedConfig::new(FeedSource::City {
        base,
        key: "test-key".into(),
    });
    config.policy = FetchPolicy {
        timeout: Duration::from_secs(2),
        retries: 1,
        backoff: Duration::from_millis(10),
        max_bytes: 1 << 20,
    };
    let client = app.services.outbound.clone();
    let before: HashMap<i32, usize> = {
        let mut m = HashMap::new();
        for s in &all {
            m.insert(s.id, readings(&app, s.id).await.len());
        }
        m
    };
    let r = feed::poll_once(&app.db, &config, &client, Utc::now())
        .await
        .unwrap();
    assert_eq!(r.stored, 1, "{r:?}");
    assert_eq!(r.failed.len(), all.len() - 1, "{r:?}");
    let why: HashMap<String, String> = r.failed.into_iter().collect();
    assert!(why[&all[1].code].contains("500"), "{}", why[&all[1].code]);
    assert!(!why[&all[2].code].is_empty());
    let stored = readings(&app, all[0].id).await;
    assert_eq!(stored.len(), before[&all[0].id] + 1);
    let last = stored.last().unwrap();
    assert_eq!(last.source, "citydata");
    assert!(last.population_min <= last.population_max);
    for s in &all[1..] {
        assert_eq!(
            readings(&app, s.id).await.len(),
            before[&s.id],
            "{}",
            s.code
        );
    }
    // Polling again gets the same observation time: ignored, not stored twice.
    let again = feed::poll_once(&app.db, &config, &client, Utc::now())
        .await
        .unwrap();
    assert_eq!((again.stored, again.ignored), (0, 1));
}

async fn old_readings_are_folded_into_hours(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let spot = spots(&app).await[0].id;
    let now = Utc.with_ymd_and_hms(2026, 11, 30, 12, 20, 0).unwrap();
    let old_hour = Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap();
    // Three readings in one old hour, one in the next, one recent.
    for (minutes, level, min, max) in [
        (0, 1, 100, 200),
        (5, 4, 900, 1_000),
        (10, 2, 300, 400),
        (65, 3, 500, 600),
    ] {
        insert(
            &app,
            spot,
            old_hour + chrono::Duration::minutes(minutes),
            level,
            min,
            max,
        )
        .await;
    }
    insert(&app, spot, now - chrono::Duration::hours(1), 2, 1, 2).await;
    let folded = feed::downsample(&app.db, now).await.unwrap();
    assert_eq!(folded, 4);
    let hours = crowd_hourly::Entity::find()
        .filter(crowd_hourly::Column::HotSpotId.eq(spot))
        .order_by_asc(crowd_hourly::Column::Hour)
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(hours.len(), 2);
    assert_eq!(hours[0].hour, old_hour);
    assert_eq!(hours[0].level_max, 4);
    assert!((hours[0].level_avg - 7.0 / 3.0).abs() < 1e-9);
    assert_eq!(
        (hours[0].population_min, hours[0].population_max),
        (100, 1_000)
    );
    assert_eq!(hours[0].samples, 3);
    assert_eq!(hours[1].samples, 1);
    let left = readings(&app, spot).await;
    assert!(
        left.iter()
            .all(|r| r.observed_at > now - chrono::Duration::days(7)),
        "raw readings older than seven days are gone"
    );
    // A late reading for a folded hour merges into it.
    insert(
        &app,
        spot,
        old_hour + chrono::Duration::minutes(30),
        1,
        50,
        60,
    )
    .await;
    assert_eq!(feed::downsample(&app.db, now).await.unwrap(), 1);
    let h = crowd_hourly::Entity::find()
        .filter(crowd_hourly::Column::HotSpotId.eq(spot))
        .filter(crowd_hourly::Column::Hour.eq(old_hour))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((h.samples, h.population_min, h.level_max), (4, 50, 4));
    assert_eq!(feed::downsample(&app.db, now).await.unwrap(), 0);
}

async fn insert(
    app: &TestApp,
    spot: i32,
    at: chrono::DateTime<Utc>,
    level: i16,
    min: i32,
    max: i32,
) {
    crowd_reading::ActiveModel {
        hot_spot_id: Set(spot),
        observed_at: Set(at),
        level: Set(level),
        population_min: Set(min),
        population_max: Set(max),
        source: Set("test".into()),
        forecast: Set(None),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
}

async fn crowd_events(s: &mut SseStream, n: usize) -> Vec<(u64, serde_json::Value)> {
    s.events("crowd", n).await
}

async fn live_subscribers_get_the_snapshot_then_every_update(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let all = spots(&app).await;
    // The plain JSON status, for anyone.
    let status: serde_json::Value = dongne_tests::get(app.url("/api/v1/crowd"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(status.as_array().unwrap().len(), all.len());
    // The same as open data, in CSV.
    let csv = dongne_tests::get(app.url("/api/v1/crowd?format=csv"))
        .await
        .unwrap();
    assert!(csv.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let text = csv.text().await.unwrap();
    assert!(text.starts_with("code,name_ko,name_en,district,lat,lon,level,"));
    assert_eq!(text.lines().count(), all.len() + 1);
    let bad = dongne_tests::get(app.url("/api/v1/crowd?format=xml"))
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let bad = dongne_tests::get(app.url("/api/v1/crowd/events?x=1"))
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);

    // Two anonymous subscribers get the current state at once.
    let client = dongne_tests::plain_client();
    let mut a = SseStream::open(&client, app.url("/api/v1/crowd/events")).await;
    let mut b = SseStream::open(&client, app.url("/api/v1/crowd/events")).await;
    let first = crowd_events(&mut a, 1).await;
    assert_eq!(first[0].1.as_array().unwrap().len(), all.len());
    crowd_events(&mut b, 1).await;

    // A new reading: Busy at the first spot, published once, seen by both.
    let reading = CityReading {
        area_code: all[0].code.clone(),
        area_name: all[0].name_ko.clone(),
        level: app::model::CrowdLevel::Busy,
        population_min: 41_000,
        population_max: 43_000,
        observed_at: Utc::now(),
        message: None,
        forecast: vec![],
    };
    assert!(feed::store(&app.db, all[0].id, &reading, "test")
        .await
        .unwrap());
    let frame = app.services.crowd_live.publish(&app.db).await.unwrap();
    for resp in [&mut a, &mut b] {
        let got = crowd_events(resp, 1).await;
        assert_eq!(got[0].0, frame.seq);
        let spot = got[0]
            .1
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["code"] == all[0].code.as_str())
            .unwrap()
            .clone();
        assert_eq!(spot["level"], "Busy", "{spot}");
        assert_eq!(spot["population_max"], 43_000);
    }
    // A reconnecting reader starts from the newest state.
    drop(a);
    let mut c = SseStream::open(&client, app.url("/api/v1/crowd/events")).await;
    let again = crowd_events(&mut c, 1).await;
    assert_eq!(again[0].0, frame.seq);
}

async fn the_light_list_works_without_javascript(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let all = spots(&app).await;
    // One place busy right now, another with an old reading.
    let busy = &all[1];
    let now = Utc::now();
    let reading = |level, at| CityReading {
        area_code: String::new(),
        area_name: String::new(),
        level,
        population_min: 40_000,
        population_max: 42_000,
        observed_at: at,
        message: None,
        forecast: vec![],
    };
    assert!(feed::store(
        &app.db,
        busy.id,
        &reading(app::model::CrowdLevel::Busy, now),
        "test"
    )
    .await
    .unwrap());
    app.services.crowd_live.publish(&app.db).await.unwrap();
    let resp = dongne_tests::get(app.url("/crowd/lite?district=all"))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let html = resp.text().await.unwrap();
    assert!(html.len() < 30 * 1024, "{} bytes", html.len());
    assert!(!html.contains("<script"), "no JavaScript");
    assert!(!html.contains("<link"), "no external files");
    let rows: Vec<&str> = html
        .lines()
        .filter(|l| l.starts_with("<tr class="))
        .collect();
    // Most crowded first: the busy place is among the leading 붐빔 rows.
    let at = rows
        .iter()
        .position(|r| r.contains(&format!(">{}<", busy.name_ko)))
        .unwrap();
    assert!(
        rows[at].contains("붐빔") && rows[at].contains("40,000–<wbr>42,000"),
        "{}",
        rows[at]
    );
    assert!(
        rows[..at].iter().all(|r| r.starts_with("<tr class=l4>")),
        "{rows:?}"
    );
    // Stale or missing readings ("ls") come after every live one.
    let levels: Vec<&str> = rows
        .iter()
        .map(|r| match &r[10..12] {
            "ls" => "l0",
            l => l,
        })
        .collect();
    let mut sorted = levels.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(levels, sorted, "worst first");
    // The district's own places by default; a name filter.
    let local = dongne_tests::get(app.url("/crowd/lite"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let n_local = all.iter().filter(|h| h.is_local).count();
    assert_eq!(
        local
            .lines()
            .filter(|l| l.starts_with("<tr class="))
            .count(),
        n_local
    );
    let q = dongne_tests::get(app.url("/crowd/lite?district=all&q=%EC%84%9C%EC%9A%B8%EC%88%B2"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let found: Vec<&str> = q.lines().filter(|l| l.starts_with("<tr class=")).collect();
    assert!(
        !found.is_empty() && found.iter().all(|l| l.contains("서울숲")),
        "{found:?}"
    );
    // What the reader typed comes back escaped.
    let x = dongne_tests::get(app.url("/crowd/lite?q=%3Cscript%3E"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(x.contains("&lt;script&gt;") && !x.contains("<script>"));
    // It reloads itself only when the reader asks, and says how to stop (WCAG 2.2.1).
    assert!(!local.contains("http-equiv=refresh"));
    assert!(local.contains("href=\"/crowd/lite?refresh=on\""));
    let auto = dongne_tests::get(app.url("/crowd/lite?district=all&refresh=on"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(auto.contains("<meta http-equiv=refresh content=60>"));
    assert!(
        auto.contains("href=\"/crowd/lite?district=all\""),
        "a link to stop"
    );
    assert!(auto.contains("<input type=hidden name=refresh value=on>"));
}

const PASSWORD: &str = "dongne-demo";

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

async fn pushed_readings_reach_open_maps_with_their_alerts(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let (admin, _) = app.login("admin", PASSWORD).await;
    let (viewer, _) = app.login("viewer", PASSWORD).await;
    let point = serde_json::json!({
        "code": "seongsu-festival", "name_ko": "성수 축제장", "name_en": "Seongsu festival",
        "lat": 37.5445, "lon": 127.0557
    });
    let r = viewer
        .post(app.url("/api/v1/crowd/spots"))
        .json(&point)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = admin
        .post(app.url("/api/v1/crowd/spots"))
        .json(&serde_json::json!({"code": "x y", "name_ko": "a", "name_en": "a", "lat": 37.5, "lon": 127.0}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = admin
        .post(app.url("/api/v1/crowd/spots"))
        .json(&point)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let created: serde_json::Value = r.json().await.unwrap();
    let token = created["token"].as_str().unwrap().to_string();
    let r = admin
        .post(app.url("/api/v1/crowd/spots"))
        .json(&point)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST, "the code is taken");
    let r = admin
        .post(app.url("/api/v1/crowd/rules"))
        .json(
            &serde_json::json!({"spot_code": "seongsu-festival", "min_level": 4, "for_minutes": 0}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);

    // An open map: the state and the (empty) alerts at once.
    let client = dongne_tests::plain_client();
    let mut map = SseStream::open(&client, app.url("/api/v1/crowd/events")).await;
    let first = map.events("crowd", 1).await;
    assert!(first[0]
        .1
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h["code"] == "seongsu-festival"));
    let alerts = map.events("alerts", 1).await;
    assert_eq!(alerts[0].1["alerts"].as_array().unwrap().len(), 0);

    let push = |body: &'static str, kind: &'static str, token: String| {
        let client = dongne_tests::plain_client();
        let url = app.url("/api/v1/crowd/spots/seongsu-festival/readings");
        async move {
            client
                .post(url)
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", kind)
                .body(body)
                .send()
                .await
                .unwrap()
        }
    };
    // Wrong token, no token, another place: 401 and nothing stored.
    let r = push(
        r#"{"level":4,"population_min":1,"population_max":2}"#,
        "application/json",
        "dnp_wrong".into(),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = client
        .post(app.url(&format!(
            "/api/v1/crowd/spots/{}/readings",
            spots(&app).await[0].code
        )))
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(r#"{"level":4,"population_min":1,"population_max":2}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // A bad row anywhere stores nothing and says where.
    let r = push(
        r#"[{"level":2,"population_min":1,"population_max":2},{"level":"very","population_min":1,"population_max":2}]"#,
        "application/json",
        token.clone(),
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let e: serde_json::Value = r.json().await.unwrap();
    assert_eq!(e["error"]["field"], "readings[1].level", "{e}");
    let r = push("a,b\n1,2\n", "text/plain", token.clone()).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let spot = hot_spot::Entity::find()
        .filter(hot_spot::Column::Code.eq("seongsu-festival"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(readings(&app, spot.id).await.is_empty());

    // A busy reading: every open map hears the level and the alert within 2 s.
    let started = std::time::Instant::now();
    let r = push(
        r#"{"level":"붐빔","population_min":9000,"population_max":9500}"#,
        "application/json",
        token.clone(),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let report: serde_json::Value = r.json().await.unwrap();
    assert_eq!(report["stored"], 1);
    let got = map.events("crowd", 1).await;
    let h = got[0]
        .1
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["code"] == "seongsu-festival")
        .unwrap()
        .clone();
    assert_eq!(
        (h["level"].as_str(), h["population_max"].as_i64()),
        (Some("Busy"), Some(9500))
    );
    let got = map.events("alerts", 1).await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        got[0].1["alerts"][0]["spot_code"], "seongsu-festival",
        "{}",
        got[0].1
    );
    assert_eq!(got[0].1["alerts"][0]["level"], "Busy");

    // CSV works too; a calmer reading resolves the alert for every map.
    let r = push(
        "observed_at,level,population_min,population_max\n,1,100,200\n",
        "text/csv",
        token.clone(),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    map.events("crowd", 1).await;
    let got = map.events("alerts", 1).await;
    assert_eq!(
        got[0].1["alerts"].as_array().unwrap().len(),
        0,
        "{}",
        got[0].1
    );
    // A new token retires the old one.
    let r = admin
        .post(app.url("/api/v1/crowd/spots/seongsu-festival/token"))
        .send()
        .await
        .unwrap();
    let fresh: serde_json::Value = r.json().await.unwrap();
    let r = push(
        r#"{"level":1,"population_min":1,"population_max":2}"#,
        "application/json",
        token,
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = push(
        r#"{"level":1,"population_min":1,"population_max":2}"#,
        "application/json",
        fresh["token"].as_str().unwrap().to_string(),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
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

async fn history_is_served_raw_then_hourly_with_the_forecast(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let all = spots(&app).await;
    let spot = &all[3];
    let now = Utc::now();
    // Ten days ago, folded into an hour; and the last hour, raw.
    // Two readings in one hour (10 and 15 minutes past it).
    let old = chrono::Timelike::with_minute(&(now - chrono::Duration::days(10)), 10).unwrap();
    insert(&app, spot.id, old, 4, 10, 20).await;
    insert(&app, spot.id, old + chrono::Duration::minutes(5), 2, 5, 30).await;
    feed::downsample(&app.db, now).await.unwrap();
    let sims = vec![domain::services::crowd::simulate::SimSpot {
        code: spot.code.clone(),
        name_ko: spot.name_ko.clone(),
        category: spot.category.clone(),
    }];
    for m in [50, 30, 10] {
        let r = domain::services::crowd::simulate::reading(
            &sims,
            0,
            now - chrono::Duration::minutes(m),
        );
        assert!(feed::store(&app.db, spot.id, &r, "simulated")
            .await
            .unwrap());
    }
    let url = |q: &str| app.url(&format!("/api/v1/crowd/spots/{}/history{q}", spot.code));
    let day: Vec<serde_json::Value> = dongne_tests::get(url(""))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(day.len(), 3, "the last 24 hours: raw readings only");
    let long: Vec<serde_json::Value> = dongne_tests::get(url("?hours=300"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(long.len(), 4, "{long:?}");
    assert_eq!(long[0]["level"], 3.0, "the folded hour's average");
    assert_eq!(
        (
            long[0]["population_min"].as_i64(),
            long[0]["population_max"].as_i64()
        ),
        (Some(5), Some(30))
    );
    let times: Vec<&str> = long.iter().map(|p| p["at"].as_str().unwrap()).collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted, "oldest first");
    let csv = dongne_tests::get(url("?hours=300&format=csv"))
        .await
        .unwrap();
    assert!(csv.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let text = csv.text().await.unwrap();
    assert_eq!(
        text.lines().next(),
        Some("observed_at,level,population_min,population_max")
    );
    assert_eq!(text.lines().count(), 5);
    for (q, field) in [
        ("?hours=0", "hours"),
        ("?hours=x", "hours"),
        ("?format=xml", "format"),
        ("?since=1", "since"),
    ] {
        let r = dongne_tests::get(url(q)).await.unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{q}");
        let e: serde_json::Value = r.json().await.unwrap();
        assert_eq!(e["error"]["field"], field);
    }
    let r = dongne_tests::get(app.url("/api/v1/crowd/spots/NOPE/history"))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // The place with its six-hour trend and the forecast still ahead.
    let d: serde_json::Value =
        dongne_tests::get(app.url(&format!("/api/v1/crowd/spots/{}", spot.code)))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(d["status"]["code"], spot.code.as_str());
    assert_eq!(d["trend"].as_array().unwrap().len(), 3);
    let forecast = d["forecast"].as_array().unwrap();
    assert!(!forecast.is_empty(), "{d}");
}

/// Many staff renders of the map page, in emergency mode with an open alert, all complete.
/// The page's parts render concurrently on the server's threads; when two of them shared state
/// written while rendering, about one render in a few thousand panicked and its response was
/// cut short or never finished (this test caught it every time). A render that stalled without
/// an error (the route list generated while another server rendered, see `http::route_list`)
/// now fails this test by its 10 s timeout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_renders_of_the_map_are_complete() {
    let Some(app) = TestApp::start(Backend::Sqlite).await else {
        return;
    };
    let (admin, _) = app.login("admin", PASSWORD).await;
    let (viewer, _) = app.login("viewer", PASSWORD).await;
    let post = |path: &str, body: serde_json::Value| admin.post(app.url(path)).json(&body);
    let r = post(
        "/api/v1/crowd/spots",
        serde_json::json!({"code": "busy-point", "name_ko": "혼잡 지점", "name_en": "Busy point",
            "lat": 37.544, "lon": 127.05}),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let token = r.json::<serde_json::Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let r = post(
        "/api/v1/crowd/rules",
        serde_json::json!({"spot_code": "busy-point", "min_level": 3, "for_minutes": 0}),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = app
        .client()
        .post(app.url("/api/v1/crowd/spots/busy-point/readings"))
        .bearer_auth(token)
        .json(&serde_json::json!({"level": 4, "population_min": 9000, "population_max": 9500}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    let r = post(
        "/api/v1/crowd/emergency",
        serde_json::json!({"spot_code": "busy-point", "message_ko": "우회하세요.",
            "message_en": "Take another way."}),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    let paths = ["/crowd", "/crowd?spot=busy-point", "/crowd?district=all"];
    let mut running = tokio::task::JoinSet::new();
    let mut failures = Vec::new();
    // Two at a time: with the server's two threads mostly free, one page's parts do run at
    // the same moment (32 at a time hid the race).
    let n: usize = std::env::var("STRESS_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3000);
    for i in 0..n {
        if failures.len() >= 3 {
            break;
        }
        let client = if i % 2 == 0 { &admin } else { &viewer }.clone();
        let path = paths[i % paths.len()];
        let url = app.url(path);
        running.spawn(async move {
            let complete = match client
                .get(url)
                .timeout(Duration::from_secs(10))
                .send()
                .await
            {
                Ok(r) if r.status() == StatusCode::OK => match r.text().await {
                    // (Leptos appends its resource scripts after the document.)
                    Ok(html) if html.contains("</html>") => Ok(()),
                    Ok(html) => Err(format!("cut short after {} bytes", html.len())),
                    Err(e) => Err(format!("body: {e:?}")),
                },
                Ok(r) => Err(format!("status {}", r.status())),
                Err(e) => Err(format!("{e:?}")),
            };
            complete.map_err(|e| format!("{path}: {e}"))
        });
        while running.len() >= 2 {
            if let Some(Ok(Err(e))) = running.join_next().await {
                failures.push(e);
            }
        }
    }
    while let Some(done) = running.join_next().await {
        if let Ok(Err(e)) = done {
            failures.push(e);
        }
    }
    assert!(
        failures.is_empty(),
        "{} failed: {failures:#?}",
        failures.len()
    );
}

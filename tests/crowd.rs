//! The crowd feed against a real database: simulated polls, the city connector against a local
//! HTTP server (good, failing and garbage answers per place), older readings ignored, and the
//! seven-day retention that folds raw readings into hours.

use std::collections::HashMap;
use std::time::Duration;

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::{TimeZone, Utc};
use dongne_tests::{both_databases, Backend, TestApp};
use sea_orm::*;
use server::entities::{crowd_hourly, crowd_reading, hot_spot};
use server::services::crowd::citydata::CityReading;
use server::services::crowd::feed::{self, FeedConfig, FeedSource};
use server::services::harvest::fetch::FetchPolicy;

both_databases!(
    simulated_polls_store_one_reading_per_spot_and_ignore_older_ones,
    the_city_connector_isolates_failing_places,
    old_readings_are_folded_into_hours,
    live_subscribers_get_the_snapshot_then_every_update,
    the_light_list_works_without_javascript,
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
    let client = server::services::harvest::fetch::client();
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
    let client = server::services::harvest::fetch::client();
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

/// Read SSE events from `resp` until `n` `crowd` events arrived: (id, data) of each.
async fn crowd_events(resp: &mut reqwest::Response, n: usize) -> Vec<(u64, serde_json::Value)> {
    let mut buf = String::new();
    let mut out = Vec::new();
    while out.len() < n {
        let chunk = tokio::time::timeout(Duration::from_secs(10), resp.chunk())
            .await
            .expect("an event within 10 s")
            .unwrap()
            .expect("the stream stays open");
        buf.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buf.find("\n\n") {
            let block: String = buf.drain(..end + 2).collect();
            let (mut name, mut id, mut data) = (None, 0, String::new());
            for line in block.lines() {
                if let Some(v) = line.strip_prefix("event:") {
                    name = Some(v.trim().to_string());
                } else if let Some(v) = line.strip_prefix("id:") {
                    id = v.trim().parse().unwrap();
                } else if let Some(v) = line.strip_prefix("data:") {
                    data.push_str(v.trim_start());
                }
            }
            if name.as_deref() == Some("crowd") {
                out.push((id, serde_json::from_str(&data).unwrap()));
            }
        }
    }
    out
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
    let bad = dongne_tests::get(app.url("/api/v1/crowd/events?x=1"))
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);

    // Two anonymous subscribers get the current state at once.
    let client = dongne_tests::plain_client();
    let mut a = client
        .get(app.url("/api/v1/crowd/events"))
        .send()
        .await
        .unwrap();
    let mut b = client
        .get(app.url("/api/v1/crowd/events"))
        .send()
        .await
        .unwrap();
    assert!(a.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
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
    let mut c = client
        .get(app.url("/api/v1/crowd/events"))
        .send()
        .await
        .unwrap();
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
        rows[at].contains("붐빔") && rows[at].contains("40,000–42,000"),
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
}

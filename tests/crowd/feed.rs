//! The crowd feed: simulated polls, the city connector (failing places isolated), older readings
//! ignored, raw readings folded into hours, and the history served raw then hourly.

use std::collections::HashMap;
use std::time::Duration;

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::{TimeZone, Utc};
use domain::entities::{crowd_hourly, crowd_reading};
use domain::services::crowd::citydata::CityReading;
use domain::services::crowd::feed::{self, FeedConfig, FeedSource};
use domain::services::harvest::fetch::FetchPolicy;
use dongne_tests::{both_databases, Backend, TestApp};
use sea_orm::*;

use super::{insert, readings, spots};

both_databases!(
    simulated_polls_store_one_reading_per_spot_and_ignore_older_ones,
    the_city_connector_isolates_failing_places,
    old_readings_are_folded_into_hours,
    history_is_served_raw_then_hourly_with_the_forecast,
);

const SEONGSU: &str = include_str!("../fixtures/citydata/seongsu_cafe_street.json");

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

//! What open maps see: the live stream (a snapshot, then every update), the light list without
//! JavaScript, readings pushed by local points with their alerts, and complete renders of the
//! map page under load.

use std::time::Duration;

use axum::http::StatusCode;
use chrono::Utc;
use domain::entities::hot_spot;
use domain::services::crowd::citydata::CityReading;
use domain::services::crowd::feed;
use dongne_tests::{both_databases, Backend, SseStream, TestApp};
use sea_orm::*;

use super::{readings, spots, PASSWORD};

both_databases!(
    live_subscribers_get_the_snapshot_then_every_update,
    the_light_list_works_without_javascript,
    pushed_readings_reach_open_maps_with_their_alerts,
);

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

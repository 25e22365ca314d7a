//! Two instances against one PostgreSQL, as behind a load balancer: an edit on one is found by
//! search on the other within 2 s and announced to its readers; crowd updates reach open maps on both; one instance polls the
//! crowd feed and the other takes over within 30 s when it dies; a conflicting edit between them
//! is still 409. (PostgreSQL only: SQLite deployments are one instance.)

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use dongne_tests::{public_dataset, Backend, SseStream, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

const PASSWORD: &str = "dongne-demo";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_postgresql() {
    let Some(a) = TestApp::start(Backend::Postgres).await else {
        return;
    };
    let b = a.join().await;
    let a_tasks = a.start_background(Duration::from_millis(500)).await;
    let b_tasks = b.start_background(Duration::from_millis(500)).await;

    // One leader polls the crowd feed; give both a moment to ask for the lock.
    let leaders = || {
        [&a, &b]
            .iter()
            .filter(|x| x.services.feed_leader.load(Ordering::Relaxed))
            .count()
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while leaders() == 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(leaders(), 1, "exactly one instance polls the feed");

    // An edit on A is found by search on B within 2 s, and someone reading the dataset on B is
    // told who saved it.
    let (d, owner, _) = public_dataset(&a).await;
    let (steward_a, _) = a.login(&format!("{owner}-steward"), PASSWORD).await;
    let (reader_b, _) = b.login("viewer", PASSWORD).await;
    let mut reading_b = SseStream::open(
        &reader_b,
        b.url(&format!("/api/v1/datasets/{}/live?mode=view", d.slug)),
    )
    .await;
    reading_b.expect("presence", Duration::from_secs(2)).await;
    let word = format!("clusterword{}", rand::random::<u32>());
    let r = steward_a
        .patch(a.url(&format!("/api/v1/datasets/{}", d.id)))
        .header("if-match", format!("\"{}\"", d.version))
        .json(&json!({ "keywords": [word.clone()], "message": "keyword for the cluster test" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{:?}", r.text().await);
    let edited = Instant::now();
    let search_b = dongne_tests::plain_client();
    loop {
        let found: Value = search_b
            .get(b.url(&format!("/api/v1/datasets?q={word}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if found["total"] == 1 {
            break;
        }
        assert!(
            edited.elapsed() < Duration::from_secs(2),
            "B's search did not find A's edit within 2 s: {found}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let changed = reading_b.expect("changed", Duration::from_secs(2)).await;
    assert_eq!(changed["dataset_id"], d.id);
    assert_eq!(changed["version"], d.version + 1);
    assert!(
        !changed["by"].as_str().unwrap_or_default().is_empty(),
        "{changed}"
    );

    // A conflicting edit between the instances is still 409: B writes on the version A replaced.
    let (steward_b, _) = b.login(&format!("{owner}-steward"), PASSWORD).await;
    let r = steward_b
        .patch(b.url(&format!("/api/v1/datasets/{}", d.id)))
        .header("if-match", format!("\"{}\"", d.version))
        .json(&json!({ "title_en": "Lost update?" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["current_version"], d.version + 1);

    // Crowd updates reach open maps on both instances, whichever ingested them.
    let (admin, _) = a.login("admin", PASSWORD).await;
    let r = admin
        .post(a.url("/api/v1/crowd/spots"))
        .json(&json!({ "code": "cluster-point", "name_ko": "클러스터 지점", "name_en": "Cluster point", "lat": 37.544, "lon": 127.05 }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let token = r.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let sse = dongne_tests::plain_client();
    let mut map_a = SseStream::open(&sse, a.url("/api/v1/crowd/events")).await;
    let mut map_b = SseStream::open(&sse, b.url("/api/v1/crowd/events")).await;
    for (via, level, population) in [(&b, 4, 9000), (&a, 2, 700)] {
        let r = sse
            .post(via.url("/api/v1/crowd/spots/cluster-point/readings"))
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "application/json")
            .body(json!({ "level": level, "population_min": population, "population_max": population + 100 }).to_string())
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{}", r.status());
        for (name, map) in [("A", &mut map_a), ("B", &mut map_b)] {
            let deadline = Instant::now() + Duration::from_secs(5);
            loop {
                let (_, frame) = map.events("crowd", 1).await.remove(0);
                let point = frame
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|h| h["code"] == "cluster-point")
                    .cloned();
                if point
                    .as_ref()
                    .is_some_and(|p| p["population_min"] == population)
                {
                    break;
                }
                assert!(
                    Instant::now() < deadline,
                    "map on {name} never saw {population}"
                );
            }
        }
    }

    // Kill the leader (its lock connection closes): the other instance takes over within 30 s.
    let (leader, follower, leader_tasks) = if a.services.feed_leader.load(Ordering::Relaxed) {
        (&a, &b, &a_tasks)
    } else {
        (&b, &a, &b_tasks)
    };
    for t in leader_tasks {
        t.abort();
    }
    leader.services.feed_leader.store(false, Ordering::Relaxed);
    let killed = Instant::now();
    while !follower.services.feed_leader.load(Ordering::Relaxed) {
        assert!(
            killed.elapsed() < Duration::from_secs(30),
            "no takeover within 30 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    eprintln!("feed leadership taken over in {:?}", killed.elapsed());
}

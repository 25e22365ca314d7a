//! Unit tests for the connector: URLs, and fetch() against a tiny local server.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use super::super::test_support::*;
use super::*;
use crate::services::crowd::citydata::{CityError, CityFetchError};

/// The guarded client, with the loopback address the fake city API serves on allowed.
fn test_client() -> crate::net::Outbound {
    crate::net::Outbound::new(crate::net::FetchAllow::parse("127.0.0.1/32").unwrap())
}

#[test]
fn urls_encode_key_and_area() {
    assert_eq!(
        area_url("http://openapi.seoul.go.kr:8088/", "abc123", "POI068"),
        "http://openapi.seoul.go.kr:8088/abc123/json/citydata_ppltn/1/5/POI068"
    );
    assert_eq!(
        area_url("", "k", "광화문·덕수궁"),
        "http://openapi.seoul.go.kr:8088/k/json/citydata_ppltn/1/5/%EA%B4%91%ED%99%94%EB%AC%B8%C2%B7%EB%8D%95%EC%88%98%EA%B6%81"
    );
    assert_eq!(
        area_url("https://proxy.example/seoul", "a/b c?", "강남 MICE 관광특구"),
        "https://proxy.example/seoul/a%2Fb%20c%3F/json/citydata_ppltn/1/5/%EA%B0%95%EB%82%A8%20MICE%20%EA%B4%80%EA%B4%91%ED%8A%B9%EA%B5%AC"
    );
}

#[derive(Clone)]
enum Reply {
    Raw(Vec<u8>),
    /// Accept, read the request, never answer.
    Hang,
}

fn ok(body: &[u8]) -> Reply {
    let mut r = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json;charset=UTF-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    r.extend_from_slice(body);
    Reply::Raw(r)
}

fn status(code: u16, text: &str) -> Reply {
    Reply::Raw(
        format!("HTTP/1.1 {code} {text}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            .into_bytes(),
    )
}

struct Server {
    base: String,
    hits: Arc<AtomicUsize>,
    /// The request targets, in order.
    paths: Arc<Mutex<Vec<String>>>,
}

/// Answers the n-th connection with `replies[n]` (the last repeats).
async fn serve(replies: Vec<Reply>) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let hits = Arc::new(AtomicUsize::new(0));
    let paths = Arc::new(Mutex::new(Vec::new()));
    let (counter, seen) = (hits.clone(), paths.clone());
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let n = counter.fetch_add(1, Ordering::SeqCst);
            let reply = replies[n.min(replies.len() - 1)].clone();
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut req = Vec::new();
                let mut buf = [0u8; 1024];
                while !req.windows(4).any(|w| w == b"\r\n\r\n") {
                    match sock.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(k) => req.extend_from_slice(&buf[..k]),
                    }
                }
                let line = String::from_utf8_lossy(&req)
                    .lines()
                    .next()
                    .unwrap_or("")
                    .to_string();
                let target = line.split(' ').nth(1).unwrap_or("").to_string();
                seen.lock().unwrap().push(target);
                match reply {
                    Reply::Raw(bytes) => {
                        let _ = sock.write_all(&bytes).await;
                        let _ = sock.shutdown().await;
                    }
                    Reply::Hang => tokio::time::sleep(Duration::from_secs(30)).await,
                }
            });
        }
    });
    Server {
        base: format!("http://{addr}"),
        hits,
        paths,
    }
}

fn policy() -> FetchPolicy {
    FetchPolicy {
        timeout: Duration::from_millis(300),
        retries: 2,
        backoff: Duration::from_millis(10),
        max_bytes: 64 * 1024,
    }
}

const KEY: &str = "s3cret/key";

#[tokio::test]
async fn fetch_success() {
    let s = serve(vec![ok(SEONGSU)]).await;
    let r = fetch(&test_client(), &s.base, KEY, "성수카페거리", &policy())
        .await
        .unwrap();
    assert_eq!(r, parse(SEONGSU).unwrap());
    assert_eq!(s.hits.load(Ordering::SeqCst), 1);
    assert_eq!(
        s.paths.lock().unwrap().as_slice(),
        ["/s3cret%2Fkey/json/citydata_ppltn/1/5/%EC%84%B1%EC%88%98%EC%B9%B4%ED%8E%98%EA%B1%B0%EB%A6%AC"]
    );
}

#[tokio::test]
async fn fetch_retries_http_500_then_succeeds() {
    let s = serve(vec![status(500, "Internal Server Error"), ok(WANGSIMNI)]).await;
    let r = fetch(&test_client(), &s.base, KEY, "POI045", &policy())
        .await
        .unwrap();
    assert_eq!(r.area_code, "POI045");
    assert_eq!(s.hits.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn fetch_asks_again_after_an_error_500_answer() {
    let s = serve(vec![ok(ERROR_500), ok(SEOUL_FOREST)]).await;
    let r = fetch(&test_client(), &s.base, KEY, "POI101", &policy())
        .await
        .unwrap();
    assert_eq!(r.area_name, "서울숲공원");
    assert_eq!(s.hits.load(Ordering::SeqCst), 2);

    // Only once: a second server fault is the answer.
    let s = serve(vec![ok(ERROR_500)]).await;
    let e = fetch(&test_client(), &s.base, KEY, "POI101", &policy())
        .await
        .unwrap_err();
    assert!(
        matches!(e.city_error(), Some(CityError::Upstream { code, .. }) if code == "ERROR-500")
    );
    assert_eq!(s.hits.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn fetch_does_not_retry_a_bad_key_or_no_data() {
    for (body, want) in [(INFO_100, CityError::BadKey), (INFO_200, CityError::NoData)] {
        let s = serve(vec![ok(body), ok(SEONGSU)]).await;
        let e = fetch(&test_client(), &s.base, KEY, "POI999", &policy())
            .await
            .unwrap_err();
        assert_eq!(
            e,
            CityFetchError::City {
                area: "POI999".into(),
                error: want
            }
        );
        assert_eq!(s.hits.load(Ordering::SeqCst), 1);
    }
}

#[tokio::test]
async fn fetch_times_out_on_a_slow_server_and_hides_the_key() {
    let s = serve(vec![Reply::Hang]).await;
    let p = FetchPolicy {
        retries: 1,
        ..policy()
    };
    let started = Instant::now();
    let e = fetch(&test_client(), &s.base, KEY, "POI068", &p)
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(3));
    let CityFetchError::Fetch(f) = &e else {
        panic!("expected a fetch error, got {e:?}");
    };
    assert_eq!(f.attempts, 2);
    assert!(f.reason.contains("timed out after 300 ms"), "{e}");
    assert_eq!(
        f.url,
        format!("{}/<key>/json/citydata_ppltn/1/5/POI068", s.base)
    );
    assert!(!e.to_string().contains("s3cret"), "{e}");
    assert_eq!(s.hits.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn fetch_garbage_is_malformed_and_not_retried() {
    let s = serve(vec![ok(b"\x00\x01 not json at all \xff"), ok(SEONGSU)]).await;
    let e = fetch(&test_client(), &s.base, KEY, "POI068", &policy())
        .await
        .unwrap_err();
    assert!(
        matches!(e.city_error(), Some(CityError::Malformed { what }) if what.starts_with("not valid JSON")),
        "{e}"
    );
    assert_eq!(s.hits.load(Ordering::SeqCst), 1);

    let s = serve(vec![ok(HTML_ERROR)]).await;
    let e = fetch(&test_client(), &s.base, KEY, "POI068", &policy())
        .await
        .unwrap_err();
    assert!(e.to_string().contains("HTML page"), "{e}");
}

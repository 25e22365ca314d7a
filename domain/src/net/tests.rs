//! The guarded client against real sockets: the resolver, IP literals, redirects, and the
//! words of its errors.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use super::outbound::{check_url, explain, same_origin, GuardedResolver, MAX_REDIRECTS};
use super::*;

/// A tiny HTTP/1.1 server on `ip` answering each request with `reply(path)` (raw bytes);
/// its address and the number of connections it accepted.
async fn serve(
    ip: &str,
    reply: impl Fn(&str) -> String + Send + Sync + 'static,
) -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = TcpListener::bind((ip, 0)).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let reply = Arc::new(reply);
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            counter.fetch_add(1, Ordering::SeqCst);
            let reply = reply.clone();
            tokio::spawn(async move {
                let mut req = Vec::new();
                let mut buf = [0u8; 1024];
                while !req.windows(4).any(|w| w == b"\r\n\r\n") {
                    match sock.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(k) => req.extend_from_slice(&buf[..k]),
                    }
                }
                let head = String::from_utf8_lossy(&req);
                let path = head.split(' ').nth(1).unwrap_or("/").to_string();
                let _ = sock.write_all(reply(&path).as_bytes()).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    (addr, hits)
}

fn ok(body: &str) -> String {
    format!(
        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

fn moved(to: &str) -> String {
    format!(
        "HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
}

fn allow(s: &str) -> FetchAllow {
    FetchAllow::parse(s).unwrap()
}

async fn fetch(client: &Outbound, url: &str) -> Result<String, (String, bool)> {
    let req = client.get(url).map_err(|r| (r.to_string(), r.retry()))?;
    match req.send().await {
        Ok(resp) => Ok(resp.text().await.unwrap()),
        Err(e) => Err(explain(&e)),
    }
}

#[tokio::test]
async fn resolver_drops_refused_addresses() {
    let none = GuardedResolver::new(Arc::new(FetchAllow::default()));
    let e = none.lookup("localhost").await.unwrap_err();
    assert_eq!(
        e,
        Refusal::Address {
            target: "localhost".into(),
            why: Forbidden::Loopback,
            named: true
        }
    );
    let msg = e.to_string();
    assert!(msg.starts_with("could not connect to localhost: "), "{msg}");
    assert!(msg.contains("not allowed (loopback)"), "{msg}");
    assert!(!msg.contains("127.0.0.1"), "no resolved address: {msg}");
    assert!(!e.retry());

    // An allowed network keeps only its addresses (localhost may also resolve to ::1).
    let v4 = GuardedResolver::new(Arc::new(allow("127.0.0.1/32")));
    let addrs = v4.lookup("localhost").await.unwrap();
    assert!(!addrs.is_empty());
    assert!(
        addrs.iter().all(|a| a.ip().to_string() == "127.0.0.1"),
        "{addrs:?}"
    );

    // An allowed name is not checked at all.
    let named = GuardedResolver::new(Arc::new(allow("LocalHost")));
    assert!(!named.lookup("localhost").await.unwrap().is_empty());

    // Through reqwest's trait, as the client calls it.
    let resolved = reqwest::dns::Resolve::resolve(&v4, "localhost".parse().unwrap())
        .await
        .unwrap();
    assert!(resolved.count() >= 1);
    let err = reqwest::dns::Resolve::resolve(&none, "localhost".parse().unwrap())
        .await
        .err()
        .expect("refused");
    assert!(err.to_string().contains("not allowed (loopback)"), "{err}");
}

#[test]
fn urls_are_checked_before_requests() {
    let none = FetchAllow::default();
    let check = |u: &str, a: &FetchAllow| check_url(&reqwest::Url::parse(u).unwrap(), a);
    let refused = |u: &str| match check(u, &none) {
        Err(Refusal::Address { why, named, .. }) => {
            assert!(!named);
            why
        }
        other => panic!("{u}: {other:?}"),
    };
    assert_eq!(refused("http://127.0.0.1:5432/"), Forbidden::Loopback);
    assert_eq!(refused("http://0x7f.1/"), Forbidden::Loopback);
    assert_eq!(refused("http://2130706433/"), Forbidden::Loopback);
    assert_eq!(refused("http://017700000001/"), Forbidden::Loopback);
    assert_eq!(refused("http://[::1]/"), Forbidden::Loopback);
    assert_eq!(refused("http://[::ffff:127.0.0.1]/"), Forbidden::Loopback);
    assert_eq!(refused("http://0.0.0.0:8080/"), Forbidden::Unspecified);
    assert_eq!(refused("https://10.0.0.5/"), Forbidden::Private);
    assert_eq!(
        refused("http://169.254.169.254/latest/"),
        Forbidden::Metadata
    );
    assert_eq!(refused("http://[fd00:ec2::254]/"), Forbidden::Metadata);
    assert_eq!(refused("http://[fe80::1]/"), Forbidden::LinkLocal);
    assert_eq!(
        check("http://127.0.0.1:5432/", &none)
            .unwrap_err()
            .to_string(),
        "could not connect to 127.0.0.1:5432: the address is not allowed (loopback); \
         an administrator can allow it with DONGNE_FETCH_ALLOW"
    );
    assert_eq!(
        check("http://[::1]/x", &none).unwrap_err().to_string(),
        "could not connect to [::1]:80: the address is not allowed (loopback); \
         an administrator can allow it with DONGNE_FETCH_ALLOW"
    );
    // Names are left to the resolver; public addresses and allowed ones pass.
    assert_eq!(check("http://localhost:5432/", &none), Ok(()));
    assert_eq!(check("https://8.8.8.8/", &none), Ok(()));
    assert_eq!(check("http://10.0.0.5/", &allow("10.0.0.0/8")), Ok(()));
    assert!(matches!(
        check("ftp://example.org/", &none),
        Err(Refusal::Scheme { .. })
    ));
    assert!(matches!(
        check("file:///etc/passwd", &none),
        Err(Refusal::Scheme { .. })
    ));
}

#[tokio::test]
async fn literal_and_named_loopback_are_never_contacted() {
    let (addr, hits) = serve("127.0.0.1", |_| ok("secret")).await;
    let port = addr.port();
    let client = Outbound::default();
    for url in [
        format!("http://127.0.0.1:{port}/"),
        format!("http://localhost:{port}/"),
        format!("http://[::ffff:127.0.0.1]:{port}/"),
    ] {
        let (msg, retry) = fetch(&client, &url).await.unwrap_err();
        assert!(msg.contains("not allowed (loopback)"), "{url}: {msg}");
        assert!(!retry, "{url}");
    }
    assert_eq!(hits.load(Ordering::SeqCst), 0);
    // Allowed, it is read.
    let client = Outbound::new(allow("127.0.0.1/32"));
    assert_eq!(
        fetch(&client, &format!("http://localhost:{port}/")).await,
        Ok("secret".into())
    );
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn every_redirect_is_checked() {
    let (inner, inner_hits) = serve("127.0.0.2", |_| ok("inner")).await;
    let to = format!("http://{inner}/x");
    let hop = to.clone();
    let (outer, outer_hits) = serve("127.0.0.1", move |_| moved(&hop)).await;
    let client = Outbound::new(allow("127.0.0.1"));
    let (msg, retry) = fetch(&client, &format!("http://{outer}/"))
        .await
        .unwrap_err();
    assert_eq!(
        msg,
        format!(
            "refused the redirect to {to}: could not connect to {inner}: the address is not \
             allowed (loopback); an administrator can allow it with DONGNE_FETCH_ALLOW"
        )
    );
    assert!(!retry);
    assert_eq!(outer_hits.load(Ordering::SeqCst), 1);
    assert_eq!(inner_hits.load(Ordering::SeqCst), 0);
    // A redirect to a scheme other than http(s).
    let (ftp, _) = serve("127.0.0.1", |_| moved("ftp://127.0.0.1/file")).await;
    let (msg, _) = fetch(&client, &format!("http://{ftp}/")).await.unwrap_err();
    assert!(msg.contains("only http and https"), "{msg}");
    // Both allowed: followed.
    let both = Outbound::new(allow("127.0.0.1,127.0.0.2"));
    assert_eq!(
        fetch(&both, &format!("http://{outer}/")).await,
        Ok("inner".into())
    );
    assert_eq!(inner_hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn at_most_five_redirects() {
    // /0 → /1 → … ; /N answers.
    let (addr, hits) = serve("127.0.0.1", |path| {
        let n: usize = path.trim_start_matches('/').parse().unwrap_or(0);
        if n >= 7 {
            ok("end")
        } else {
            moved(&format!("/{}", n + 1))
        }
    })
    .await;
    let client = Outbound::new(allow("127.0.0.1/32"));
    let five = format!("http://{addr}/{}", 7 - MAX_REDIRECTS);
    assert_eq!(fetch(&client, &five).await, Ok("end".into()));
    let six = format!("http://{addr}/{}", 7 - MAX_REDIRECTS - 1);
    let before = hits.load(Ordering::SeqCst);
    let (msg, retry) = fetch(&client, &six).await.unwrap_err();
    assert_eq!(msg, "more than 5 redirects");
    assert!(!retry);
    assert_eq!(hits.load(Ordering::SeqCst) - before, MAX_REDIRECTS + 1);
}

#[tokio::test]
async fn failures_are_told_without_the_network_stack() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let client = Outbound::new(allow("127.0.0.1/32"));
    let (msg, retry) = fetch(&client, &format!("http://127.0.0.1:{port}/"))
        .await
        .unwrap_err();
    assert_eq!(msg, format!("could not connect to 127.0.0.1:{port}"));
    assert!(retry);
    let (msg, _) = fetch(&client, "not a url").await.unwrap_err();
    assert_eq!(msg, "not a valid address: not a url");
}

#[test]
fn next_pages_stay_on_the_site() {
    let src = "http://data.example/catalog.jsonld";
    assert!(same_origin(
        src,
        "http://data.example/catalog.jsonld?page=2"
    ));
    assert!(same_origin(src, "http://DATA.example:80/other"));
    assert!(same_origin(
        src,
        "https://data.example/catalog.jsonld?page=2"
    ));
    assert!(!same_origin(src, "http://data.example:8080/catalog.jsonld"));
    assert!(!same_origin(src, "http://other.example/catalog.jsonld"));
    assert!(!same_origin(src, "http://data.example.evil/catalog.jsonld"));
    assert!(!same_origin(src, "http://127.0.0.1/catalog.jsonld"));
    assert!(!same_origin(src, "ftp://data.example/catalog.jsonld"));
    assert!(!same_origin(src, "not a url"));
    let tls = "https://data.example:8443/c";
    assert!(same_origin(tls, "https://data.example:8443/c?page=2"));
    assert!(!same_origin(tls, "http://data.example:8443/c?page=2"));
    assert!(!same_origin(tls, "https://data.example/c?page=2"));
}

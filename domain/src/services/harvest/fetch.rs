//! HTTP fetching for the harvester and the crowd feed, over the guarded client
//! ([`crate::net::Outbound`]): timeouts, retries with backoff and a body size limit, plus CKAN
//! Action API URL builders.

use std::time::Duration;

use crate::net::outbound::{self, Outbound};

/// How one GET is carried out.
#[derive(Debug, Clone)]
pub struct FetchPolicy {
    /// Bound on one whole attempt (connect, headers and body).
    pub timeout: Duration,
    /// Retries after the first attempt (so at most `retries + 1` attempts).
    pub retries: u32,
    /// First delay between attempts, doubled after each retry, capped at 30 s.
    pub backoff: Duration,
    /// Largest accepted body in bytes.
    pub max_bytes: usize,
}

impl Default for FetchPolicy {
    fn default() -> Self {
        FetchPolicy {
            timeout: Duration::from_secs(20),
            retries: 3,
            backoff: Duration::from_millis(500),
            max_bytes: 50 * 1024 * 1024,
        }
    }
}

/// A GET that failed for good (after all the attempts it deserved).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("GET {url} failed after {attempts} attempt(s): {reason}")]
pub struct FetchError {
    pub url: String,
    pub attempts: u32,
    pub reason: String,
}

/// Longest wait between two attempts.
const MAX_DELAY: Duration = Duration::from_secs(30);

/// Why one attempt failed, and whether another attempt may help.
struct AttemptError {
    reason: String,
    retry: bool,
    /// Server-requested wait (Retry-After), already capped.
    retry_after: Option<Duration>,
}

impl AttemptError {
    fn fatal(reason: String) -> Self {
        AttemptError {
            reason,
            retry: false,
            retry_after: None,
        }
    }
    fn transient(reason: String) -> Self {
        AttemptError {
            reason,
            retry: true,
            retry_after: None,
        }
    }
}

fn retry_after(resp: &reqwest::Response) -> Option<Duration> {
    let v = resp.headers().get(reqwest::header::RETRY_AFTER)?;
    let secs: u64 = v.to_str().ok()?.trim().parse().ok()?;
    Some(Duration::from_secs(secs).min(MAX_DELAY))
}

/// What failed, in words users may see (the network stack's own message is logged).
fn failed(e: reqwest::Error) -> AttemptError {
    let (reason, retry) = outbound::explain(&e);
    AttemptError {
        reason,
        retry,
        retry_after: None,
    }
}

async fn attempt(client: &Outbound, url: &str, max_bytes: usize) -> Result<Vec<u8>, AttemptError> {
    let request = client
        .get(url)
        .map_err(|r| AttemptError::fatal(r.to_string()))?;
    let mut resp = request.send().await.map_err(failed)?;
    let status = resp.status();
    if !status.is_success() {
        let reason = format!(
            "HTTP {}{}",
            status.as_u16(),
            status
                .canonical_reason()
                .map(|r| format!(" {r}"))
                .unwrap_or_default()
        );
        return Err(match status.as_u16() {
            429 | 503 => AttemptError {
                reason,
                retry: true,
                retry_after: retry_after(&resp),
            },
            500 | 502 | 504 => AttemptError::transient(reason),
            _ => AttemptError::fatal(reason),
        });
    }
    if let Some(len) = resp.content_length() {
        if len > max_bytes as u64 {
            return Err(AttemptError::fatal(format!(
                "response body of {len} bytes (Content-Length) exceeds the limit of {max_bytes} bytes"
            )));
        }
    }
    let mut body = Vec::with_capacity(
        resp.content_length()
            .map(|l| l as usize)
            .unwrap_or(0)
            .min(max_bytes),
    );
    loop {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > max_bytes {
                    return Err(AttemptError::fatal(format!(
                        "response body exceeds the limit of {max_bytes} bytes (stopped reading)"
                    )));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(body),
            Err(e) => {
                tracing::debug!(host = host_of(url), error = %outbound::detail(&e), "reading a body failed");
                return Err(AttemptError::transient(
                    "the answer broke off while it was being read".into(),
                ));
            }
        }
    }
}

/// GET with the policy: retry on connect errors, timeouts, 429 (honouring
/// Retry-After seconds, capped at 30 s), 500/502/503/504; no retry on other
/// statuses; fail if the body exceeds `max_bytes` (read chunk by chunk, stopping
/// at the limit). Each attempt, body included, is bounded by `timeout`.
pub async fn get(
    client: &Outbound,
    url: &str,
    policy: &FetchPolicy,
) -> Result<Vec<u8>, FetchError> {
    let max_attempts = policy.retries.saturating_add(1);
    let mut delay = policy.backoff.min(MAX_DELAY);
    let mut attempts = 0;
    loop {
        attempts += 1;
        let outcome = match tokio::time::timeout(
            policy.timeout,
            attempt(client, url, policy.max_bytes),
        )
        .await
        {
            Ok(r) => r,
            Err(_) => Err(AttemptError::transient(format!(
                "timed out after {} ms",
                policy.timeout.as_millis()
            ))),
        };
        let err = match outcome {
            Ok(body) => {
                tracing::debug!(
                    host = host_of(url),
                    attempts,
                    bytes = body.len(),
                    "fetch ok"
                );
                return Ok(body);
            }
            Err(e) => e,
        };
        if !err.retry || attempts >= max_attempts {
            return Err(FetchError {
                url: url.to_string(),
                attempts,
                reason: err.reason,
            });
        }
        let wait = err.retry_after.unwrap_or(delay);
        tracing::warn!(
            host = host_of(url),
            attempt = attempts,
            reason = %err.reason,
            wait_ms = wait.as_millis() as u64,
            "harvest fetch failed; retrying"
        );
        tokio::time::sleep(wait).await;
        delay = (delay * 2).min(MAX_DELAY);
    }
}

/// The host of a URL, for logs: paths can carry API keys (the city API puts its key there).
fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    rest.split(['/', '?', '#']).next().unwrap_or(rest)
}

/// The CKAN Action API root of a site: ".../api/3/action" (no trailing slash).
fn ckan_action_root(base: &str) -> String {
    let b = base.trim().trim_end_matches('/');
    if b.ends_with("/api/3/action") {
        b.to_string()
    } else if b.ends_with("/api/3") {
        format!("{b}/action")
    } else {
        format!("{b}/api/3/action")
    }
}

/// `package_search` URL for one page, sorted by id so paging is stable.
pub fn ckan_search_url(base: &str, rows: usize, start: usize) -> String {
    format!(
        "{}/package_search?rows={rows}&start={start}&sort=id%20asc",
        ckan_action_root(base)
    )
}

/// `package_show` URL for one dataset id or name (percent-encoded).
pub fn ckan_show_url(base: &str, id: &str) -> String {
    format!(
        "{}/package_show?id={}",
        ckan_action_root(base),
        types::search::encode(id)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::Instant;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    /// The guarded client, with the loopback address these tests serve on allowed.
    fn client() -> Outbound {
        Outbound::new(crate::net::FetchAllow::parse("127.0.0.1/32").unwrap())
    }

    #[derive(Clone)]
    enum Reply {
        Raw(Vec<u8>),
        /// Accept, read the request, never answer.
        Hang,
    }

    fn status(code: u16, text: &str, extra_headers: &str) -> Reply {
        Reply::Raw(
            format!(
                "HTTP/1.1 {code} {text}\r\nContent-Length: 0\r\n{extra_headers}Connection: close\r\n\r\n"
            )
            .into_bytes(),
        )
    }

    fn ok(body: &[u8]) -> Reply {
        let mut r = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .into_bytes();
        r.extend_from_slice(body);
        Reply::Raw(r)
    }

    /// A tiny HTTP/1.1 server answering the n-th connection with `replies[n]`
    /// (the last reply repeats). Returns its URL and the connection counter.
    async fn serve(replies: Vec<Reply>) -> (String, Arc<AtomicUsize>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let hits = Arc::new(AtomicUsize::new(0));
        let counter = hits.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut sock, _)) = listener.accept().await else {
                    return;
                };
                let n = counter.fetch_add(1, Ordering::SeqCst);
                let reply = replies[n.min(replies.len() - 1)].clone();
                tokio::spawn(async move {
                    let mut req = Vec::new();
                    let mut buf = [0u8; 1024];
                    while !req.windows(4).any(|w| w == b"\r\n\r\n") {
                        match sock.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(k) => req.extend_from_slice(&buf[..k]),
                        }
                    }
                    match reply {
                        Reply::Raw(bytes) => {
                            let _ = sock.write_all(&bytes).await;
                            let _ = sock.shutdown().await;
                        }
                        Reply::Hang => {
                            tokio::time::sleep(Duration::from_secs(30)).await;
                        }
                    }
                });
            }
        });
        (format!("http://{addr}/api/3/action/package_search"), hits)
    }

    fn fast_policy() -> FetchPolicy {
        FetchPolicy {
            timeout: Duration::from_millis(300),
            retries: 3,
            backoff: Duration::from_millis(10),
            max_bytes: 1024,
        }
    }

    #[tokio::test]
    async fn ok_body() {
        let (url, hits) = serve(vec![ok(br#"{"success":true}"#)]).await;
        let body = get(&client(), &url, &fast_policy()).await.unwrap();
        assert_eq!(body, br#"{"success":true}"#);
        assert_eq!(hits.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn retries_503_then_succeeds() {
        let (url, hits) = serve(vec![
            status(503, "Service Unavailable", ""),
            status(503, "Service Unavailable", ""),
            ok(b"[]"),
        ])
        .await;
        let body = get(&client(), &url, &fast_policy()).await.unwrap();
        assert_eq!(body, b"[]");
        assert_eq!(hits.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn gives_up_after_retries() {
        let (url, hits) = serve(vec![status(502, "Bad Gateway", "")]).await;
        let policy = FetchPolicy {
            retries: 2,
            ..fast_policy()
        };
        let err = get(&client(), &url, &policy).await.unwrap_err();
        assert_eq!(err.attempts, 3);
        assert_eq!(hits.load(Ordering::SeqCst), 3);
        assert_eq!(err.reason, "HTTP 502 Bad Gateway");
        assert_eq!(
            err.to_string(),
            format!("GET {url} failed after 3 attempt(s): HTTP 502 Bad Gateway")
        );
    }

    #[tokio::test]
    async fn not_found_is_not_retried() {
        let (url, hits) = serve(vec![status(404, "Not Found", ""), ok(b"{}")]).await;
        let err = get(&client(), &url, &fast_policy()).await.unwrap_err();
        assert_eq!(err.attempts, 1);
        assert_eq!(hits.load(Ordering::SeqCst), 1);
        assert!(err.reason.contains("404"), "{err}");
        assert_eq!(err.url, url);
    }

    #[tokio::test]
    async fn silent_server_times_out() {
        let (url, hits) = serve(vec![Reply::Hang]).await;
        let policy = FetchPolicy {
            retries: 1,
            ..fast_policy()
        };
        let started = Instant::now();
        let err = get(&client(), &url, &policy).await.unwrap_err();
        assert_eq!(err.attempts, 2);
        assert!(err.reason.contains("timed out after 300 ms"), "{err}");
        assert!(started.elapsed() < Duration::from_secs(3));
        assert_eq!(hits.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn body_over_limit_by_content_length() {
        let (url, hits) = serve(vec![ok(&[b'x'; 4096])]).await;
        let err = get(&client(), &url, &fast_policy()).await.unwrap_err();
        assert_eq!(err.attempts, 1);
        assert_eq!(hits.load(Ordering::SeqCst), 1);
        assert!(err.reason.contains("limit of 1024 bytes"), "{err}");
    }

    #[tokio::test]
    async fn body_over_limit_while_streaming() {
        // No Content-Length: the body runs until the connection closes.
        let mut raw = b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".to_vec();
        raw.extend(std::iter::repeat_n(b'y', 64 * 1024));
        let (url, _) = serve(vec![Reply::Raw(raw)]).await;
        let err = get(&client(), &url, &fast_policy()).await.unwrap_err();
        assert_eq!(err.attempts, 1);
        assert!(
            err.reason.contains("exceeds the limit of 1024 bytes"),
            "{err}"
        );
    }

    #[tokio::test]
    async fn too_many_requests_honours_retry_after() {
        let (url, hits) = serve(vec![
            status(429, "Too Many Requests", "Retry-After: 1\r\n"),
            ok(b"{}"),
        ])
        .await;
        let started = Instant::now();
        let body = get(&client(), &url, &fast_policy()).await.unwrap();
        assert_eq!(body, b"{}");
        assert_eq!(hits.load(Ordering::SeqCst), 2);
        assert!(started.elapsed() >= Duration::from_millis(950));
    }

    #[tokio::test]
    async fn connection_refused_is_retried() {
        // Bind then drop to get a port nobody listens on.
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let policy = FetchPolicy {
            retries: 1,
            ..fast_policy()
        };
        let err = get(&client(), &format!("http://127.0.0.1:{port}/"), &policy)
            .await
            .unwrap_err();
        assert_eq!(err.attempts, 2);
    }

    #[test]
    fn default_policy() {
        let p = FetchPolicy::default();
        assert_eq!(p.timeout, Duration::from_secs(20));
        assert_eq!(p.retries, 3);
        assert_eq!(p.backoff, Duration::from_millis(500));
        assert_eq!(p.max_bytes, 50 * 1024 * 1024);
    }

    #[test]
    fn ckan_urls() {
        let want = "http://host/ckan/api/3/action/package_search?rows=100&start=200&sort=id%20asc";
        assert_eq!(ckan_search_url("http://host/ckan", 100, 200), want);
        assert_eq!(ckan_search_url("http://host/ckan/", 100, 200), want);
        assert_eq!(
            ckan_search_url("http://host/ckan/api/3/action", 100, 200),
            want
        );
        assert_eq!(
            ckan_search_url("http://host/ckan/api/3/action/", 100, 200),
            want
        );
        assert_eq!(
            ckan_search_url("http://host/", 10, 0),
            "http://host/api/3/action/package_search?rows=10&start=0&sort=id%20asc"
        );
        assert_eq!(
            ckan_show_url("http://host/", "seongdong-cctv"),
            "http://host/api/3/action/package_show?id=seongdong-cctv"
        );
        assert_eq!(
            ckan_show_url("http://host/api/3/action", "a b/c?&성동"),
            "http://host/api/3/action/package_show?id=a%20b%2Fc%3F%26%EC%84%B1%EB%8F%99"
        );
    }
}

//! `bench crowd`: the crowd emergency benchmark. Starts a real server (this binary's `serve`
//! mode as a child process, its own SQLite file, demo data, simulated feed) on loopback, then
//! from this process:
//!
//! 1. baseline: `/crowd/lite` under load with no live subscribers (requests/s, latency), and
//!    reading updates reaching 100 subscribers;
//! 2. opens N (default 10,000) Server-Sent Events subscribers and reports the server's memory
//!    per subscriber (its resident set before and after, from `/proc`);
//! 3. surge: `/crowd/lite` under the same load while readings are pushed to a local point, each
//!    update reaching all N subscribers: update latency p50/p99/max (from the push to each
//!    subscriber reading the event), requests/s and errors, and the ratios to the baseline.
//!
//! Client and server share the machine's cores, as they would on one 2-core box.
//!
//! `bench subscribers` ([`hold`]) is the subscriber half alone, against a server that is
//! already running: `scripts/load-surge` holds the subscribers with it while `wrk` loads the
//! public pages.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

pub struct Options {
    /// Live subscribers during the surge.
    pub subscribers: usize,
    /// Seconds of `/crowd/lite` load per phase.
    pub seconds: u64,
    /// Readings pushed during the surge.
    pub updates: usize,
    /// Concurrent `/crowd/lite` clients.
    pub lite_clients: usize,
}

/// `bench subscribers`: subscribers held on a running server.
pub struct HoldOptions {
    /// The running server, `http://127.0.0.1:PORT`.
    pub url: String,
    /// Live subscribers to open and hold.
    pub subscribers: usize,
    /// Seconds over which the readings are pushed.
    pub seconds: u64,
    /// Readings pushed.
    pub updates: usize,
    /// Wait for SIGUSR1 after the subscribers are open, before pushing.
    pub wait_signal: bool,
}

/// The server child, killed when dropped.
struct Child {
    child: std::process::Child,
    dir: std::path::PathBuf,
}

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn rss_kib(pid: u32) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .context("VmRSS in /proc status")
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

async fn start_server() -> anyhow::Result<(Child, String)> {
    let dir = std::env::temp_dir().join(format!("dongne-bench-crowd-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let port = free_port()?;
    let addr = format!("127.0.0.1:{port}");
    let child = std::process::Command::new(std::env::current_exe()?)
        .arg("serve")
        .env(
            "DATABASE_URL",
            format!("sqlite://{}?mode=rwc", dir.join("bench.db").display()),
        )
        .env("DONGNE_ADDR", &addr)
        .env("DONGNE_DATA_DIR", &dir)
        .env("DONGNE_DEMO_DATA", "true")
        .env("RUST_LOG", "error")
        .env_remove("DONGNE_CITYDATA_KEY")
        .spawn()
        .context("starting the server")?;
    let child = Child { child, dir };
    let base = format!("http://{addr}");
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Ok(r) = client.get(format!("{base}/readyz")).send().await {
            if r.status().is_success() {
                break;
            }
        }
        if Instant::now() > deadline {
            bail!("the server did not become ready in 120 s");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Ok((child, base))
}

/// Sign in as the demo administrator and add a local point: its push token.
async fn local_point(base: &str) -> anyhow::Result<String> {
    let admin = reqwest::Client::new();
    let r = admin
        .post(format!("{base}/api/login"))
        .header("accept", "application/json")
        .form(&[("username", "admin"), ("password", "dongne-demo")])
        .send()
        .await?;
    if !r.status().is_success() {
        bail!("admin login: {}", r.status());
    }
    let session = r
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(app::ssr::SESSION_COOKIE))
        .and_then(|v| v.split(';').next())
        .context("the session cookie")?
        .to_string();
    let r = admin
        .post(format!("{base}/api/v1/crowd/spots"))
        .header(reqwest::header::COOKIE, session)
        .json(&serde_json::json!({
            "code": "bench-gate", "name_ko": "벤치마크 출입구", "name_en": "Benchmark gate",
            "lat": 37.5445, "lon": 127.0557
        }))
        .send()
        .await?;
    if !r.status().is_success() {
        bail!("adding the local point: {} {}", r.status(), r.text().await?);
    }
    let v: serde_json::Value = r.json().await?;
    v["token"]
        .as_str()
        .map(str::to_string)
        .context("the push token")
}

/// Push one reading; when it was sent.
async fn push(base: &str, token: &str, n: usize) -> anyhow::Result<Instant> {
    let client = reqwest::Client::new();
    let level = 1 + (n % 4);
    let started = Instant::now();
    let r = client
        .post(format!("{base}/api/v1/crowd/spots/bench-gate/readings"))
        .bearer_auth(token)
        .json(&serde_json::json!({
            "level": level, "population_min": 1000 + n, "population_max": 2000 + n
        }))
        .send()
        .await?;
    if !r.status().is_success() {
        bail!("push: {} {}", r.status(), r.text().await?);
    }
    Ok(started)
}

const MARK: &[u8] = b"event: crowd\nid: ";

/// One raw SSE subscriber: reports each `crowd` event's id with the time it was read.
async fn subscriber(
    addr: String,
    ready: Arc<AtomicUsize>,
    seen: mpsc::UnboundedSender<(u64, Instant)>,
) -> anyhow::Result<()> {
    let mut s = TcpStream::connect(&addr).await?;
    s.write_all(
        format!("GET /api/v1/crowd/events HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n")
            .as_bytes(),
    )
    .await?;
    let finder = memchr::memmem::Finder::new(MARK);
    let mut buf = vec![0u8; 8192];
    // Bytes kept from the previous read: a marker may straddle two reads.
    let mut keep = 0usize;
    let mut first = true;
    loop {
        let n = s.read(&mut buf[keep..]).await?;
        if n == 0 {
            return Ok(());
        }
        let now = Instant::now();
        let end = keep + n;
        let mut consumed = 0;
        let mut search_from = 0;
        while let Some(at) = finder.find(&buf[search_from..end]) {
            let digits_at = search_from + at + MARK.len();
            let Some(nl) = memchr::memchr(b'\n', &buf[digits_at..end]) else {
                break; // the id is cut: read on
            };
            let id = std::str::from_utf8(&buf[digits_at..digits_at + nl])
                .ok()
                .and_then(|d| d.parse::<u64>().ok())
                .unwrap_or(0);
            if first {
                first = false;
                ready.fetch_add(1, Ordering::SeqCst);
            }
            let _ = seen.send((id, now));
            search_from = digits_at + nl;
            consumed = search_from;
        }
        // Keep the tail that could hold the start of a marker.
        let tail_from = std::cmp::max(consumed, end.saturating_sub(MARK.len() + 24));
        buf.copy_within(tail_from..end, 0);
        keep = end - tail_from;
    }
}

struct LiteResult {
    requests: u64,
    errors: u64,
    seconds: f64,
    p50: Duration,
    p99: Duration,
}

impl LiteResult {
    fn rps(&self) -> f64 {
        self.requests as f64 / self.seconds
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

async fn lite_load(base: &str, clients: usize, seconds: u64) -> anyhow::Result<LiteResult> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(clients)
        .build()?;
    let url = format!("{base}/crowd/lite?district=all");
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let client = client.clone();
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::new();
            let mut errors = 0u64;
            while Instant::now() < deadline {
                let t = Instant::now();
                match client.get(&url).send().await {
                    Ok(r) if r.status().is_success() => match r.bytes().await {
                        Ok(b) if b.len() > 1000 => times.push(t.elapsed()),
                        _ => errors += 1,
                    },
                    _ => errors += 1,
                }
            }
            (times, errors)
        }));
    }
    let mut all = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (times, e) = t.await?;
        all.extend(times);
        errors += e;
    }
    let seconds = started.elapsed().as_secs_f64();
    all.sort();
    Ok(LiteResult {
        requests: all.len() as u64,
        errors,
        seconds,
        p50: percentile(&all, 0.5),
        p99: percentile(&all, 0.99),
    })
}

/// Subscribers whose connection failed or ended with an error.
static SUBSCRIBER_FAILURES: AtomicUsize = AtomicUsize::new(0);

/// Open `n` subscribers and wait until each has its snapshot.
async fn open_subscribers(
    addr: &str,
    n: usize,
    ready: &Arc<AtomicUsize>,
    seen: &mpsc::UnboundedSender<(u64, Instant)>,
) -> anyhow::Result<()> {
    let target = ready.load(Ordering::SeqCst) + n;
    let sem = Arc::new(tokio::sync::Semaphore::new(256));
    for _ in 0..n {
        let permit = sem.clone().acquire_owned().await?;
        let (addr, ready, seen) = (addr.to_string(), ready.clone(), seen.clone());
        tokio::spawn(async move {
            let r2 = ready.clone();
            let before = r2.load(Ordering::SeqCst);
            let task = tokio::spawn(subscriber(addr, ready, seen));
            // Hold the permit until this one has its snapshot (or gave up), to pace connects.
            let deadline = Instant::now() + Duration::from_secs(30);
            while r2.load(Ordering::SeqCst) <= before
                && Instant::now() < deadline
                && !task.is_finished()
            {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            drop(permit);
            match task.await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => {
                    SUBSCRIBER_FAILURES.fetch_add(1, Ordering::SeqCst);
                    eprintln!("subscriber failed: {e}");
                }
                Err(e) => {
                    SUBSCRIBER_FAILURES.fetch_add(1, Ordering::SeqCst);
                    eprintln!("subscriber task failed: {e}");
                }
            }
        });
    }
    let deadline = Instant::now() + Duration::from_secs(300);
    while ready.load(Ordering::SeqCst) < target {
        if Instant::now() > deadline {
            bail!(
                "only {} of {target} subscribers got their snapshot in 300 s",
                ready.load(Ordering::SeqCst)
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}

/// Push `updates` readings, one every `gap`, and collect when each of `expected` subscribers
/// read each one: every latency.
async fn measure_updates(
    base: &str,
    token: &str,
    updates: usize,
    gap: Duration,
    expected: usize,
    seen: &mut mpsc::UnboundedReceiver<(u64, Instant)>,
    first_n: usize,
) -> anyhow::Result<Vec<Duration>> {
    while seen.try_recv().is_ok() {}
    let mut sent: Vec<Instant> = Vec::new();
    let mut latencies = Vec::new();
    let mut got = 0usize;
    let mut min_seq = None;
    for i in 0..updates {
        let t = push(base, token, first_n + i).await?;
        sent.push(t);
        let until = Instant::now() + gap;
        while let Ok(Some((seq, at))) = tokio::time::timeout_at(until.into(), seen.recv()).await {
            let base_seq = *min_seq.get_or_insert(seq);
            if let Some(s) = seq.checked_sub(base_seq).and_then(|k| sent.get(k as usize)) {
                latencies.push(at.saturating_duration_since(*s));
                got += 1;
            }
        }
    }
    let until = Instant::now() + Duration::from_secs(10);
    while got < expected * updates {
        match tokio::time::timeout_at(until.into(), seen.recv()).await {
            Ok(Some((seq, at))) => {
                let base_seq = *min_seq.get_or_insert(seq);
                if let Some(s) = seq.checked_sub(base_seq).and_then(|k| sent.get(k as usize)) {
                    latencies.push(at.saturating_duration_since(*s));
                    got += 1;
                }
            }
            _ => break,
        }
    }
    if got < expected * updates {
        println!(
            "  warning: {} of {} update deliveries arrived within 10 s",
            got,
            expected * updates
        );
    }
    latencies.sort();
    Ok(latencies)
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

pub async fn run(o: Options) -> anyhow::Result<()> {
    let (child, base) = start_server().await?;
    let pid = child.child.id();
    let addr = base.trim_start_matches("http://").to_string();
    let token = local_point(&base).await?;
    println!(
        "crowd benchmark: server pid {pid} on {addr}; {} subscribers, {} s of /crowd/lite per phase with {} clients, {} updates",
        o.subscribers, o.seconds, o.lite_clients, o.updates
    );

    // Baseline: the light list alone.
    let base_lite = lite_load(&base, o.lite_clients, o.seconds).await?;
    println!(
        "baseline  /crowd/lite: {:>8.0} req/s  p50 {}  p99 {}  errors {}",
        base_lite.rps(),
        ms(base_lite.p50),
        ms(base_lite.p99),
        base_lite.errors
    );
    let (tx, mut rx) = mpsc::unbounded_channel();
    let ready = Arc::new(AtomicUsize::new(0));
    let few = 100.min(o.subscribers);
    open_subscribers(&addr, few, &ready, &tx).await?;
    let base_lat = measure_updates(
        &base,
        &token,
        5,
        Duration::from_millis(500),
        few,
        &mut rx,
        0,
    )
    .await?;
    println!(
        "baseline  update to {few} subscribers: p50 {}  p99 {}  max {}",
        ms(percentile(&base_lat, 0.5)),
        ms(percentile(&base_lat, 0.99)),
        ms(*base_lat.last().unwrap_or(&Duration::ZERO))
    );

    // Surge: N subscribers.
    let rss_before = rss_kib(pid)?;
    let opened = Instant::now();
    open_subscribers(&addr, o.subscribers - few, &ready, &tx).await?;
    let rss_after = rss_kib(pid)?;
    let per = (rss_after.saturating_sub(rss_before)) as f64 * 1024.0
        / (o.subscribers - few).max(1) as f64;
    println!(
        "subscribers: {} open in {:.1} s; server memory {} MiB -> {} MiB, {:.1} KiB per subscriber",
        ready.load(Ordering::SeqCst),
        opened.elapsed().as_secs_f64(),
        rss_before / 1024,
        rss_after / 1024,
        per / 1024.0
    );
    let gap = Duration::from_secs_f64((o.seconds as f64 / o.updates.max(1) as f64).max(0.5));
    let load = {
        let base = base.clone();
        let (clients, seconds) = (o.lite_clients, o.seconds);
        tokio::spawn(async move { lite_load(&base, clients, seconds).await })
    };
    let lat = measure_updates(&base, &token, o.updates, gap, o.subscribers, &mut rx, 100).await?;
    let surge_lite = load.await??;
    let p99 = percentile(&lat, 0.99);
    println!(
        "surge     update to {} subscribers: p50 {}  p99 {}  max {}  ({} deliveries)",
        o.subscribers,
        ms(percentile(&lat, 0.5)),
        ms(p99),
        ms(*lat.last().unwrap_or(&Duration::ZERO)),
        lat.len()
    );
    println!(
        "surge     /crowd/lite: {:>8.0} req/s  p50 {}  p99 {}  errors {}",
        surge_lite.rps(),
        ms(surge_lite.p50),
        ms(surge_lite.p99),
        surge_lite.errors
    );
    println!(
        "ratios to baseline: /crowd/lite throughput x{:.2}, update p99 x{:.1}",
        surge_lite.rps() / base_lite.rps().max(1e-9),
        p99.as_secs_f64() / percentile(&base_lat, 0.99).as_secs_f64().max(1e-9)
    );
    let ok_p99 = p99 < Duration::from_secs(1);
    let ok_rps = surge_lite.rps() >= 2000.0;
    println!(
        "targets: update p99 < 1 s: {}; /crowd/lite >= 2,000 req/s during the surge: {}; errors: {}",
        if ok_p99 { "met" } else { "MISSED" },
        if ok_rps { "met" } else { "MISSED" },
        surge_lite.errors + base_lite.errors
    );
    drop(child);
    Ok(())
}

/// `server bench-subscribers`: on the running server at `o.url`, add a local point, open
/// `o.subscribers` SSE subscribers, print `ready N`, (with `wait_signal`) wait for SIGUSR1, push
/// `o.updates` readings spread over `o.seconds` and print one line the load script reads:
/// `updates deliveries=… expected=… p50_ms=… p99_ms=… max_ms=… failed_subscribers=…`.
/// Then the subscribers are dropped. An error when a delivery is missing or a subscriber failed.
pub async fn hold(o: HoldOptions) -> anyhow::Result<()> {
    use std::io::Write;
    let base = o.url.trim_end_matches('/').to_string();
    let addr = base
        .strip_prefix("http://")
        .context("--url: http://HOST:PORT")?
        .to_string();
    let token = local_point(&base).await?;
    let mut usr1 = if o.wait_signal {
        Some(tokio::signal::unix::signal(
            tokio::signal::unix::SignalKind::user_defined1(),
        )?)
    } else {
        None
    };
    let (tx, mut rx) = mpsc::unbounded_channel();
    let ready = Arc::new(AtomicUsize::new(0));
    let opened = Instant::now();
    open_subscribers(&addr, o.subscribers, &ready, &tx).await?;
    println!(
        "ready {} in {:.1} s",
        ready.load(Ordering::SeqCst),
        opened.elapsed().as_secs_f64()
    );
    std::io::stdout().flush()?;
    if let Some(s) = usr1.as_mut() {
        s.recv().await;
    }
    let gap = Duration::from_secs_f64(o.seconds as f64 / o.updates.max(1) as f64);
    let lat = measure_updates(&base, &token, o.updates, gap, o.subscribers, &mut rx, 0).await?;
    let expected = o.subscribers * o.updates;
    let failed = SUBSCRIBER_FAILURES.load(Ordering::SeqCst);
    let f = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "updates deliveries={} expected={} p50_ms={:.1} p99_ms={:.1} max_ms={:.1} failed_subscribers={}",
        lat.len(),
        expected,
        f(percentile(&lat, 0.5)),
        f(percentile(&lat, 0.99)),
        f(*lat.last().unwrap_or(&Duration::ZERO)),
        failed
    );
    if lat.len() < expected || failed > 0 {
        bail!(
            "{} of {expected} deliveries arrived, {failed} subscribers failed",
            lat.len()
        );
    }
    Ok(())
}

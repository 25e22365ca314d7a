//! `bench search`: the search benchmark. Builds a synthetic catalog shaped like the demo
//! one, indexes it, and answers a fixed set of realistic queries with facets through the
//! service layer, through the HTTP endpoint, and with the best plain-SQL baseline (SQLite FTS5
//! trigram, plus LIKE for two-character words) in the same process, printing latencies and
//! ratios.

use std::time::{Duration, Instant};

use anyhow::Context;
use app::i18n::Lang;
use app::model::Viewer;
use app::search::{encode, parse_query_string, SearchQuery};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement, TransactionTrait};

use server::config::Config;

/// Realistic queries: Korean, English, mixed, typos, with and without facets.
pub const QUERIES: &[&str] = &[
    "q=공원",
    "q=교통",
    "q=주차장",
    "q=와이파이",
    "q=공공와이파이 설치",
    "q=위반건축물",
    "q=어린이 보행자 사고",
    "q=대기질",
    "q=인구",
    "q=복지시설",
    "q=경로당",
    "q=도서관",
    "q=CCTV",
    "q=흡연구역",
    "q=음식점",
    "q=가로수",
    "q=정비사업",
    "q=따릉이",
    "q=버스정류소",
    "q=보안등",
    "q=침수",
    "q=무더위쉼터",
    "q=park",
    "q=parking",
    "q=wifi",
    "q=air quality",
    "q=library",
    "q=bus stops",
    "q=population",
    "q=school zones",
    "q=street trees",
    "q=smart poles",
    "q=budget",
    "q=contracts",
    "q=교통 bus",
    "q=공원 park",
    "q=성수 startups",
    "q=인구 2020",
    "q=parkinng",
    "q=libraray",
    "q=polulation",
    "q=공원&theme=environment",
    "q=주차&dong=oksu",
    "q=인구&type=statistics&cycle=monthly",
    "q=wifi&source=seongdong",
    "q=park&dong=seongsu1ga1&dong=seongsu2ga1",
    "theme=transport",
    "theme=environment&dong=majang",
    "department=parks",
    "format=geojson",
    "cycle=realtime&theme=transport",
    "q=현황&sort=updated",
    "q=공원&sort=title",
    "q=성동구&page=5",
    "dong=haengdang1&type=map&sort=updated",
    "q=보건&theme=health&source=data-go-kr",
    "q=사회복지&department=welfare&page=2",
];

#[derive(Default)]
struct Stats(Vec<Duration>);

impl Stats {
    fn pct(&self, p: f64) -> f64 {
        let mut v: Vec<f64> = self.0.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
        v.sort_by(|a, b| a.total_cmp(b));
        if v.is_empty() {
            return f64::NAN;
        }
        let i = ((p / 100.0) * (v.len() as f64 - 1.0)).round() as usize;
        v[i.min(v.len() - 1)]
    }
    fn line(&self, name: &str) -> String {
        format!(
            "{name:<28} p50 {:>9.3} ms   p95 {:>9.3} ms   p99 {:>9.3} ms   (n={})",
            self.pct(50.0),
            self.pct(95.0),
            self.pct(99.0),
            self.0.len()
        )
    }
}

/// A memory figure of this process from /proc (`VmRSS:` now, `VmHWM:` peak), in MB.
fn rss_mb(field: &str) -> f64 {
    proc_status_mb("/proc/self/status", field)
}

fn proc_status_mb(path: &str, field: &str) -> f64 {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

pub struct Options {
    pub datasets: usize,
    pub rounds: usize,
    /// Replaces [`QUERIES`] when not empty.
    pub queries: Vec<String>,
    pub skip_sql: bool,
}

pub async fn run(options: Options) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("dongne-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let url = format!("sqlite://{}/bench.db?mode=rwc", dir.display());
    let result = run_in(&url, &options).await;
    let _ = std::fs::remove_dir_all(&dir);
    result
}

async fn run_in(url: &str, options: &Options) -> anyhow::Result<()> {
    let (datasets, rounds) = (options.datasets, options.rounds);
    let texts: Vec<&str> = if options.queries.is_empty() {
        QUERIES.to_vec()
    } else {
        options.queries.iter().map(String::as_str).collect()
    };
    println!(
        "Dongne search benchmark: {datasets} datasets, {} queries x {rounds} rounds",
        texts.len()
    );
    let config = Config::from_lookup(|k| match k {
        "DATABASE_URL" => Some(url.to_string()),
        "DONGNE_ADDR" => Some("127.0.0.1:0".into()),
        "DONGNE_DEMO_DATA" => Some("true".into()),
        _ => None,
    })?;
    let started = Instant::now();
    let db = server::prepare_database(&config).await?;
    let extra = datasets.saturating_sub(domain::seed::DATASET_COUNT);
    let txn = domain::db::begin_write(&db).await?;
    for (k, chunk) in domain::seed::synthetic_plan(extra)
        .chunks(5_000)
        .enumerate()
    {
        domain::seed::insert_planned(&txn, chunk.to_vec(), 10_000 + k * 5_000).await?;
    }
    txn.commit().await?;
    println!(
        "catalog generated in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let started = Instant::now();
    let services = domain::ctx::Services::new(db.clone())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let build_s = started.elapsed().as_secs_f64();
    println!(
        "index of {} datasets built in {build_s:.2} s ({} segments)",
        services.search.num_docs(),
        services.search.num_segments()
    );

    let queries: Vec<SearchQuery> = texts
        .iter()
        .map(|q| SearchQuery::from_pairs(parse_query_string(q)))
        .collect::<Result<_, _>>()
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let viewer = Viewer::Public;
    // Warm up, then measure the service layer.
    for q in &queries {
        services
            .search
            .search(&viewer, q, Lang::Ko)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    let mut service = Stats::default();
    let mut per_query: Vec<Stats> = queries.iter().map(|_| Stats::default()).collect();
    for _ in 0..rounds {
        for (i, q) in queries.iter().enumerate() {
            let t = Instant::now();
            let r = services
                .search
                .search(&viewer, q, Lang::Ko)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let took = t.elapsed();
            service.0.push(took);
            per_query[i].0.push(took);
            std::hint::black_box(r);
        }
    }

    println!("{}", service.line("service layer (tantivy)"));
    let mut slowest: Vec<(f64, &str)> = per_query
        .iter()
        .zip(&texts)
        .map(|(s, q)| (s.pct(50.0), *q))
        .collect();
    slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!("slowest queries (median through the service):");
    for (ms, q) in slowest.iter().take(5) {
        println!("  {ms:>8.3} ms  {q}");
    }

    // The HTTP endpoint, through a real server process (`bench serve`, as `server serve`) on the
    // same database, on loopback; its memory is read from /proc once it has served every query.
    drop(services);
    let server = ServerProcess::start(url).await?;
    let addr = server.addr;
    let client = hyper_client::Client::new();
    let mut http = Stats::default();
    for q in &texts {
        http_get(&client, addr, q).await?;
    }
    for _ in 0..rounds {
        for q in &texts {
            let t = Instant::now();
            http_get(&client, addr, q).await?;
            http.0.push(t.elapsed());
        }
    }

    println!("{}", http.line("HTTP GET /api/v1/datasets"));
    let server_rss = server.rss_mb("VmRSS:");
    let server_peak = server.rss_mb("VmHWM:");
    drop(server);
    println!(
        "server process RSS after serving: {server_rss:.0} MB (peak {server_peak:.0} MB, index build included)"
    );

    // The SQL baseline on the same database. It is orders of magnitude slower: each query is
    // measured once.
    let mut sql = Stats::default();
    if !options.skip_sql {
        let started = Instant::now();
        sql_baseline_setup(&db).await?;
        println!(
            "SQL baseline (FTS5 trigram) built in {:.2} s",
            started.elapsed().as_secs_f64()
        );
        for (q, text) in queries.iter().zip(&texts) {
            let t = Instant::now();
            sql_search(&db, q).await?;
            sql.0.push(t.elapsed());
            println!(
                "  SQL {:>9.1} ms  {text}",
                t.elapsed().as_secs_f64() * 1000.0
            );
        }
    }

    let peak = rss_mb("VmHWM:");
    println!();
    println!("{}", service.line("service layer (tantivy)"));
    println!("{}", http.line("HTTP GET /api/v1/datasets"));
    if !options.skip_sql {
        println!("{}", sql.line("SQL baseline (FTS5/LIKE)"));
        println!();
        println!(
            "SQL / service ratio:  p50 {:.1}x   p99 {:.1}x",
            sql.pct(50.0) / service.pct(50.0),
            sql.pct(99.0) / service.pct(99.0)
        );
    }
    println!(
        "server process RSS after serving: {server_rss:.0} MB (peak {server_peak:.0} MB, index build included)"
    );
    println!("peak RSS of the benchmark process (catalog generation, in-process index, SQL baseline): {peak:.0} MB");
    println!();
    let check = |ok: bool| if ok { "PASS" } else { "FAIL" };
    println!(
        "target p99 < 10 ms through the service ........ {} ({:.2} ms)",
        check(service.pct(99.0) < 10.0),
        service.pct(99.0)
    );
    if options.skip_sql {
        println!("target >= 20x faster than SQL at p99 .......... SKIPPED (--skip-sql)");
    } else {
        println!(
            "target >= 20x faster than SQL at p99 .......... {} ({:.1}x)",
            check(sql.pct(99.0) / service.pct(99.0) >= 20.0),
            sql.pct(99.0) / service.pct(99.0)
        );
    }
    println!(
        "target index built in < 20 s .................. {} ({build_s:.2} s)",
        check(build_s < 20.0)
    );
    println!(
        "target server RSS < 300 MB .................... {} ({server_rss:.0} MB, peak {server_peak:.0} MB)",
        check(server_peak < 300.0)
    );
    Ok(())
}

/// The server as a child process (this binary's `serve` mode, as `server serve`) on the
/// benchmark's database; killed when dropped.
struct ServerProcess {
    child: std::process::Child,
    addr: std::net::SocketAddr,
}

impl ServerProcess {
    async fn start(url: &str) -> anyhow::Result<ServerProcess> {
        let addr = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
        let child = std::process::Command::new(std::env::current_exe()?)
            .arg("serve")
            .env("DATABASE_URL", url)
            .env("DONGNE_ADDR", addr.to_string())
            .env("DONGNE_DEMO_DATA", "false")
            .env("RUST_LOG", "warn")
            .spawn()
            .context("starting `bench serve`")?;
        let server = ServerProcess { child, addr };
        let started = Instant::now();
        loop {
            let probe = hyper_client::Client::new();
            if let Ok(200) = probe.get(addr, "/healthz").await {
                break;
            }
            anyhow::ensure!(
                started.elapsed() < Duration::from_secs(300),
                "the server did not answer /healthz within 300 s"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        Ok(server)
    }

    fn rss_mb(&self, field: &str) -> f64 {
        proc_status_mb(&format!("/proc/{}/status", self.child.id()), field)
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn http_get(
    client: &hyper_client::Client,
    addr: std::net::SocketAddr,
    q: &str,
) -> anyhow::Result<()> {
    let path = format!(
        "/api/v1/datasets?{}",
        q.split('&')
            .map(|kv| match kv.split_once('=') {
                Some((k, v)) => format!("{k}={}", encode(v)),
                None => kv.to_string(),
            })
            .collect::<Vec<_>>()
            .join("&")
    );
    let status = client.get(addr, &path).await?;
    anyhow::ensure!(status == 200, "GET {path}: {status}");
    Ok(())
}

/// A minimal keep-alive HTTP/1.1 client over one TCP connection (no extra dependency).
mod hyper_client {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
    use tokio::net::TcpStream;
    use tokio::sync::Mutex;

    pub struct Client(Mutex<Option<BufReader<TcpStream>>>);

    impl Client {
        pub fn new() -> Self {
            Client(Mutex::new(None))
        }

        pub async fn get(&self, addr: std::net::SocketAddr, path: &str) -> anyhow::Result<u16> {
            let mut guard = self.0.lock().await;
            if guard.is_none() {
                *guard = Some(BufReader::new(TcpStream::connect(addr).await?));
            }
            let conn = guard.as_mut().expect("connected");
            conn.get_mut()
                .write_all(format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes())
                .await?;
            let mut status_line = String::new();
            conn.read_line(&mut status_line).await?;
            let status: u16 = status_line
                .split_whitespace()
                .nth(1)
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            let mut length = 0usize;
            let mut chunked = false;
            loop {
                let mut line = String::new();
                conn.read_line(&mut line).await?;
                let l = line.trim_end().to_ascii_lowercase();
                if l.is_empty() {
                    break;
                }
                if let Some(v) = l.strip_prefix("content-length:") {
                    length = v.trim().parse()?;
                }
                if l.starts_with("transfer-encoding:") && l.contains("chunked") {
                    chunked = true;
                }
            }
            if chunked {
                loop {
                    let mut size = String::new();
                    conn.read_line(&mut size).await?;
                    let n = usize::from_str_radix(size.trim(), 16)?;
                    let mut buf = vec![0u8; n + 2];
                    conn.read_exact(&mut buf).await?;
                    if n == 0 {
                        break;
                    }
                }
            } else {
                let mut buf = vec![0u8; length];
                conn.read_exact(&mut buf).await?;
            }
            Ok(status)
        }
    }
}

async fn sql_baseline_setup(db: &DatabaseConnection) -> anyhow::Result<()> {
    anyhow::ensure!(
        db.get_database_backend() == DatabaseBackend::Sqlite,
        "the SQL baseline runs on SQLite"
    );
    db.execute_unprepared(
        "CREATE VIRTUAL TABLE ds_fts USING fts5(title_ko, title_en, keywords, description_ko, description_en, columns, department, tokenize='trigram');
         WITH cols AS (SELECT dataset_id, group_concat(name, ' ') AS names FROM data_columns GROUP BY dataset_id)
         INSERT INTO ds_fts(rowid, title_ko, title_en, keywords, description_ko, description_en, columns, department)
           SELECT d.id, d.title_ko, d.title_en, d.keywords, d.description_ko, d.description_en, cols.names, p.name_ko || ' ' || p.name_en
           FROM datasets d LEFT JOIN cols ON cols.dataset_id = d.id JOIN departments p ON p.id = d.department_id;",
    )
    .await
    .context("building the FTS5 baseline")?;
    Ok(())
}

/// The same search in SQL: matching ids (FTS5 MATCH for 3+ characters, LIKE below that),
/// visibility, facet filters, the total, a page ordered by rank, and counts for every facet.
async fn sql_search(db: &DatabaseConnection, q: &SearchQuery) -> anyhow::Result<()> {
    let mut where_sql = vec!["d.visibility = 'public' AND d.status = 'published'".to_string()];
    let mut values: Vec<sea_orm::Value> = Vec::new();
    let mut fts = Vec::new();
    for word in q.q.split_whitespace() {
        if word.chars().count() >= 3 {
            fts.push(format!("\"{}\"", word.replace('"', "\"\"")));
        } else {
            where_sql.push("(d.title_ko LIKE ? OR d.title_en LIKE ? OR d.description_ko LIKE ? OR d.description_en LIKE ?)".into());
            for _ in 0..4 {
                values.push(format!("%{word}%").into());
            }
        }
    }
    // Full-text matches are computed once, as a derived table, then joined.
    let from = if fts.is_empty() {
        "datasets d".to_string()
    } else {
        "bench_fts m JOIN datasets d ON d.id = m.id".to_string()
    };
    for (key, codes) in &q.filters {
        let Some(scheme) = key.scheme() else { continue };
        let placeholders = vec!["?"; codes.len()].join(",");
        where_sql.push(format!(
            "d.id IN (SELECT dt.dataset_id FROM dataset_terms dt JOIN terms t ON t.id = dt.term_id JOIN schemes s ON s.id = t.scheme_id WHERE s.code = '{scheme}' AND t.code IN ({placeholders}))"
        ));
        for c in codes {
            values.push(c.clone().into());
        }
    }
    let filter = where_sql.join(" AND ");
    let rank = if fts.is_empty() {
        "-d.updated_at"
    } else {
        "m.rank"
    };
    let offset = (q.page - 1) * q.per_page;
    // The matches are computed once into a temporary table; the total, the page and the facet
    // counts are then read from it (on one connection: a transaction).
    let txn = db.begin().await?;
    let run = |sql: String, values: Vec<sea_orm::Value>| {
        Statement::from_sql_and_values(DatabaseBackend::Sqlite, sql, values)
    };
    txn.execute_unprepared(
        "CREATE TEMP TABLE IF NOT EXISTS bench_hits (id INTEGER PRIMARY KEY, rank REAL NOT NULL); DELETE FROM bench_hits;
         CREATE TEMP TABLE IF NOT EXISTS bench_fts (id INTEGER PRIMARY KEY, rank REAL NOT NULL); DELETE FROM bench_fts;",
    )
    .await?;
    // Full-text matches first, on their own: joined in one statement, SQLite may run the
    // MATCH once per dataset row.
    if !fts.is_empty() {
        txn.execute_raw(run(
            "INSERT INTO bench_fts (id, rank) SELECT rowid, rank FROM ds_fts WHERE ds_fts MATCH ?"
                .into(),
            vec![fts.join(" AND ").into()],
        ))
        .await?;
    }
    txn.execute_raw(run(
        format!("INSERT INTO bench_hits (id, rank) SELECT d.id, {rank} FROM {from} WHERE {filter}"),
        values,
    ))
    .await?;
    let statements = [
        "SELECT COUNT(*) AS n FROM bench_hits".to_string(),
        format!(
            "SELECT d.id, d.slug, d.title_ko, d.title_en, d.description_ko FROM bench_hits h JOIN datasets d ON d.id = h.id ORDER BY h.rank LIMIT {} OFFSET {offset}",
            q.per_page
        ),
        "SELECT s.code AS scheme, t.code AS term, COUNT(*) AS n FROM bench_hits h JOIN dataset_terms dt ON dt.dataset_id = h.id JOIN terms t ON t.id = dt.term_id JOIN schemes s ON s.id = t.scheme_id GROUP BY s.code, t.code".to_string(),
        "SELECT lower(x.format) AS term, COUNT(DISTINCT x.dataset_id) AS n FROM bench_hits h JOIN distributions x ON x.dataset_id = h.id GROUP BY lower(x.format)".to_string(),
    ];
    for sql in statements {
        let rows = txn.query_all_raw(run(sql, Vec::new())).await?;
        std::hint::black_box(rows);
    }
    txn.rollback().await?;
    Ok(())
}

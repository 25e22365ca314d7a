//! `server bench-search`: the search benchmark. Builds a synthetic catalog shaped like the demo
//! one, indexes it, and answers a fixed set of realistic queries with facets through the
//! service layer, through the HTTP endpoint, and with the best plain-SQL baseline (SQLite FTS5
//! trigram, plus LIKE for two-character words) in the same process, printing latencies and
//! ratios.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use app::i18n::Lang;
use app::model::Viewer;
use app::search::{encode, parse_query_string, SearchQuery};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement};

use crate::config::Config;

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
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

pub async fn run(datasets: usize, rounds: usize) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("dongne-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let url = format!("sqlite://{}/bench.db?mode=rwc", dir.display());
    let result = run_in(&url, datasets, rounds).await;
    let _ = std::fs::remove_dir_all(&dir);
    result
}

async fn run_in(url: &str, datasets: usize, rounds: usize) -> anyhow::Result<()> {
    println!(
        "Dongne search benchmark: {datasets} datasets, {} queries x {rounds} rounds",
        QUERIES.len()
    );
    let config = Config::from_lookup(|k| match k {
        "DATABASE_URL" => Some(url.to_string()),
        "DONGNE_ADDR" => Some("127.0.0.1:0".into()),
        _ => None,
    })?;
    let started = Instant::now();
    let db = crate::prepare_database(&config).await?;
    let extra = datasets.saturating_sub(crate::seed::DATASET_COUNT);
    let txn = crate::db::begin_write(&db).await?;
    for (k, chunk) in crate::seed::synthetic_plan(extra).chunks(5_000).enumerate() {
        crate::seed::insert_planned(&txn, chunk.to_vec(), 10_000 + k * 5_000).await?;
    }
    txn.commit().await?;
    println!(
        "catalog generated in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let started = Instant::now();
    let services = crate::services::Services::new(db.clone())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let build_s = started.elapsed().as_secs_f64();
    println!(
        "index of {} datasets built in {build_s:.2} s",
        services.search.num_docs()
    );

    let queries: Vec<SearchQuery> = QUERIES
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
    for _ in 0..rounds {
        for q in &queries {
            let t = Instant::now();
            let r = services
                .search
                .search(&viewer, q, Lang::Ko)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            service.0.push(t.elapsed());
            std::hint::black_box(r);
        }
    }

    println!("{}", service.line("service layer (tantivy)"));

    // The HTTP endpoint, through the real router on loopback.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let router = crate::http::router(services.clone(), Arc::new(config));
    tokio::spawn(async move { axum::serve(listener, router).await });
    let client = reqwest_client();
    let mut http = Stats::default();
    for q in QUERIES {
        http_get(&client, addr, q).await?;
    }
    for _ in 0..rounds {
        for q in QUERIES {
            let t = Instant::now();
            http_get(&client, addr, q).await?;
            http.0.push(t.elapsed());
        }
    }

    println!("{}", http.line("HTTP GET /api/v1/datasets"));
    let server_rss = rss_mb("VmRSS:");
    println!("server RSS with the index loaded: {server_rss:.0} MB");

    // The SQL baseline on the same database.
    let started = Instant::now();
    sql_baseline_setup(&db).await?;
    println!(
        "SQL baseline (FTS5 trigram) built in {:.2} s",
        started.elapsed().as_secs_f64()
    );
    // The baseline is orders of magnitude slower: each query is measured once.
    let sql_rounds = 1;
    let mut sql = Stats::default();
    for _ in 0..sql_rounds {
        for q in &queries {
            let t = Instant::now();
            sql_search(&db, q).await?;
            sql.0.push(t.elapsed());
        }
    }

    let peak = rss_mb("VmHWM:");
    println!();
    println!("{}", service.line("service layer (tantivy)"));
    println!("{}", http.line("HTTP GET /api/v1/datasets"));
    println!("{}", sql.line("SQL baseline (FTS5/LIKE)"));
    println!();
    println!(
        "SQL / service ratio:  p50 {:.1}x   p99 {:.1}x",
        sql.pct(50.0) / service.pct(50.0),
        sql.pct(99.0) / service.pct(99.0)
    );
    println!(
        "server RSS with the index loaded, after the service and HTTP runs: {server_rss:.0} MB"
    );
    println!("peak RSS of the whole benchmark process (incl. catalog generation and the SQL baseline): {peak:.0} MB");
    println!();
    let check = |ok: bool| if ok { "PASS" } else { "FAIL" };
    println!(
        "target p99 < 10 ms through the service ........ {} ({:.2} ms)",
        check(service.pct(99.0) < 10.0),
        service.pct(99.0)
    );
    println!(
        "target >= 20x faster than SQL at p99 .......... {} ({:.1}x)",
        check(sql.pct(99.0) / service.pct(99.0) >= 20.0),
        sql.pct(99.0) / service.pct(99.0)
    );
    println!(
        "target index built in < 20 s .................. {} ({build_s:.2} s)",
        check(build_s < 20.0)
    );
    println!(
        "target server RSS < 300 MB .................... {} ({server_rss:.0} MB)",
        check(server_rss < 300.0)
    );
    Ok(())
}

fn reqwest_client() -> hyper_client::Client {
    hyper_client::Client::new()
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
        values.insert(0, fts.join(" AND ").into());
        "(SELECT rowid AS id, rank FROM ds_fts WHERE ds_fts MATCH ?) m JOIN datasets d ON d.id = m.id".to_string()
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
    let order = if fts.is_empty() {
        "d.updated_at DESC"
    } else {
        "m.rank"
    };
    let offset = (q.page - 1) * q.per_page;
    let statements = [
        format!("SELECT COUNT(*) AS n FROM {from} WHERE {filter}"),
        format!("SELECT d.id, d.slug, d.title_ko, d.title_en, d.description_ko FROM {from} WHERE {filter} ORDER BY {order} LIMIT {} OFFSET {offset}", q.per_page),
        format!(
            "SELECT s.code AS scheme, t.code AS term, COUNT(*) AS n FROM dataset_terms dt JOIN terms t ON t.id = dt.term_id JOIN schemes s ON s.id = t.scheme_id
             WHERE dt.dataset_id IN (SELECT d.id FROM {from} WHERE {filter}) GROUP BY s.code, t.code"
        ),
        format!("SELECT lower(x.format) AS term, COUNT(DISTINCT x.dataset_id) AS n FROM distributions x WHERE x.dataset_id IN (SELECT d.id FROM {from} WHERE {filter}) GROUP BY lower(x.format)"),
    ];
    for sql in statements {
        let rows = db
            .query_all_raw(Statement::from_sql_and_values(
                DatabaseBackend::Sqlite,
                sql,
                values.clone(),
            ))
            .await?;
        std::hint::black_box(rows);
    }
    Ok(())
}

//! Test support: each test gets its own real database (a fresh SQLite file, or a fresh
//! PostgreSQL database created for it and dropped afterwards) and a real server on a loopback
//! port, driven over HTTP.

pub mod builders;

pub use builders::{DatasetBuilder, DepartmentBuilder, TestUser, UserBuilder, TEST_PASSWORD};

use std::net::SocketAddr;
use std::sync::Arc;

use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use server::config::Config;

/// Run each listed `async fn name(backend: Backend)` as two tests: on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! both_databases {
    ($($name:ident),+ $(,)?) => {
        mod sqlite { $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { super::$name(::dongne_tests::Backend::Sqlite).await } )+ }
        mod postgres { $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { super::$name(::dongne_tests::Backend::Postgres).await } )+ }
    };
}

/// No request in a test may hang the suite: it fails with its URL instead.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// A cookie-less client with the test timeout.
pub fn plain_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .build()
        .unwrap()
}

/// `GET url` with the test timeout.
pub async fn get(url: String) -> reqwest::Result<reqwest::Response> {
    plain_client().get(url).send().await
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server for tests (`DONGNE_TEST_PG`, default the local one).
pub fn pg_admin_url() -> String {
    std::env::var("DONGNE_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn unique(prefix: &str) -> String {
    format!(
        "{prefix}_{}_{:08x}",
        std::process::id(),
        rand::random::<u32>()
    )
}

pub struct TestDb {
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    PgDatabase(String),
}

impl TestDb {
    /// A fresh empty database, or `None` when PostgreSQL is not reachable and not required
    /// (`DONGNE_REQUIRE_PG=1`, as the test script sets when it is up, turns that into a failure).
    pub async fn new(backend: Backend) -> Option<TestDb> {
        match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join("dongne-tests");
                std::fs::create_dir_all(&dir).unwrap();
                let path = dir.join(format!("{}.db", unique("t")));
                Some(TestDb {
                    url: format!("sqlite://{}?mode=rwc", path.display()),
                    cleanup: Cleanup::File(path),
                })
            }
            Backend::Postgres => {
                let admin = match Database::connect(pg_admin_url()).await {
                    Ok(c) => c,
                    Err(e) => {
                        if std::env::var("DONGNE_REQUIRE_PG").as_deref() == Ok("1") {
                            panic!(
                                "PostgreSQL required but unreachable at {}: {e}",
                                pg_admin_url()
                            );
                        }
                        eprintln!(
                            "SKIPPED: PostgreSQL unreachable at {} ({e})",
                            pg_admin_url()
                        );
                        return None;
                    }
                };
                let name = unique("dongne_t");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .unwrap();
                admin.close().await.ok();
                let base = pg_admin_url();
                let url = match base.rfind('/') {
                    Some(i) if i > "postgres://".len() => format!("{}/{name}", &base[..i]),
                    _ => panic!("DONGNE_TEST_PG must name a database: {base}"),
                };
                Some(TestDb {
                    url,
                    cleanup: Cleanup::PgDatabase(name),
                })
            }
        }
    }

    /// The test configuration: this database, any port, a small pool, and no anonymous API or
    /// login rate limit (tests call from one address; the limits' own tests turn them on).
    pub fn config(&self) -> Config {
        self.config_with(&[])
    }

    /// [`TestDb::config`] with some variables set differently.
    pub fn config_with(&self, overrides: &[(&str, &str)]) -> Config {
        let url = self.url.clone();
        let overrides: Vec<(String, String)> = overrides
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(move |k| {
            if let Some((_, v)) = overrides.iter().find(|(o, _)| o == k) {
                return Some(v.clone());
            }
            match k {
                "DATABASE_URL" => Some(url.clone()),
                "DONGNE_ADDR" => Some("127.0.0.1:0".into()),
                "DONGNE_DB_MAX_CONNECTIONS" => Some("5".into()),
                // Tests work on the demo catalog and sign in as the demo users.
                "DONGNE_DEMO_DATA" => Some("true".into()),
                "DONGNE_API_RATE_LIMIT" => Some("0".into()),
                "DONGNE_LOGIN_ATTEMPTS" => Some("0".into()),
                // Tests read pages right after changing what they show.
                "DONGNE_PAGE_CACHE_MS" => Some("0".into()),
                // The remote catalogs and city APIs of the tests listen on 127.0.0.1.
                "DONGNE_FETCH_ALLOW" => Some("127.0.0.1/32".into()),
                _ => None,
            }
        })
        .expect("test config")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::PgDatabase(name) => {
                let name = name.clone();
                // Drop on a separate runtime: Drop may run inside or outside a test runtime.
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .unwrap();
                    rt.block_on(async {
                        if let Ok(admin) = Database::connect(pg_admin_url()).await {
                            let _ = admin
                                .execute_unprepared(&format!(
                                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                                ))
                                .await;
                        }
                    });
                })
                .join();
            }
        }
    }
}

/// Servers (and their database pools) live on one process-wide runtime, as in the real binary:
/// a test's own runtime ends with the test, and no server task may be tied to it.
fn server_runtime() -> &'static tokio::runtime::Runtime {
    static RT: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    RT.get_or_init(|| {
        // More threads than cores: one server's CPU-bound moment (building a search index)
        // must not stall the other tests' servers.
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(4)
            .enable_all()
            .thread_name("test-server")
            .build()
            .expect("test server runtime")
    })
}

/// A running server on a loopback port, on its own database.
pub struct TestApp {
    pub base: String,
    pub db: DatabaseConnection,
    pub services: domain::ctx::Services,
    /// Shared by the instances of one database (see [`TestApp::join`]); dropped with the last.
    test_db: Arc<TestDb>,
    /// Tasks started for this instance (its HTTP server, job worker and any background work):
    /// stopped when the test ends, so they do not load the shared server runtime (a worker
    /// polls its database every 2 s) for the rest of the suite.
    background: std::sync::Mutex<Vec<tokio::task::AbortHandle>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Ok(tasks) = self.background.lock() {
            for t in tasks.iter() {
                t.abort();
            }
        }
    }
}

impl TestApp {
    pub async fn start(backend: Backend) -> Option<TestApp> {
        Self::start_with(backend, &[]).await
    }

    /// [`TestApp::start`] with some configuration variables set (see [`TestDb::config_with`]).
    pub async fn start_with(backend: Backend, overrides: &[(&str, &str)]) -> Option<TestApp> {
        let test_db = Arc::new(TestDb::new(backend).await?);
        Some(Self::boot(test_db, overrides).await)
    }

    /// A second instance on this one's database (its own port, pool, search index and live
    /// state), as several instances behind a load balancer.
    pub async fn join(&self) -> TestApp {
        Self::boot(self.test_db.clone(), &[]).await
    }

    async fn boot(test_db: Arc<TestDb>, overrides: &[(&str, &str)]) -> TestApp {
        let mut config = test_db.config_with(overrides);
        // Absolute addresses name the real port (unless the test sets its own public URL).
        let own_url = !overrides.iter().any(|(k, _)| *k == "DONGNE_PUBLIC_URL");
        let (db, services, addr, tasks) = server_runtime()
            .spawn(async move {
                let db = server::prepare_database(&config)
                    .await
                    .expect("database prepared");
                let services = domain::ctx::Services::new(db.clone())
                    .await
                    .expect("search index built")
                    .with_feedback_limit(config.feedback_per_hour)
                    .with_login_limit(config.login_attempts)
                    .with_fetch_allow(config.fetch_allow.clone());
                let jobs = services.start_jobs();
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                let addr: SocketAddr = listener.local_addr().unwrap();
                if own_url {
                    config.public_url = format!("http://{addr}");
                }
                let router = server::http::router(services.clone(), Arc::new(config));
                let serve = tokio::spawn(async move {
                    axum::serve(
                        listener,
                        router.into_make_service_with_connect_info::<SocketAddr>(),
                    )
                    .await
                    .expect("server runs");
                });
                let tasks = vec![jobs.abort_handle(), serve.abort_handle()];
                (db, services, addr, tasks)
            })
            .await
            .expect("test server started");
        TestApp {
            base: format!("http://{addr}"),
            db,
            services,
            test_db,
            background: std::sync::Mutex::new(tasks),
        }
    }

    /// Start what `server serve` runs beside the router: the crowd feed (simulated, polled
    /// every `interval`, no backfill) and the listener for other instances' changes. Abort the
    /// handles to kill them as a crash would (the feed's lock connection closes).
    pub async fn start_background(
        &self,
        interval: std::time::Duration,
    ) -> Vec<tokio::task::JoinHandle<()>> {
        let services = self.services.clone();
        let handles = server_runtime()
            .spawn(async move {
                let mut feed = domain::services::crowd::feed::FeedConfig::new(
                    domain::services::crowd::feed::FeedSource::Simulated,
                );
                feed.interval = interval;
                feed.backfill_hours = 0;
                let mut handles =
                    vec![domain::services::crowd::feed::spawn(services.clone(), feed)];
                handles.extend(domain::cluster::listener::spawn_listener(services));
                handles
            })
            .await
            .expect("background started");
        if let Ok(mut tasks) = self.background.lock() {
            tasks.extend(handles.iter().map(|h| h.abort_handle()));
        }
        handles
    }

    pub fn config(&self) -> Config {
        self.test_db.config()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A client that keeps cookies (like a browser) and does not follow redirects.
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(REQUEST_TIMEOUT)
            .build()
            .unwrap()
    }

    /// Sign in through the real login server function; returns the client holding the session.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
    ) -> (reqwest::Client, reqwest::StatusCode) {
        let client = self.client();
        let resp = client
            .post(self.url("/api/login"))
            .header("accept", "application/json")
            .form(&[("username", username), ("password", password)])
            .send()
            .await
            .unwrap();
        let status = resp.status();
        (client, status)
    }
}

/// The first public, published demo dataset, its department's code, and another department's.
pub async fn public_dataset(app: &TestApp) -> (domain::entities::dataset::Model, String, String) {
    use domain::entities::dataset;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let d = dataset::Entity::find()
        .filter(dataset::Column::Status.eq("published"))
        .filter(dataset::Column::Visibility.eq("public"))
        .order_by_asc(dataset::Column::Id)
        .one(&app.db)
        .await
        .unwrap()
        .expect("the demo catalog has a public published dataset");
    let (owner, other) = department_codes(app, d.department_id).await;
    (d, owner, other)
}

/// The code of department `id`, and of the first other department.
pub async fn department_codes(app: &TestApp, id: i32) -> (String, String) {
    use domain::entities::department;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let owner = department::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .expect("the department exists")
        .code;
    let other = department::Entity::find()
        .filter(department::Column::Code.ne(owner.as_str()))
        .order_by_asc(department::Column::Id)
        .one(&app.db)
        .await
        .unwrap()
        .expect("another department")
        .code;
    (owner, other)
}

/// The first draft dataset that has a distribution, and that distribution (its first).
pub async fn draft_with_distribution(
    app: &TestApp,
) -> (
    domain::entities::dataset::Model,
    domain::entities::distribution::Model,
) {
    use domain::entities::{dataset, distribution};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    for d in dataset::Entity::find()
        .filter(dataset::Column::Status.eq("draft"))
        .order_by_asc(dataset::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
    {
        if let Some(dist) = distribution::Entity::find()
            .filter(distribution::Column::DatasetId.eq(d.id))
            .order_by_asc(distribution::Column::Position)
            .one(&app.db)
            .await
            .unwrap()
        {
            return (d, dist);
        }
    }
    panic!("the demo catalog has a draft with a distribution")
}

/// Send a request: its status and JSON body (`null` when it has none).
pub async fn send(req: reqwest::RequestBuilder) -> (reqwest::StatusCode, serde_json::Value) {
    let resp = req.send().await.unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap_or(serde_json::Value::Null))
}

/// A dataset's version, read from the database.
pub async fn dataset_version(app: &TestApp, id: i32) -> i32 {
    use sea_orm::EntityTrait;
    domain::entities::dataset::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .expect("dataset exists")
        .version
}

/// GET `path` with `client` and decode the JSON body.
pub async fn get_json(client: &reqwest::Client, app: &TestApp, path: &str) -> serde_json::Value {
    client
        .get(app.url(path))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// An open Server-Sent Events stream and what arrived of it not yet read.
pub struct SseStream {
    resp: reqwest::Response,
    buf: String,
}

impl SseStream {
    pub async fn open(client: &reqwest::Client, url: String) -> SseStream {
        let resp = client.get(url).send().await.unwrap();
        assert_eq!(resp.status(), reqwest::StatusCode::OK);
        assert!(resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream"));
        SseStream {
            resp,
            buf: String::new(),
        }
    }

    /// The next whole event: (name, id, data), keep-alive comments skipped.
    async fn next(&mut self) -> (String, u64, serde_json::Value) {
        loop {
            if let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                let (mut name, mut id, mut data) = (String::new(), 0, String::new());
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("event:") {
                        name = v.trim().to_string();
                    } else if let Some(v) = line.strip_prefix("id:") {
                        id = v.trim().parse().unwrap();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push_str(v.trim_start());
                    }
                }
                if name.is_empty() {
                    continue;
                }
                return (name, id, serde_json::from_str(&data).unwrap());
            }
            let chunk = self
                .resp
                .chunk()
                .await
                .unwrap()
                .expect("the stream stays open");
            self.buf.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// Read until `n` events named `name` arrived, each within 10 s: (id, data) of each.
    pub async fn events(&mut self, name: &str, n: usize) -> Vec<(u64, serde_json::Value)> {
        let mut out = Vec::new();
        while out.len() < n {
            let (event, id, data) =
                tokio::time::timeout(std::time::Duration::from_secs(10), self.next())
                    .await
                    .unwrap_or_else(|_| panic!("no event within 10 s (waiting for {name})"));
            if event == name {
                out.push((id, data));
            }
        }
        out
    }

    /// The next event named `name` (others are skipped), which must arrive `within`.
    pub async fn expect(&mut self, name: &str, within: std::time::Duration) -> serde_json::Value {
        tokio::time::timeout(within, async {
            loop {
                let (event, _, data) = self.next().await;
                if event == name {
                    return data;
                }
            }
        })
        .await
        .unwrap_or_else(|_| panic!("no {name} event within {within:?}"))
    }
}

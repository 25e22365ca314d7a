#![recursion_limit = "256"]
use anyhow::Context;
use clap::{Parser, Subcommand};
use server::config::{Config, LogFormat};

/// Dongne: the district data platform.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the app (the default).
    Serve,
    /// Apply pending migrations and exit.
    Migrate,
    /// Migrate and load the demo data into an empty database, then exit.
    Seed,
    /// Build the search index from the database and report it. (Each running server builds
    /// its own index at start and keeps it in step with every change.)
    Reindex,
    /// Import dataset metadata from a CSV or XLSX sheet (all rows or none; upsert by slug).
    Import {
        /// The sheet: .csv (UTF-8) or .xlsx, headers as field names or Korean/English labels.
        file: std::path::PathBuf,
        /// Check every row and report what would change, without writing anything.
        #[arg(long)]
        dry_run: bool,
        /// The user the revisions are credited to (their permissions apply).
        #[arg(long, default_value = "admin")]
        user: String,
    },
    /// Administrators: create the first one of a database without demo data.
    Admin {
        #[command(subcommand)]
        action: AdminAction,
    },
    /// Harvest sources: other catalogs (CKAN, DCAT) and sheets at a URL.
    Harvest {
        #[command(subcommand)]
        action: HarvestAction,
    },
    /// Benchmark search at scale against a plain-SQL baseline (run with --release).
    BenchSearch {
        /// How many datasets the synthetic catalog has.
        #[arg(long, default_value_t = 100_000)]
        datasets: usize,
        /// How many times each query is measured.
        #[arg(long, default_value_t = 20)]
        rounds: usize,
        /// Measure only this query string (repeatable), say `--query 'q=공원&theme=environment'`,
        /// instead of the fixed set: for profiling one query.
        #[arg(long = "query")]
        queries: Vec<String>,
        /// Leave out the plain-SQL baseline (it takes minutes at 100,000 datasets).
        #[arg(long)]
        skip_sql: bool,
    },
    /// Benchmark the crowd map in an emergency: live subscribers, update latency and the light
    /// list under load, against a baseline (run with --release; see scripts/bench-crowd).
    BenchCrowd {
        /// Live Server-Sent Events subscribers during the surge.
        #[arg(long, default_value_t = 10_000)]
        subscribers: usize,
        /// Seconds of /crowd/lite load in each phase.
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Readings pushed during the surge.
        #[arg(long, default_value_t = 10)]
        updates: usize,
        /// Concurrent /crowd/lite clients.
        #[arg(long, default_value_t = 32)]
        lite_clients: usize,
    },
    /// The subscriber half of the crowd benchmark against a server that is already running: open
    /// live SSE subscribers, print `ready N`, push readings to a local point and print the update
    /// latency (see scripts/load-surge, which loads the public pages meanwhile).
    BenchSubscribers {
        /// The running server, `http://127.0.0.1:PORT` (signs in as the demo administrator).
        #[arg(long)]
        url: String,
        /// Live Server-Sent Events subscribers to hold.
        #[arg(long, default_value_t = 10_000)]
        subscribers: usize,
        /// Seconds over which the readings are pushed.
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Readings pushed.
        #[arg(long, default_value_t = 10)]
        updates: usize,
        /// After `ready`, wait for SIGUSR1 before pushing.
        #[arg(long)]
        wait_signal: bool,
    },
}

#[derive(Subcommand)]
enum AdminAction {
    /// Create the first administrator (refused once an active one exists). The password is
    /// read from standard input with --password-stdin, else generated and printed once.
    Create {
        username: String,
        /// The name shown in the app (default: the username).
        #[arg(long)]
        display_name: Option<String>,
        /// Read the password (one line) from standard input.
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Subcommand)]
enum HarvestAction {
    /// List the sources with their schedule and last run.
    List,
    /// Add a source (or change one with --id).
    Add {
        /// Change this source instead of adding one.
        #[arg(long)]
        id: Option<i32>,
        #[arg(long)]
        name: String,
        /// ckan, dcat or sheet.
        #[arg(long)]
        kind: String,
        /// The CKAN site, the DCAT JSON-LD document, or the CSV/XLSX file.
        #[arg(long)]
        url: String,
        /// The code of the department the harvested datasets belong to.
        #[arg(long)]
        department: String,
        /// The source institution every harvested dataset names.
        #[arg(long)]
        institution: String,
        /// A `scheme:code` term every harvested dataset gets (repeatable).
        #[arg(long = "term")]
        terms: Vec<String>,
        /// What new datasets start as: public or internal.
        #[arg(long, default_value = "public")]
        visibility: String,
        /// Run every this many minutes (default: on demand only).
        #[arg(long)]
        every: Option<i32>,
        /// Save it disabled.
        #[arg(long)]
        disabled: bool,
    },
    /// Run a source now and print its report.
    Run {
        id: i32,
        /// The administrator the run is credited to.
        #[arg(long, default_value = "admin")]
        user: String,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let config = Config::from_env().context("reading configuration")?;
    init_tracing(&config.log_format);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => server::serve(config).await,
        Command::Migrate => {
            let db = domain::db::connect(&config.database_url, 1)
                .await
                .context("connecting")?;
            domain::db::migrate(&db).await.context("migrating")?;
            Ok(())
        }
        Command::Reindex => {
            let db = domain::db::connect(&config.database_url, 2)
                .await
                .context("connecting")?;
            domain::db::migrate(&db).await.context("migrating")?;
            let started = std::time::Instant::now();
            let index = domain::search::SearchIndex::empty().map_err(|e| anyhow::anyhow!("{e}"))?;
            let n = index
                .rebuild(&db)
                .await
                .map_err(|e| anyhow::anyhow!("reindexing: {e}"))?;
            println!(
                "indexed {n} datasets in {:.2} s",
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::BenchCrowd {
            subscribers,
            seconds,
            updates,
            lite_clients,
        } => {
            server::bench_crowd::run(server::bench_crowd::Options {
                subscribers,
                seconds,
                updates,
                lite_clients,
            })
            .await
        }
        Command::BenchSubscribers {
            url,
            subscribers,
            seconds,
            updates,
            wait_signal,
        } => {
            server::bench_crowd::hold(server::bench_crowd::HoldOptions {
                url,
                subscribers,
                seconds,
                updates,
                wait_signal,
            })
            .await
        }
        Command::BenchSearch {
            datasets,
            rounds,
            queries,
            skip_sql,
        } => {
            server::bench::run(server::bench::Options {
                datasets,
                rounds,
                queries,
                skip_sql,
            })
            .await
        }
        Command::Import {
            file,
            dry_run,
            user,
        } => server::import_file(&config, &file, &user, dry_run).await,
        Command::Admin {
            action:
                AdminAction::Create {
                    username,
                    display_name,
                    password_stdin,
                },
        } => server::cli::admin_create(&config, &username, display_name, password_stdin).await,
        Command::Harvest { action } => match action {
            HarvestAction::List => server::cli::harvest_list(&config).await,
            HarvestAction::Add {
                id,
                name,
                kind,
                url,
                department,
                institution,
                terms,
                visibility,
                every,
                disabled,
            } => {
                let input = app::jobs::HarvestSourceInput {
                    id,
                    name,
                    kind,
                    url,
                    department,
                    source_institution: institution,
                    default_terms: terms,
                    visibility,
                    interval_minutes: every,
                    enabled: !disabled,
                };
                server::cli::harvest_add(&config, input).await
            }
            HarvestAction::Run { id, user } => server::cli::harvest_run(&config, id, &user).await,
        },
        Command::Seed => {
            let config = Config {
                demo_data: true,
                ..config
            };
            server::prepare_database(&config).await.map(|_| ())
        }
    }
}

fn init_tracing(format: &LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

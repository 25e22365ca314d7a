#![recursion_limit = "256"]
use anyhow::Context;
use clap::{Parser, Subcommand};
use server::config::Config;

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
    server::init_tracing(&config.log_format);
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

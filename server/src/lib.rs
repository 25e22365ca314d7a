#![recursion_limit = "256"]
//! Dongne's server: configuration, database, services, HTTP.
//!
//! Error policy: `anyhow` only at boot and in the CLI (`main.rs`, [`run`]); services return
//! `types::error::AppError` domain errors (in the `domain` crate); HTTP statuses come from
//! `AppError::status`, in one place.

pub mod cli;
pub mod config;
pub mod http;
pub mod metrics;
pub mod proxy;

use std::sync::Arc;

use anyhow::Context;
use sea_orm::DatabaseConnection;

use crate::config::{Config, LogFormat};
use domain::{cluster, db, entities, search, seed, services};

/// Log to standard error (JSON or text), filtered by `RUST_LOG` (default: info, quieter SQL).
pub fn init_tracing(format: &LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

/// Connect, migrate and (when enabled and empty) load the demo data.
pub async fn prepare_database(config: &Config) -> anyhow::Result<DatabaseConnection> {
    let db = db::connect(&config.database_url, config.db_max_connections)
        .await
        .with_context(|| {
            format!(
                "connecting to the database ({})",
                redact(&config.database_url)
            )
        })?;
    db::migrate(&db).await.context("running migrations")?;
    let added = services::crowd::registry::ensure(&db)
        .await
        .map_err(|e| anyhow::anyhow!("loading the hot spot registry: {e:?}"))?;
    if added > 0 {
        tracing::info!(places = added, "hot spot registry loaded");
    }
    if config.demo_data
        && seed::seed_if_empty(&db)
            .await
            .context("loading demo data")?
    {
        tracing::info!(datasets = seed::DATASET_COUNT, "demo data loaded");
    }
    Ok(db)
}

/// Serve until SIGINT/SIGTERM, then finish in-flight requests.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    let db = prepare_database(&config).await?;
    if !config.demo_data
        && !services::admin::create_first_admin::has_admin(&db)
            .await
            .map_err(|e| anyhow::anyhow!("looking for an administrator: {e:?}"))?
    {
        tracing::warn!(
            "no administrator yet: create the first one with `server admin create USERNAME` \
             (nobody can sign in until then; DONGNE_DEMO_DATA=true loads the demo accounts instead)"
        );
    }
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .with_context(|| format!("listening on {}", config.addr))?;
    tracing::info!(addr = %config.addr, "Dongne listening on http://{}", config.addr);
    let started = std::time::Instant::now();
    let services = domain::ctx::Services::new(db.clone())
        .await
        .map_err(|e| anyhow::anyhow!("building the search index: {e}"))?;
    tracing::info!(
        datasets = services.search.num_docs(),
        ms = started.elapsed().as_millis() as u64,
        "search index built"
    );
    let services = services
        .with_uploads(config.data_dir.join("uploads"))
        .with_feedback_limit(config.feedback_per_hour)
        .with_login_limit(config.login_attempts)
        .with_fetch_allow(config.fetch_allow.clone());
    let worker = services.start_jobs();
    let view_flusher =
        services::popular::spawn_flusher(services.views.clone(), services.db.clone());
    let last_views = services.clone();
    let feed = services::crowd::feed::FeedConfig::new(match &config.citydata_key {
        Some(key) => services::crowd::feed::FeedSource::City {
            base: config.citydata_url.clone(),
            key: key.clone(),
        },
        None => services::crowd::feed::FeedSource::Simulated,
    });
    tracing::info!(source = feed.source.label(), "crowd feed starting");
    let crowd = services::crowd::feed::spawn(services.clone(), feed);
    // Several instances on one PostgreSQL hear of each other's changes.
    let peers = cluster::listener::spawn_listener(services.clone());
    let live = services.live.clone();
    let router = http::router(services, Arc::new(config));
    // Responses are written in pieces (headers, then the streamed page): without TCP_NODELAY
    // a piece can wait for the client's delayed acknowledgement (40 ms on Linux).
    use axum::serve::ListenerExt;
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "TCP_NODELAY not set");
        }
    });
    // A make-service that clones the router (an `Arc`) per connection: serving the `Router` itself
    // would rebuild every route for each connection (about 260 KiB each).
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        // Live streams never end by themselves: end them so in-flight requests can drain.
        live.close();
    })
    .await?;
    // The worker stops between jobs; a job cut short is resumed at the next start.
    let _ = tokio::time::timeout(std::time::Duration::from_secs(10), worker).await;
    let _ = tokio::time::timeout(std::time::Duration::from_secs(5), crowd).await;
    view_flusher.abort();
    if let Some(l) = peers {
        let _ = tokio::time::timeout(std::time::Duration::from_secs(5), l).await;
    }
    if let Err(e) = last_views.views.flush(&db).await {
        tracing::warn!(error = %e, "could not store the last page views");
    }
    db.close().await.ok();
    tracing::info!("stopped");
    Ok(())
}

/// `server import FILE`: print the report, or every row problem (and fail).
pub async fn import_file(
    config: &Config,
    path: &std::path::Path,
    username: &str,
    dry_run: bool,
) -> anyhow::Result<()> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let db = prepare_database(config).await?;
    let u = entities::user::Entity::find()
        .filter(entities::user::Column::Username.eq(username))
        .filter(entities::user::Column::Active.eq(true))
        .one(&db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no active user '{username}' (--user)"))?;
    let user = services::auth::to_session_user(&db, u)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let name = path.file_name().and_then(|n| n.to_str());
    let search = search::SearchIndex::empty().map_err(|e| anyhow::anyhow!("{e}"))?;
    let result = match services::transfer::sheet::read(name, &bytes) {
        Ok(rows) => {
            services::transfer::import::import(
                &db,
                &search,
                &user,
                rows,
                name.unwrap_or("file"),
                dry_run,
            )
            .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(r) => {
            let verb = if r.dry_run { "would be" } else { "were" };
            println!(
                "{} created, {} updated, {} unchanged ({verb} applied){}",
                r.created,
                r.updated,
                r.unchanged,
                if r.dry_run {
                    ""
                } else {
                    "; running servers see the changes after a restart"
                }
            );
            for row in r.rows {
                println!(
                    "row {}: {} {:?} {}",
                    row.row,
                    row.slug,
                    row.action,
                    row.changed_fields.join(", ")
                );
            }
            Ok(())
        }
        Err(app::error::AppError::InvalidFields { errors }) => {
            for e in &errors {
                eprintln!("{}", e.message_en);
            }
            anyhow::bail!("{} problem(s); nothing was imported", errors.len())
        }
        Err(e) => anyhow::bail!("{}", e.message(app::i18n::Lang::En)),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        tokio::signal::ctrl_c().await.ok();
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutdown signal received, draining requests");
}

/// A database URL without its password, for logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}{}:***{}", &url[..s + 3], user, &url[at..])
        }
        _ => url.to_string(),
    }
}

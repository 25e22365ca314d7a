#![recursion_limit = "256"]
//! Dongne's server: configuration, database, services, HTTP.
//!
//! Error policy: `anyhow` only at boot and in the CLI (`main.rs`, [`run`]); services return
//! `app::error::AppError` domain errors; HTTP statuses come from `AppError::status`, in one place.

pub mod bench;
pub mod config;
pub mod db;
pub mod entities;
pub mod http;
pub mod live;
pub mod search;
pub mod seed;
pub mod services;

use std::sync::Arc;

use anyhow::Context;
use sea_orm::DatabaseConnection;

use crate::config::Config;

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
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .with_context(|| format!("listening on {}", config.addr))?;
    tracing::info!(addr = %config.addr, "Dongne listening on http://{}", config.addr);
    let started = std::time::Instant::now();
    let services = services::Services::new(db.clone())
        .await
        .map_err(|e| anyhow::anyhow!("building the search index: {e}"))?;
    tracing::info!(
        datasets = services.search.num_docs(),
        ms = started.elapsed().as_millis() as u64,
        "search index built"
    );
    let live = services.live.clone();
    let router = http::router(services, Arc::new(config));
    axum::serve(listener, router)
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            // Live streams never end by themselves: end them so in-flight requests can drain.
            live.close();
        })
        .await?;
    db.close().await.ok();
    tracing::info!("stopped");
    Ok(())
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

//! Domain services: plain async functions over a `DatabaseConnection`, testable without Leptos.
//! They return `AppError` domain variants; database failures become `Internal` with a logged
//! reference, never a leaked message.

pub mod activity;
pub mod admin;
pub mod api_keys;
pub mod auth;
pub mod catalog;
pub mod comments;
pub mod crowd;
pub mod csv_safe;
pub mod datasets;
pub mod feedback;
pub mod freshness;
pub mod harvest;
pub mod jobs;
pub mod login_throttle;
pub mod notifications;
pub mod people;
pub mod popular;
pub mod profiling;
pub mod proposals;
pub mod transfer;
pub mod xlsx;

use std::fmt::Display;
use std::sync::Arc;

use sea_orm::DatabaseConnection;
use types::collab::ProposalInfo;
use types::editing::DatasetPatch;
use types::error::AppError;
use types::model::{SessionUser, Viewer};

/// Log the real cause and return an opaque error with a reference to it; a full disk under the
/// database is told as such ([`AppError::StorageFull`]: the transaction was rolled back).
pub fn internal(err: impl Display) -> AppError {
    let err = err.to_string();
    if storage_full(&err) {
        tracing::error!(error = %err, "the database's storage is full: a write was refused");
        return AppError::StorageFull;
    }
    let reference = format!("{:08x}", rand::random::<u32>());
    tracing::error!(%reference, error = %err, "internal error");
    AppError::Internal { reference }
}

/// SQLite's SQLITE_FULL (code 13), PostgreSQL's disk_full (53100) or ENOSPC from either.
fn storage_full(err: &str) -> bool {
    err.contains("database or disk is full")
        || err.contains("(code: 13)")
        || err.contains("53100")
        || err.contains("No space left on device")
}

pub trait OrInternal<T> {
    fn or_internal(self) -> Result<T, AppError>;
}

impl<T, E: Display> OrInternal<T> for Result<T, E> {
    fn or_internal(self) -> Result<T, AppError> {
        self.map_err(internal)
    }
}

/// What every operation works with: the database, the search index, live channels, the job
/// queue's wake-up, limits and the outbound HTTP client (`ops::Ctx`).
#[derive(Clone)]
pub struct Services {
    pub db: DatabaseConnection,
    pub search: Arc<crate::search::SearchIndex>,
    /// Who has which dataset open, and change notices (Server-Sent Events).
    pub live: Arc<crate::live::Live>,
    /// Wakes this process's job worker when a job is queued.
    pub jobs_wake: Arc<tokio::sync::Notify>,
    /// Where uploaded files wait for their job (`DONGNE_DATA_DIR`/uploads).
    pub uploads: std::path::PathBuf,
    /// The crowd state shared by every open crowd stream.
    pub crowd_live: Arc<crowd::live::CrowdLive>,
    /// Dataset page views not yet written.
    pub views: Arc<popular::ViewCounter>,
    /// Problem reports per client address (`None`: no limit).
    pub feedback_limit: Option<Arc<crate::rate_limit::RateLimiter>>,
    /// Login attempts per client address.
    pub login_limit: Option<Arc<crate::rate_limit::RateLimiter>>,
    /// Other instances on the same PostgreSQL, told of changes.
    pub peers: Arc<crate::cluster::Peers>,
    /// Whether this instance polls the crowd feed now.
    pub feed_leader: Arc<std::sync::atomic::AtomicBool>,
    /// The one HTTP client for requests to other machines (harvests, the city API).
    pub outbound: crate::net::Outbound,
}

impl Services {
    /// Services over `db`, with the search index built from it.
    pub async fn new(db: DatabaseConnection) -> Result<Services, AppError> {
        let search = Arc::new(crate::search::SearchIndex::build(&db).await?);
        let peers = Arc::new(crate::cluster::Peers::new(&db));
        search.set_peers(peers.clone());
        Ok(Services {
            db,
            search,
            live: Arc::default(),
            jobs_wake: Arc::default(),
            uploads: std::env::temp_dir().join("dongne-uploads"),
            crowd_live: Arc::default(),
            views: Arc::default(),
            feedback_limit: Self::feedback_limiter(5),
            login_limit: Self::login_limiter(auth::LOGINS_PER_ADDRESS),
            peers,
            feed_leader: Arc::default(),
            outbound: crate::net::Outbound::default(),
        })
    }

    /// Keep uploads under `dir` (they must outlive a restart for their jobs to resume).
    pub fn with_uploads(mut self, dir: std::path::PathBuf) -> Services {
        self.uploads = dir;
        self
    }

    fn feedback_limiter(per_hour: u32) -> Option<Arc<crate::rate_limit::RateLimiter>> {
        crate::rate_limit::RateLimiter::shared(per_hour, std::time::Duration::from_secs(3600))
    }

    fn login_limiter(per_10_min: u32) -> Option<Arc<crate::rate_limit::RateLimiter>> {
        crate::rate_limit::RateLimiter::shared(per_10_min, std::time::Duration::from_secs(600))
    }

    /// Let outbound requests reach the internal networks and hosts in `allow`.
    pub fn with_fetch_allow(mut self, allow: crate::net::FetchAllow) -> Services {
        self.outbound = crate::net::Outbound::new(allow);
        self
    }

    /// Accept at most `per_10_min` login attempts per client address (0: no limit).
    pub fn with_login_limit(mut self, per_10_min: u32) -> Services {
        self.login_limit = Self::login_limiter(per_10_min);
        self
    }

    /// Accept at most `per_hour` problem reports per client address (0: no limit).
    pub fn with_feedback_limit(mut self, per_hour: u32) -> Services {
        self.feedback_limit = Self::feedback_limiter(per_hour);
        self
    }

    /// A resident's problem report from `client`: validated, then rate limited per address,
    /// then stored for the owning department.
    pub async fn report_problem(
        &self,
        client: std::net::IpAddr,
        viewer: &Viewer,
        id_or_slug: &str,
        input: &types::feedback::FeedbackInput,
    ) -> Result<feedback::create::Outcome, AppError> {
        let new = input.validate()?;
        if let Some(limit) = &self.feedback_limit {
            limit
                .check(client)
                .map_err(|retry_after| AppError::RateLimited { retry_after })?;
        }
        feedback::create::create(&self.db, viewer, id_or_slug, new, input.is_bot()).await
    }

    /// Start the background job worker (until the server stops).
    pub fn start_jobs(&self) -> tokio::task::JoinHandle<()> {
        jobs::runner::spawn(self.clone())
    }

    /// Queue a job and wake the worker.
    pub async fn queue(&self, new: jobs::NewJob) -> Result<i32, AppError> {
        let id = jobs::enqueue(&self.db, new).await?;
        self.jobs_wake.notify_one();
        Ok(id)
    }
}

/// Crowd updates: every path that stores readings or changes alerts goes through these, so
/// open maps always hear of it.
impl Services {
    /// After readings were stored: publish every place's status, evaluate the alert rules, and
    /// publish the alerts when they changed.
    pub async fn crowd_updated(&self) -> Result<crowd::alerts::Evaluation, AppError> {
        self.crowd_live.publish(&self.db).await?;
        self.peers.crowd_changed(false).await;
        self.evaluate_alerts().await
    }

    /// Evaluate the alert rules now; publish the alerts when they changed (or were never
    /// published).
    pub async fn evaluate_alerts(&self) -> Result<crowd::alerts::Evaluation, AppError> {
        let e = crowd::alerts::evaluate(&self.db, chrono::Utc::now()).await?;
        if e.changed() || self.crowd_live.alerts.current().is_none() {
            self.crowd_live.publish_alerts(&self.db).await?;
            if e.changed() {
                self.peers.crowd_changed(true).await;
            }
        }
        Ok(e)
    }

    /// After an alert, a rule or emergency mode changed: publish the alerts.
    pub async fn alerts_changed(&self) -> Result<(), AppError> {
        self.crowd_live.publish_alerts(&self.db).await?;
        self.peers.crowd_changed(true).await;
        Ok(())
    }
}

/// Changes to a dataset, announced to whoever has it open (the live stream). The JSON API and
/// the UI's server functions both go through these, so no path forgets the announcement.
impl Services {
    fn announce(&self, u: &datasets::update::Updated, by: &SessionUser) {
        if !u.changed_fields.is_empty() {
            self.live.changed(u.id, u.version, by);
        }
    }

    pub async fn apply_update(
        &self,
        user: &SessionUser,
        id_or_slug: &str,
        version: i32,
        patch: &DatasetPatch,
    ) -> Result<datasets::update::Updated, AppError> {
        let u = datasets::update::update(&self.db, &self.search, user, id_or_slug, version, patch)
            .await?;
        self.announce(&u, user);
        Ok(u)
    }

    pub async fn apply_revert(
        &self,
        user: &SessionUser,
        id_or_slug: &str,
        version: i32,
        to: i32,
    ) -> Result<datasets::update::Updated, AppError> {
        let u =
            datasets::revert::revert(&self.db, &self.search, user, id_or_slug, version, to).await?;
        self.announce(&u, user);
        Ok(u)
    }

    pub async fn apply_acceptance(
        &self,
        user: &SessionUser,
        proposal: i32,
        version: i32,
        resolution: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<ProposalInfo, AppError> {
        let info =
            proposals::decide::accept(&self.db, &self.search, user, proposal, version, resolution)
                .await?;
        if let Some(v) = info.applied_version {
            self.live.changed(info.dataset.id, v, user);
        }
        Ok(info)
    }
}

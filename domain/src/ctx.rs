//! The context every operation works with ([`Services`], `ops::Ctx`): the database, the
//! search index, live channels, the job queue's wake-up, limits and the outbound HTTP client,
//! and the announcements that must follow changes (crowd maps, other instances).
//!
//! It sits above what it holds and below what uses it: the job runner, the cluster listener,
//! the crowd feed and the operations take it; nothing it holds takes it back.

use std::sync::Arc;

use sea_orm::DatabaseConnection;
use types::error::AppError;

use crate::services::auth::LOGINS_PER_ADDRESS;
use crate::services::crowd::alerts;
use crate::services::crowd::live::CrowdLive;
use crate::services::jobs::{enqueue, NewJob};
use crate::services::popular::ViewCounter;

/// What every operation works with: the database, the search index, live channels, the job
/// queue's wake-up, limits and the outbound HTTP client (`ops::Ctx`). Built once at start; cheap to clone (shared parts are
/// behind `Arc`s).
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
    pub crowd_live: Arc<CrowdLive>,
    /// Dataset page views not yet written.
    pub views: Arc<ViewCounter>,
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
            login_limit: Self::login_limiter(LOGINS_PER_ADDRESS),
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

    /// Queue a job and wake the worker.
    pub async fn queue(&self, new: NewJob) -> Result<i32, AppError> {
        let id = enqueue(&self.db, new).await?;
        self.jobs_wake.notify_one();
        Ok(id)
    }
}

/// Crowd updates: every path that stores readings or changes alerts goes through these, so
/// open maps always hear of it.
impl Services {
    /// After readings were stored: publish every place's status, evaluate the alert rules, and
    /// publish the alerts when they changed.
    pub async fn crowd_updated(&self) -> Result<alerts::Evaluation, AppError> {
        self.crowd_live.publish(&self.db).await?;
        self.peers.crowd_changed(false).await;
        self.evaluate_alerts().await
    }

    /// Evaluate the alert rules now; publish the alerts when they changed (or were never
    /// published).
    pub async fn evaluate_alerts(&self) -> Result<alerts::Evaluation, AppError> {
        let e = alerts::evaluate(&self.db, chrono::Utc::now()).await?;
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

//! Domain services: plain async functions over a `DatabaseConnection`, testable without Leptos.
//! They return `AppError` domain variants; database failures become `Internal` with a logged
//! reference, never a leaked message.

pub mod activity;
pub mod admin;
pub mod api_keys;
pub mod auth;
pub mod catalog;
pub mod ckan;
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

use app::admin::{DepartmentInput, TermInput, UserInput};
use app::collab::*;
use app::editing::DatasetPatch;
use app::error::AppError;
use app::i18n::Lang;
use app::model::*;
use app::search::{SearchQuery, SearchResult, Suggestion};
use async_trait::async_trait;
use sea_orm::DatabaseConnection;

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

/// The server's implementation of the UI's [`app::ssr::Backend`] port.
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
        input: &app::feedback::FeedbackInput,
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

#[async_trait]
impl app::ssr::Backend for Services {
    async fn session_user(&self, token: &str) -> Result<Option<SessionUser>, AppError> {
        auth::session_user(&self.db, token).await
    }
    async fn login(
        &self,
        client: Option<std::net::IpAddr>,
        input: &LoginInput,
    ) -> Result<(SessionUser, String), AppError> {
        if let (Some(limit), Some(ip)) = (&self.login_limit, client) {
            limit
                .check(ip)
                .map_err(|retry_after| AppError::RateLimited { retry_after })?;
        }
        auth::login(&self.db, client, input).await
    }
    async fn logout(&self, token: &str) -> Result<(), AppError> {
        auth::logout(&self.db, token).await
    }
    fn record_view(&self, client: Option<std::net::IpAddr>, dataset_id: i32) {
        self.views.record(client, dataset_id);
    }
    async fn dataset_feedback(
        &self,
        user: &SessionUser,
        slug: &str,
    ) -> Result<Option<Vec<app::feedback::FeedbackInfo>>, AppError> {
        let d = catalog::find_visible(&self.db, &Viewer::Staff(user.clone()), slug).await?;
        if !feedback::may_read(user, d.department_id) {
            return Ok(None);
        }
        feedback::list::list(&self.db, user, Some(d.id), None)
            .await
            .map(Some)
    }
    async fn set_feedback_status(
        &self,
        user: &SessionUser,
        id: i32,
        status: app::feedback::FeedbackStatus,
    ) -> Result<app::feedback::FeedbackInfo, AppError> {
        feedback::resolve::set_status(&self.db, user, id, status).await
    }
    async fn api_keys(&self, user: &SessionUser) -> Result<Vec<app::admin::ApiKeyInfo>, AppError> {
        api_keys::list::list(&self.db, user).await
    }
    async fn create_api_key(
        &self,
        user: &SessionUser,
        name: &str,
    ) -> Result<app::admin::NewApiKey, AppError> {
        api_keys::create::create(&self.db, user, name).await
    }
    async fn revoke_api_key(
        &self,
        user: &SessionUser,
        id: i32,
    ) -> Result<app::admin::ApiKeyInfo, AppError> {
        api_keys::revoke::revoke(&self.db, user, id).await
    }
    async fn all_api_keys(
        &self,
        admin: &SessionUser,
    ) -> Result<Vec<app::admin::OwnedApiKey>, AppError> {
        api_keys::list::all(&self.db, admin).await
    }
    async fn home(&self, viewer: &Viewer) -> Result<HomeData, AppError> {
        // The shared crowd snapshot, as on the crowd pages: no readings query per page view.
        let crowd = self.crowd_live.snapshot(&self.db).await?;
        catalog::home(&self.db, viewer, &crowd.value).await
    }
    async fn search(
        &self,
        viewer: &Viewer,
        query: &SearchQuery,
        lang: Lang,
    ) -> Result<SearchResult, AppError> {
        self.search.search(viewer, query, lang)
    }
    async fn suggest(&self, viewer: &Viewer, q: &str) -> Result<Vec<Suggestion>, AppError> {
        self.search.suggest(viewer, q, 8)
    }
    async fn dataset(&self, viewer: &Viewer, slug: &str) -> Result<DatasetDetail, AppError> {
        catalog::detail(&self.db, viewer, slug).await
    }
    async fn freshness(
        &self,
        viewer: &Viewer,
    ) -> Result<app::freshness::FreshnessReport, AppError> {
        freshness::report(&self.db, viewer).await
    }
    async fn crowd(&self) -> Result<Vec<HotSpotStatus>, AppError> {
        // The shared snapshot: no database work per request on the emergency hot path.
        let frame = self.crowd_live.snapshot(&self.db).await?;
        Ok(frame.value.as_ref().clone())
    }
    async fn crowd_alerts(&self) -> Result<app::crowd::PublicAlerts, AppError> {
        let frame = self.crowd_live.alerts_snapshot(&self.db).await?;
        Ok(frame.value.as_ref().clone())
    }
    async fn crowd_spot(&self, code: &str) -> Result<app::crowd::SpotDetail, AppError> {
        crowd::detail(&self.db, code, app::crowd::PANEL_TREND_HOURS).await
    }
    async fn crowd_admin(&self, staff: &SessionUser) -> Result<app::crowd::CrowdAdmin, AppError> {
        let _ = staff;
        let spots = crowd::registry::choices(&self.db).await?;
        Ok(app::crowd::CrowdAdmin {
            rules: crowd::alerts::rules(&self.db).await?,
            alerts: crowd::alerts::log(&self.db, 200).await?,
            emergency: crowd::emergency::current(&self.db).await?,
            spots,
        })
    }
    async fn add_alert_rule(
        &self,
        admin: &SessionUser,
        input: &app::crowd::AlertRuleInput,
    ) -> Result<app::crowd::AlertRuleInfo, AppError> {
        let rule = crowd::alerts::add_rule(&self.db, admin, input).await?;
        // A new rule may already hold.
        self.evaluate_alerts().await?;
        Ok(rule)
    }
    async fn delete_alert_rule(&self, admin: &SessionUser, id: i32) -> Result<(), AppError> {
        crowd::alerts::delete_rule(&self.db, admin, id).await?;
        self.alerts_changed().await
    }
    async fn acknowledge_alert(&self, staff: &SessionUser, id: i32) -> Result<(), AppError> {
        crowd::alerts::acknowledge(&self.db, staff, id).await?;
        self.alerts_changed().await
    }
    async fn annotate_alert(
        &self,
        staff: &SessionUser,
        id: i32,
        body: &str,
    ) -> Result<app::crowd::AlertNote, AppError> {
        crowd::alerts::annotate(&self.db, staff, id, body).await
    }
    async fn start_emergency(
        &self,
        admin: &SessionUser,
        input: &app::crowd::EmergencyInput,
    ) -> Result<app::crowd::EmergencyInfo, AppError> {
        let e = crowd::emergency::start(&self.db, admin, input).await?;
        self.alerts_changed().await?;
        Ok(e)
    }
    async fn end_emergency(&self, admin: &SessionUser) -> Result<(), AppError> {
        crowd::emergency::end(&self.db, admin).await?;
        self.alerts_changed().await
    }
    async fn add_local_point(
        &self,
        admin: &SessionUser,
        input: &app::crowd::LocalPointInput,
    ) -> Result<app::crowd::LocalPointCreated, AppError> {
        let created = crowd::local::create(&self.db, admin, input).await?;
        self.crowd_live.publish(&self.db).await?;
        Ok(created)
    }
    async fn admin_overview(&self) -> Result<AdminOverview, AppError> {
        admin::overview(&self.db).await
    }
    async fn save_department(&self, input: &DepartmentInput) -> Result<DepartmentRef, AppError> {
        admin::save_department::save_department(&self.db, input).await
    }
    async fn save_user(
        &self,
        admin: &SessionUser,
        input: &UserInput,
    ) -> Result<SessionUser, AppError> {
        admin::save_user::save_user(&self.db, admin, input).await
    }
    async fn save_term(&self, input: &TermInput) -> Result<TermRef, AppError> {
        admin::save_term::save_term(&self.db, &self.search, input).await
    }
    async fn jobs(&self, user: &SessionUser) -> Result<Vec<app::jobs::JobInfo>, AppError> {
        jobs::list(&self.db, user, 100).await
    }
    async fn job(&self, user: &SessionUser, id: i32) -> Result<app::jobs::JobInfo, AppError> {
        jobs::get(&self.db, user, id).await
    }
    async fn harvest_sources(&self) -> Result<Vec<app::jobs::HarvestSourceInfo>, AppError> {
        harvest::list(&self.db).await
    }
    async fn save_harvest_source(
        &self,
        input: &app::jobs::HarvestSourceInput,
    ) -> Result<app::jobs::HarvestSourceInfo, AppError> {
        let saved = harvest::save_source::save_source(&self.db, input).await?;
        // A new schedule may be due at once: let the worker look.
        self.jobs_wake.notify_one();
        Ok(saved)
    }
    async fn run_harvest_source(&self, admin: &SessionUser, id: i32) -> Result<i32, AppError> {
        let source = harvest::find(&self.db, id).await?;
        let job = harvest::queue_run(&self.db, &source, Some(admin.id)).await?;
        self.jobs_wake.notify_one();
        Ok(job)
    }
    async fn proposed_columns(
        &self,
        viewer: &Viewer,
        slug: &str,
        profile_id: i32,
    ) -> Result<Vec<DataColumn>, AppError> {
        profiling::proposed_columns(&self.db, viewer, slug, profile_id).await
    }
    async fn update_dataset(
        &self,
        user: &SessionUser,
        slug: &str,
        version: i32,
        patch: &DatasetPatch,
    ) -> Result<i32, AppError> {
        Ok(self.apply_update(user, slug, version, patch).await?.version)
    }
    async fn propose(
        &self,
        user: &SessionUser,
        slug: &str,
        version: i32,
        patch: &DatasetPatch,
    ) -> Result<ProposalInfo, AppError> {
        proposals::create::create(&self.db, user, slug, version, patch).await
    }
    async fn proposals(
        &self,
        user: &SessionUser,
        scope: ProposalScope,
    ) -> Result<Vec<ProposalInfo>, AppError> {
        proposals::list::list(&self.db, user, scope).await
    }
    async fn accept_proposal(
        &self,
        user: &SessionUser,
        id: i32,
        version: i32,
        resolution: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<ProposalInfo, AppError> {
        self.apply_acceptance(user, id, version, resolution).await
    }
    async fn reject_proposal(
        &self,
        user: &SessionUser,
        id: i32,
        reason: &str,
    ) -> Result<ProposalInfo, AppError> {
        proposals::decide::reject(&self.db, user, id, reason).await
    }
    async fn withdraw_proposal(
        &self,
        user: &SessionUser,
        id: i32,
    ) -> Result<ProposalInfo, AppError> {
        proposals::decide::withdraw(&self.db, user, id).await
    }
    async fn notifications(&self, user: &SessionUser) -> Result<Notifications, AppError> {
        notifications::list::list(&self.db, user).await
    }
    async fn mark_read(&self, user: &SessionUser, ids: Option<Vec<i32>>) -> Result<u64, AppError> {
        notifications::read::mark_read(&self.db, user, ids.as_deref()).await
    }
    async fn activity(
        &self,
        user: &SessionUser,
        scope: &FeedScope,
    ) -> Result<Vec<ActivityItem>, AppError> {
        activity::feed(&self.db, user, scope).await
    }
    async fn revisions(
        &self,
        user: &SessionUser,
        slug: &str,
    ) -> Result<Vec<RevisionInfo>, AppError> {
        datasets::history::list(&self.db, &Viewer::Staff(user.clone()), slug).await
    }
    async fn compare(
        &self,
        user: &SessionUser,
        slug: &str,
        from: i32,
        to: i32,
    ) -> Result<serde_json::Value, AppError> {
        datasets::history::compare(&self.db, &Viewer::Staff(user.clone()), slug, from, to).await
    }
    async fn revert(
        &self,
        user: &SessionUser,
        slug: &str,
        version: i32,
        to: i32,
    ) -> Result<i32, AppError> {
        Ok(self.apply_revert(user, slug, version, to).await?.version)
    }
    async fn vocabulary(&self) -> Result<Vec<SchemeTerms>, AppError> {
        catalog::vocabulary(&self.db).await
    }
    async fn comments(&self, user: &SessionUser, slug: &str) -> Result<Vec<CommentInfo>, AppError> {
        comments::list::list(&self.db, user, slug).await
    }
    async fn add_comment(
        &self,
        user: &SessionUser,
        slug: &str,
        body: &str,
    ) -> Result<CommentInfo, AppError> {
        comments::create::create(&self.db, user, slug, body).await
    }
}

//! The worker that runs queued jobs, one at a time per server process, and the scheduler that
//! queues due harvests. Several processes on one PostgreSQL share the queue: a job is claimed
//! with `SELECT … FOR UPDATE SKIP LOCKED`, so each runs once.

use std::time::Duration;

use chrono::Utc;
use sea_orm::sea_query::{LockBehavior, LockType};
use sea_orm::*;
use types::error::AppError;
use types::jobs::{JobKind, JobOutcome, JobStatus};

use super::{Progress, HEARTBEAT, MAX_ATTEMPTS, STALE_AFTER};
use crate::ctx::Services;
use crate::db::begin_write;
use crate::entities::{harvest_source, job};
use crate::services::OrInternal;

/// How often an idle worker looks for work it was not woken for (other instances' jobs,
/// schedules).
const POLL: Duration = Duration::from_secs(2);

/// Run the worker until the server stops.
impl Services {
    /// Start the background job worker (until the server stops).
    pub fn start_jobs(&self) -> tokio::task::JoinHandle<()> {
        spawn(self.clone())
    }
}

pub fn spawn(services: Services) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let instance = format!("{}-{:08x}", std::process::id(), rand::random::<u32>());
        let mut closing = services.live.closing();
        // An embedded SQLite database has one server: whatever it left running died with it.
        let mut first = services.db.get_database_backend() == DbBackend::Sqlite;
        loop {
            if *closing.borrow() {
                break;
            }
            if let Err(e) = recover(&services.db, first).await {
                tracing::warn!(error = %e, "recovering interrupted jobs failed");
            }
            first = false;
            if let Err(e) = schedule(&services.db).await {
                tracing::warn!(error = %e, "scheduling harvests failed");
            }
            loop {
                match claim(&services.db, &instance).await {
                    Ok(Some(j)) => run_one(&services, &instance, j).await,
                    Ok(None) => break,
                    Err(e) => {
                        tracing::warn!(error = %e, "claiming a job failed");
                        break;
                    }
                }
                if *closing.borrow() {
                    break;
                }
            }
            tokio::select! {
                _ = services.jobs_wake.notified() => {}
                _ = tokio::time::sleep(POLL) => {}
                _ = closing.changed() => {}
            }
        }
    })
}

/// Take the oldest queued job, if any.
pub async fn claim(db: &DatabaseConnection, instance: &str) -> Result<Option<job::Model>, DbErr> {
    let txn = begin_write(db).await?;
    let mut q = job::Entity::find()
        .filter(job::Column::Status.eq(JobStatus::Queued.code()))
        .order_by_asc(job::Column::Id);
    if db.get_database_backend() == DbBackend::Postgres {
        q = q.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let Some(j) = q.one(&txn).await? else {
        return Ok(None);
    };
    let now = Utc::now();
    let attempts = j.attempts + 1;
    let mut a: job::ActiveModel = j.into();
    a.status = Set(JobStatus::Running.code().into());
    a.claimed_by = Set(Some(instance.to_string()));
    a.started_at = Set(Some(now));
    a.heartbeat_at = Set(Some(now));
    a.attempts = Set(attempts);
    let j = a.update(&txn).await?;
    txn.commit().await?;
    Ok(Some(j))
}

/// Run queued job `id` in this process now (the CLI's `harvest run`), unless a worker took it
/// first; whether this process ran it.
pub async fn run_here(services: &Services, id: i32) -> Result<bool, AppError> {
    let instance = format!("cli-{}-{:08x}", std::process::id(), rand::random::<u32>());
    let now = Utc::now();
    let taken = job::Entity::update_many()
        .col_expr(job::Column::Status, JobStatus::Running.code().into())
        .col_expr(job::Column::ClaimedBy, Some(instance.clone()).into())
        .col_expr(job::Column::StartedAt, Some(now).into())
        .col_expr(job::Column::HeartbeatAt, Some(now).into())
        .col_expr(
            job::Column::Attempts,
            sea_orm::sea_query::Expr::col(job::Column::Attempts).add(1),
        )
        .filter(job::Column::Id.eq(id))
        .filter(job::Column::Status.eq(JobStatus::Queued.code()))
        .exec(&services.db)
        .await
        .or_internal()?;
    if taken.rows_affected != 1 {
        return Ok(false);
    }
    let j = job::Entity::find_by_id(id)
        .one(&services.db)
        .await
        .or_internal()?
        .ok_or_else(|| AppError::not_found("job"))?;
    run_one(services, &instance, j).await;
    Ok(true)
}

/// Running jobs whose worker stopped proving it is alive (all of them when `all`): queue them
/// again, or fail them once they have been interrupted too often. Their effects were never
/// committed (each job commits once, at its end), so running them again is safe.
pub async fn recover(db: &DatabaseConnection, all: bool) -> Result<usize, DbErr> {
    let cutoff = Utc::now() - chrono::Duration::from_std(STALE_AFTER).unwrap_or_default();
    let mut q = job::Entity::find().filter(job::Column::Status.eq(JobStatus::Running.code()));
    if !all {
        q = q.filter(job::Column::HeartbeatAt.lt(cutoff));
    }
    let stale = q.all(db).await?;
    let mut n = 0;
    for j in stale {
        let give_up = j.attempts >= MAX_ATTEMPTS;
        let mut u = job::Entity::update_many()
            .col_expr(job::Column::ClaimedBy, Option::<String>::None.into())
            .filter(job::Column::Id.eq(j.id))
            .filter(job::Column::Status.eq(JobStatus::Running.code()));
        u = match j.heartbeat_at {
            Some(h) => u.filter(job::Column::HeartbeatAt.eq(h)),
            None => u.filter(job::Column::HeartbeatAt.is_null()),
        };
        u = if give_up {
            let err = AppError::validation(
                "job",
                &format!(
                    "작업이 {}번 중단되어 포기했습니다. 변경된 것은 없습니다.",
                    j.attempts
                ),
                &format!(
                    "the job was interrupted {} times and was given up; nothing was changed.",
                    j.attempts
                ),
            );
            u.col_expr(job::Column::Status, JobStatus::Failed.code().into())
                .col_expr(
                    job::Column::Error,
                    Some(serde_json::to_value(&err).unwrap_or_default()).into(),
                )
                .col_expr(job::Column::FinishedAt, Some(Utc::now()).into())
        } else {
            u.col_expr(job::Column::Status, JobStatus::Queued.code().into())
                .col_expr(
                    job::Column::ProgressNote,
                    "중단된 작업을 다시 시작합니다 / resuming after an interruption".into(),
                )
        };
        if u.exec(db).await?.rows_affected == 1 {
            tracing::info!(job = j.id, give_up, "interrupted job recovered");
            n += 1;
        }
    }
    Ok(n)
}

/// Queue a harvest for every enabled source whose time has come (once, even with several
/// instances: the source's next-run time is moved forward with a compare-and-set).
pub async fn schedule(db: &DatabaseConnection) -> Result<usize, AppError> {
    let now = Utc::now();
    let due = harvest_source::Entity::find()
        .filter(harvest_source::Column::Enabled.eq(true))
        .filter(harvest_source::Column::IntervalMinutes.is_not_null())
        .filter(
            Condition::any()
                .add(harvest_source::Column::NextRunAt.is_null())
                .add(harvest_source::Column::NextRunAt.lte(now)),
        )
        .all(db)
        .await
        .or_internal()?;
    let mut n = 0;
    for s in due {
        let Some(minutes) = s.interval_minutes else {
            continue;
        };
        let next = now + chrono::Duration::minutes(minutes as i64);
        let mut u = harvest_source::Entity::update_many()
            .col_expr(harvest_source::Column::NextRunAt, Some(next).into())
            .filter(harvest_source::Column::Id.eq(s.id));
        u = match s.next_run_at {
            Some(t) => u.filter(harvest_source::Column::NextRunAt.eq(t)),
            None => u.filter(harvest_source::Column::NextRunAt.is_null()),
        };
        if u.exec(db).await.or_internal()?.rows_affected == 1 {
            crate::services::harvest::queue_run(db, &s, None).await?;
            n += 1;
        }
    }
    Ok(n)
}

async fn run_one(services: &Services, instance: &str, j: job::Model) {
    let id = j.id;
    tracing::info!(job = id, kind = %j.kind, attempt = j.attempts, "job started");
    let heartbeat = {
        let db = services.db.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(HEARTBEAT).await;
                let _ = job::Entity::update_many()
                    .col_expr(job::Column::HeartbeatAt, Some(Utc::now()).into())
                    .filter(job::Column::Id.eq(id))
                    .exec(&db)
                    .await;
            }
        })
    };
    let progress = Progress::new(services.db.clone(), id);
    let result = execute(services, &j, progress).await;
    heartbeat.abort();
    let (status, outcome, error) = match result {
        Ok(o) => (JobStatus::Succeeded, serde_json::to_value(o).ok(), None),
        Err(e) => (JobStatus::Failed, None, serde_json::to_value(&e).ok()),
    };
    tracing::info!(job = id, status = status.code(), "job finished");
    let r = job::Entity::update_many()
        .col_expr(job::Column::Status, status.code().into())
        .col_expr(job::Column::Result, outcome.into())
        .col_expr(job::Column::Error, error.into())
        .col_expr(job::Column::FinishedAt, Some(Utc::now()).into())
        .col_expr(job::Column::Input, Option::<Vec<u8>>::None.into())
        .filter(job::Column::Id.eq(id))
        .filter(job::Column::ClaimedBy.eq(instance))
        .exec(&services.db)
        .await;
    if let Err(e) = r {
        tracing::error!(job = id, error = %e, "could not record the job's end");
    }
}

async fn execute(
    services: &Services,
    j: &job::Model,
    progress: Progress,
) -> Result<JobOutcome, AppError> {
    match JobKind::parse(&j.kind) {
        Some(JobKind::Import) => crate::services::transfer::job::run(services, j, progress).await,
        Some(JobKind::Harvest) => crate::services::harvest::run::run(services, j, progress).await,
        Some(JobKind::Profile) => crate::services::profiling::run::run(services, j, progress).await,
        None => Err(AppError::validation(
            "kind",
            &format!("알 수 없는 작업 종류 '{}'", j.kind),
            &format!("unknown job kind '{}'", j.kind),
        )),
    }
}

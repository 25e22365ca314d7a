//! Background jobs persisted in the database: imports, harvests and data profiling.
//!
//! A job is a row: queued → running (claimed by one worker, which keeps a heartbeat) →
//! succeeded (with its outcome) or failed (with its error). Every job writes its effects in one
//! transaction at its end, so a job interrupted by a restart has changed nothing: a worker finds
//! it by its stale heartbeat and queues it again (up to [`MAX_ATTEMPTS`]), or marks it failed.

pub mod runner;

use std::time::{Duration, Instant};

use chrono::Utc;
use sea_orm::*;
use serde_json::Value;
use types::error::AppError;
use types::jobs::{JobInfo, JobKind, JobOutcome, JobStatus};
use types::model::SessionUser;

use crate::entities::{job, user};
use crate::services::OrInternal;

/// How often a running job proves it is alive, and after how long without that it is
/// considered interrupted.
pub const HEARTBEAT: Duration = Duration::from_secs(5);
pub const STALE_AFTER: Duration = Duration::from_secs(45);
/// A job interrupted this many times is failed instead of run again.
pub const MAX_ATTEMPTS: i32 = 3;

pub struct NewJob {
    pub kind: JobKind,
    /// What the job works on (kind-specific; `subject` is shown in lists).
    pub params: Value,
    /// A small input kept with the job (an uploaded sheet).
    pub input: Option<Vec<u8>>,
    pub created_by: Option<i32>,
}

pub async fn enqueue(db: &impl ConnectionTrait, new: NewJob) -> Result<i32, AppError> {
    let j = job::ActiveModel {
        kind: Set(new.kind.code().into()),
        status: Set(JobStatus::Queued.code().into()),
        params: Set(new.params),
        input: Set(new.input),
        created_by: Set(new.created_by),
        progress_done: Set(0),
        progress_total: Set(0),
        progress_note: Set(String::new()),
        attempts: Set(0),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .or_internal()?;
    Ok(j.id)
}

/// One job, for its creator or an administrator.
pub async fn get(
    db: &DatabaseConnection,
    viewer: &SessionUser,
    id: i32,
) -> Result<JobInfo, AppError> {
    let j = job::Entity::find_by_id(id)
        .one(db)
        .await
        .or_internal()?
        .ok_or_else(|| AppError::not_found("job"))?;
    if !viewer.is_admin() && j.created_by != Some(viewer.id) {
        // Someone else's job does not exist for this viewer.
        return Err(AppError::not_found("job"));
    }
    info(db, j).await
}

/// The newest jobs: all of them for administrators, one's own for everyone else.
pub async fn list(
    db: &DatabaseConnection,
    viewer: &SessionUser,
    limit: u64,
) -> Result<Vec<JobInfo>, AppError> {
    let mut q = job::Entity::find().order_by_desc(job::Column::Id);
    if !viewer.is_admin() {
        q = q.filter(job::Column::CreatedBy.eq(viewer.id));
    }
    let jobs = q.limit(limit).all(db).await.or_internal()?;
    let mut out = Vec::with_capacity(jobs.len());
    for j in jobs {
        out.push(info(db, j).await?);
    }
    Ok(out)
}

/// Jobs waiting or running (the queue depth).
pub async fn pending(db: &impl ConnectionTrait) -> Result<u64, AppError> {
    job::Entity::find()
        .filter(job::Column::Status.is_in([JobStatus::Queued.code(), JobStatus::Running.code()]))
        .count(db)
        .await
        .or_internal()
}

/// How many jobs are in `status` now.
pub async fn count_in(db: &impl ConnectionTrait, status: JobStatus) -> Result<u64, AppError> {
    job::Entity::find()
        .filter(job::Column::Status.eq(status.code()))
        .count(db)
        .await
        .or_internal()
}

pub(crate) async fn info(db: &impl ConnectionTrait, j: job::Model) -> Result<JobInfo, AppError> {
    let created_by = match j.created_by {
        Some(id) => user::Entity::find_by_id(id)
            .one(db)
            .await
            .or_internal()?
            .map(|u| u.display_name),
        None => None,
    };
    let subject = j
        .params
        .get("subject")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    Ok(JobInfo {
        id: j.id,
        kind: JobKind::parse(&j.kind).unwrap_or(JobKind::Import),
        status: JobStatus::parse(&j.status).unwrap_or(JobStatus::Failed),
        subject,
        created_by,
        progress_done: j.progress_done,
        progress_total: j.progress_total,
        progress_note: j.progress_note,
        attempts: j.attempts,
        created_at: j.created_at,
        started_at: j.started_at,
        finished_at: j.finished_at,
        outcome: j
            .result
            .and_then(|v| serde_json::from_value::<JobOutcome>(v).ok()),
        error: j
            .error
            .and_then(|v| serde_json::from_value::<AppError>(v).ok()),
    })
}

/// Wait (up to `limit`) for a job to finish; its info either way.
pub async fn wait(
    db: &DatabaseConnection,
    viewer: &SessionUser,
    id: i32,
    limit: Duration,
) -> Result<JobInfo, AppError> {
    let until = Instant::now() + limit;
    loop {
        let info = get(db, viewer, id).await?;
        if info.status.finished() || Instant::now() >= until {
            return Ok(info);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A running job's progress, written to its row at most a few times a second (and with the
/// heartbeat, so a long step does not look like a dead worker).
pub struct Progress {
    db: DatabaseConnection,
    id: i32,
    last: Option<Instant>,
}

impl Progress {
    pub fn new(db: DatabaseConnection, id: i32) -> Self {
        Progress { db, id, last: None }
    }

    pub fn id(&self) -> i32 {
        self.id
    }

    pub async fn set(&mut self, done: i64, total: i64, note: &str) {
        if self
            .last
            .is_some_and(|t| t.elapsed() < Duration::from_millis(250))
        {
            return;
        }
        self.last = Some(Instant::now());
        let r = job::Entity::update_many()
            .col_expr(job::Column::ProgressDone, done.into())
            .col_expr(job::Column::ProgressTotal, total.into())
            .col_expr(job::Column::ProgressNote, note.into())
            .col_expr(job::Column::HeartbeatAt, Some(Utc::now()).into())
            .filter(job::Column::Id.eq(self.id))
            .exec(&self.db)
            .await;
        if let Err(e) = r {
            tracing::warn!(job = self.id, error = %e, "could not record job progress");
        }
    }
}

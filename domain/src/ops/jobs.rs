//! Background jobs and harvest sources.

use types::error::AppError;
use types::jobs::{HarvestSourceInfo, HarvestSourceInput, JobInfo, JobStatus};

use super::{Actor, Ctx};
use crate::services::{harvest, jobs};

/// How many of the newest jobs the jobs page lists.
const NEWEST_JOBS: u64 = 100;

/// The newest jobs: all for administrators, the actor's own for other staff.
pub async fn list(ctx: &Ctx, actor: &Actor) -> Result<Vec<JobInfo>, AppError> {
    jobs::list(&ctx.db, actor.user()?, NEWEST_JOBS).await
}

pub async fn get(ctx: &Ctx, actor: &Actor, id: i32) -> Result<JobInfo, AppError> {
    jobs::get(&ctx.db, actor.user()?, id).await
}

pub async fn harvest_sources(ctx: &Ctx, actor: &Actor) -> Result<Vec<HarvestSourceInfo>, AppError> {
    actor.admin()?;
    harvest::list(&ctx.db).await
}

/// Add or change a harvest source (administrators).
pub async fn save_harvest_source(
    ctx: &Ctx,
    actor: &Actor,
    input: &HarvestSourceInput,
) -> Result<HarvestSourceInfo, AppError> {
    actor.admin()?;
    let saved = harvest::save_source::save_source(&ctx.db, input).await?;
    // A new schedule may be due at once: let the worker look.
    ctx.jobs_wake.notify_one();
    Ok(saved)
}

/// Queue a run of a source now: the job's id.
pub async fn run_harvest_source(ctx: &Ctx, actor: &Actor, id: i32) -> Result<i32, AppError> {
    let admin = actor.admin()?;
    let source = harvest::find(&ctx.db, id).await?;
    let job = harvest::queue_run(&ctx.db, &source, Some(admin.id)).await?;
    ctx.jobs_wake.notify_one();
    Ok(job)
}

/// How many jobs are in `status` now (for the metrics endpoint).
pub async fn count_in(ctx: &Ctx, status: JobStatus) -> Result<u64, AppError> {
    jobs::count_in(&ctx.db, status).await
}

//! Server functions for background jobs, harvest sources and data profiles. Thin: permission,
//! one `domain::ops::jobs` call, error as is.

use leptos::prelude::*;

use crate::error::AppError;
use crate::jobs::{HarvestSourceInfo, JobInfo};
use crate::model::DataColumn;
#[cfg(feature = "ssr")]
use domain::ops;

/// The newest jobs: all of them for administrators, one's own for other staff.
#[server(endpoint = "jobs")]
pub async fn jobs() -> Result<Vec<JobInfo>, AppError> {
    let (ctx, actor) = crate::ssr::caller().await?;
    ops::jobs::list(&ctx.services, &actor).await
}

#[server(endpoint = "job")]
pub async fn job(id: i32) -> Result<JobInfo, AppError> {
    let (ctx, actor) = crate::ssr::caller().await?;
    ops::jobs::get(&ctx.services, &actor, id).await
}

#[server(endpoint = "harvest_sources")]
pub async fn harvest_sources() -> Result<Vec<HarvestSourceInfo>, AppError> {
    let (ctx, actor) = crate::ssr::caller().await?;
    ops::jobs::harvest_sources(&ctx.services, &actor).await
}

/// Add or change a harvest source from the admin page's form.
#[server(endpoint = "save_harvest_source")]
pub async fn save_harvest_source(
    form: crate::jobs::HarvestSourceForm,
) -> Result<HarvestSourceInfo, AppError> {
    let (ctx, actor) = crate::ssr::caller().await?;
    actor.admin()?;
    let input = form.into_input()?;
    ops::jobs::save_harvest_source(&ctx.services, &actor, &input).await
}

/// Queue a run of a source now and go to its job page.
#[server(endpoint = "run_harvest_source")]
pub async fn run_harvest_source(id: i32) -> Result<i32, AppError> {
    let (ctx, actor) = crate::ssr::caller().await?;
    let job = ops::jobs::run_harvest_source(&ctx.services, &actor, id).await?;
    leptos_axum::redirect(&format!("/jobs/{job}"));
    Ok(job)
}

/// A profile's proposed data dictionary (for the edit form's "fill from profile").
#[server(endpoint = "proposed_columns")]
pub async fn proposed_columns(slug: String, profile: i32) -> Result<Vec<DataColumn>, AppError> {
    let (ctx, actor) = crate::ssr::caller().await?;
    ops::catalog::proposed_columns(&ctx.services, &actor, &slug, profile).await
}

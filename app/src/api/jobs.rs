//! Server functions for background jobs, harvest sources and data profiles. Thin: permission,
//! backend call, error as is.

use leptos::prelude::*;

use crate::error::AppError;
use crate::jobs::{HarvestSourceInfo, JobInfo};
use crate::model::DataColumn;

/// The newest jobs: all of them for administrators, one's own for other staff.
#[server(endpoint = "jobs")]
pub async fn jobs() -> Result<Vec<JobInfo>, AppError> {
    let ctx = crate::ssr::ctx()?;
    let user = ctx.require_user().await?;
    ctx.backend.jobs(&user).await
}

#[server(endpoint = "job")]
pub async fn job(id: i32) -> Result<JobInfo, AppError> {
    let ctx = crate::ssr::ctx()?;
    let user = ctx.require_user().await?;
    ctx.backend.job(&user, id).await
}

#[server(endpoint = "harvest_sources")]
pub async fn harvest_sources() -> Result<Vec<HarvestSourceInfo>, AppError> {
    let ctx = crate::ssr::ctx()?;
    ctx.require_user().await?.require_admin()?;
    ctx.backend.harvest_sources().await
}

/// Add or change a harvest source from the admin page's form.
#[server(endpoint = "save_harvest_source")]
pub async fn save_harvest_source(
    form: crate::jobs::HarvestSourceForm,
) -> Result<HarvestSourceInfo, AppError> {
    let ctx = crate::ssr::ctx()?;
    ctx.require_user().await?.require_admin()?;
    let input = form.into_input()?;
    ctx.backend.save_harvest_source(&input).await
}

/// Queue a run of a source now and go to its job page.
#[server(endpoint = "run_harvest_source")]
pub async fn run_harvest_source(id: i32) -> Result<i32, AppError> {
    let ctx = crate::ssr::ctx()?;
    let admin = ctx.require_user().await?;
    admin.require_admin()?;
    let job = ctx.backend.run_harvest_source(&admin, id).await?;
    leptos_axum::redirect(&format!("/jobs/{job}"));
    Ok(job)
}

/// A profile's proposed data dictionary (for the edit form's "fill from profile").
#[server(endpoint = "proposed_columns")]
pub async fn proposed_columns(slug: String, profile: i32) -> Result<Vec<DataColumn>, AppError> {
    let ctx = crate::ssr::ctx()?;
    let viewer = ctx.viewer().await?;
    ctx.backend.proposed_columns(&viewer, &slug, profile).await
}

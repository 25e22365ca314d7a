//! Harvesting other catalogs: sources configured by administrators (a CKAN catalog, a DCAT
//! catalog in JSON-LD, or a CSV/XLSX sheet at a URL), each run as a background job on its
//! schedule or on demand. See [`run`] for what a run does.

pub mod fetch;
pub mod remote;
pub mod run;
pub mod save_source;

use sea_orm::*;
use serde_json::json;
use types::error::AppError;
use types::jobs::{HarvestKind, HarvestSourceInfo, JobKind};

use crate::entities::{dataset, department, harvest_source, job};
use crate::services::catalog::department_ref;
use crate::services::jobs::{self, NewJob};
use crate::services::OrInternal;

/// Queue a run of source `s` (by `user`, or by the schedule), unless one is already waiting or
/// running; the job's id either way.
pub async fn queue_run(
    db: &DatabaseConnection,
    s: &harvest_source::Model,
    user: Option<i32>,
) -> Result<i32, AppError> {
    let pending = job::Entity::find()
        .filter(job::Column::Kind.eq(JobKind::Harvest.code()))
        .filter(job::Column::Status.is_in(["queued", "running"]))
        .all(db)
        .await
        .or_internal()?
        .into_iter()
        .find(|j| j.params.get("source_id").and_then(|v| v.as_i64()) == Some(s.id as i64));
    if let Some(j) = pending {
        return Ok(j.id);
    }
    let id = jobs::enqueue(
        db,
        NewJob {
            kind: JobKind::Harvest,
            params: json!({ "subject": s.name, "source_id": s.id }),
            input: None,
            created_by: user,
        },
    )
    .await?;
    harvest_source::Entity::update_many()
        .col_expr(harvest_source::Column::LastJobId, Some(id).into())
        .filter(harvest_source::Column::Id.eq(s.id))
        .exec(db)
        .await
        .or_internal()?;
    Ok(id)
}

pub async fn find(db: &impl ConnectionTrait, id: i32) -> Result<harvest_source::Model, AppError> {
    harvest_source::Entity::find_by_id(id)
        .one(db)
        .await
        .or_internal()?
        .ok_or_else(|| AppError::not_found("harvest source"))
}

pub async fn info(
    db: &DatabaseConnection,
    s: harvest_source::Model,
) -> Result<HarvestSourceInfo, AppError> {
    let department = department::Entity::find_by_id(s.department_id)
        .one(db)
        .await
        .or_internal()?
        .map(department_ref)
        .ok_or_else(|| AppError::not_found("department"))?;
    let datasets = dataset::Entity::find()
        .filter(dataset::Column::HarvestSourceId.eq(s.id))
        .count(db)
        .await
        .or_internal()?;
    let last_job = match s.last_job_id {
        Some(id) => match job::Entity::find_by_id(id).one(db).await.or_internal()? {
            Some(j) => Some(jobs::info(db, j).await?),
            None => None,
        },
        None => None,
    };
    Ok(HarvestSourceInfo {
        id: s.id,
        name: s.name,
        kind: HarvestKind::parse(&s.kind).unwrap_or(HarvestKind::Ckan),
        url: s.url,
        department,
        source_institution: s.source_institution,
        default_terms: serde_json::from_value(s.default_terms).unwrap_or_default(),
        visibility: s.visibility,
        interval_minutes: s.interval_minutes,
        enabled: s.enabled,
        next_run_at: s.next_run_at,
        datasets,
        last_job,
    })
}

/// Every source, by name.
pub async fn list(db: &DatabaseConnection) -> Result<Vec<HarvestSourceInfo>, AppError> {
    let all = harvest_source::Entity::find()
        .order_by_asc(harvest_source::Column::Name)
        .all(db)
        .await
        .or_internal()?;
    let mut out = Vec::with_capacity(all.len());
    for s in all {
        out.push(info(db, s).await?);
    }
    Ok(out)
}

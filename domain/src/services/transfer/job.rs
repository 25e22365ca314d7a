//! An import run as a background job: the uploaded sheet is kept with the job, and the import
//! (all rows or none, in one transaction) is credited to the user who uploaded it.

use sea_orm::EntityTrait;
use serde_json::json;
use types::error::AppError;
use types::jobs::{JobKind, JobOutcome};
use types::model::SessionUser;

use super::{import, sheet};
use crate::ctx::Services;
use crate::entities::{job, user};
use crate::services::jobs::{NewJob, Progress};
use crate::services::{auth, OrInternal};

/// Queue the import of `bytes` (a CSV or XLSX file called `file_name`) by `user`.
pub async fn queue(
    services: &Services,
    user: &SessionUser,
    file_name: &str,
    bytes: Vec<u8>,
) -> Result<i32, AppError> {
    services
        .queue(NewJob {
            kind: JobKind::Import,
            params: json!({ "subject": file_name, "file_name": file_name }),
            input: Some(bytes),
            created_by: Some(user.id),
        })
        .await
}

/// The user a job acts for, if they may still act.
pub(crate) async fn acting_user(
    services: &Services,
    j: &job::Model,
) -> Result<SessionUser, AppError> {
    let id = j.created_by.ok_or(AppError::Forbidden)?;
    let u = user::Entity::find_by_id(id)
        .one(&services.db)
        .await
        .or_internal()?
        .filter(|u| u.active)
        .ok_or(AppError::Forbidden)?;
    auth::to_session_user(&services.db, u).await
}

pub async fn run(
    services: &Services,
    j: &job::Model,
    mut progress: Progress,
) -> Result<JobOutcome, AppError> {
    let user = acting_user(services, j).await?;
    let name = j
        .params
        .get("file_name")
        .and_then(|v| v.as_str())
        .unwrap_or("upload")
        .to_string();
    let bytes = j.input.clone().ok_or_else(|| {
        AppError::validation(
            "file",
            "가져올 파일이 작업에 없습니다.",
            "the job has no file to import.",
        )
    })?;
    progress.set(0, 1, "reading the sheet").await;
    let rows = sheet::read(Some(&name), &bytes)?;
    let n = rows.len() as i64;
    progress.set(0, n, "checking and writing rows").await;
    let report = import::import(&services.db, &services.search, &user, rows, &name, false).await?;
    Ok(JobOutcome::Import(report))
}

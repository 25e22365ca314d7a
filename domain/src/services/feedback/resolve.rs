//! Mark a report resolved (or open again).

use chrono::Utc;
use sea_orm::*;
use types::error::AppError;
use types::feedback::{FeedbackInfo, FeedbackStatus};
use types::model::SessionUser;

use super::{info, may_read};
use crate::entities::{dataset, feedback};
use crate::services::people::dataset_ref;
use crate::services::OrInternal;

pub async fn set_status(
    db: &DatabaseConnection,
    user: &SessionUser,
    id: i32,
    status: FeedbackStatus,
) -> Result<FeedbackInfo, AppError> {
    let found = feedback::Entity::find_by_id(id)
        .one(db)
        .await
        .or_internal()?
        // Another department's report does not exist for this reader.
        .filter(|f| may_read(user, f.department_id))
        .ok_or_else(|| AppError::not_found("report"))?;
    let resolved = status == FeedbackStatus::Resolved;
    let mut active: feedback::ActiveModel = found.into();
    active.status = Set(status.code().to_string());
    active.resolved_by = Set(resolved.then_some(user.id));
    active.resolved_at = Set(resolved.then(Utc::now));
    let saved = active.update(db).await.or_internal()?;
    let d = dataset::Entity::find_by_id(saved.dataset_id)
        .one(db)
        .await
        .or_internal()?
        .ok_or_else(|| AppError::not_found("dataset"))?;
    let by = resolved.then(|| user.display_name.clone());
    Ok(info(saved, dataset_ref(&d), by))
}

//! The reports a staff member may read: their department's (all for administrators), open
//! ones first, newest first; optionally for one dataset or one status.

use sea_orm::*;
use types::error::AppError;
use types::feedback::{FeedbackInfo, FeedbackStatus};
use types::model::{Role, SessionUser};

use super::{info, require_reader};
use crate::entities::feedback;
use crate::services::people::{dataset_ref, datasets, user_names};
use crate::services::OrInternal;

pub const LIMIT: u64 = 200;

pub async fn list(
    db: &DatabaseConnection,
    user: &SessionUser,
    dataset_id: Option<i32>,
    status: Option<FeedbackStatus>,
) -> Result<Vec<FeedbackInfo>, AppError> {
    require_reader(user)?;
    let mut q = feedback::Entity::find();
    if user.role != Role::Admin {
        q = q.filter(feedback::Column::DepartmentId.eq(user.department_id().unwrap_or(-1)));
    }
    if let Some(id) = dataset_id {
        q = q.filter(feedback::Column::DatasetId.eq(id));
    }
    if let Some(s) = status {
        q = q.filter(feedback::Column::Status.eq(s.code()));
    }
    let rows = q
        .order_by_asc(feedback::Column::Status)
        .order_by_desc(feedback::Column::CreatedAt)
        .order_by_desc(feedback::Column::Id)
        .limit(LIMIT)
        .all(db)
        .await
        .or_internal()?;
    let sets = datasets(db, rows.iter().map(|f| f.dataset_id).collect()).await?;
    let names = user_names(db, rows.iter().filter_map(|f| f.resolved_by).collect()).await?;
    Ok(rows
        .into_iter()
        .filter_map(|f| {
            let d = dataset_ref(sets.get(&f.dataset_id)?);
            let by = f.resolved_by.and_then(|u| names.get(&u).cloned());
            Some(info(f, d, by))
        })
        .collect())
}

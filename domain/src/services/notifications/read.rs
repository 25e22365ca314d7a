//! Mark notifications read: the given ones, or all of the user's.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::*;
use types::error::AppError;
use types::model::SessionUser;

use crate::entities::notification;
use crate::services::OrInternal;

/// How many were marked. Ids of other users' notifications are ignored.
pub async fn mark_read(
    db: &DatabaseConnection,
    user: &SessionUser,
    ids: Option<&[i32]>,
) -> Result<u64, AppError> {
    let mut q = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(Utc::now()))
        .filter(notification::Column::UserId.eq(user.id))
        .filter(notification::Column::ReadAt.is_null());
    if let Some(ids) = ids {
        q = q.filter(notification::Column::Id.is_in(ids.iter().copied()));
    }
    Ok(q.exec(db).await.or_internal()?.rows_affected)
}

//! Revoke an API key: one's own (administrators: anyone's). It stops working at once.

use chrono::Utc;
use sea_orm::*;
use types::admin::ApiKeyInfo;
use types::error::AppError;
use types::model::SessionUser;

use super::info;
use crate::entities::api_key;
use crate::services::OrInternal;

pub async fn revoke(
    db: &DatabaseConnection,
    user: &SessionUser,
    id: i32,
) -> Result<ApiKeyInfo, AppError> {
    let found = api_key::Entity::find_by_id(id)
        .one(db)
        .await
        .or_internal()?
        .filter(|k| k.user_id == user.id || user.is_admin())
        .ok_or_else(|| AppError::not_found("API key"))?;
    if found.revoked_at.is_some() {
        return Ok(info(found));
    }
    let mut active: api_key::ActiveModel = found.into();
    active.revoked_at = Set(Some(Utc::now()));
    Ok(info(active.update(db).await.or_internal()?))
}

/// Revoke every working key of a user (deactivated, or given a new password); how many.
pub async fn revoke_all<C: ConnectionTrait>(db: &C, user_id: i32) -> Result<u64, AppError> {
    Ok(api_key::Entity::update_many()
        .col_expr(
            api_key::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(Some(Utc::now())),
        )
        .filter(api_key::Column::UserId.eq(user_id))
        .filter(api_key::Column::RevokedAt.is_null())
        .exec(db)
        .await
        .or_internal()?
        .rows_affected)
}

//! Revoke an API key: one's own (administrators: anyone's). It stops working at once.

use app::admin::ApiKeyInfo;
use app::error::AppError;
use app::model::SessionUser;
use chrono::Utc;
use sea_orm::*;

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

//! One's own API keys, newest first.

use app::admin::ApiKeyInfo;
use app::error::AppError;
use app::model::SessionUser;
use sea_orm::*;

use super::info;
use crate::entities::api_key;
use crate::services::OrInternal;

pub async fn list(
    db: &DatabaseConnection,
    user: &SessionUser,
) -> Result<Vec<ApiKeyInfo>, AppError> {
    Ok(api_key::Entity::find()
        .filter(api_key::Column::UserId.eq(user.id))
        .order_by_desc(api_key::Column::CreatedAt)
        .order_by_desc(api_key::Column::Id)
        .all(db)
        .await
        .or_internal()?
        .into_iter()
        .map(info)
        .collect())
}

//! One's own API keys, newest first; and every key with its owner, for administrators.

use sea_orm::*;
use types::admin::{ApiKeyInfo, OwnedApiKey};
use types::error::AppError;
use types::model::SessionUser;

use super::info;
use crate::entities::{api_key, user};
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

/// Every user's keys with their owners, working keys first, then newest first
/// (administrators).
pub async fn all(
    db: &DatabaseConnection,
    admin: &SessionUser,
) -> Result<Vec<OwnedApiKey>, AppError> {
    admin.require_admin()?;
    let owners: std::collections::HashMap<i32, user::Model> = user::Entity::find()
        .all(db)
        .await
        .or_internal()?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let mut keys: Vec<OwnedApiKey> = api_key::Entity::find()
        .order_by_desc(api_key::Column::CreatedAt)
        .order_by_desc(api_key::Column::Id)
        .all(db)
        .await
        .or_internal()?
        .into_iter()
        .map(|k| {
            let owner = owners.get(&k.user_id);
            OwnedApiKey {
                owner: owner.map(|u| u.username.clone()).unwrap_or_default(),
                owner_name: owner.map(|u| u.display_name.clone()).unwrap_or_default(),
                owner_active: owner.is_some_and(|u| u.active),
                key: info(k),
            }
        })
        .collect();
    keys.sort_by_key(|k| k.key.revoked);
    Ok(keys)
}

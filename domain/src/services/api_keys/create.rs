//! Make an API key for oneself (any active staff member).

use chrono::Utc;
use sea_orm::*;
use types::admin::{validate_key_name, NewApiKey};
use types::error::AppError;
use types::model::SessionUser;

use super::{hash, info, KEY_PREFIX, SHOWN_CHARS};
use crate::entities::api_key;
use crate::services::OrInternal;

/// At most this many working keys per person.
pub const MAX_KEYS: u64 = 20;

pub async fn create(
    db: &DatabaseConnection,
    user: &SessionUser,
    name: &str,
) -> Result<NewApiKey, AppError> {
    let name = validate_key_name(name)?;
    let live = api_key::Entity::find()
        .filter(api_key::Column::UserId.eq(user.id))
        .filter(api_key::Column::RevokedAt.is_null())
        .count(db)
        .await
        .or_internal()?;
    if live >= MAX_KEYS {
        return Err(AppError::invalid_field(
            "name",
            format!("API 키는 {MAX_KEYS}개까지 만들 수 있습니다. 쓰지 않는 키를 폐기하세요."),
            format!("name: at most {MAX_KEYS} keys; revoke one you no longer use."),
        ));
    }
    let secret = format!("{KEY_PREFIX}{}", hex::encode(rand::random::<[u8; 20]>()));
    let saved = api_key::ActiveModel {
        user_id: Set(user.id),
        name: Set(name),
        prefix: Set(secret[..SHOWN_CHARS].to_string()),
        key_hash: Set(hash(&secret)),
        created_at: Set(Utc::now()),
        last_used_at: Set(None),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .or_internal()?;
    Ok(NewApiKey {
        key: info(saved),
        secret,
    })
}

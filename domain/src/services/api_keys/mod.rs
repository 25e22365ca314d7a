//! API keys for staff integrations: a key acts for the staff member who made it, on the JSON
//! and CKAN APIs, and is not subject to the anonymous rate limit. Only the key's SHA-256 is
//! stored; revoked keys stop working at once. One file per action.

pub mod create;
pub mod list;
pub mod revoke;

use chrono::{Duration, Utc};
use sea_orm::*;
use sha2::{Digest, Sha256};
use types::admin::ApiKeyInfo;
use types::error::AppError;
use types::model::SessionUser;

use crate::entities::{api_key, user};
use crate::services::auth::to_session_user;
use crate::services::OrInternal;

/// Every key starts with this, so it is recognisable (and findable by secret scanners).
pub const KEY_PREFIX: &str = "dn_";
/// How much of the key is kept to tell keys apart.
const SHOWN_CHARS: usize = 10;

fn hash(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

fn info(k: api_key::Model) -> ApiKeyInfo {
    ApiKeyInfo {
        id: k.id,
        name: k.name,
        prefix: k.prefix,
        created_at: k.created_at,
        last_used_at: k.last_used_at,
        revoked: k.revoked_at.is_some(),
    }
}

/// The staff member a key acts for. A malformed, unknown or revoked key, or one whose owner
/// was deactivated, is `Unauthenticated` (never silently public).
pub async fn authenticate(db: &DatabaseConnection, key: &str) -> Result<SessionUser, AppError> {
    let well_formed = key.len() == KEY_PREFIX.len() + 40
        && key.starts_with(KEY_PREFIX)
        && key[KEY_PREFIX.len()..]
            .bytes()
            .all(|b| b.is_ascii_hexdigit());
    if !well_formed {
        return Err(AppError::Unauthenticated);
    }
    let found = api_key::Entity::find()
        .filter(api_key::Column::KeyHash.eq(hash(key)))
        .filter(api_key::Column::RevokedAt.is_null())
        .one(db)
        .await
        .or_internal()?
        .ok_or(AppError::Unauthenticated)?;
    let owner = user::Entity::find_by_id(found.user_id)
        .filter(user::Column::Active.eq(true))
        .one(db)
        .await
        .or_internal()?
        .ok_or(AppError::Unauthenticated)?;
    // "Last used" to the minute is enough; do not write on every request.
    let now = Utc::now();
    if found
        .last_used_at
        .is_none_or(|t| now - t > Duration::minutes(1))
    {
        api_key::Entity::update_many()
            .col_expr(
                api_key::Column::LastUsedAt,
                sea_orm::sea_query::Expr::value(now),
            )
            .filter(api_key::Column::Id.eq(found.id))
            .exec(db)
            .await
            .or_internal()?;
    }
    to_session_user(db, owner).await
}

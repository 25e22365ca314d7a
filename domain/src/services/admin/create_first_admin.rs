//! The first administrator of a database without demo data (`server admin create`): the only
//! way in to a production start, which never creates an account with a known password. Run by
//! the operator at the command line (a system actor); refused once an active administrator
//! exists, so it cannot be used to add administrators behind the others' backs.

use chrono::Utc;
use sea_orm::*;
use types::admin::UserInput;
use types::error::AppError;
use types::model::Role;

use crate::db::begin_write;
use crate::entities::user;
use crate::services::auth::hash_password;
use crate::services::OrInternal;

/// Whether the database has an active administrator.
pub async fn has_admin(db: &impl ConnectionTrait) -> Result<bool, AppError> {
    Ok(user::Entity::find()
        .filter(user::Column::Role.eq(Role::Admin.code()))
        .filter(user::Column::Active.eq(true))
        .count(db)
        .await
        .or_internal()?
        > 0)
}

/// Creates the administrator `username` with `password`. Fails with a clear error when an
/// active administrator exists already or the input is not valid.
pub async fn create_first_admin(
    db: &DatabaseConnection,
    username: &str,
    display_name: &str,
    password: &str,
) -> Result<(), AppError> {
    let input = UserInput {
        username: username.trim().to_string(),
        display_name: display_name.trim().to_string(),
        role: Role::Admin.code().to_string(),
        department: None,
        password: Some(password.to_string()),
        active: true,
    };
    let errors = input.validate();
    if !errors.is_empty() {
        return Err(AppError::InvalidFields { errors });
    }
    let p = password.to_string();
    let hash = tokio::task::spawn_blocking(move || hash_password(&p))
        .await
        .or_internal()??;
    let txn = begin_write(db).await.or_internal()?;
    if has_admin(&txn).await? {
        return Err(AppError::invalid_field(
            "username",
            "관리자가 이미 있습니다. 다른 사용자는 관리 화면에서 추가하세요.",
            "An administrator exists already: add other users on the admin page.",
        ));
    }
    let taken = user::Entity::find()
        .filter(user::Column::Username.eq(input.username.as_str()))
        .count(&txn)
        .await
        .or_internal()?;
    if taken > 0 {
        return Err(AppError::invalid_field(
            "username",
            format!("username: '{}' 사용자가 이미 있습니다.", input.username),
            format!("username: the user '{}' exists already.", input.username),
        ));
    }
    user::ActiveModel {
        username: Set(input.username),
        display_name: Set(input.display_name),
        password_hash: Set(hash),
        role: Set(Role::Admin.code().to_string()),
        department_id: Set(None),
        active: Set(true),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .or_internal()?;
    txn.commit().await.or_internal()
}

//! Create a user, or change the one with the same username: role, department, password, and
//! whether they may sign in. Deactivating or setting a new password ends their sessions and
//! revokes their API keys at once (a key must not outlive the credentials it was made with:
//! reactivating the user does not bring old keys back).

use chrono::Utc;
use sea_orm::*;
use types::admin::UserInput;
use types::error::AppError;
use types::model::{Role, SessionUser};

use crate::db::begin_write;
use crate::entities::{department, session, user};
use crate::services::auth::{hash_password, to_session_user};
use crate::services::OrInternal;

pub async fn save_user(
    db: &DatabaseConnection,
    admin: &SessionUser,
    input: &UserInput,
) -> Result<SessionUser, AppError> {
    let errors = input.validate();
    if !errors.is_empty() {
        return Err(AppError::InvalidFields { errors });
    }
    let role = Role::parse(&input.role).unwrap_or(Role::Viewer);
    let password = input.password.as_deref().filter(|p| !p.is_empty());
    let hash = match password {
        Some(p) => {
            let p = p.to_string();
            Some(
                tokio::task::spawn_blocking(move || hash_password(&p))
                    .await
                    .or_internal()??,
            )
        }
        None => None,
    };
    let txn = begin_write(db).await.or_internal()?;
    let department_id = match input
        .department
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        Some(code) => Some(
            department::Entity::find()
                .filter(department::Column::Code.eq(code))
                .one(&txn)
                .await
                .or_internal()?
                .ok_or_else(|| {
                    AppError::invalid_field(
                        "department",
                        format!("department: '{code}' 부서가 없습니다."),
                        format!("department: there is no department '{code}'."),
                    )
                })?
                .id,
        ),
        None => None,
    };
    let existing = user::Entity::find()
        .filter(user::Column::Username.eq(input.username.as_str()))
        .one(&txn)
        .await
        .or_internal()?;
    if existing.as_ref().is_some_and(|u| u.id == admin.id) && (role != Role::Admin || !input.active)
    {
        return Err(AppError::invalid_field(
            "role",
            "role: 자신의 관리자 권한을 없애거나 자신을 비활성화할 수 없습니다.",
            "role: you cannot remove your own admin role or deactivate yourself.",
        ));
    }
    let saved = match existing {
        Some(u) => {
            let mut a: user::ActiveModel = u.into();
            a.display_name = Set(input.display_name.trim().to_string());
            a.role = Set(role.code().to_string());
            a.department_id = Set(department_id);
            a.active = Set(input.active);
            if let Some(h) = hash {
                a.password_hash = Set(h);
            }
            a.update(&txn).await.or_internal()?
        }
        None => {
            let Some(h) = hash else {
                return Err(AppError::invalid_field(
                    "password",
                    "password: 새 사용자에게는 비밀번호가 필요합니다.",
                    "password: required for a new user.",
                ));
            };
            user::ActiveModel {
                username: Set(input.username.clone()),
                display_name: Set(input.display_name.trim().to_string()),
                password_hash: Set(h),
                role: Set(role.code().to_string()),
                department_id: Set(department_id),
                active: Set(input.active),
                created_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(&txn)
            .await
            .or_internal()?
        }
    };
    if !saved.active || password.is_some() {
        // Deactivated, or a new password: every open session of theirs ends, every key stops.
        session::Entity::delete_many()
            .filter(session::Column::UserId.eq(saved.id))
            .exec(&txn)
            .await
            .or_internal()?;
        let revoked = crate::services::api_keys::revoke::revoke_all(&txn, saved.id).await?;
        if revoked > 0 {
            tracing::info!(user = %saved.username, keys = revoked, "API keys revoked");
        }
    }
    if password.is_some() {
        // The new password is tried at once, without the delays earned by the old one.
        crate::services::login_throttle::clear(&txn, &saved.username).await?;
    }
    let out = to_session_user(&txn, saved).await?;
    txn.commit().await.or_internal()?;
    Ok(out)
}

//! Passwords (argon2) and database-backed sessions. The cookie carries a random token; the
//! database stores only its SHA-256, so a copy of the table opens no session.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{Duration, Utc};
use sea_orm::*;
use sha2::{Digest, Sha256};
use types::error::AppError;
use types::model::{LoginInput, Role, SessionUser};

use super::{login_throttle, OrInternal};
use crate::entities::{department, session, user};

pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .or_internal()
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

fn token_id(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub async fn to_session_user(
    db: &impl ConnectionTrait,
    u: user::Model,
) -> Result<SessionUser, AppError> {
    let department = match u.department_id {
        Some(id) => department::Entity::find_by_id(id)
            .one(db)
            .await
            .or_internal()?
            .map(super::catalog::department_ref),
        None => None,
    };
    Ok(SessionUser {
        id: u.id,
        username: u.username,
        display_name: u.display_name,
        role: Role::parse(&u.role).unwrap_or(Role::Viewer),
        department,
    })
}

/// Login attempts an address may make per ten minutes, whatever usernames it tries (an
/// in-memory limit per instance, before the per-account throttle of [`login_throttle`]).
/// How long a session lasts without signing in again.
pub const SESSION_DAYS: i64 = 7;

pub const LOGINS_PER_ADDRESS: u32 = 20;

/// Check the password and open a session. The attempt is first admitted (or refused with 429
/// and Retry-After) by [`login_throttle::admit`], in the database and before the password is
/// looked at, identically for existing and unknown usernames; see that module for the rules.
pub async fn login(
    db: &DatabaseConnection,
    client: Option<std::net::IpAddr>,
    input: &LoginInput,
) -> Result<(SessionUser, String), AppError> {
    input.validate()?;
    let admitted = login_throttle::admit(db, &input.username, client).await?;
    let found = user::Entity::find()
        .filter(user::Column::Username.eq(input.username.trim()))
        .filter(user::Column::Active.eq(true))
        .one(db)
        .await
        .or_internal()?;
    // Verify against a real hash even for unknown users, so timing does not reveal who exists.
    const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$ZwcgA2B8lWjrHCu4qnUmVwRLLq02EuCxzMdQV6cKYPo";
    let hash = found
        .as_ref()
        .map(|u| u.password_hash.clone())
        .unwrap_or_else(|| DUMMY.to_string());
    let password = input.password.clone();
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .or_internal()?;
    // A wrong password was already counted when the attempt was admitted.
    let Some(u) = found.filter(|_| ok) else {
        return Err(AppError::BadCredentials);
    };
    login_throttle::succeeded(db, &admitted).await?;
    let now = Utc::now();
    let token = hex::encode(rand::random::<[u8; 32]>());
    session::ActiveModel {
        id: Set(token_id(&token)),
        user_id: Set(u.id),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(SESSION_DAYS)),
    }
    .insert(db)
    .await
    .or_internal()?;
    // Housekeeping: expired sessions go away as new ones are made.
    session::Entity::delete_many()
        .filter(session::Column::ExpiresAt.lt(now))
        .exec(db)
        .await
        .or_internal()?;
    Ok((to_session_user(db, u).await?, token))
}

pub async fn logout(db: &DatabaseConnection, token: &str) -> Result<(), AppError> {
    session::Entity::delete_by_id(token_id(token))
        .exec(db)
        .await
        .or_internal()?;
    Ok(())
}

pub async fn session_user(
    db: &DatabaseConnection,
    token: &str,
) -> Result<Option<SessionUser>, AppError> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    // The session and its user in one query (every signed-in request makes it).
    let session_owner = sea_orm::sea_query::Query::select()
        .column(session::Column::UserId)
        .from(session::Entity)
        .and_where(session::Column::Id.eq(token_id(token)))
        .and_where(session::Column::ExpiresAt.gt(Utc::now()))
        .to_owned();
    match user::Entity::find()
        .filter(user::Column::Id.in_subquery(session_owner))
        .filter(user::Column::Active.eq(true))
        .one(db)
        .await
        .or_internal()?
    {
        Some(u) => Ok(Some(to_session_user(db, u).await?)),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn dummy_hash_parses_and_rejects() {
        assert!(!super::verify_password("x", "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$ZwcgA2B8lWjrHCu4qnUmVwRLLq02EuCxzMdQV6cKYPo"));
        let h = super::hash_password("secret").unwrap();
        assert!(super::verify_password("secret", &h));
        assert!(!super::verify_password("Secret", &h));
    }
}

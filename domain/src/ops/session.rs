//! Signing in and out, and who a session belongs to.

use std::net::IpAddr;

use types::error::AppError;
use types::model::{LoginInput, SessionUser};

use super::Ctx;
use crate::services::auth;

/// The user of a session token (`None`: no such session, or expired).
pub async fn session_user(ctx: &Ctx, token: &str) -> Result<Option<SessionUser>, AppError> {
    auth::session_user(&ctx.db, token).await
}

/// Check the password and open a session: the user and the new session token. Attempts are
/// limited per client address (`client`) and per account.
pub async fn login(
    ctx: &Ctx,
    client: Option<IpAddr>,
    input: &LoginInput,
) -> Result<(SessionUser, String), AppError> {
    input.validate()?;
    if let (Some(limit), Some(ip)) = (&ctx.login_limit, client) {
        limit
            .check(ip)
            .map_err(|retry_after| AppError::RateLimited { retry_after })?;
    }
    auth::login(&ctx.db, client, input).await
}

pub async fn logout(ctx: &Ctx, token: &str) -> Result<(), AppError> {
    auth::logout(&ctx.db, token).await
}

//! The public portal's staff side: residents' problem reports and API keys.

use std::net::IpAddr;

use types::admin::{ApiKeyInfo, NewApiKey, OwnedApiKey};
use types::error::AppError;
use types::feedback::{FeedbackInfo, FeedbackInput, FeedbackStatus};

use super::{Actor, Ctx};
use crate::services::{api_keys, catalog, feedback};

/// A resident's problem report from `client`: validated, then rate limited per address,
/// then stored for the owning department.
pub async fn report_problem(
    ctx: &Ctx,
    actor: &Actor,
    client: IpAddr,
    id_or_slug: &str,
    input: &FeedbackInput,
) -> Result<feedback::create::Outcome, AppError> {
    let new = input.validate()?;
    if let Some(limit) = &ctx.feedback_limit {
        limit
            .check(client)
            .map_err(|retry_after| AppError::RateLimited { retry_after })?;
    }
    feedback::create::create(&ctx.db, &actor.viewer(), id_or_slug, new, input.is_bot()).await
}

/// Residents' reports about a dataset, for those who may read them (`None` for anonymous
/// readers and for staff who may not).
pub async fn dataset_feedback(
    ctx: &Ctx,
    actor: &Actor,
    id_or_slug: &str,
) -> Result<Option<Vec<FeedbackInfo>>, AppError> {
    let Some(user) = actor.person() else {
        return Ok(None);
    };
    let d = catalog::find_visible(&ctx.db, &actor.viewer(), id_or_slug).await?;
    if !feedback::may_read(user, d.department_id) {
        return Ok(None);
    }
    feedback::list::list(&ctx.db, user, Some(d.id), None)
        .await
        .map(Some)
}

/// Mark a report resolved, or open again.
pub async fn set_feedback_status(
    ctx: &Ctx,
    actor: &Actor,
    id: i32,
    status: FeedbackStatus,
) -> Result<FeedbackInfo, AppError> {
    feedback::resolve::set_status(&ctx.db, actor.user()?, id, status).await
}

/// The actor's own API keys.
pub async fn api_keys(ctx: &Ctx, actor: &Actor) -> Result<Vec<ApiKeyInfo>, AppError> {
    api_keys::list::list(&ctx.db, actor.user()?).await
}

/// Make a key; the answer carries the key itself, shown this once.
pub async fn create_api_key(ctx: &Ctx, actor: &Actor, name: &str) -> Result<NewApiKey, AppError> {
    api_keys::create::create(&ctx.db, actor.user()?, name).await
}

pub async fn revoke_api_key(ctx: &Ctx, actor: &Actor, id: i32) -> Result<ApiKeyInfo, AppError> {
    api_keys::revoke::revoke(&ctx.db, actor.user()?, id).await
}

/// Every user's keys with their owners (administrators).
pub async fn all_api_keys(ctx: &Ctx, actor: &Actor) -> Result<Vec<OwnedApiKey>, AppError> {
    api_keys::list::all(&ctx.db, actor.admin()?).await
}

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

/// Reports the actor may read, newest first, optionally for one dataset or in one status.
pub async fn feedback(
    ctx: &Ctx,
    actor: &Actor,
    dataset: Option<i32>,
    status: Option<FeedbackStatus>,
) -> Result<Vec<FeedbackInfo>, AppError> {
    feedback::list::list(&ctx.db, actor.user()?, dataset, status).await
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

/// Keys are managed by people signed in, never with a key (a leaked key cannot make more).
fn key_owner(actor: &Actor) -> Result<&types::model::SessionUser, AppError> {
    match actor {
        Actor::ApiKey(_) => Err(AppError::Forbidden),
        other => other.user(),
    }
}

/// The actor's own API keys.
pub async fn api_keys(ctx: &Ctx, actor: &Actor) -> Result<Vec<ApiKeyInfo>, AppError> {
    api_keys::list::list(&ctx.db, key_owner(actor)?).await
}

/// Make a key; the answer carries the key itself, shown this once.
pub async fn create_api_key(ctx: &Ctx, actor: &Actor, name: &str) -> Result<NewApiKey, AppError> {
    api_keys::create::create(&ctx.db, key_owner(actor)?, name).await
}

pub async fn revoke_api_key(ctx: &Ctx, actor: &Actor, id: i32) -> Result<ApiKeyInfo, AppError> {
    api_keys::revoke::revoke(&ctx.db, key_owner(actor)?, id).await
}

/// Every user's keys with their owners (administrators).
pub async fn all_api_keys(ctx: &Ctx, actor: &Actor) -> Result<Vec<OwnedApiKey>, AppError> {
    let admin = key_owner(actor)?;
    admin.require_admin()?;
    api_keys::list::all(&ctx.db, admin).await
}

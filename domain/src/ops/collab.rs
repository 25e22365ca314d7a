//! Working together on a dataset: edits, proposals, history, comments, notifications and the
//! activity feed.

use serde_json::{Map, Value};
use types::collab::{
    ActivityItem, CommentInfo, FeedScope, Notifications, ProposalInfo, ProposalScope, RevisionInfo,
};
use types::editing::DatasetPatch;
use types::error::AppError;
use types::model::SessionUser;

use super::{Actor, Ctx};
use crate::services::datasets::update::Updated;
use crate::services::{activity, comments, datasets, notifications, proposals};

/// Apply a change to a dataset the actor may edit (`version`: the one the change is based on).
pub async fn update(
    ctx: &Ctx,
    actor: &Actor,
    id_or_slug: &str,
    version: i32,
    patch: &DatasetPatch,
) -> Result<Updated, AppError> {
    let user = actor.user()?;
    let u =
        datasets::update::update(&ctx.db, &ctx.search, user, id_or_slug, version, patch).await?;
    announce(ctx, &u, user);
    Ok(u)
}

/// Tell whoever has the dataset open that it changed (the live stream).
fn announce(ctx: &Ctx, u: &Updated, by: &SessionUser) {
    if !u.changed_fields.is_empty() {
        ctx.live.changed(u.id, u.version, by);
    }
}

/// Restore revision `to` as a new revision.
pub async fn revert(
    ctx: &Ctx,
    actor: &Actor,
    id_or_slug: &str,
    version: i32,
    to: i32,
) -> Result<Updated, AppError> {
    let user = actor.user()?;
    let u = datasets::revert::revert(&ctx.db, &ctx.search, user, id_or_slug, version, to).await?;
    announce(ctx, &u, user);
    Ok(u)
}

pub async fn propose(
    ctx: &Ctx,
    actor: &Actor,
    id_or_slug: &str,
    version: i32,
    patch: &DatasetPatch,
) -> Result<ProposalInfo, AppError> {
    proposals::create::create(&ctx.db, actor.user()?, id_or_slug, version, patch).await
}

pub async fn proposals(
    ctx: &Ctx,
    actor: &Actor,
    scope: ProposalScope,
) -> Result<Vec<ProposalInfo>, AppError> {
    proposals::list::list(&ctx.db, actor.user()?, scope).await
}

pub async fn accept(
    ctx: &Ctx,
    actor: &Actor,
    id: i32,
    version: i32,
    resolution: &Map<String, Value>,
) -> Result<ProposalInfo, AppError> {
    let user = actor.user()?;
    let info =
        proposals::decide::accept(&ctx.db, &ctx.search, user, id, version, resolution).await?;
    if let Some(v) = info.applied_version {
        ctx.live.changed(info.dataset.id, v, user);
    }
    Ok(info)
}

pub async fn proposal(ctx: &Ctx, actor: &Actor, id: i32) -> Result<ProposalInfo, AppError> {
    proposals::list::get(&ctx.db, actor.user()?, id).await
}

pub async fn reject(
    ctx: &Ctx,
    actor: &Actor,
    id: i32,
    reason: &str,
) -> Result<ProposalInfo, AppError> {
    proposals::decide::reject(&ctx.db, actor.user()?, id, reason).await
}

pub async fn withdraw(ctx: &Ctx, actor: &Actor, id: i32) -> Result<ProposalInfo, AppError> {
    proposals::decide::withdraw(&ctx.db, actor.user()?, id).await
}

pub async fn notifications(ctx: &Ctx, actor: &Actor) -> Result<Notifications, AppError> {
    notifications::list::list(&ctx.db, actor.user()?).await
}

/// Mark notifications read (`None`: all of them): how many were unread.
pub async fn mark_read(ctx: &Ctx, actor: &Actor, ids: Option<&[i32]>) -> Result<u64, AppError> {
    notifications::read::mark_read(&ctx.db, actor.user()?, ids).await
}

pub async fn activity(
    ctx: &Ctx,
    actor: &Actor,
    scope: &FeedScope,
) -> Result<Vec<ActivityItem>, AppError> {
    activity::feed(&ctx.db, actor.user()?, scope).await
}

pub async fn revisions(
    ctx: &Ctx,
    actor: &Actor,
    id_or_slug: &str,
) -> Result<Vec<RevisionInfo>, AppError> {
    actor.user()?;
    datasets::history::list(&ctx.db, &actor.viewer(), id_or_slug).await
}

/// `{ field: { from, to } }` between two revisions.
pub async fn compare(
    ctx: &Ctx,
    actor: &Actor,
    id_or_slug: &str,
    from: i32,
    to: i32,
) -> Result<Value, AppError> {
    actor.user()?;
    datasets::history::compare(&ctx.db, &actor.viewer(), id_or_slug, from, to).await
}

pub async fn comments(
    ctx: &Ctx,
    actor: &Actor,
    id_or_slug: &str,
) -> Result<Vec<CommentInfo>, AppError> {
    comments::list::list(&ctx.db, actor.user()?, id_or_slug).await
}

pub async fn add_comment(
    ctx: &Ctx,
    actor: &Actor,
    id_or_slug: &str,
    body: &str,
) -> Result<CommentInfo, AppError> {
    comments::create::create(&ctx.db, actor.user()?, id_or_slug, body).await
}

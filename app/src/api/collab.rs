//! Server functions for working together: editing, proposals, comments, notifications, activity.
//! Each needs a signed-in user; the services check what that user may do.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::collab::*;
use crate::editing::DatasetPatch;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use domain::ops;

/// The edit page's data: for users who may edit the dataset, or propose changes to it.
#[server(endpoint = "dataset_for_edit")]
pub async fn dataset_for_edit(slug: String) -> Result<EditContext, AppError> {
    let (ctx, actor) = crate::ssr::caller().await?;
    ops::catalog::edit_context(&ctx.services, &actor, &slug).await
}

/// Save a change made in the edit form: the dataset's new version.
#[server(endpoint = "save_dataset", input = Json)]
pub async fn save_dataset(
    slug: String,
    version: i32,
    patch: DatasetPatch,
) -> Result<i32, AppError> {
    let (ctx, actor) = crate::ssr::caller().await?;
    let updated = ops::collab::update(&ctx.services, &actor, &slug, version, &patch).await?;
    Ok(updated.version)
}

#[server(endpoint = "propose_change", input = Json)]
pub async fn propose_change(
    slug: String,
    version: i32,
    patch: DatasetPatch,
) -> Result<ProposalInfo, AppError> {
    let (ctx, actor) = crate::ssr::caller().await?;
    ops::collab::propose(&ctx.services, &actor, &slug, version, &patch).await
}

#[server(endpoint = "proposals", input = Json)]
pub async fn list_proposals(scope: ProposalScope) -> Result<Vec<ProposalInfo>, AppError> {
    let (ctx, actor) = crate::ssr::caller().await?;
    ops::collab::proposals(&ctx.services, &actor, scope).await
}

#[server(endpoint = "accept_proposal", input = Json)]
pub async fn accept_proposal(
    id: i32,
    version: i32,
    resolution: serde_json::Map<String, serde_json::Value>,
) -> Result<ProposalInfo, AppError> {
    let (ctx, actor) = crate::ssr::caller().await?;
    ops::collab::accept(&ctx.services, &actor, id, version, &resolution).await
}

#[server(endpoint = "reject_proposal")]
pub async fn reject_proposal(id: i32, reason: String) -> Result<ProposalInfo, AppError> {
    let (ctx, actor) = crate::ssr::caller().await?;
    ops::collab::reject(&ctx.services, &actor, id, &reason).await
}

#[server(endpoint = "withdraw_proposal")]
pub async fn withdraw_proposal(id: i32) -> Result<ProposalInfo, AppError> {
    let (ctx, actor) = crate::ssr::caller().await?;
    ops::collab::withdraw(&ctx.services, &actor, id).await
}

#[server(endpoint = "notifications")]
pub async fn load_notifications() -> Result<Notifications, AppError> {
    let (ctx, actor) = crate::ssr::caller().await?;
    ops::collab::notifications(&ctx.services, &actor).await
}

/// Mark every notification read.
#[server(endpoint = "mark_all_read")]
pub async fn mark_all_read() -> Result<u64, AppError> {
    let (ctx, actor) = crate::ssr::caller().await?;
    ops::collab::mark_read(&ctx.services, &actor, None).await
}

/// An activity feed: `None` for anonymous readers (staff only).
#[server(endpoint = "activity", input = Json)]
pub async fn activity(scope: FeedScope) -> Result<Option<Vec<ActivityItem>>, AppError> {
    let (ctx, actor) = crate::ssr::caller().await?;
    if actor.person().is_none() {
        return Ok(None);
    }
    ops::collab::activity(&ctx.services, &actor, &scope)
        .await
        .map(Some)
}

/// The discussion on a dataset: `None` for anonymous readers (staff only).
#[server(endpoint = "comments")]
pub async fn comments(slug: String) -> Result<Option<Vec<CommentInfo>>, AppError> {
    let (ctx, actor) = crate::ssr::caller().await?;
    if actor.person().is_none() {
        return Ok(None);
    }
    ops::collab::comments(&ctx.services, &actor, &slug)
        .await
        .map(Some)
}

#[server(endpoint = "add_comment")]
pub async fn add_comment(slug: String, body: String) -> Result<CommentInfo, AppError> {
    let (ctx, actor) = crate::ssr::caller().await?;
    ops::collab::add_comment(&ctx.services, &actor, &slug, &body).await
}

#[server(endpoint = "revisions")]
pub async fn revisions(slug: String) -> Result<Vec<RevisionInfo>, AppError> {
    let (ctx, actor) = crate::ssr::caller().await?;
    ops::collab::revisions(&ctx.services, &actor, &slug).await
}

#[server(endpoint = "compare_revisions")]
pub async fn compare_revisions(
    slug: String,
    from: i32,
    to: i32,
) -> Result<serde_json::Value, AppError> {
    let (ctx, actor) = crate::ssr::caller().await?;
    ops::collab::compare(&ctx.services, &actor, &slug, from, to).await
}

/// Restore revision `to` (a new revision based on `version`): the new version.
#[server(endpoint = "revert_dataset")]
pub async fn revert_dataset(slug: String, version: i32, to: i32) -> Result<i32, AppError> {
    let (ctx, actor) = crate::ssr::caller().await?;
    let updated = ops::collab::revert(&ctx.services, &actor, &slug, version, to).await?;
    Ok(updated.version)
}

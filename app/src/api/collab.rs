//! Server functions for working together: editing, proposals, comments, notifications, activity.
//! Each needs a signed-in user; the services check what that user may do.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::collab::*;
use crate::editing::DatasetPatch;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::model::{Role, Viewer};

/// The edit page's data: for users who may edit the dataset, or propose changes to it.
#[server(endpoint = "dataset_for_edit")]
pub async fn dataset_for_edit(slug: String) -> Result<EditContext, AppError> {
    let ctx = crate::ssr::ctx()?;
    let user = ctx.require_user().await?;
    let detail = ctx
        .backend
        .dataset(&Viewer::Staff(user.clone()), &slug)
        .await?;
    let owner = detail.summary.department.id;
    let direct = user.can_edit(owner, detail.summary.status);
    if !direct && user.role == Role::Viewer {
        return Err(AppError::Forbidden);
    }
    Ok(EditContext {
        vocabulary: ctx.backend.vocabulary().await?,
        can_publish: user.can_publish(owner),
        direct,
        me: user.id,
        detail,
    })
}

/// Save a change made in the edit form: the dataset's new version.
#[server(endpoint = "save_dataset", input = Json)]
pub async fn save_dataset(
    slug: String,
    version: i32,
    patch: DatasetPatch,
) -> Result<i32, AppError> {
    let ctx = crate::ssr::ctx()?;
    let user = ctx.require_user().await?;
    ctx.backend
        .update_dataset(&user, &slug, version, &patch)
        .await
}

#[server(endpoint = "propose_change", input = Json)]
pub async fn propose_change(
    slug: String,
    version: i32,
    patch: DatasetPatch,
) -> Result<ProposalInfo, AppError> {
    let ctx = crate::ssr::ctx()?;
    let user = ctx.require_user().await?;
    ctx.backend.propose(&user, &slug, version, &patch).await
}

#[server(endpoint = "proposals", input = Json)]
pub async fn list_proposals(scope: ProposalScope) -> Result<Vec<ProposalInfo>, AppError> {
    let ctx = crate::ssr::ctx()?;
    let user = ctx.require_user().await?;
    ctx.backend.proposals(&user, scope).await
}

#[server(endpoint = "accept_proposal", input = Json)]
pub async fn accept_proposal(
    id: i32,
    version: i32,
    resolution: serde_json::Map<String, serde_json::Value>,
) -> Result<ProposalInfo, AppError> {
    let ctx = crate::ssr::ctx()?;
    let user = ctx.require_user().await?;
    ctx.backend
        .accept_proposal(&user, id, version, &resolution)
        .await
}

#[server(endpoint = "reject_proposal")]
pub async fn reject_proposal(id: i32, reason: String) -> Result<ProposalInfo, AppError> {
    let ctx = crate::ssr::ctx()?;
    let user = ctx.require_user().await?;
    ctx.backend.reject_proposal(&user, id, &reason).await
}

#[server(endpoint = "withdraw_proposal")]
pub async fn withdraw_proposal(id: i32) -> Result<ProposalInfo, AppError> {
    let ctx = crate::ssr::ctx()?;
    let user = ctx.require_user().await?;
    ctx.backend.withdraw_proposal(&user, id).await
}

#[server(endpoint = "notifications")]
pub async fn load_notifications() -> Result<Notifications, AppError> {
    let ctx = crate::ssr::ctx()?;
    let user = ctx.require_user().await?;
    ctx.backend.notifications(&user).await
}

/// Mark every notification read.
#[server(endpoint = "mark_all_read")]
pub async fn mark_all_read() -> Result<u64, AppError> {
    let ctx = crate::ssr::ctx()?;
    let user = ctx.require_user().await?;
    ctx.backend.mark_read(&user, None).await
}

/// An activity feed: `None` for anonymous readers (staff only).
#[server(endpoint = "activity", input = Json)]
pub async fn activity(scope: FeedScope) -> Result<Option<Vec<ActivityItem>>, AppError> {
    let ctx = crate::ssr::ctx()?;
    match ctx.user().await? {
        Some(user) => Ok(Some(ctx.backend.activity(&user, &scope).await?)),
        None => Ok(None),
    }
}

/// The discussion on a dataset: `None` for anonymous readers (staff only).
#[server(endpoint = "comments")]
pub async fn comments(slug: String) -> Result<Option<Vec<CommentInfo>>, AppError> {
    let ctx = crate::ssr::ctx()?;
    match ctx.user().await? {
        Some(user) => Ok(Some(ctx.backend.comments(&user, &slug).await?)),
        None => Ok(None),
    }
}

#[server(endpoint = "add_comment")]
pub async fn add_comment(slug: String, body: String) -> Result<CommentInfo, AppError> {
    let ctx = crate::ssr::ctx()?;
    let user = ctx.require_user().await?;
    ctx.backend.add_comment(&user, &slug, &body).await
}

#[server(endpoint = "revisions")]
pub async fn revisions(slug: String) -> Result<Vec<RevisionInfo>, AppError> {
    let ctx = crate::ssr::ctx()?;
    let user = ctx.require_user().await?;
    ctx.backend.revisions(&user, &slug).await
}

#[server(endpoint = "compare_revisions")]
pub async fn compare_revisions(
    slug: String,
    from: i32,
    to: i32,
) -> Result<serde_json::Value, AppError> {
    let ctx = crate::ssr::ctx()?;
    let user = ctx.require_user().await?;
    ctx.backend.compare(&user, &slug, from, to).await
}

/// Restore revision `to` (a new revision based on `version`): the new version.
#[server(endpoint = "revert_dataset")]
pub async fn revert_dataset(slug: String, version: i32, to: i32) -> Result<i32, AppError> {
    let ctx = crate::ssr::ctx()?;
    let user = ctx.require_user().await?;
    ctx.backend.revert(&user, &slug, version, to).await
}

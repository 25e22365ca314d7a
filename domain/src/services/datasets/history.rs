//! A dataset's revision history (staff only), and the difference between any two revisions.

use std::collections::HashMap;

use sea_orm::*;
use types::error::AppError;
use types::model::Viewer;

use super::Snapshot;
use crate::entities::{proposal, revision};
use crate::services::catalog::find_visible;
use crate::services::OrInternal;

pub use types::collab::RevisionInfo;

fn staff_only(viewer: &Viewer) -> Result<(), AppError> {
    match viewer {
        Viewer::Staff(_) => Ok(()),
        Viewer::Public => Err(AppError::Unauthenticated),
    }
}

/// Every revision, newest first (without the snapshots, which only reverts and diffs between
/// two revisions read).
pub async fn list(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id_or_slug: &str,
) -> Result<Vec<RevisionInfo>, AppError> {
    staff_only(viewer)?;
    let d = find_visible(db, viewer, id_or_slug).await?;
    #[derive(FromQueryResult)]
    struct Row {
        version: i32,
        author_id: Option<i32>,
        proposal_id: Option<i32>,
        created_at: chrono::DateTime<chrono::Utc>,
        message: String,
        diff: serde_json::Value,
    }
    let revisions = revision::Entity::find()
        .select_only()
        .columns([
            revision::Column::Version,
            revision::Column::AuthorId,
            revision::Column::ProposalId,
            revision::Column::CreatedAt,
            revision::Column::Message,
            revision::Column::Diff,
        ])
        .filter(revision::Column::DatasetId.eq(d.id))
        .order_by_desc(revision::Column::Version)
        .into_model::<Row>()
        .all(db)
        .await
        .or_internal()?;
    let proposers: HashMap<i32, Option<i32>> = proposal::Entity::find()
        .filter(proposal::Column::Id.is_in(revisions.iter().filter_map(|r| r.proposal_id)))
        .all(db)
        .await
        .or_internal()?
        .into_iter()
        .map(|p| (p.id, p.proposer_id))
        .collect();
    let people = revisions
        .iter()
        .filter_map(|r| r.author_id)
        .chain(proposers.values().filter_map(|p| *p));
    let names = crate::services::people::user_names(db, people.collect()).await?;
    let name = |id: Option<i32>| id.and_then(|id| names.get(&id).cloned());
    Ok(revisions
        .into_iter()
        .map(|r| RevisionInfo {
            version: r.version,
            author: name(r.author_id),
            proposer: name(
                r.proposal_id
                    .and_then(|p| proposers.get(&p).copied().flatten()),
            ),
            proposal_id: r.proposal_id,
            created_at: r.created_at,
            message: r.message,
            diff: r.diff,
        })
        .collect())
}

/// One revision's snapshot of the editable fields (fields it did not record are absent).
pub async fn snapshot(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id_or_slug: &str,
    version: i32,
) -> Result<Snapshot, AppError> {
    staff_only(viewer)?;
    let d = find_visible(db, viewer, id_or_slug).await?;
    let r = revision::Entity::find()
        .filter(revision::Column::DatasetId.eq(d.id))
        .filter(revision::Column::Version.eq(version))
        .one(db)
        .await
        .or_internal()?
        .ok_or_else(|| AppError::not_found(&format!("{id_or_slug} version {version}")))?;
    Ok(Snapshot(
        r.snapshot.as_object().cloned().unwrap_or_default(),
    ))
}

/// What changed from revision `from` to revision `to`, field by field.
pub async fn compare(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id_or_slug: &str,
    from: i32,
    to: i32,
) -> Result<serde_json::Value, AppError> {
    let a = snapshot(db, viewer, id_or_slug, from).await?;
    let b = snapshot(db, viewer, id_or_slug, to).await?;
    Ok(a.diff(&b))
}

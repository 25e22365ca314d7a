//! A dataset's revision history (staff only), and the difference between any two revisions.

use std::collections::HashMap;

use app::error::AppError;
use app::model::Viewer;
use chrono::{DateTime, Utc};
use sea_orm::*;
use serde::Serialize;

use super::Snapshot;
use crate::entities::{revision, user};
use crate::services::catalog::find_visible;
use crate::services::OrInternal;

#[derive(Debug, Clone, Serialize)]
pub struct RevisionInfo {
    pub version: i32,
    pub author: Option<String>,
    pub created_at: DateTime<Utc>,
    pub message: String,
    /// `{ field: { "from": old, "to": new } }`
    pub diff: serde_json::Value,
}

fn staff_only(viewer: &Viewer) -> Result<(), AppError> {
    match viewer {
        Viewer::Staff(_) => Ok(()),
        Viewer::Public => Err(AppError::Unauthenticated),
    }
}

/// Every revision, newest first.
pub async fn list(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id_or_slug: &str,
) -> Result<Vec<RevisionInfo>, AppError> {
    staff_only(viewer)?;
    let d = find_visible(db, viewer, id_or_slug).await?;
    let revisions = revision::Entity::find()
        .filter(revision::Column::DatasetId.eq(d.id))
        .order_by_desc(revision::Column::Version)
        .all(db)
        .await
        .or_internal()?;
    let authors: HashMap<i32, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(revisions.iter().filter_map(|r| r.author_id)))
        .all(db)
        .await
        .or_internal()?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    Ok(revisions
        .into_iter()
        .map(|r| RevisionInfo {
            version: r.version,
            author: r.author_id.and_then(|id| authors.get(&id).cloned()),
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

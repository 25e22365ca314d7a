//! Comment on a dataset: any signed-in staff member who can see it.

use chrono::Utc;
use sea_orm::*;
use types::collab::NotificationKind;
use types::editing::validate_comment;
use types::error::AppError;
use types::model::{Role, SessionUser, Viewer};

use super::CommentInfo;
use crate::db::begin_write;
use crate::entities::comment;
use crate::services::catalog::find_visible;
use crate::services::notifications::{department_members, notify, Event};
use crate::services::OrInternal;

pub async fn create(
    db: &DatabaseConnection,
    author: &SessionUser,
    id_or_slug: &str,
    body: &str,
) -> Result<CommentInfo, AppError> {
    let errors = validate_comment(body);
    if !errors.is_empty() {
        return Err(AppError::InvalidFields { errors });
    }
    let txn = begin_write(db).await.or_internal()?;
    let d = find_visible(&txn, &Viewer::Staff(author.clone()), id_or_slug).await?;
    let saved = comment::ActiveModel {
        dataset_id: Set(d.id),
        author_id: Set(Some(author.id)),
        body: Set(body.trim().to_string()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .or_internal()?;
    let owners = department_members(&txn, d.department_id, &[Role::Steward, Role::Editor]).await?;
    notify(
        &txn,
        owners,
        &Event {
            kind: NotificationKind::Comment,
            dataset_id: d.id,
            actor_id: Some(author.id),
            proposal_id: None,
        },
    )
    .await?;
    txn.commit().await.or_internal()?;
    Ok(CommentInfo {
        id: saved.id,
        author: Some(author.display_name.clone()),
        created_at: saved.created_at,
        body: saved.body,
    })
}

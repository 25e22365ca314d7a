//! A dataset's comments, oldest first.

use std::collections::HashMap;

use sea_orm::*;
use types::error::AppError;
use types::model::SessionUser;
use types::model::Viewer;

use super::CommentInfo;
use crate::entities::{comment, user};
use crate::services::catalog::find_visible;
use crate::services::OrInternal;

pub async fn list(
    db: &DatabaseConnection,
    reader: &SessionUser,
    id_or_slug: &str,
) -> Result<Vec<CommentInfo>, AppError> {
    let d = find_visible(db, &Viewer::Staff(reader.clone()), id_or_slug).await?;
    let comments = comment::Entity::find()
        .filter(comment::Column::DatasetId.eq(d.id))
        .order_by_asc(comment::Column::CreatedAt)
        .order_by_asc(comment::Column::Id)
        .all(db)
        .await
        .or_internal()?;
    let authors: HashMap<i32, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(comments.iter().filter_map(|c| c.author_id)))
        .all(db)
        .await
        .or_internal()?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    Ok(comments
        .into_iter()
        .map(|c| CommentInfo {
            id: c.id,
            author: c.author_id.and_then(|id| authors.get(&id).cloned()),
            created_at: c.created_at,
            body: c.body,
        })
        .collect())
}

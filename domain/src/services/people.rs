//! Names for ids: users' display names and datasets' titles, for lists that mention them.

use std::collections::HashMap;

use sea_orm::*;
use types::collab::DatasetRef;
use types::error::AppError;

use crate::entities::{dataset, user};
use crate::services::OrInternal;

/// Display names of these users, by id.
pub async fn user_names<C: ConnectionTrait>(
    db: &C,
    mut ids: Vec<i32>,
) -> Result<HashMap<i32, String>, AppError> {
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(db)
        .await
        .or_internal()?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect())
}

pub fn dataset_ref(d: &dataset::Model) -> DatasetRef {
    DatasetRef {
        id: d.id,
        slug: d.slug.clone(),
        title_ko: d.title_ko.clone(),
        title_en: d.title_en.clone(),
    }
}

/// These datasets (with their owning department), by id.
pub async fn datasets<C: ConnectionTrait>(
    db: &C,
    mut ids: Vec<i32>,
) -> Result<HashMap<i32, dataset::Model>, AppError> {
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(dataset::Entity::find()
        .filter(dataset::Column::Id.is_in(ids))
        .all(db)
        .await
        .or_internal()?
        .into_iter()
        .map(|d| (d.id, d))
        .collect())
}

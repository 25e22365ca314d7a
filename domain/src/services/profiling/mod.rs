//! Data profiling: a data file attached to a distribution (CSV in UTF-8 or CP949, XLSX, GeoJSON)
//! is profiled in a background job — rows, columns, inferred types, null ratios, ranges, distinct
//! counts, samples, coordinates — and the profile proposes the dataset's data dictionary, shows
//! a preview of the first rows and, with coordinates, a map preview.

pub mod engine;
pub mod run;
pub mod upload;

use sea_orm::*;
use types::error::AppError;
use types::jobs::DistributionProfile;
use types::model::{DataColumn, Viewer};
use types::profiling::Profile;

use crate::entities::profile;
use crate::services::OrInternal;

/// The newest profile of each distribution URL of a dataset (the caller checked visibility).
pub async fn latest(
    db: &impl ConnectionTrait,
    dataset_id: i32,
) -> Result<Vec<DistributionProfile>, AppError> {
    let all = profile::Entity::find()
        .filter(profile::Column::DatasetId.eq(dataset_id))
        .order_by_desc(profile::Column::Id)
        .all(db)
        .await
        .or_internal()?;
    let mut seen = std::collections::HashSet::new();
    Ok(all
        .into_iter()
        .filter(|p| seen.insert(p.url.clone()))
        .filter_map(|p| {
            Some(DistributionProfile {
                id: p.id,
                url: p.url,
                file_name: p.file_name,
                created_at: p.created_at,
                profile: serde_json::from_value::<Profile>(p.result).ok()?,
            })
        })
        .collect())
}

/// One profile of a dataset the viewer may see, as a proposed data dictionary.
pub async fn proposed_columns(
    db: &DatabaseConnection,
    viewer: &Viewer,
    slug: &str,
    profile_id: i32,
) -> Result<Vec<DataColumn>, AppError> {
    let d = crate::services::catalog::find_visible(db, viewer, slug).await?;
    let p = profile::Entity::find_by_id(profile_id)
        .filter(profile::Column::DatasetId.eq(d.id))
        .one(db)
        .await
        .or_internal()?
        .ok_or_else(|| AppError::not_found("profile"))?;
    let profile: Profile = serde_json::from_value(p.result).or_internal()?;
    Ok(profile.proposed_columns())
}

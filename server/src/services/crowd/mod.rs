//! Crowd levels: every hot spot with its latest reading of the last day.

pub mod citydata;
pub mod feed;
pub mod live;
pub mod registry;
pub mod simulate;

use std::collections::HashMap;

use app::error::AppError;
use app::model::{CrowdLevel, HotSpotStatus};
use chrono::{Duration, Utc};
use sea_orm::*;

use super::OrInternal;
use crate::entities::{crowd_reading, hot_spot};

pub async fn status(db: &DatabaseConnection) -> Result<Vec<HotSpotStatus>, AppError> {
    let spots = hot_spot::Entity::find()
        .order_by_asc(hot_spot::Column::Id)
        .all(db)
        .await
        .or_internal()?;
    let readings = crowd_reading::Entity::find()
        .filter(crowd_reading::Column::ObservedAt.gt(Utc::now() - Duration::days(1)))
        .order_by_desc(crowd_reading::Column::ObservedAt)
        .all(db)
        .await
        .or_internal()?;
    let mut latest: HashMap<i32, crowd_reading::Model> = HashMap::new();
    for r in readings {
        latest.entry(r.hot_spot_id).or_insert(r);
    }
    Ok(spots
        .into_iter()
        .map(|h| {
            let r = latest.remove(&h.id);
            HotSpotStatus {
                code: h.code,
                name_ko: h.name_ko,
                name_en: h.name_en,
                district: h.district,
                is_local: h.is_local,
                lat: h.lat,
                lon: h.lon,
                level: r.as_ref().and_then(|r| CrowdLevel::from_number(r.level)),
                population_min: r.as_ref().map(|r| r.population_min),
                population_max: r.as_ref().map(|r| r.population_max),
                observed_at: r.as_ref().map(|r| r.observed_at),
                source: r.map(|r| r.source),
            }
        })
        .collect())
}

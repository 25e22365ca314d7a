//! Crowd levels: every hot spot with its latest reading of the last day, a place's trend and
//! forecast, alert rules and alerts, emergency mode, and local points with pushed readings.

pub mod alerts;
pub mod citydata;
pub mod emergency;
pub mod feed;
pub mod live;
pub mod local;
pub mod registry;
pub mod simulate;

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::*;
use types::crowd::{ForecastPoint, SpotDetail, TrendPoint, MAX_HISTORY_HOURS};
use types::error::AppError;
use types::model::{CrowdLevel, HotSpotStatus};

use super::OrInternal;
use crate::entities::{crowd_hourly, crowd_reading, hot_spot};

/// The latest reading of each place, among those of the last day: one row per place (the
/// newest `observed_at` per spot, found through the unique (spot, time) index).
pub async fn latest_readings(
    db: &impl ConnectionTrait,
    since: DateTime<Utc>,
) -> Result<HashMap<i32, crowd_reading::Model>, AppError> {
    let newest = Query::select()
        .column(crowd_reading::Column::HotSpotId)
        .expr(Expr::col(crowd_reading::Column::ObservedAt).max())
        .from(crowd_reading::Entity)
        .and_where(Expr::col(crowd_reading::Column::ObservedAt).gt(since))
        .group_by_col(crowd_reading::Column::HotSpotId)
        .to_owned();
    let rows = crowd_reading::Entity::find()
        .filter(
            Expr::tuple([
                Expr::col(crowd_reading::Column::HotSpotId),
                Expr::col(crowd_reading::Column::ObservedAt),
            ])
            .in_subquery(newest),
        )
        .all(db)
        .await
        .or_internal()?;
    Ok(rows.into_iter().map(|r| (r.hot_spot_id, r)).collect())
}

pub fn status_of(h: hot_spot::Model, r: Option<&crowd_reading::Model>) -> HotSpotStatus {
    HotSpotStatus {
        code: h.code,
        name_ko: h.name_ko,
        name_en: h.name_en,
        district: h.district,
        is_local: h.is_local,
        lat: h.lat,
        lon: h.lon,
        level: r.and_then(|r| CrowdLevel::from_number(r.level)),
        population_min: r.map(|r| r.population_min),
        population_max: r.map(|r| r.population_max),
        observed_at: r.map(|r| r.observed_at),
        source: r.map(|r| r.source.clone()),
    }
}

pub async fn status(db: &DatabaseConnection) -> Result<Vec<HotSpotStatus>, AppError> {
    let spots = hot_spot::Entity::find()
        .order_by_asc(hot_spot::Column::Id)
        .all(db)
        .await
        .or_internal()?;
    let latest = latest_readings(db, Utc::now() - Duration::days(1)).await?;
    Ok(spots
        .into_iter()
        .map(|h| {
            let id = h.id;
            status_of(h, latest.get(&id))
        })
        .collect())
}

/// The place with this code, or 404.
pub async fn find_spot(db: &impl ConnectionTrait, code: &str) -> Result<hot_spot::Model, AppError> {
    hot_spot::Entity::find()
        .filter(hot_spot::Column::Code.eq(code))
        .one(db)
        .await
        .or_internal()?
        .ok_or_else(|| AppError::NotFound {
            what: format!("hot spot {code}"),
        })
}

/// The place a form or request names in `field`; a 400 naming the field when there is none.
pub async fn spot_named(
    db: &impl ConnectionTrait,
    field: &str,
    code: &str,
) -> Result<hot_spot::Model, AppError> {
    find_spot(db, code).await.map_err(|_| {
        AppError::validation(
            field,
            &format!("{field}: '{code}' 장소가 없습니다."),
            &format!("{field}: no place has the code '{code}'."),
        )
    })
}

/// `hours` of a place's history, oldest first: raw readings where they are kept (the last
/// seven days), hourly rows before that.
pub async fn history(
    db: &DatabaseConnection,
    spot: &hot_spot::Model,
    hours: i64,
    now: DateTime<Utc>,
) -> Result<Vec<TrendPoint>, AppError> {
    if !(1..=MAX_HISTORY_HOURS).contains(&hours) {
        return Err(AppError::validation(
            "hours",
            &format!("hours: 1부터 {MAX_HISTORY_HOURS}까지입니다."),
            &format!("hours: must be 1 to {MAX_HISTORY_HOURS}."),
        ));
    }
    let from = now - Duration::hours(hours);
    let mut points: Vec<TrendPoint> = crowd_hourly::Entity::find()
        .filter(crowd_hourly::Column::HotSpotId.eq(spot.id))
        .filter(crowd_hourly::Column::Hour.gte(from))
        .order_by_asc(crowd_hourly::Column::Hour)
        .all(db)
        .await
        .or_internal()?
        .into_iter()
        .map(|h| TrendPoint {
            at: h.hour,
            level: h.level_avg,
            population_min: h.population_min,
            population_max: h.population_max,
        })
        .collect();
    let raw = crowd_reading::Entity::find()
        .filter(crowd_reading::Column::HotSpotId.eq(spot.id))
        .filter(crowd_reading::Column::ObservedAt.gte(from))
        .filter(crowd_reading::Column::ObservedAt.lte(now))
        .order_by_asc(crowd_reading::Column::ObservedAt)
        .all(db)
        .await
        .or_internal()?;
    points.extend(raw.into_iter().map(|r| TrendPoint {
        at: r.observed_at,
        level: r.level as f64,
        population_min: r.population_min,
        population_max: r.population_max,
    }));
    points.sort_by_key(|p| p.at);
    Ok(points)
}

/// A place's status, its trend over the last `hours` and the forecast of its latest reading
/// (only the hours still ahead).
pub async fn detail(
    db: &DatabaseConnection,
    code: &str,
    hours: i64,
) -> Result<SpotDetail, AppError> {
    let spot = find_spot(db, code).await?;
    let now = Utc::now();
    let trend = history(db, &spot, hours, now).await?;
    let latest = crowd_reading::Entity::find()
        .filter(crowd_reading::Column::HotSpotId.eq(spot.id))
        .order_by_desc(crowd_reading::Column::ObservedAt)
        .one(db)
        .await
        .or_internal()?
        .filter(|r| r.observed_at > now - Duration::days(1));
    let forecast: Vec<ForecastPoint> = latest
        .as_ref()
        .and_then(|r| r.forecast.clone())
        .and_then(|f| serde_json::from_value::<Vec<ForecastPoint>>(f).ok())
        .unwrap_or_default()
        .into_iter()
        .filter(|f| f.at > now - Duration::minutes(30))
        .collect();
    Ok(SpotDetail {
        status: status_of(spot, latest.as_ref()),
        trend,
        forecast,
    })
}

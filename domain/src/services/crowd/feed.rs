//! The crowd feed: every few minutes, a reading for every hot spot from the city's real-time
//! API (with a key) or from the simulator (without one), stored unless it is older than the
//! spot's last reading; and the retention that downsamples readings older than seven days into
//! hourly rows.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use chrono::{DateTime, Timelike, Utc};
use futures::StreamExt;
use sea_orm::sea_query::OnConflict;
use sea_orm::*;
use types::error::AppError;

use super::citydata::{self, CityReading};
use super::simulate::{self, SimSpot};
use crate::ctx::Services;
use crate::db::begin_write;
use crate::entities::{crowd_hourly, crowd_reading, hot_spot};
use crate::services::harvest::fetch::FetchPolicy;
use crate::services::OrInternal;

/// Where readings come from.
#[derive(Debug, Clone, PartialEq)]
pub enum FeedSource {
    /// The simulator (no API key configured).
    Simulated,
    /// The city's `citydata_ppltn` API.
    City { base: String, key: String },
}

impl FeedSource {
    pub fn label(&self) -> &'static str {
        match self {
            FeedSource::Simulated => "simulated",
            FeedSource::City { .. } => "citydata",
        }
    }
}

#[derive(Debug, Clone)]
pub struct FeedConfig {
    pub source: FeedSource,
    /// Time between polls (the city updates about every five minutes).
    pub interval: Duration,
    /// Requests to the city API at once.
    pub concurrency: usize,
    pub policy: FetchPolicy,
    /// Hours of simulated history to fill in when the simulated feed starts (0: none).
    pub backfill_hours: i64,
}

impl FeedConfig {
    pub fn new(source: FeedSource) -> FeedConfig {
        FeedConfig {
            source,
            interval: Duration::from_secs(simulate::SLOT_SECONDS as u64),
            concurrency: 4,
            policy: FetchPolicy {
                timeout: Duration::from_secs(10),
                retries: 2,
                backoff: Duration::from_millis(500),
                max_bytes: 2 * 1024 * 1024,
            },
            backfill_hours: 3,
        }
    }
}

/// Raw readings are kept this long, then downsampled to hours.
pub const RAW_RETENTION_DAYS: i64 = 7;

/// What one poll did.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct PollReport {
    pub stored: usize,
    /// Not newer than the spot's last reading.
    pub ignored: usize,
    /// Hot spot code and why its reading could not be had.
    pub failed: Vec<(String, String)>,
}

/// Store reading `r` for spot `spot_id` unless the spot already has one as new or newer;
/// whether it was stored.
pub async fn store(
    db: &impl ConnectionTrait,
    spot_id: i32,
    r: &CityReading,
    source: &str,
) -> Result<bool, AppError> {
    let latest = crowd_reading::Entity::find()
        .filter(crowd_reading::Column::HotSpotId.eq(spot_id))
        .order_by_desc(crowd_reading::Column::ObservedAt)
        .one(db)
        .await
        .or_internal()?;
    if latest.is_some_and(|l| l.observed_at >= r.observed_at) {
        return Ok(false);
    }
    let forecast = (!r.forecast.is_empty())
        .then(|| serde_json::to_value(&r.forecast).ok())
        .flatten();
    let row = crowd_reading::ActiveModel {
        hot_spot_id: Set(spot_id),
        observed_at: Set(r.observed_at),
        level: Set(r.level.number()),
        population_min: Set(r.population_min),
        population_max: Set(r.population_max),
        source: Set(source.to_string()),
        forecast: Set(forecast),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    // Another instance may store the same reading at the same moment: the unique (spot, time)
    // index keeps one.
    let done = crowd_reading::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                crowd_reading::Column::HotSpotId,
                crowd_reading::Column::ObservedAt,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(db)
        .await
        .or_internal()?;
    Ok(done == 1)
}

fn sim_spots(spots: &[hot_spot::Model]) -> Vec<SimSpot> {
    spots
        .iter()
        .map(|h| SimSpot {
            code: h.code.clone(),
            name_ko: h.name_ko.clone(),
            category: h.category.clone(),
        })
        .collect()
}

/// What the city API knows a place by: its `POI…` area code, else its Korean name.
fn area_of(h: &hot_spot::Model) -> &str {
    if h.code.starts_with("POI") {
        &h.code
    } else {
        &h.name_ko
    }
}

/// One reading for every hot spot, now.
pub async fn poll_once(
    db: &DatabaseConnection,
    config: &FeedConfig,
    client: &crate::net::Outbound,
    now: DateTime<Utc>,
) -> Result<PollReport, AppError> {
    let spots = hot_spot::Entity::find()
        .order_by_asc(hot_spot::Column::Id)
        .all(db)
        .await
        .or_internal()?;
    let mut report = PollReport::default();
    let readings: Vec<(usize, Result<CityReading, String>)> = match &config.source {
        FeedSource::Simulated => {
            let sims = sim_spots(&spots);
            (0..spots.len())
                .map(|i| (i, Ok(simulate::reading(&sims, i, now))))
                .collect()
        }
        FeedSource::City { base, key } => {
            let areas: Vec<(usize, String)> = spots
                .iter()
                .enumerate()
                .map(|(i, h)| (i, area_of(h).to_string()))
                .collect();
            futures::stream::iter(areas)
                .map(|(i, area)| async move {
                    let r = citydata::fetch(client, base, key, &area, &config.policy)
                        .await
                        .map_err(|e| e.to_string());
                    (i, r)
                })
                .buffer_unordered(config.concurrency.max(1))
                .collect()
                .await
        }
    };
    // One transaction for the whole poll (one commit, not one per place).
    let txn = begin_write(db).await.or_internal()?;
    for (i, r) in readings {
        let h = &spots[i];
        match r {
            Ok(r) => {
                if store(&txn, h.id, &r, config.source.label()).await? {
                    report.stored += 1;
                } else {
                    report.ignored += 1;
                }
            }
            Err(why) => {
                tracing::warn!(spot = %h.code, reason = %why, "crowd reading failed");
                report.failed.push((h.code.clone(), why));
            }
        }
    }
    txn.commit().await.or_internal()?;
    Ok(report)
}

/// Simulated readings every five minutes over the last `hours`, for spots without readings
/// then, so trends have a history right after the first start (the seed's placeholder
/// readings are dropped first).
pub async fn backfill(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    hours: i64,
) -> Result<usize, AppError> {
    let spots = hot_spot::Entity::find()
        .order_by_asc(hot_spot::Column::Id)
        .all(db)
        .await
        .or_internal()?;
    // The seed's placeholder readings stand in only until a feed runs.
    crowd_reading::Entity::delete_many()
        .filter(crowd_reading::Column::Source.eq("demo"))
        .exec(db)
        .await
        .or_internal()?;
    let sims = sim_spots(&spots);
    let from = now - chrono::Duration::hours(hours);
    let mut n = 0;
    for (i, h) in spots.iter().enumerate() {
        let any = crowd_reading::Entity::find()
            .filter(crowd_reading::Column::HotSpotId.eq(h.id))
            .filter(crowd_reading::Column::ObservedAt.gt(from))
            .count(db)
            .await
            .or_internal()?;
        if any > 0 {
            continue;
        }
        let txn = begin_write(db).await.or_internal()?;
        let mut t = from;
        while t <= now {
            if store(&txn, h.id, &simulate::reading(&sims, i, t), "simulated").await? {
                n += 1;
            }
            t += chrono::Duration::seconds(simulate::SLOT_SECONDS);
        }
        txn.commit().await.or_internal()?;
    }
    Ok(n)
}

/// One hour's readings of one spot, being folded.
struct HourAgg {
    level_max: i16,
    level_sum: f64,
    population_min: i32,
    population_max: i32,
    samples: i32,
}

/// Fold raw readings older than [`RAW_RETENTION_DAYS`] (whole hours) into hourly rows and
/// delete them, in one transaction; how many raw readings were folded.
pub async fn downsample(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<usize, AppError> {
    let cutoff = now - chrono::Duration::days(RAW_RETENTION_DAYS);
    let cutoff = cutoff
        .with_minute(0)
        .and_then(|t| t.with_second(0))
        .and_then(|t| t.with_nanosecond(0))
        .unwrap_or(cutoff);
    let txn = begin_write(db).await.or_internal()?;
    let old = crowd_reading::Entity::find()
        .filter(crowd_reading::Column::ObservedAt.lt(cutoff))
        .all(&txn)
        .await
        .or_internal()?;
    if old.is_empty() {
        return Ok(0);
    }
    let mut hours: BTreeMap<(i32, DateTime<Utc>), HourAgg> = BTreeMap::new();
    for r in &old {
        let hour = r
            .observed_at
            .with_minute(0)
            .and_then(|t| t.with_second(0))
            .and_then(|t| t.with_nanosecond(0))
            .unwrap_or(r.observed_at);
        let e = hours.entry((r.hot_spot_id, hour)).or_insert(HourAgg {
            level_max: 0,
            level_sum: 0.0,
            population_min: i32::MAX,
            population_max: 0,
            samples: 0,
        });
        e.level_max = std::cmp::max(e.level_max, r.level);
        e.level_sum += r.level as f64;
        e.population_min = std::cmp::min(e.population_min, r.population_min);
        e.population_max = std::cmp::max(e.population_max, r.population_max);
        e.samples += 1;
    }
    let spots: Vec<i32> = hours.keys().map(|(s, _)| *s).collect();
    let existing: HashMap<(i32, DateTime<Utc>), crowd_hourly::Model> = crowd_hourly::Entity::find()
        .filter(crowd_hourly::Column::HotSpotId.is_in(spots))
        .filter(crowd_hourly::Column::Hour.lt(cutoff))
        .all(&txn)
        .await
        .or_internal()?
        .into_iter()
        .map(|h| ((h.hot_spot_id, h.hour), h))
        .collect();
    for ((spot, hour), agg) in hours {
        let HourAgg {
            level_max: max,
            level_sum: sum,
            population_min: pmin,
            population_max: pmax,
            samples: n,
        } = agg;
        match existing.get(&(spot, hour)) {
            // Readings that arrived after the hour was folded: merge them in.
            Some(h) => {
                let samples = h.samples + n;
                let mut a: crowd_hourly::ActiveModel = h.clone().into();
                a.level_max = Set(std::cmp::max(h.level_max, max));
                a.level_avg = Set((h.level_avg * h.samples as f64 + sum) / samples as f64);
                a.population_min = Set(std::cmp::min(h.population_min, pmin));
                a.population_max = Set(std::cmp::max(h.population_max, pmax));
                a.samples = Set(samples);
                a.update(&txn).await.or_internal()?;
            }
            None => {
                crowd_hourly::ActiveModel {
                    hot_spot_id: Set(spot),
                    hour: Set(hour),
                    level_max: Set(max),
                    level_avg: Set(sum / n as f64),
                    population_min: Set(pmin),
                    population_max: Set(pmax),
                    samples: Set(n),
                    ..Default::default()
                }
                .insert(&txn)
                .await
                .or_internal()?;
            }
        }
    }
    crowd_reading::Entity::delete_many()
        .filter(crowd_reading::Column::ObservedAt.lt(cutoff))
        .exec(&txn)
        .await
        .or_internal()?;
    txn.commit().await.or_internal()?;
    Ok(old.len())
}

/// Poll on the interval until the server stops; downsample once an hour.
/// Poll the feed until the server stops, while this instance leads (see
/// [`crate::cluster::Leadership`]: one poller among several instances on PostgreSQL; a
/// follower checks every few seconds and takes over when the leader is gone).
pub fn spawn(services: Services, config: FeedConfig) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let client = services.outbound.clone();
        let mut closing = services.live.closing();
        let mut leadership =
            crate::cluster::Leadership::new(&services.db, services.feed_leader.clone());
        let mut backfilled = false;
        let mut next_poll = tokio::time::Instant::now();
        let mut last_downsample: Option<DateTime<Utc>> = None;
        loop {
            if *closing.borrow() {
                break;
            }
            let leading = leadership.check().await;
            if leading
                && config.source == FeedSource::Simulated
                && config.backfill_hours > 0
                && !backfilled
            {
                match backfill(&services.db, Utc::now(), config.backfill_hours).await {
                    Ok(n) if n > 0 => {
                        tracing::info!(readings = n, "simulated crowd history filled")
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = ?e, "filling simulated crowd history failed"),
                }
                backfilled = true;
            }
            if leading && tokio::time::Instant::now() >= next_poll {
                next_poll = tokio::time::Instant::now() + config.interval;
                poll_and_publish(&services, &config, &client).await;
                let now = Utc::now();
                if last_downsample.is_none_or(|t| now - t >= chrono::Duration::hours(1)) {
                    match downsample(&services.db, now).await {
                        Ok(n) if n > 0 => tracing::info!(readings = n, "crowd history downsampled"),
                        Ok(_) => {}
                        Err(e) => tracing::warn!(error = ?e, "downsampling crowd history failed"),
                    }
                    last_downsample = Some(now);
                }
            }
            if !leading {
                // A new leader polls at once.
                next_poll = tokio::time::Instant::now();
            }
            let wait = config.interval.min(crate::cluster::LEADER_CHECK);
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = closing.changed() => {}
            }
        }
    })
}

async fn poll_and_publish(services: &Services, config: &FeedConfig, client: &crate::net::Outbound) {
    let now = Utc::now();
    match poll_once(&services.db, config, client, now).await {
        Ok(r) if r.stored > 0 || services.crowd_live.spots.current().is_none() => {
            if let Err(e) = services.crowd_updated().await {
                tracing::warn!(error = ?e, "publishing the crowd state failed");
            }
            tracing::debug!(stored = r.stored, failed = r.failed.len(), "crowd poll");
        }
        Ok(r) => tracing::debug!(
            stored = r.stored,
            ignored = r.ignored,
            failed = r.failed.len(),
            source = config.source.label(),
            "crowd poll"
        ),
        Err(e) => tracing::warn!(error = ?e, "crowd poll failed"),
    }
}

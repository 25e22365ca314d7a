//! "Popular" datasets: page views counted in memory and added to per-day rows every few
//! seconds, so a surge of readers costs no database write per page view. Each instance adds
//! its own counts (an upsert that increments), so several instances count correctly together.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{Duration, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::*;
use types::error::AppError;
use types::model::{DatasetSummary, Viewer};

use super::catalog::{summaries, visible};
use super::OrInternal;
use crate::entities::{dataset, dataset_view};

/// Views counted over this many days.
pub const WINDOW_DAYS: i64 = 30;

/// Readers (an IPv4 address or an IPv6 /64, as the rate limits count them) remembered per hour for counting views once; past
/// this many in one hour, further new readers are not counted until the hour turns.
const MAX_READERS_PER_HOUR: usize = 500_000;

/// Views not yet written, per dataset. A reader's views of one dataset count once per hour, so
/// reloading a page or calling the API in a loop does not move "most viewed".
#[derive(Default)]
pub struct ViewCounter {
    pending: Mutex<HashMap<i32, i64>>,
    /// The current hour and the (reader, dataset) pairs counted in it.
    seen: Mutex<(i64, std::collections::HashSet<(std::net::IpAddr, i32)>)>,
}

impl ViewCounter {
    /// Count a view of the dataset by the reader at `client` (once per hour; a view without
    /// a known address is counted).
    pub fn record(&self, client: Option<std::net::IpAddr>, dataset_id: i32) {
        if let Some(ip) = client {
            let hour = Utc::now().timestamp().div_euclid(3600);
            let Ok(mut seen) = self.seen.lock() else {
                return;
            };
            if seen.0 != hour {
                *seen = (hour, Default::default());
            }
            if seen.1.len() >= MAX_READERS_PER_HOUR
                || !seen.1.insert((crate::rate_limit::key(ip), dataset_id))
            {
                return;
            }
        }
        if let Ok(mut p) = self.pending.lock() {
            *p.entry(dataset_id).or_default() += 1;
        }
    }

    /// Add the pending counts to today's rows (one statement). On failure they are kept for
    /// the next flush.
    pub async fn flush(&self, db: &DatabaseConnection) -> Result<usize, AppError> {
        let batch: Vec<(i32, i64)> = match self.pending.lock() {
            Ok(mut p) => p.drain().collect(),
            Err(_) => return Ok(0),
        };
        if batch.is_empty() {
            return Ok(0);
        }
        let today = Utc::now().date_naive();
        let rows = batch.iter().map(|(id, n)| dataset_view::ActiveModel {
            dataset_id: Set(*id),
            day: Set(today),
            views: Set(*n),
        });
        let result = dataset_view::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::columns([dataset_view::Column::DatasetId, dataset_view::Column::Day])
                    .value(
                        dataset_view::Column::Views,
                        Expr::cust("dataset_views.views + excluded.views"),
                    )
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await;
        match result {
            Ok(_) => Ok(batch.len()),
            Err(e) => {
                // A dataset deleted meanwhile fails the batch (foreign key): keep the others.
                let existing: Vec<i32> = dataset::Entity::find()
                    .select_only()
                    .column(dataset::Column::Id)
                    .filter(dataset::Column::Id.is_in(batch.iter().map(|(id, _)| *id)))
                    .into_tuple()
                    .all(db)
                    .await
                    .unwrap_or_default();
                if let Ok(mut p) = self.pending.lock() {
                    for (id, n) in batch.into_iter().filter(|(id, _)| existing.contains(id)) {
                        *p.entry(id).or_default() += n;
                    }
                }
                Err(super::internal(e))
            }
        }
    }
}

/// Flush the view counts every few seconds until the server stops.
pub fn spawn_flusher(
    views: std::sync::Arc<ViewCounter>,
    db: DatabaseConnection,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(10));
        loop {
            tick.tick().await;
            if let Err(e) = views.flush(&db).await {
                tracing::warn!(error = %e, "could not store page views");
            }
        }
    })
}

/// The `n` most viewed datasets the viewer may see over the last [`WINDOW_DAYS`] days, with
/// their view counts; datasets nobody viewed are not listed.
pub async fn popular(
    db: &DatabaseConnection,
    viewer: &Viewer,
    n: u64,
) -> Result<Vec<(DatasetSummary, u64)>, AppError> {
    let since = Utc::now().date_naive() - Duration::days(WINDOW_DAYS);
    let top: Vec<(i32, i64)> = dataset_view::Entity::find()
        .select_only()
        .column(dataset_view::Column::DatasetId)
        .column_as(
            Expr::cust("CAST(SUM(dataset_views.views) AS BIGINT)"),
            "total",
        )
        .join(JoinType::InnerJoin, dataset_view::Relation::Dataset.def())
        .filter(dataset_view::Column::Day.gte(since))
        .filter(visible(viewer))
        .group_by(dataset_view::Column::DatasetId)
        .order_by(Expr::cust("total"), Order::Desc)
        .order_by_asc(dataset_view::Column::DatasetId)
        .limit(n)
        .into_tuple()
        .all(db)
        .await
        .or_internal()?;
    let rows = dataset::Entity::find()
        .filter(dataset::Column::Id.is_in(top.iter().map(|(id, _)| *id)))
        .all(db)
        .await
        .or_internal()?;
    let by_id: HashMap<i32, DatasetSummary> = summaries(db, rows)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    Ok(top
        .into_iter()
        .filter_map(|(id, views)| {
            Some((by_id.get(&id)?.clone(), u64::try_from(views).unwrap_or(0)))
        })
        .collect())
}

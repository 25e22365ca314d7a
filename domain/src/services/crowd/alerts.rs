//! Alert rules and the alerts they raise.
//!
//! A rule watches one place or every place: level at or above `min_level`, or population
//! (the reading's maximum) above `min_population`, held for `for_minutes`. "Held" means every
//! reading from the first one of the current run to the latest met the condition, and the run
//! spans at least `for_minutes`. A place whose latest reading is stale raises nothing new and
//! keeps its open alerts open (no data is not good news). An open alert resolves when the
//! place's latest live reading no longer meets the condition.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use sea_orm::*;
use types::crowd::{
    AlertInfo, AlertLogEntry, AlertNote, AlertRuleInfo, AlertRuleInput, PublicAlerts,
};
use types::error::AppError;
use types::model::{CrowdLevel, HotSpotStatus, SessionUser};

use super::{emergency, spot_named};
use crate::db::begin_write;
use crate::entities::{
    crowd_alert, crowd_alert_note, crowd_alert_rule, crowd_reading, hot_spot, user,
};
use crate::services::OrInternal;

fn rule_info(r: &crowd_alert_rule::Model, spots: &HashMap<i32, hot_spot::Model>) -> AlertRuleInfo {
    let spot = r.hot_spot_id.and_then(|id| spots.get(&id));
    AlertRuleInfo {
        id: r.id,
        spot_code: spot.map(|s| s.code.clone()),
        spot_name_ko: spot.map(|s| s.name_ko.clone()),
        spot_name_en: spot.map(|s| s.name_en.clone()),
        min_level: r.min_level.and_then(CrowdLevel::from_number),
        min_population: r.min_population,
        for_minutes: r.for_minutes,
        enabled: r.enabled,
    }
}

async fn spots_by_id(db: &impl ConnectionTrait) -> Result<HashMap<i32, hot_spot::Model>, AppError> {
    Ok(hot_spot::Entity::find()
        .all(db)
        .await
        .or_internal()?
        .into_iter()
        .map(|s| (s.id, s))
        .collect())
}

pub async fn rules(db: &DatabaseConnection) -> Result<Vec<AlertRuleInfo>, AppError> {
    let spots = spots_by_id(db).await?;
    Ok(crowd_alert_rule::Entity::find()
        .order_by_asc(crowd_alert_rule::Column::Id)
        .all(db)
        .await
        .or_internal()?
        .iter()
        .map(|r| rule_info(r, &spots))
        .collect())
}

/// Add a rule (administrators).
pub async fn add_rule(
    db: &DatabaseConnection,
    admin: &SessionUser,
    input: &AlertRuleInput,
) -> Result<AlertRuleInfo, AppError> {
    admin.require_admin()?;
    input.validate()?;
    let spot = match input.spot() {
        Some(code) => Some(spot_named(db, "spot_code", code).await?),
        None => None,
    };
    let row = crowd_alert_rule::ActiveModel {
        hot_spot_id: Set(spot.as_ref().map(|s| s.id)),
        min_level: Set(input.min_level),
        min_population: Set(input.min_population),
        for_minutes: Set(input.for_minutes),
        enabled: Set(true),
        created_by: Set(Some(admin.id)),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .or_internal()?;
    let spots: HashMap<i32, hot_spot::Model> = spot.into_iter().map(|s| (s.id, s)).collect();
    Ok(rule_info(&row, &spots))
}

/// Delete a rule and its alerts (administrators).
pub async fn delete_rule(
    db: &DatabaseConnection,
    admin: &SessionUser,
    id: i32,
) -> Result<(), AppError> {
    admin.require_admin()?;
    let done = crowd_alert_rule::Entity::delete_by_id(id)
        .exec(db)
        .await
        .or_internal()?;
    if done.rows_affected == 0 {
        return Err(AppError::NotFound {
            what: format!("alert rule {id}"),
        });
    }
    Ok(())
}

fn meets(rule: &crowd_alert_rule::Model, r: &crowd_reading::Model) -> bool {
    rule.min_level.is_some_and(|l| r.level >= l)
        || rule.min_population.is_some_and(|p| r.population_max > p)
}

/// What one evaluation changed.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Evaluation {
    pub raised: Vec<i32>,
    pub resolved: Vec<i32>,
}

impl Evaluation {
    pub fn changed(&self) -> bool {
        !self.raised.is_empty() || !self.resolved.is_empty()
    }
}

/// Check every enabled rule against the readings as of `now`; raise and resolve alerts in one
/// transaction.
pub async fn evaluate(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<Evaluation, AppError> {
    let rules = crowd_alert_rule::Entity::find()
        .filter(crowd_alert_rule::Column::Enabled.eq(true))
        .all(db)
        .await
        .or_internal()?;
    let mut out = Evaluation::default();
    if rules.is_empty() {
        return Ok(out);
    }
    let longest = rules.iter().map(|r| r.for_minutes).max().unwrap_or(0) as i64;
    let stale = Duration::minutes(HotSpotStatus::STALE_AFTER_MINUTES);
    let from = now - Duration::minutes(longest) - stale - Duration::minutes(5);
    let global = rules.iter().any(|r| r.hot_spot_id.is_none());
    let mut q = crowd_reading::Entity::find()
        .filter(crowd_reading::Column::ObservedAt.gt(from))
        .filter(crowd_reading::Column::ObservedAt.lte(now));
    if !global {
        let ids: Vec<i32> = rules.iter().filter_map(|r| r.hot_spot_id).collect();
        q = q.filter(crowd_reading::Column::HotSpotId.is_in(ids));
    }
    // Newest first, per place.
    let mut by_spot: HashMap<i32, Vec<crowd_reading::Model>> = HashMap::new();
    for r in q
        .order_by_desc(crowd_reading::Column::ObservedAt)
        .all(db)
        .await
        .or_internal()?
    {
        by_spot.entry(r.hot_spot_id).or_default().push(r);
    }
    let txn = begin_write(db).await.or_internal()?;
    let open: HashMap<(i32, i32), crowd_alert::Model> = crowd_alert::Entity::find()
        .filter(crowd_alert::Column::ResolvedAt.is_null())
        .all(&txn)
        .await
        .or_internal()?
        .into_iter()
        .map(|a| ((a.rule_id, a.hot_spot_id), a))
        .collect();
    // A global rule watches every place with a reading in the window (a place without one
    // has no live data: nothing to raise or resolve).
    let all_spots: Vec<i32> = if global {
        by_spot.keys().copied().collect()
    } else {
        Vec::new()
    };
    for rule in &rules {
        let spots: Vec<i32> = match rule.hot_spot_id {
            Some(id) => vec![id],
            None => all_spots.clone(),
        };
        for spot in spots {
            let readings = by_spot.get(&spot).map(Vec::as_slice).unwrap_or(&[]);
            let Some(latest) = readings.first().filter(|r| now - r.observed_at <= stale) else {
                continue; // no live data: nothing new, nothing resolved
            };
            let existing = open.get(&(rule.id, spot));
            if !meets(rule, latest) {
                if let Some(a) = existing {
                    let mut am: crowd_alert::ActiveModel = a.clone().into();
                    am.resolved_at = Set(Some(now));
                    am.update(&txn).await.or_internal()?;
                    out.resolved.push(a.id);
                }
                continue;
            }
            let since = readings
                .iter()
                .take_while(|r| meets(rule, r))
                .last()
                .map_or(latest.observed_at, |r| r.observed_at);
            match existing {
                Some(a) if latest.level > a.level || latest.population_max > a.population_max => {
                    // Still open and worse: keep its worst.
                    let mut am: crowd_alert::ActiveModel = a.clone().into();
                    am.level = Set(std::cmp::max(a.level, latest.level));
                    am.population_max = Set(std::cmp::max(a.population_max, latest.population_max));
                    am.update(&txn).await.or_internal()?;
                }
                Some(_) => {}
                None if latest.observed_at - since
                    >= Duration::minutes(rule.for_minutes as i64) =>
                {
                    let a = crowd_alert::ActiveModel {
                        rule_id: Set(rule.id),
                        hot_spot_id: Set(spot),
                        level: Set(latest.level),
                        population_max: Set(latest.population_max),
                        since: Set(since),
                        raised_at: Set(now),
                        ..Default::default()
                    }
                    .insert(&txn)
                    .await
                    .or_internal()?;
                    tracing::warn!(alert = a.id, rule = rule.id, spot, "crowd alert raised");
                    out.raised.push(a.id);
                }
                None => {}
            }
        }
    }
    txn.commit().await.or_internal()?;
    Ok(out)
}

fn alert_info(a: &crowd_alert::Model, spots: &HashMap<i32, hot_spot::Model>) -> AlertInfo {
    let s = spots.get(&a.hot_spot_id);
    AlertInfo {
        id: a.id,
        spot_code: s.map(|s| s.code.clone()).unwrap_or_default(),
        spot_name_ko: s.map(|s| s.name_ko.clone()).unwrap_or_default(),
        spot_name_en: s.map(|s| s.name_en.clone()).unwrap_or_default(),
        level: CrowdLevel::from_number(a.level),
        population_max: a.population_max,
        since: a.since,
        raised_at: a.raised_at,
        acknowledged_at: a.acknowledged_at,
        resolved_at: a.resolved_at,
    }
}

/// What everyone sees: open alerts (one per place, the worst; newest first) and emergency mode.
pub async fn public(db: &DatabaseConnection) -> Result<PublicAlerts, AppError> {
    let spots = spots_by_id(db).await?;
    let mut open = crowd_alert::Entity::find()
        .filter(crowd_alert::Column::ResolvedAt.is_null())
        .order_by_desc(crowd_alert::Column::Level)
        .order_by_desc(crowd_alert::Column::RaisedAt)
        .all(db)
        .await
        .or_internal()?;
    let mut seen = std::collections::HashSet::new();
    open.retain(|a| seen.insert(a.hot_spot_id));
    Ok(PublicAlerts {
        alerts: open.iter().map(|a| alert_info(a, &spots)).collect(),
        emergency: emergency::current(db).await?,
    })
}

/// The alert log for staff: open alerts first, then the latest `limit`, with notes.
pub async fn log(db: &DatabaseConnection, limit: u64) -> Result<Vec<AlertLogEntry>, AppError> {
    let spots = spots_by_id(db).await?;
    let alerts = crowd_alert::Entity::find()
        .order_by_asc(crowd_alert::Column::ResolvedAt.is_not_null())
        .order_by_desc(crowd_alert::Column::RaisedAt)
        .order_by_desc(crowd_alert::Column::Id)
        .limit(limit)
        .all(db)
        .await
        .or_internal()?;
    let ids: Vec<i32> = alerts.iter().map(|a| a.id).collect();
    let notes = crowd_alert_note::Entity::find()
        .filter(crowd_alert_note::Column::AlertId.is_in(ids))
        .order_by_asc(crowd_alert_note::Column::CreatedAt)
        .order_by_asc(crowd_alert_note::Column::Id)
        .all(db)
        .await
        .or_internal()?;
    let mut user_ids: Vec<i32> = notes.iter().filter_map(|n| n.author_id).collect();
    user_ids.extend(alerts.iter().filter_map(|a| a.acknowledged_by));
    let names: HashMap<i32, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(user_ids))
        .all(db)
        .await
        .or_internal()?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    let name = |id: Option<i32>| id.and_then(|i| names.get(&i).cloned());
    let mut by_alert: HashMap<i32, Vec<AlertNote>> = HashMap::new();
    for n in notes {
        by_alert.entry(n.alert_id).or_default().push(AlertNote {
            author: name(n.author_id).unwrap_or_default(),
            body: n.body,
            created_at: n.created_at,
        });
    }
    Ok(alerts
        .iter()
        .map(|a| AlertLogEntry {
            alert: alert_info(a, &spots),
            rule_id: a.rule_id,
            acknowledged_by: name(a.acknowledged_by),
            notes: by_alert.remove(&a.id).unwrap_or_default(),
        })
        .collect())
}

async fn find_alert(db: &impl ConnectionTrait, id: i32) -> Result<crowd_alert::Model, AppError> {
    crowd_alert::Entity::find_by_id(id)
        .one(db)
        .await
        .or_internal()?
        .ok_or_else(|| AppError::NotFound {
            what: format!("alert {id}"),
        })
}

/// A staff member acknowledges an alert (once; acknowledging again changes nothing).
pub async fn acknowledge(
    db: &DatabaseConnection,
    staff: &SessionUser,
    id: i32,
) -> Result<(), AppError> {
    let a = find_alert(db, id).await?;
    if a.acknowledged_at.is_some() {
        return Ok(());
    }
    let mut am: crowd_alert::ActiveModel = a.into();
    am.acknowledged_at = Set(Some(Utc::now()));
    am.acknowledged_by = Set(Some(staff.id));
    am.update(db).await.or_internal()?;
    Ok(())
}

/// A staff member writes a note on an alert (plain text, shown escaped).
pub async fn annotate(
    db: &DatabaseConnection,
    staff: &SessionUser,
    id: i32,
    body: &str,
) -> Result<AlertNote, AppError> {
    let body = types::crowd::validate_note(body)?;
    find_alert(db, id).await?;
    let n = crowd_alert_note::ActiveModel {
        alert_id: Set(id),
        author_id: Set(Some(staff.id)),
        body: Set(body),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .or_internal()?;
    Ok(AlertNote {
        author: staff.display_name.clone(),
        body: n.body,
        created_at: n.created_at,
    })
}

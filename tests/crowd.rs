//! The crowd map against a real database, in three parts: [`feed`] (simulated polls, the city
//! connector against a local HTTP server with good, failing and garbage answers per place, older
//! readings ignored, the seven-day retention that folds raw readings into hours, and the history
//! served from both), [`live`] (what open maps and the light list show, and readings pushed by
//! local points) and [`alerts`] (alert rules, the staff's alert desk, emergency mode).

mod alerts;
mod feed;
mod live;

use chrono::Utc;
use domain::entities::{crowd_reading, hot_spot};
use dongne_tests::TestApp;
use sea_orm::*;

const PASSWORD: &str = "dongne-demo";

async fn spots(app: &TestApp) -> Vec<hot_spot::Model> {
    hot_spot::Entity::find()
        .order_by_asc(hot_spot::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
}

async fn readings(app: &TestApp, spot: i32) -> Vec<crowd_reading::Model> {
    crowd_reading::Entity::find()
        .filter(crowd_reading::Column::HotSpotId.eq(spot))
        .order_by_asc(crowd_reading::Column::ObservedAt)
        .all(&app.db)
        .await
        .unwrap()
}

async fn insert(
    app: &TestApp,
    spot: i32,
    at: chrono::DateTime<Utc>,
    level: i16,
    min: i32,
    max: i32,
) {
    crowd_reading::ActiveModel {
        hot_spot_id: Set(spot),
        observed_at: Set(at),
        level: Set(level),
        population_min: Set(min),
        population_max: Set(max),
        source: Set("test".into()),
        forecast: Set(None),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
}

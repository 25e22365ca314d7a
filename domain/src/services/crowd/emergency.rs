//! Emergency mode: an administrator pins the affected place and writes a short safety message
//! in Korean and English; public pages show it and the crowd map switches to its lightest
//! form until an administrator ends it. At most one emergency is active.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::*;
use types::crowd::{EmergencyInfo, EmergencyInput};
use types::error::AppError;
use types::model::SessionUser;

use super::spot_named;
use crate::db::begin_write;
use crate::entities::{crowd_emergency, hot_spot};
use crate::services::OrInternal;

/// The active emergency, if any.
pub async fn current(db: &impl ConnectionTrait) -> Result<Option<EmergencyInfo>, AppError> {
    let Some(e) = crowd_emergency::Entity::find()
        .filter(crowd_emergency::Column::EndedAt.is_null())
        .order_by_desc(crowd_emergency::Column::StartedAt)
        .one(db)
        .await
        .or_internal()?
    else {
        return Ok(None);
    };
    let spot = match e.hot_spot_id {
        Some(id) => hot_spot::Entity::find_by_id(id)
            .one(db)
            .await
            .or_internal()?,
        None => None,
    };
    Ok(Some(EmergencyInfo {
        id: e.id,
        spot_code: spot.as_ref().map(|s| s.code.clone()),
        spot_name_ko: spot.as_ref().map(|s| s.name_ko.clone()),
        spot_name_en: spot.as_ref().map(|s| s.name_en.clone()),
        lat: spot.as_ref().map(|s| s.lat),
        lon: spot.as_ref().map(|s| s.lon),
        message_ko: e.message_ko,
        message_en: e.message_en,
        started_at: e.started_at,
    }))
}

/// Start emergency mode (administrators), replacing an active one.
pub async fn start(
    db: &DatabaseConnection,
    admin: &SessionUser,
    input: &EmergencyInput,
) -> Result<EmergencyInfo, AppError> {
    admin.require_admin()?;
    input.validate()?;
    let txn = begin_write(db).await.or_internal()?;
    let spot = match input.spot() {
        Some(code) => Some(spot_named(&txn, "spot_code", code).await?),
        None => None,
    };
    let now = Utc::now();
    end_active(&txn, admin, now).await?;
    crowd_emergency::ActiveModel {
        hot_spot_id: Set(spot.map(|s| s.id)),
        message_ko: Set(input.message_ko.trim().to_string()),
        message_en: Set(input.message_en.trim().to_string()),
        started_by: Set(Some(admin.id)),
        started_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .or_internal()?;
    let info = current(&txn).await?;
    txn.commit().await.or_internal()?;
    info.ok_or_else(|| crate::services::internal("the emergency just started is missing"))
}

async fn end_active(
    db: &impl ConnectionTrait,
    admin: &SessionUser,
    now: chrono::DateTime<Utc>,
) -> Result<u64, AppError> {
    Ok(crowd_emergency::Entity::update_many()
        .col_expr(crowd_emergency::Column::EndedAt, Expr::value(now))
        .col_expr(crowd_emergency::Column::EndedBy, Expr::value(admin.id))
        .filter(crowd_emergency::Column::EndedAt.is_null())
        .exec(db)
        .await
        .or_internal()?
        .rows_affected)
}

/// End emergency mode (administrators); 404 when none is active.
pub async fn end(db: &DatabaseConnection, admin: &SessionUser) -> Result<(), AppError> {
    admin.require_admin()?;
    if end_active(db, admin, Utc::now()).await? == 0 {
        return Err(AppError::NotFound {
            what: "active emergency".into(),
        });
    }
    Ok(())
}

//! The crowd map and its administration: what every map shows, alert rules, acknowledgements,
//! emergency mode and local sensor points. Every change is published to open maps.

use types::crowd::{
    AlertNote, AlertRuleInfo, AlertRuleInput, CrowdAdmin, EmergencyInfo, EmergencyInput,
    LocalPointCreated, LocalPointInput, PublicAlerts, SpotDetail, TrendPoint, PANEL_TREND_HOURS,
};
use types::error::AppError;
use types::model::HotSpotStatus;

use super::{Actor, Ctx};
use crate::services::crowd;

/// Every place's level (public). The shared snapshot: no database work per request on the
/// emergency hot path.
pub async fn status(ctx: &Ctx) -> Result<Vec<HotSpotStatus>, AppError> {
    let frame = ctx.crowd_live.snapshot(&ctx.db).await?;
    Ok(frame.value.as_ref().clone())
}

/// Open alerts and emergency mode (public: what every map shows).
pub async fn public_alerts(ctx: &Ctx) -> Result<PublicAlerts, AppError> {
    let frame = ctx.crowd_live.alerts_snapshot(&ctx.db).await?;
    Ok(frame.value.as_ref().clone())
}

/// One place with its trend over the last hours and its forecast (public).
pub async fn spot(ctx: &Ctx, code: &str) -> Result<SpotDetail, AppError> {
    types::crowd::check_spot_code(code)?;
    crowd::detail(&ctx.db, code, PANEL_TREND_HOURS).await
}

/// One place's readings over the last `hours` (public): its code and the points, oldest first.
pub async fn history(
    ctx: &Ctx,
    code: &str,
    hours: i64,
) -> Result<(String, Vec<TrendPoint>), AppError> {
    types::crowd::check_spot_code(code)?;
    let spot = crowd::find_spot(&ctx.db, code).await?;
    let points = crowd::history(&ctx.db, &spot, hours, chrono::Utc::now()).await?;
    Ok((spot.code, points))
}

/// Replace a local point's push token (administrators): the new token, shown once.
pub async fn rotate_token(
    ctx: &Ctx,
    actor: &Actor,
    code: &str,
) -> Result<LocalPointCreated, AppError> {
    crowd::local::rotate_token(&ctx.db, actor.admin()?, code).await
}

/// Rules, the alert log, emergency mode and the places (staff).
pub async fn admin_page(ctx: &Ctx, actor: &Actor) -> Result<CrowdAdmin, AppError> {
    actor.user()?;
    Ok(CrowdAdmin {
        rules: crowd::alerts::rules(&ctx.db).await?,
        alerts: crowd::alerts::log(&ctx.db, 200).await?,
        emergency: crowd::emergency::current(&ctx.db).await?,
        spots: crowd::registry::choices(&ctx.db).await?,
    })
}

/// Add an alert rule (administrators); a new rule may already hold.
pub async fn add_rule(
    ctx: &Ctx,
    actor: &Actor,
    input: &AlertRuleInput,
) -> Result<AlertRuleInfo, AppError> {
    let rule = crowd::alerts::add_rule(&ctx.db, actor.admin()?, input).await?;
    ctx.evaluate_alerts().await?;
    Ok(rule)
}

pub async fn delete_rule(ctx: &Ctx, actor: &Actor, id: i32) -> Result<(), AppError> {
    crowd::alerts::delete_rule(&ctx.db, actor.admin()?, id).await?;
    ctx.alerts_changed().await
}

pub async fn acknowledge(ctx: &Ctx, actor: &Actor, id: i32) -> Result<(), AppError> {
    crowd::alerts::acknowledge(&ctx.db, actor.user()?, id).await?;
    ctx.alerts_changed().await
}

pub async fn annotate(
    ctx: &Ctx,
    actor: &Actor,
    id: i32,
    body: &str,
) -> Result<AlertNote, AppError> {
    crowd::alerts::annotate(&ctx.db, actor.user()?, id, body).await
}

pub async fn start_emergency(
    ctx: &Ctx,
    actor: &Actor,
    input: &EmergencyInput,
) -> Result<EmergencyInfo, AppError> {
    let e = crowd::emergency::start(&ctx.db, actor.admin()?, input).await?;
    ctx.alerts_changed().await?;
    Ok(e)
}

pub async fn end_emergency(ctx: &Ctx, actor: &Actor) -> Result<(), AppError> {
    crowd::emergency::end(&ctx.db, actor.admin()?).await?;
    ctx.alerts_changed().await
}

pub async fn add_local_point(
    ctx: &Ctx,
    actor: &Actor,
    input: &LocalPointInput,
) -> Result<LocalPointCreated, AppError> {
    let created = crowd::local::create(&ctx.db, actor.admin()?, input).await?;
    ctx.crowd_live.publish(&ctx.db).await?;
    Ok(created)
}

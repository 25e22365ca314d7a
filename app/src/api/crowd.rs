//! Server functions of the crowd map and its administration: thin, each checks permission and
//! calls one `domain::ops::crowd` operation.

use leptos::prelude::*;

use crate::crowd::*;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use domain::ops;

/// Open alerts and emergency mode (public: what every map shows).
#[server(endpoint = "crowd_alerts")]
pub async fn crowd_alerts() -> Result<PublicAlerts, AppError> {
    ops::crowd::public_alerts(&crate::ssr::ctx()?.services).await
}

/// One place with its trend over the last hours and its forecast (public).
#[server(endpoint = "crowd_spot")]
pub async fn crowd_spot(code: String) -> Result<SpotDetail, AppError> {
    ops::crowd::spot(&crate::ssr::ctx()?.services, &code).await
}

/// Rules, the alert log, emergency mode and the places (staff).
#[server(endpoint = "crowd_admin")]
pub async fn load_crowd_admin() -> Result<CrowdAdmin, AppError> {
    let (ctx, actor) = crate::ssr::caller().await?;
    ops::crowd::admin_page(&ctx.services, &actor).await
}

/// Add an alert rule (administrators); the form's fields as typed (empty: not set).
#[server(endpoint = "add_alert_rule")]
pub async fn add_alert_rule(
    spot_code: String,
    min_level: String,
    min_population: String,
    for_minutes: String,
) -> Result<AlertRuleInfo, AppError> {
    let (ctx, actor) = crate::ssr::caller().await?;
    actor.admin()?;
    let input = AlertRuleInput::from_form(&spot_code, &min_level, &min_population, &for_minutes)?;
    ops::crowd::add_rule(&ctx.services, &actor, &input).await
}

#[server(endpoint = "delete_alert_rule")]
pub async fn delete_alert_rule(id: i32) -> Result<(), AppError> {
    let (ctx, actor) = crate::ssr::caller().await?;
    ops::crowd::delete_rule(&ctx.services, &actor, id).await
}

#[server(endpoint = "acknowledge_alert")]
pub async fn acknowledge_alert(id: i32) -> Result<(), AppError> {
    let (ctx, actor) = crate::ssr::caller().await?;
    ops::crowd::acknowledge(&ctx.services, &actor, id).await
}

#[server(endpoint = "annotate_alert")]
pub async fn annotate_alert(id: i32, body: String) -> Result<AlertNote, AppError> {
    let (ctx, actor) = crate::ssr::caller().await?;
    ops::crowd::annotate(&ctx.services, &actor, id, &body).await
}

#[server(endpoint = "start_emergency")]
pub async fn start_emergency(
    spot_code: String,
    message_ko: String,
    message_en: String,
) -> Result<EmergencyInfo, AppError> {
    let (ctx, actor) = crate::ssr::caller().await?;
    let input = EmergencyInput {
        spot_code: Some(spot_code),
        message_ko,
        message_en,
    };
    ops::crowd::start_emergency(&ctx.services, &actor, &input).await
}

#[server(endpoint = "end_emergency")]
pub async fn end_emergency() -> Result<(), AppError> {
    let (ctx, actor) = crate::ssr::caller().await?;
    ops::crowd::end_emergency(&ctx.services, &actor).await
}

#[server(endpoint = "add_local_point")]
pub async fn add_local_point(
    code: String,
    name_ko: String,
    name_en: String,
    lat: String,
    lon: String,
) -> Result<LocalPointCreated, AppError> {
    let (ctx, actor) = crate::ssr::caller().await?;
    actor.admin()?;
    let input = LocalPointInput {
        code,
        name_ko,
        name_en,
        lat: parse_coordinate("lat", &lat)?,
        lon: parse_coordinate("lon", &lon)?,
    };
    ops::crowd::add_local_point(&ctx.services, &actor, &input).await
}

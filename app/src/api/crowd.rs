//! Server functions of the crowd map and its administration: thin, each checks permission and
//! calls the backend.

use leptos::prelude::*;

use crate::crowd::*;
use crate::error::AppError;

/// Open alerts and emergency mode (public: what every map shows).
#[server(endpoint = "crowd_alerts")]
pub async fn crowd_alerts() -> Result<PublicAlerts, AppError> {
    crate::ssr::ctx()?.backend.crowd_alerts().await
}

/// One place with its trend over the last hours and its forecast (public).
#[server(endpoint = "crowd_spot")]
pub async fn crowd_spot(code: String) -> Result<SpotDetail, AppError> {
    check_spot_code(&code)?;
    crate::ssr::ctx()?.backend.crowd_spot(&code).await
}

/// Rules, the alert log, emergency mode and the places (staff).
#[server(endpoint = "crowd_admin")]
pub async fn load_crowd_admin() -> Result<CrowdAdmin, AppError> {
    let ctx = crate::ssr::ctx()?;
    let user = ctx.require_user().await?;
    ctx.backend.crowd_admin(&user).await
}

/// Add an alert rule (administrators); the form's fields as typed (empty: not set).
#[server(endpoint = "add_alert_rule")]
pub async fn add_alert_rule(
    spot_code: String,
    min_level: String,
    min_population: String,
    for_minutes: String,
) -> Result<AlertRuleInfo, AppError> {
    let ctx = crate::ssr::ctx()?;
    let admin = ctx.require_user().await?;
    admin.require_admin()?;
    let input = AlertRuleInput::from_form(&spot_code, &min_level, &min_population, &for_minutes)?;
    ctx.backend.add_alert_rule(&admin, &input).await
}

#[server(endpoint = "delete_alert_rule")]
pub async fn delete_alert_rule(id: i32) -> Result<(), AppError> {
    let ctx = crate::ssr::ctx()?;
    let admin = ctx.require_user().await?;
    admin.require_admin()?;
    ctx.backend.delete_alert_rule(&admin, id).await
}

#[server(endpoint = "acknowledge_alert")]
pub async fn acknowledge_alert(id: i32) -> Result<(), AppError> {
    let ctx = crate::ssr::ctx()?;
    let user = ctx.require_user().await?;
    ctx.backend.acknowledge_alert(&user, id).await
}

#[server(endpoint = "annotate_alert")]
pub async fn annotate_alert(id: i32, body: String) -> Result<AlertNote, AppError> {
    let ctx = crate::ssr::ctx()?;
    let user = ctx.require_user().await?;
    ctx.backend.annotate_alert(&user, id, &body).await
}

#[server(endpoint = "start_emergency")]
pub async fn start_emergency(
    spot_code: String,
    message_ko: String,
    message_en: String,
) -> Result<EmergencyInfo, AppError> {
    let ctx = crate::ssr::ctx()?;
    let admin = ctx.require_user().await?;
    admin.require_admin()?;
    let input = EmergencyInput {
        spot_code: Some(spot_code),
        message_ko,
        message_en,
    };
    ctx.backend.start_emergency(&admin, &input).await
}

#[server(endpoint = "end_emergency")]
pub async fn end_emergency() -> Result<(), AppError> {
    let ctx = crate::ssr::ctx()?;
    let admin = ctx.require_user().await?;
    admin.require_admin()?;
    ctx.backend.end_emergency(&admin).await
}

#[server(endpoint = "add_local_point")]
pub async fn add_local_point(
    code: String,
    name_ko: String,
    name_en: String,
    lat: String,
    lon: String,
) -> Result<LocalPointCreated, AppError> {
    let ctx = crate::ssr::ctx()?;
    let admin = ctx.require_user().await?;
    admin.require_admin()?;
    let input = LocalPointInput {
        code,
        name_ko,
        name_en,
        lat: parse_coordinate("lat", &lat)?,
        lon: parse_coordinate("lon", &lon)?,
    };
    ctx.backend.add_local_point(&admin, &input).await
}

//! Server functions for the public portal's staff side: residents' reports on a dataset, and
//! one's own API keys. Each needs a signed-in user; the services check the rest.

use leptos::prelude::*;

use crate::admin::{ApiKeyInfo, NewApiKey, OwnedApiKey};
use crate::error::AppError;
use crate::feedback::FeedbackInfo;
#[cfg(feature = "ssr")]
use domain::ops;

/// Residents' reports about a dataset: `None` for anonymous readers and for staff who may not
/// read them.
#[server(endpoint = "dataset_feedback")]
pub async fn dataset_feedback(slug: String) -> Result<Option<Vec<FeedbackInfo>>, AppError> {
    let (ctx, actor) = crate::ssr::caller().await?;
    ops::portal::dataset_feedback(&ctx.services, &actor, &slug).await
}

/// Mark a report resolved, or open again.
#[server(endpoint = "set_feedback_status")]
pub async fn set_feedback_status(id: i32, status: String) -> Result<FeedbackInfo, AppError> {
    let status = crate::feedback::FeedbackStatus::parse(&status).ok_or_else(|| {
        AppError::validation(
            "status",
            "상태: open 또는 resolved",
            "status: open or resolved.",
        )
    })?;
    let (ctx, actor) = crate::ssr::caller().await?;
    ops::portal::set_feedback_status(&ctx.services, &actor, id, status).await
}

#[server(endpoint = "api_keys")]
pub async fn api_keys() -> Result<Vec<ApiKeyInfo>, AppError> {
    let (ctx, actor) = crate::ssr::caller().await?;
    ops::portal::api_keys(&ctx.services, &actor).await
}

/// Make a key; the answer carries the key itself, shown this once.
#[server(endpoint = "create_api_key")]
pub async fn create_api_key(name: String) -> Result<NewApiKey, AppError> {
    let (ctx, actor) = crate::ssr::caller().await?;
    ops::portal::create_api_key(&ctx.services, &actor, &name).await
}

#[server(endpoint = "revoke_api_key")]
pub async fn revoke_api_key(id: i32) -> Result<ApiKeyInfo, AppError> {
    let (ctx, actor) = crate::ssr::caller().await?;
    ops::portal::revoke_api_key(&ctx.services, &actor, id).await
}

/// Every user's keys with their owners (administrators); revoke with [`revoke_api_key`].
#[server(endpoint = "all_api_keys")]
pub async fn all_api_keys() -> Result<Vec<OwnedApiKey>, AppError> {
    let (ctx, actor) = crate::ssr::caller().await?;
    ops::portal::all_api_keys(&ctx.services, &actor).await
}

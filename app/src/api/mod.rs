//! Server functions: thin. Each finds out who is asking and calls one `domain::ops` operation,
//! which checks permission; its error goes back as is.

pub mod collab;
pub mod crowd;
pub mod jobs;
pub mod portal;

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::*;
#[cfg(feature = "ssr")]
use crate::search::{parse_query_string, SearchQuery, MAX_QUERY_CHARS};
use crate::search::{SearchResult, Suggestion};
#[cfg(feature = "ssr")]
use domain::ops;

#[server(endpoint = "current_user")]
pub async fn current_user() -> Result<Option<SessionUser>, AppError> {
    crate::ssr::ctx()?.user().await
}

#[server(endpoint = "login")]
pub async fn login(
    username: String,
    password: String,
    next: Option<String>,
) -> Result<SessionUser, AppError> {
    let ctx = crate::ssr::ctx()?;
    let input = LoginInput { username, password };
    let (user, token) =
        ops::session::login(&ctx.services, crate::ssr::request_client(), &input).await?;
    ctx.set_session_cookie(Some(&token));
    leptos_axum::redirect(&crate::ssr::safe_next(next.as_deref()));
    Ok(user)
}

#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    let ctx = crate::ssr::ctx()?;
    if let Some(token) = crate::ssr::request_cookie(crate::ssr::SESSION_COOKIE) {
        ops::session::logout(&ctx.services, &token).await?;
    }
    ctx.set_session_cookie(None);
    leptos_axum::redirect("/");
    Ok(())
}

#[server(endpoint = "home")]
pub async fn load_home() -> Result<HomeData, AppError> {
    let (ctx, actor) = crate::ssr::caller().await?;
    ops::catalog::home(&ctx.services, &actor).await
}

/// Search the catalog. `query` is the URL query string of the search page (`q=…&theme=…`),
/// validated here with the same rules as the JSON API.
#[server(endpoint = "search")]
pub async fn search_datasets(query: String) -> Result<SearchResult, AppError> {
    let query = SearchQuery::from_pairs(parse_query_string(&query))?;
    let (ctx, actor) = crate::ssr::caller().await?;
    ops::catalog::search(&ctx.services, &actor, &query, crate::ssr::request_lang())
}

/// Type-ahead titles for what has been typed so far.
#[server(endpoint = "suggest")]
pub async fn suggest(q: String) -> Result<Vec<Suggestion>, AppError> {
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(AppError::validation(
            "q",
            "검색어가 너무 깁니다.",
            "The search text is too long.",
        ));
    }
    let (ctx, actor) = crate::ssr::caller().await?;
    ops::catalog::suggest(&ctx.services, &actor, &q)
}

#[server(endpoint = "dataset")]
pub async fn dataset(slug: String) -> Result<DatasetDetail, AppError> {
    let (ctx, actor) = crate::ssr::caller().await?;
    let detail = ops::catalog::dataset(&ctx.services, &actor, &slug).await?;
    if !crate::ssr::request_from_robot() {
        ops::catalog::record_view(
            &ctx.services,
            crate::ssr::request_client(),
            detail.summary.id,
        );
    }
    crate::ssr::mark_viewed(detail.summary.id);
    Ok(detail)
}

/// The freshness dashboard over the datasets the reader can see.
#[server(endpoint = "freshness")]
pub async fn freshness() -> Result<crate::freshness::FreshnessReport, AppError> {
    let (ctx, actor) = crate::ssr::caller().await?;
    ops::catalog::freshness(&ctx.services, &actor).await
}

#[server(endpoint = "crowd")]
pub async fn crowd_status() -> Result<Vec<HotSpotStatus>, AppError> {
    ops::crowd::status(&crate::ssr::ctx()?.services).await
}

#[server(endpoint = "admin_overview")]
pub async fn load_admin() -> Result<AdminOverview, AppError> {
    let (ctx, actor) = crate::ssr::caller().await?;
    ops::admin::overview(&ctx.services, &actor).await
}

#[server(endpoint = "save_department")]
pub async fn save_department(
    input: crate::admin::DepartmentInput,
) -> Result<DepartmentRef, AppError> {
    let (ctx, actor) = crate::ssr::caller().await?;
    ops::admin::save_department(&ctx.services, &actor, &input).await
}

#[server(endpoint = "save_user")]
pub async fn save_user(input: crate::admin::UserInput) -> Result<SessionUser, AppError> {
    let (ctx, actor) = crate::ssr::caller().await?;
    ops::admin::save_user(&ctx.services, &actor, &input).await
}

#[server(endpoint = "save_term")]
pub async fn save_term(input: crate::admin::TermInput) -> Result<TermRef, AppError> {
    let (ctx, actor) = crate::ssr::caller().await?;
    ops::admin::save_term(&ctx.services, &actor, &input).await
}

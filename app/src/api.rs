//! Server functions: thin. Each checks permission, calls the backend, returns its error as is.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::*;

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
    input.validate()?;
    let (user, token) = ctx.backend.login(&input).await?;
    ctx.set_session_cookie(Some(&token));
    leptos_axum::redirect(&crate::ssr::safe_next(next.as_deref()));
    Ok(user)
}

#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    let ctx = crate::ssr::ctx()?;
    if let Some(token) = crate::ssr::request_cookie(crate::ssr::SESSION_COOKIE) {
        ctx.backend.logout(&token).await?;
    }
    ctx.set_session_cookie(None);
    leptos_axum::redirect("/");
    Ok(())
}

#[server(endpoint = "home")]
pub async fn load_home() -> Result<HomeData, AppError> {
    let ctx = crate::ssr::ctx()?;
    let viewer = ctx.viewer().await?;
    ctx.backend.home(&viewer).await
}

#[server(endpoint = "catalog")]
pub async fn catalog(
    q: Option<String>,
    theme: Option<String>,
    department: Option<String>,
    sort: Option<String>,
    page: Option<String>,
) -> Result<CatalogPage, AppError> {
    let query = CatalogQuery::from_params(
        q.as_deref(),
        theme.as_deref(),
        department.as_deref(),
        sort.as_deref(),
        page.as_deref(),
        None,
    )?;
    let ctx = crate::ssr::ctx()?;
    let viewer = ctx.viewer().await?;
    ctx.backend.catalog(&viewer, &query).await
}

#[server(endpoint = "dataset")]
pub async fn dataset(slug: String) -> Result<DatasetDetail, AppError> {
    let ctx = crate::ssr::ctx()?;
    let viewer = ctx.viewer().await?;
    ctx.backend.dataset(&viewer, &slug).await
}

/// The edit page's data: only for users who may edit this dataset.
#[server(endpoint = "dataset_for_edit")]
pub async fn dataset_for_edit(slug: String) -> Result<DatasetDetail, AppError> {
    let ctx = crate::ssr::ctx()?;
    let user = ctx.require_user().await?;
    let detail = ctx
        .backend
        .dataset(&Viewer::Staff(user.clone()), &slug)
        .await?;
    if !user.can_edit(detail.summary.department.id) {
        return Err(AppError::Forbidden);
    }
    Ok(detail)
}

#[server(endpoint = "crowd")]
pub async fn crowd_status() -> Result<Vec<HotSpotStatus>, AppError> {
    crate::ssr::ctx()?.backend.crowd().await
}

#[server(endpoint = "admin_overview")]
pub async fn load_admin() -> Result<AdminOverview, AppError> {
    let ctx = crate::ssr::ctx()?;
    ctx.require_user().await?.require_admin()?;
    ctx.backend.admin_overview().await
}

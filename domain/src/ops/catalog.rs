//! Reading the catalog: the home page, search, one dataset, freshness, the vocabulary.

use std::net::IpAddr;

use types::collab::{EditContext, SchemeTerms};
use types::error::AppError;
use types::freshness::FreshnessReport;
use types::i18n::Lang;
use types::model::{DataColumn, DatasetDetail, HomeData, Role};
use types::search::{SearchQuery, SearchResult, Suggestion};

use super::{Actor, Ctx};
use crate::services::{catalog, freshness, profiling};

/// How many titles type-ahead offers.
const SUGGESTIONS: usize = 8;

pub async fn home(ctx: &Ctx, actor: &Actor) -> Result<HomeData, AppError> {
    // The shared crowd snapshot, as on the crowd pages: no readings query per page view.
    let crowd = ctx.crowd_live.snapshot(&ctx.db).await?;
    catalog::home::home(&ctx.db, &actor.viewer(), &crowd.value).await
}

pub fn search(
    ctx: &Ctx,
    actor: &Actor,
    query: &SearchQuery,
    lang: Lang,
) -> Result<SearchResult, AppError> {
    ctx.search.search(&actor.viewer(), query, lang)
}

pub fn suggest(ctx: &Ctx, actor: &Actor, q: &str) -> Result<Vec<Suggestion>, AppError> {
    ctx.search.suggest(&actor.viewer(), q, SUGGESTIONS)
}

/// One dataset the actor may see (`id_or_slug`: its number or its name).
pub async fn dataset(
    ctx: &Ctx,
    actor: &Actor,
    id_or_slug: &str,
) -> Result<DatasetDetail, AppError> {
    catalog::detail::detail(&ctx.db, &actor.viewer(), id_or_slug).await
}

/// Count one reader's view of a dataset (for "popular"; once per reader and hour, written in
/// batches).
pub fn record_view(ctx: &Ctx, client: Option<IpAddr>, dataset_id: i32) {
    ctx.views.record(client, dataset_id);
}

/// The edit page's data: for users who may edit the dataset, or propose changes to it.
pub async fn edit_context(ctx: &Ctx, actor: &Actor, slug: &str) -> Result<EditContext, AppError> {
    let user = actor.user()?;
    let detail = catalog::detail::detail(&ctx.db, &actor.viewer(), slug).await?;
    let owner = detail.summary.department.id;
    let direct = user.can_edit(owner, detail.summary.status);
    if !direct && user.role == Role::Viewer {
        return Err(AppError::Forbidden);
    }
    Ok(EditContext {
        vocabulary: catalog::vocabulary(&ctx.db).await?,
        can_publish: user.can_publish(owner),
        direct,
        me: user.id,
        detail,
    })
}

pub async fn vocabulary(ctx: &Ctx) -> Result<Vec<SchemeTerms>, AppError> {
    catalog::vocabulary(&ctx.db).await
}

/// The freshness dashboard over the datasets the actor can see.
pub async fn freshness(ctx: &Ctx, actor: &Actor) -> Result<FreshnessReport, AppError> {
    freshness::report(&ctx.db, &actor.viewer()).await
}

/// A profile of a dataset the actor may see, as a proposed data dictionary.
pub async fn proposed_columns(
    ctx: &Ctx,
    actor: &Actor,
    slug: &str,
    profile_id: i32,
) -> Result<Vec<DataColumn>, AppError> {
    profiling::proposed_columns(&ctx.db, &actor.viewer(), slug, profile_id).await
}

//! The axum router: Leptos pages and server functions, health probes, and the security layers
//! every request passes through.

mod api_v1;
mod ckan;
mod crowd_lite;
mod dcat;
pub(crate) mod discovery;
mod error;
mod feedback;
mod health;
mod lang;
pub mod limits;
mod observe;
mod page_cache;
mod security;
mod server_fn_status;

use std::sync::Arc;

use app::ssr::ServerContext;
use axum::extract::FromRef;
use axum::routing::{delete, get, post, MethodRouter};
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;

pub use error::ApiError;

use api_v1::collab;

use crate::config::Config;
use domain::ctx::Services;

#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub services: Services,
    pub config: Arc<Config>,
    /// The anonymous limit on the catalog APIs (`None`: no limit).
    pub api_limit: Option<Arc<domain::rate_limit::RateLimiter>>,
    /// Pages rendered for anonymous readers, shared for a moment (`None`: off).
    pub page_cache: Option<Arc<page_cache::PageCache>>,
    /// Request latency histograms for `/metrics`.
    pub metrics: Arc<crate::metrics::Metrics>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

pub fn leptos_options(config: &Config) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name(config.output_name.as_str())
        .site_root(config.site_root.to_string_lossy().as_ref())
        .site_pkg_dir(config.site_pkg_dir.as_str())
        .site_addr(config.addr)
        .build()
}

/// Every explicit route but the profile upload (see [`profile_routes`]), as (path, handlers).
/// [`router`] is built from this table, and [`route_paths`] lists it for the RBAC matrix test,
/// so a route added here without a rule in `tests/rbac.rs` fails that test.
fn api_routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/healthz", get(health::healthz)),
        ("/readyz", get(health::readyz)),
        ("/metrics", get(observe::metrics)),
        ("/lang/{code}", get(lang::switch)),
        ("/crowd/lite", get(crowd_lite::page)),
        ("/sitemap.xml", get(discovery::sitemap)),
        ("/catalog.jsonld", get(dcat::jsonld)),
        ("/catalog.ttl", get(dcat::turtle)),
        (
            "/api/3/action/package_search",
            get(ckan::package_search::package_search),
        ),
        (
            "/api/3/action/package_show",
            get(ckan::package_show::package_show),
        ),
        ("/api/3/action/package_list", get(ckan::lists::package_list)),
        (
            "/api/3/action/organization_list",
            get(ckan::lists::organization_list),
        ),
        ("/api/3/action/group_list", get(ckan::lists::group_list)),
        ("/api/3/action/tag_list", get(ckan::lists::tag_list)),
        ("/robots.txt", get(discovery::robots)),
        ("/api/v1/datasets", get(api_v1::search)),
        (
            "/api/v1/datasets/{id}",
            get(api_v1::dataset)
                .patch(api_v1::patch_dataset)
                .put(api_v1::put_dataset),
        ),
        (
            "/api/v1/datasets/{id}/comments",
            get(api_v1::comments).post(api_v1::add_comment),
        ),
        ("/api/v1/datasets/{id}/revisions", get(api_v1::revisions)),
        (
            "/api/v1/datasets/{id}/revisions/compare",
            get(api_v1::compare_revisions),
        ),
        (
            "/api/v1/datasets/{id}/revisions/{version}/revert",
            post(api_v1::revert),
        ),
        (
            "/api/v1/datasets/{id}/proposals",
            get(collab::dataset_proposals).post(collab::propose),
        ),
        ("/api/v1/datasets/{id}/live", get(api_v1::live::live)),
        ("/api/v1/crowd", get(api_v1::crowd::status)),
        ("/api/v1/crowd/events", get(api_v1::crowd::events)),
        ("/api/v1/crowd/alerts", get(api_v1::crowd::public_alerts)),
        ("/api/v1/crowd/alerts/log", get(api_v1::crowd::alerts::log)),
        (
            "/api/v1/crowd/alerts/{id}/ack",
            post(api_v1::crowd::alerts::acknowledge),
        ),
        (
            "/api/v1/crowd/alerts/{id}/notes",
            post(api_v1::crowd::alerts::annotate),
        ),
        (
            "/api/v1/crowd/rules",
            get(api_v1::crowd::alerts::rules).post(api_v1::crowd::alerts::add_rule),
        ),
        (
            "/api/v1/crowd/rules/{id}",
            delete(api_v1::crowd::alerts::delete_rule),
        ),
        (
            "/api/v1/crowd/emergency",
            post(api_v1::crowd::alerts::start_emergency)
                .delete(api_v1::crowd::alerts::end_emergency),
        ),
        ("/api/v1/crowd/spots", post(api_v1::crowd::push::create)),
        (
            "/api/v1/crowd/spots/{code}",
            get(api_v1::crowd::history::spot),
        ),
        (
            "/api/v1/crowd/spots/{code}/history",
            get(api_v1::crowd::history::history),
        ),
        (
            "/api/v1/crowd/spots/{code}/token",
            post(api_v1::crowd::push::rotate),
        ),
        (
            "/api/v1/crowd/spots/{code}/readings",
            post(api_v1::crowd::push::readings),
        ),
        ("/api/v1/proposals", get(collab::list_proposals)),
        ("/api/v1/proposals/{pid}", get(collab::get_proposal)),
        ("/api/v1/proposals/{pid}/accept", post(collab::accept)),
        ("/api/v1/proposals/{pid}/reject", post(collab::reject)),
        ("/api/v1/proposals/{pid}/withdraw", post(collab::withdraw)),
        ("/api/v1/notifications", get(collab::list_notifications)),
        ("/api/v1/notifications/read", post(collab::mark_read)),
        ("/api/v1/activity", get(collab::activity)),
        (
            "/api/v1/admin/departments",
            post(api_v1::admin::departments),
        ),
        ("/api/v1/admin/users", post(api_v1::admin::users)),
        ("/api/v1/admin/terms", post(api_v1::admin::terms)),
        ("/api/v1/admin/keys", get(api_v1::admin::keys)),
        ("/api/v1/freshness", get(api_v1::freshness)),
        ("/api/v1/import", post(api_v1::transfer::import_sheet)),
        ("/api/v1/export", get(api_v1::transfer::export_sheet)),
        ("/api/v1/jobs", get(api_v1::jobs::list)),
        ("/api/v1/jobs/{id}", get(api_v1::jobs::get)),
        ("/api/v1/jobs/{id}/events", get(api_v1::jobs::events)),
        (
            "/api/v1/harvest/sources",
            get(api_v1::jobs::sources).post(api_v1::jobs::save_source),
        ),
        (
            "/api/v1/harvest/sources/{id}/run",
            post(api_v1::jobs::run_source),
        ),
        ("/api/v1/suggest", get(api_v1::suggest)),
        ("/datasets/{slug}/feedback", post(feedback::submit)),
        ("/api/v1/feedback", get(api_v1::portal::list_feedback)),
        (
            "/api/v1/feedback/{id}/resolve",
            post(api_v1::portal::resolve_feedback),
        ),
        (
            "/api/v1/feedback/{id}/reopen",
            post(api_v1::portal::reopen_feedback),
        ),
        (
            "/api/v1/keys",
            get(api_v1::portal::list_keys).post(api_v1::portal::create_key),
        ),
        ("/api/v1/keys/{id}", delete(api_v1::portal::revoke_key)),
        ("/api/v1/openapi.json", get(api_v1::openapi)),
    ]
}

/// The routes with a larger body limit: data files for profiling are large, and streamed to disk.
fn profile_routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![("/api/v1/datasets/{id}/profile", post(api_v1::jobs::profile))]
}

/// The path of every explicit route (not the Leptos pages and server functions, see
/// [`page_paths`] and [`server_fn_paths`]).
pub fn route_paths() -> Vec<&'static str> {
    api_routes()
        .into_iter()
        .chain(profile_routes())
        .map(|(path, _)| path)
        .collect()
}

/// The app's page routes, generated once per process. Generating them renders the app with a
/// process-global "suppress resource loading" flag set (leptos_server's
/// `SuppressResourceLoad`): a resource that another server in the same process first polls
/// while the flag is up waits forever (leptos #4773). Done once, before any router exists,
/// no page can be rendering at that moment.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(app::App)).clone()
}

/// The path of every Leptos page route, as the router serves them.
pub fn page_paths() -> Vec<String> {
    route_list().iter().map(|r| r.path().to_string()).collect()
}

/// The path of every server function (`/api/…`, all `POST`).
pub fn server_fn_paths() -> Vec<&'static str> {
    let mut paths: Vec<&'static str> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path)
        .collect();
    paths.sort_unstable();
    paths
}

/// Request bodies above this are refused with 413 before any handler runs.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

pub fn router(services: Services, config: Arc<Config>) -> Router {
    let state = AppState {
        leptos_options: leptos_options(&config),
        services: services.clone(),
        config: config.clone(),
        api_limit: domain::rate_limit::RateLimiter::shared(
            config.api_rate_limit,
            std::time::Duration::from_secs(60),
        ),
        page_cache: page_cache::PageCache::new(std::time::Duration::from_millis(
            config.page_cache_ms.into(),
        )),
        metrics: Arc::default(),
    };
    let server_ctx = ServerContext {
        services,
        secure_cookies: config.secure_cookies,
        public_url: config.public_url.clone(),
        map_tiles: config.map_tiles.clone(),
        demo: config.demo_data,
        request_user: Default::default(),
    };
    let routes = route_list();
    let mut api = Router::new();
    for (path, handlers) in api_routes() {
        api = api.route(path, handlers);
    }
    let mut profile = Router::new();
    for (path, handlers) in profile_routes() {
        profile = profile.route(path, handlers);
    }
    api.leptos_routes_with_context(
        &state,
        routes,
        move || provide_context(server_ctx.for_request()),
        {
            let options = state.leptos_options.clone();
            move || app::shell(options.clone())
        },
    )
    .fallback(leptos_axum::file_and_error_handler::<AppState, _>(
        app::shell,
    ))
    .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
    // Data files for profiling are larger, and streamed to disk.
    .merge(profile.layer(RequestBodyLimitLayer::new(
        domain::services::profiling::upload::MAX_FILE_BYTES as usize + 64 * 1024,
    )))
    .layer(axum::middleware::from_fn_with_state(
        state.clone(),
        crowd_lite::light_in_emergency,
    ))
    .layer(axum::middleware::from_fn_with_state(
        state.clone(),
        page_cache::serve,
    ))
    .layer(axum::middleware::from_fn(server_fn_status::map_status))
    .layer(axum::middleware::from_fn_with_state(
        state.clone(),
        limits::anonymous_limit,
    ))
    .layer(axum::middleware::from_fn(security::same_origin_writes))
    .layer(axum::middleware::from_fn(discovery::cors))
    .layer(axum::middleware::from_fn(security::headers))
    .layer(axum::middleware::from_fn_with_state(
        state.clone(),
        observe::track,
    ))
    // The fastest gzip: under a surge the CPU is the limit (pages grow by a sixth).
    .layer(CompressionLayer::new().quality(tower_http::CompressionLevel::Fastest))
    .layer(TraceLayer::new_for_http().make_span_with(observe::span))
    .layer(axum::middleware::from_fn(observe::request_id))
    .with_state(state)
}

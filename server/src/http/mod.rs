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
mod security;
mod server_fn_status;

use std::sync::Arc;

use app::ssr::ServerContext;
use axum::extract::FromRef;
use axum::routing::{delete, get, post};
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;

pub use error::ApiError;

use api_v1::collab;

use crate::config::Config;
use crate::services::Services;

#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub services: Services,
    pub config: Arc<Config>,
    /// The anonymous limit on the catalog APIs (`None`: no limit).
    pub api_limit: Option<Arc<crate::rate_limit::RateLimiter>>,
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

/// Request bodies above this are refused with 413 before any handler runs.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

pub fn router(services: Services, config: Arc<Config>) -> Router {
    let state = AppState {
        leptos_options: leptos_options(&config),
        services: services.clone(),
        config: config.clone(),
        api_limit: crate::rate_limit::RateLimiter::new(
            config.api_rate_limit,
            std::time::Duration::from_secs(60),
        )
        .map(Arc::new),
        metrics: Arc::default(),
    };
    let server_ctx = ServerContext {
        backend: Arc::new(services),
        secure_cookies: config.secure_cookies,
        map_tiles: config.map_tiles.clone(),
    };
    let routes = generate_route_list(app::App);
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(observe::metrics))
        .route("/lang/{code}", get(lang::switch))
        .route("/crowd/lite", get(crowd_lite::page))
        .route("/sitemap.xml", get(discovery::sitemap))
        .route("/catalog.jsonld", get(dcat::jsonld))
        .route("/catalog.ttl", get(dcat::turtle))
        .route(
            "/api/3/action/package_search",
            get(ckan::package_search::package_search),
        )
        .route(
            "/api/3/action/package_show",
            get(ckan::package_show::package_show),
        )
        .route("/api/3/action/package_list", get(ckan::lists::package_list))
        .route(
            "/api/3/action/organization_list",
            get(ckan::lists::organization_list),
        )
        .route("/api/3/action/group_list", get(ckan::lists::group_list))
        .route("/api/3/action/tag_list", get(ckan::lists::tag_list))
        .route("/robots.txt", get(discovery::robots))
        .route("/api/v1/datasets", get(api_v1::search))
        .route(
            "/api/v1/datasets/{id}",
            get(api_v1::dataset)
                .patch(api_v1::patch_dataset)
                .put(api_v1::put_dataset),
        )
        .route(
            "/api/v1/datasets/{id}/comments",
            get(api_v1::comments).post(api_v1::add_comment),
        )
        .route("/api/v1/datasets/{id}/revisions", get(api_v1::revisions))
        .route(
            "/api/v1/datasets/{id}/revisions/compare",
            get(api_v1::compare_revisions),
        )
        .route(
            "/api/v1/datasets/{id}/revisions/{version}/revert",
            post(api_v1::revert),
        )
        .route(
            "/api/v1/datasets/{id}/proposals",
            get(collab::dataset_proposals).post(collab::propose),
        )
        .route("/api/v1/datasets/{id}/live", get(api_v1::live::live))
        .route("/api/v1/crowd", get(api_v1::crowd::status))
        .route("/api/v1/crowd/events", get(api_v1::crowd::events))
        .route("/api/v1/crowd/alerts", get(api_v1::crowd::public_alerts))
        .route("/api/v1/crowd/alerts/log", get(api_v1::crowd::alerts::log))
        .route(
            "/api/v1/crowd/alerts/{id}/ack",
            post(api_v1::crowd::alerts::acknowledge),
        )
        .route(
            "/api/v1/crowd/alerts/{id}/notes",
            post(api_v1::crowd::alerts::annotate),
        )
        .route(
            "/api/v1/crowd/rules",
            get(api_v1::crowd::alerts::rules).post(api_v1::crowd::alerts::add_rule),
        )
        .route(
            "/api/v1/crowd/rules/{id}",
            delete(api_v1::crowd::alerts::delete_rule),
        )
        .route(
            "/api/v1/crowd/emergency",
            post(api_v1::crowd::alerts::start_emergency)
                .delete(api_v1::crowd::alerts::end_emergency),
        )
        .route("/api/v1/crowd/spots", post(api_v1::crowd::push::create))
        .route(
            "/api/v1/crowd/spots/{code}",
            get(api_v1::crowd::history::spot),
        )
        .route(
            "/api/v1/crowd/spots/{code}/history",
            get(api_v1::crowd::history::history),
        )
        .route(
            "/api/v1/crowd/spots/{code}/token",
            post(api_v1::crowd::push::rotate),
        )
        .route(
            "/api/v1/crowd/spots/{code}/readings",
            post(api_v1::crowd::push::readings),
        )
        .route("/api/v1/proposals", get(collab::list_proposals))
        .route("/api/v1/proposals/{pid}", get(collab::get_proposal))
        .route("/api/v1/proposals/{pid}/accept", post(collab::accept))
        .route("/api/v1/proposals/{pid}/reject", post(collab::reject))
        .route("/api/v1/proposals/{pid}/withdraw", post(collab::withdraw))
        .route("/api/v1/notifications", get(collab::list_notifications))
        .route("/api/v1/notifications/read", post(collab::mark_read))
        .route("/api/v1/activity", get(collab::activity))
        .route(
            "/api/v1/admin/departments",
            post(api_v1::admin::departments),
        )
        .route("/api/v1/admin/users", post(api_v1::admin::users))
        .route("/api/v1/admin/terms", post(api_v1::admin::terms))
        .route("/api/v1/freshness", get(api_v1::freshness))
        .route("/api/v1/import", post(api_v1::transfer::import_sheet))
        .route("/api/v1/export", get(api_v1::transfer::export_sheet))
        .route("/api/v1/jobs", get(api_v1::jobs::list))
        .route("/api/v1/jobs/{id}", get(api_v1::jobs::get))
        .route("/api/v1/jobs/{id}/events", get(api_v1::jobs::events))
        .route(
            "/api/v1/harvest/sources",
            get(api_v1::jobs::sources).post(api_v1::jobs::save_source),
        )
        .route(
            "/api/v1/harvest/sources/{id}/run",
            post(api_v1::jobs::run_source),
        )
        .route("/api/v1/suggest", get(api_v1::suggest))
        .route("/datasets/{slug}/feedback", post(feedback::submit))
        .route("/api/v1/feedback", get(api_v1::portal::list_feedback))
        .route(
            "/api/v1/feedback/{id}/resolve",
            post(api_v1::portal::resolve_feedback),
        )
        .route(
            "/api/v1/feedback/{id}/reopen",
            post(api_v1::portal::reopen_feedback),
        )
        .route(
            "/api/v1/keys",
            get(api_v1::portal::list_keys).post(api_v1::portal::create_key),
        )
        .route("/api/v1/keys/{id}", delete(api_v1::portal::revoke_key))
        .route("/api/v1/openapi.json", get(api_v1::openapi))
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(server_ctx.clone()),
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
        .merge(
            Router::new()
                .route("/api/v1/datasets/{id}/profile", post(api_v1::jobs::profile))
                .layer(RequestBodyLimitLayer::new(
                    crate::services::profiling::upload::MAX_FILE_BYTES as usize + 64 * 1024,
                )),
        )
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crowd_lite::light_in_emergency,
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
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http().make_span_with(observe::span))
        .layer(axum::middleware::from_fn(observe::request_id))
        .with_state(state)
}

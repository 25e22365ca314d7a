//! The JSON API's OpenAPI document (`GET /api/v1/openapi.json`), generated from the handlers'
//! `#[utoipa::path]` annotations and the types they take and answer (`types` and `domain`
//! with their `openapi` feature). What the layers in front of every handler add (400 for a NUL
//! in the URL, 403 for a cross-site write, 413 for a large body, 429 for the anonymous limit)
//! is added here, from the same rules.

use axum::Json;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Ref, RefOr, Required};
use utoipa::{Modify, OpenApi};

use super::schema::error::*;

use super::{admin, collab, crowd, jobs, live, portal, transfer};
use crate::http::error::ErrorBody;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Dongne API",
        version = "1.0.0",
        description = "Search and read the district data catalog. Anonymous callers see published public datasets only, and are limited per address (429 with Retry-After; crowd data is not limited). Staff authenticate with their session or an API key (`Authorization: Bearer dn_…`)."
    ),
    paths(
        super::search,
        super::dataset,
        super::patch_dataset,
        super::put_dataset,
        super::comments,
        super::add_comment,
        super::revisions,
        super::compare_revisions,
        super::revert,
        collab::dataset_proposals,
        collab::propose,
        live::live,
        jobs::profile,
        crowd::status,
        crowd::events,
        crowd::public_alerts,
        crowd::alerts::log,
        crowd::alerts::acknowledge,
        crowd::alerts::annotate,
        crowd::alerts::rules,
        crowd::alerts::add_rule,
        crowd::alerts::delete_rule,
        crowd::alerts::start_emergency,
        crowd::alerts::end_emergency,
        crowd::push::create,
        crowd::history::spot,
        crowd::history::history,
        crowd::push::rotate,
        crowd::push::readings,
        collab::list_proposals,
        collab::get_proposal,
        collab::accept,
        collab::reject,
        collab::withdraw,
        collab::list_notifications,
        collab::mark_read,
        collab::activity,
        admin::departments,
        admin::users,
        admin::terms,
        admin::keys,
        super::freshness,
        transfer::import_sheet,
        transfer::export_sheet,
        jobs::list,
        jobs::get,
        jobs::events,
        jobs::sources,
        jobs::save_source,
        jobs::run_source,
        super::suggest,
        portal::list_feedback,
        portal::resolve_feedback,
        portal::reopen_feedback,
        portal::list_keys,
        portal::create_key,
        portal::revoke_key,
        openapi,
    ),
    components(
        schemas(
            ErrorBody,
            app::collab::LiveMessage,
            app::model::HotSpotStatus,
            app::crowd::PublicAlerts
        ),
        responses(
            BadRequest,
            Unauthenticated,
            Forbidden,
            NotFound,
            Conflict,
            PayloadTooLarge,
            PreconditionRequired,
            TooManyRequests
        )
    ),
    modifiers(&Layers, &Security)
)]
struct ApiDoc;

/// `GET /api/v1/openapi.json`
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    operation_id = "openapi",
    tag = "meta",
    summary = "This document",
    responses(
        (status = 200, description = "The OpenAPI document of this API.", body = Object),
    )
)]
pub async fn openapi() -> Json<serde_json::Value> {
    Json(openapi_document())
}

pub fn openapi_document() -> serde_json::Value {
    serde_json::to_value(ApiDoc::openapi()).unwrap_or_default()
}

/// The layers every request passes through, as statuses of the operations they apply to.
struct Layers;

impl Modify for Layers {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        for (path, item) in doc.paths.paths.iter_mut() {
            let methods = [
                ("get", &mut item.get),
                ("put", &mut item.put),
                ("post", &mut item.post),
                ("delete", &mut item.delete),
                ("patch", &mut item.patch),
            ];
            for (method, op) in methods {
                let Some(op) = op.as_mut() else { continue };
                // `security::same_origin_writes`: a NUL in the URL, a cross-site write.
                add(op, 400, "BadRequest");
                if method != "get" {
                    add(op, 403, "Forbidden");
                }
                // The body limits (`RequestBodyLimitLayer`).
                if let Some(body) = op.request_body.as_mut() {
                    // A file the handler reads as it comes (no schema: the bytes themselves)
                    // is required.
                    if body.content.values().all(|c| c.schema.is_none()) {
                        body.required = Some(Required::True);
                    }
                    add(op, 413, "PayloadTooLarge");
                }
                if crate::http::limits::limited(path) {
                    add(op, 429, "TooManyRequests");
                }
            }
        }
    }
}

/// The response `name` for `status`, unless the operation already documents that status.
fn add(op: &mut Operation, status: u16, name: &str) {
    op.responses
        .responses
        .entry(status.to_string())
        .or_insert_with(|| RefOr::Ref(Ref::from_response_name(name)));
}

/// How staff authenticate. Not required per operation: most answer anonymous callers too (with
/// less), and each operation's summary says who may call it.
struct Security;

impl Modify for Security {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        // The document says what the API is, not which package serves it.
        doc.info.license = None;
        doc.info.contact = None;
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "apiKey",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("dn_…")
                    .description(Some(
                        "A staff member's API key (made with POST /api/v1/keys): reads and \
                         writes as its owner and is not rate limited.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "pushToken",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A local point's push token (answered once when the point is added or its \
                         token replaced): only for pushing that point's readings.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                app::ssr::SESSION_COOKIE,
                "The session of a signed-in staff member (sign in at /login).",
            ))),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole document: any change to it shows here, to be reviewed and accepted
    /// (`cargo insta review`, or `INSTA_UPDATE=always` and read the diff).
    #[test]
    fn document_snapshot() {
        insta::assert_json_snapshot!("openapi", openapi_document());
    }

    /// Every route the router serves under `/api/v1` is in the document, and nothing else.
    #[test]
    fn every_api_route_is_documented() {
        let doc = openapi_document();
        let documented: std::collections::BTreeSet<String> = doc["paths"]
            .as_object()
            .expect("paths")
            .keys()
            .cloned()
            .collect();
        let served: std::collections::BTreeSet<String> = crate::http::route_paths()
            .into_iter()
            .filter(|p| p.starts_with("/api/v1/"))
            .map(String::from)
            .collect();
        let missing: Vec<_> = served.difference(&documented).collect();
        assert!(
            missing.is_empty(),
            "routes missing from the document: {missing:?}"
        );
        let stale: Vec<_> = documented.difference(&served).collect();
        assert!(stale.is_empty(), "documented but not served: {stale:?}");
    }

    /// Every `$ref` names a component the document has (a type used only in a parameter is
    /// not collected by itself: such types are inlined).
    #[test]
    fn every_reference_resolves() {
        fn refs<'a>(v: &'a serde_json::Value, out: &mut Vec<&'a str>) {
            match v {
                serde_json::Value::Object(m) => {
                    if let Some(r) = m.get("$ref").and_then(|r| r.as_str()) {
                        out.push(r);
                    }
                    m.values().for_each(|v| refs(v, out));
                }
                serde_json::Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
                _ => {}
            }
        }
        let doc = openapi_document();
        let mut found = Vec::new();
        refs(&doc, &mut found);
        assert!(!found.is_empty());
        for r in found {
            let pointer = r.strip_prefix('#').expect("a local reference");
            assert!(doc.pointer(pointer).is_some(), "unresolvable: {r}");
        }
    }

    /// Every error answer points at the one error shape.
    #[test]
    fn errors_have_the_error_shape() {
        let doc = openapi_document();
        let error = &doc["components"]["schemas"]["Error"];
        assert!(error["properties"]["error"].is_object(), "{error}");
        for (name, response) in doc["components"]["responses"].as_object().unwrap() {
            assert_eq!(
                response["content"]["application/json"]["schema"]["$ref"],
                "#/components/schemas/Error",
                "{name}"
            );
        }
    }
}

//! The shapes the JSON API's handlers share with its OpenAPI document (`openapi.rs`): the
//! error answers, the few-word query values and the small answers. Handlers and the document
//! both use this file; the document also names the handlers, so these live apart from it.

use utoipa::openapi::path::ParameterIn;
use utoipa::{IntoParams, PartialSchema, ToSchema};

/// The error answers, each a reusable response with the [`ErrorBody`](crate::http::error::ErrorBody) shape (the handlers
/// name them in `responses(...)`: `use super::schema::error::*`).
pub mod error {
    use utoipa::openapi::response::{Response, ResponseBuilder};
    use utoipa::openapi::{ContentBuilder, Ref, RefOr};

    macro_rules! error_responses {
        ($($name:ident = $description:literal;)+) => {$(
            pub struct $name;
            impl<'r> utoipa::ToResponse<'r> for $name {
                fn response() -> (&'r str, RefOr<Response>) {
                    let content = ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("Error")))
                        .build();
                    let response = ResponseBuilder::new()
                        .description($description)
                        .content("application/json", content)
                        .build();
                    (stringify!($name), response.into())
                }
            }
        )+};
    }

    error_responses! {
        BadRequest = "A parameter, header or the body is not valid (also: an unknown query parameter, or a NUL `%00` in the URL); `error.field` names it.";
        Unauthenticated = "Sign-in (or a working API key) is required, or the API key given does not work.";
        Forbidden = "The caller may not do this; also any write (not GET, HEAD, OPTIONS) whose Origin or Sec-Fetch-Site is another site.";
        NotFound = "No such thing, or not visible to the caller.";
        Conflict = "Nothing was changed: the dataset changed since the version in If-Match (`error.current_version` says where it is now), a proposal's fields changed meanwhile (`error.field` names the first), or the proposal is already decided.";
        PayloadTooLarge = "The body is larger than allowed (2 MiB; data files for profiling 200 MB).";
        PreconditionRequired = "If-Match is missing: a write must say which version it is based on.";
        TooManyRequests = "Anonymous callers are limited per address: try again after Retry-After seconds. Staff are never limited; crowd data is not limited.";
    }
}

// Query parameter values that are one of a few words (described here; the handlers read the
// text).
#[allow(dead_code)]
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum LangCode {
    Ko,
    En,
}

#[allow(dead_code)]
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum JsonOrCsv {
    Json,
    Csv,
}

#[allow(dead_code)]
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum ExportFormat {
    Csv,
    Xlsx,
    Json,
}

#[allow(dead_code)]
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum ProposalScope {
    Review,
    Mine,
}

#[allow(dead_code)]
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum LiveMode {
    View,
    Edit,
}

/// `GET /api/v1/export`'s parameters: the file's format, and a search whose results to export
/// (its `format` facet is not available here: `format` is the file's).
pub struct ExportParams;

impl IntoParams for ExportParams {
    fn into_params(
        parameter_in: impl Fn() -> Option<ParameterIn>,
    ) -> Vec<utoipa::openapi::path::Parameter> {
        let format = utoipa::openapi::path::ParameterBuilder::new()
            .name("format")
            .parameter_in(ParameterIn::Query)
            .description(Some("The file's format (default csv)."))
            .schema(Some(ExportFormat::schema()))
            .build();
        let search = app::search::SearchQuery::into_params(parameter_in)
            .into_iter()
            .filter(|p| p.name != "format");
        std::iter::once(format).chain(search).collect()
    }
}

/// `202 Accepted` with the background job to follow.
#[derive(serde::Serialize, ToSchema)]
pub struct JobAccepted {
    pub job: i32,
}

/// An import still running after the wait.
#[derive(serde::Serialize, ToSchema)]
pub struct ImportQueued {
    pub job: i32,
    pub status: app::jobs::JobStatus,
}

/// `POST /api/v1/notifications/read`'s answer.
#[derive(serde::Serialize, ToSchema)]
pub struct Marked {
    /// How many notifications were marked read.
    pub marked: u64,
}

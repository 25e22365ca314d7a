//! The one error type shared by server functions, services and the UI.
//!
//! Services return domain variants; the server maps them to HTTP statuses in one place
//! ([`AppError::status`]); the UI shows [`AppError::message`] in the reader's language.
//! Internal details are logged on the server and never sent to the browser.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

use crate::i18n::Lang;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum AppError {
    /// Input failed validation: `field` names what is wrong, `message` says why (in Korean and English).
    #[error("invalid {field}: {message_en}")]
    Validation {
        field: String,
        message_ko: String,
        message_en: String,
    },
    /// Several fields failed validation (a form); each error names its field.
    #[error("invalid input in {} field(s)", errors.len())]
    InvalidFields { errors: Vec<FieldError> },
    #[error("login required")]
    Unauthenticated,
    #[error("wrong username or password")]
    BadCredentials,
    #[error("not allowed")]
    Forbidden,
    #[error("{what} not found")]
    NotFound { what: String },
    #[error("request refused: cross-site request")]
    CrossSite,
    /// A write based on a version that is no longer current: nothing was changed.
    #[error("edit conflict: the dataset is now at version {current_version}")]
    Conflict { current_version: i32 },
    /// Accepting a proposal whose fields changed meanwhile: the reviewer must choose a value
    /// for each of these (nothing was changed).
    #[error("the dataset changed since the proposal in: {}", fields.join(", "))]
    ProposalConflict { fields: Vec<String> },
    /// The proposal was already accepted, rejected or withdrawn.
    #[error("the proposal is already {status}")]
    ProposalClosed { status: String },
    /// A write that did not say which version it is based on (`If-Match`).
    #[error("the version this change is based on is required (If-Match)")]
    VersionRequired,
    /// Too many requests from this client: try again after `retry_after` seconds.
    #[error("too many requests: retry after {retry_after} s")]
    RateLimited { retry_after: u64 },
    /// The database's storage is full: the change was not saved (nothing half-written).
    #[error("the server's storage is full: nothing was saved")]
    StorageFull,
    /// Something failed on the server; the details are in the server log under this reference.
    #[error("internal error (ref {reference})")]
    Internal { reference: String },
    /// The server function machinery failed (network, encoding).
    #[error("request failed: {0}")]
    Transport(String),
}

impl AppError {
    pub fn validation(field: &str, message_ko: &str, message_en: &str) -> Self {
        AppError::Validation {
            field: field.to_string(),
            message_ko: message_ko.to_string(),
            message_en: message_en.to_string(),
        }
    }

    /// One field's problem, as a form's list of field errors.
    pub fn invalid_field(field: &str, ko: impl Into<String>, en: impl Into<String>) -> Self {
        AppError::InvalidFields {
            errors: vec![FieldError::new(field, ko, en)],
        }
    }

    pub fn not_found(what: &str) -> Self {
        AppError::NotFound {
            what: what.to_string(),
        }
    }

    /// The HTTP status this error is answered with: the single mapping used everywhere.
    pub fn status(&self) -> http::StatusCode {
        use http::StatusCode as S;
        match self {
            AppError::Validation { .. } | AppError::InvalidFields { .. } => S::BAD_REQUEST,
            AppError::Unauthenticated | AppError::BadCredentials => S::UNAUTHORIZED,
            AppError::Forbidden | AppError::CrossSite => S::FORBIDDEN,
            AppError::NotFound { .. } => S::NOT_FOUND,
            AppError::Conflict { .. }
            | AppError::ProposalConflict { .. }
            | AppError::ProposalClosed { .. } => S::CONFLICT,
            AppError::VersionRequired => S::PRECONDITION_REQUIRED,
            AppError::RateLimited { .. } => S::TOO_MANY_REQUESTS,
            AppError::StorageFull => S::INSUFFICIENT_STORAGE,
            AppError::Internal { .. } => S::INTERNAL_SERVER_ERROR,
            // On the server this means the request itself could not be decoded or routed.
            AppError::Transport(_) => S::BAD_REQUEST,
        }
    }

    /// A message for people, in their language.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (AppError::Validation { message_ko, .. }, Lang::Ko) => message_ko.clone(),
            (AppError::Validation { message_en, .. }, Lang::En) => message_en.clone(),
            (AppError::InvalidFields { errors }, Lang::Ko) => errors
                .iter()
                .map(|e| e.message_ko.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            (AppError::InvalidFields { errors }, Lang::En) => errors
                .iter()
                .map(|e| e.message_en.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            (AppError::Unauthenticated, Lang::Ko) => "로그인이 필요합니다.".into(),
            (AppError::Unauthenticated, Lang::En) => "Please sign in.".into(),
            (AppError::BadCredentials, Lang::Ko) => {
                "아이디 또는 비밀번호가 올바르지 않습니다.".into()
            }
            (AppError::BadCredentials, Lang::En) => "Wrong username or password.".into(),
            (AppError::Forbidden, Lang::Ko) => "이 작업을 할 권한이 없습니다.".into(),
            (AppError::Forbidden, Lang::En) => "You are not allowed to do this.".into(),
            (AppError::NotFound { what }, Lang::Ko) => format!("찾을 수 없습니다: {what}"),
            (AppError::NotFound { what }, Lang::En) => format!("Not found: {what}"),
            (AppError::CrossSite, Lang::Ko) => {
                "다른 사이트에서 보낸 요청은 받을 수 없습니다.".into()
            }
            (AppError::CrossSite, Lang::En) => "Requests from other sites are refused.".into(),
            (AppError::Conflict { current_version }, Lang::Ko) => format!(
                "다른 사람이 먼저 이 데이터를 바꿨습니다 (현재 버전 {current_version}). 변경 사항을 비교해 다시 저장하세요."
            ),
            (AppError::Conflict { current_version }, Lang::En) => format!(
                "Someone changed this dataset first (now version {current_version}). Compare the changes and save again."
            ),
            (AppError::ProposalConflict { fields }, Lang::Ko) => format!(
                "제안 이후 데이터가 바뀐 항목이 있습니다: {}. 항목마다 반영할 값을 고르세요.",
                fields.join(", ")
            ),
            (AppError::ProposalConflict { fields }, Lang::En) => format!(
                "The dataset changed since the proposal in: {}. Choose the value to keep for each.",
                fields.join(", ")
            ),
            (AppError::ProposalClosed { status }, Lang::Ko) => {
                format!("이미 처리된 제안입니다 ({status}).")
            }
            (AppError::ProposalClosed { status }, Lang::En) => {
                format!("This proposal is already {status}.")
            }
            (AppError::VersionRequired, Lang::Ko) => {
                "어느 버전을 고치는지 알려 주세요 (If-Match).".into()
            }
            (AppError::VersionRequired, Lang::En) => {
                "Say which version this change is based on (If-Match).".into()
            }
            (AppError::RateLimited { retry_after }, Lang::Ko) => {
                format!("요청이 너무 많습니다. {retry_after}초 뒤에 다시 시도하세요.")
            }
            (AppError::RateLimited { retry_after }, Lang::En) => {
                format!("Too many requests. Try again in {retry_after} s.")
            }
            (AppError::StorageFull, Lang::Ko) => {
                "서버 저장 공간이 가득 차서 저장하지 못했습니다. 아무것도 바뀌지 않았습니다. 잠시 뒤 다시 시도하세요.".into()
            }
            (AppError::StorageFull, Lang::En) => {
                "The server's storage is full, so this was not saved; nothing was changed. Try again later.".into()
            }
            (AppError::Internal { reference }, Lang::Ko) => {
                format!("서버 오류가 발생했습니다 (참조 {reference}).")
            }
            (AppError::Internal { reference }, Lang::En) => {
                format!("Something went wrong on the server (ref {reference}).")
            }
            (AppError::Transport(_), Lang::Ko) => {
                "서버와 통신하지 못했습니다. 다시 시도하세요.".into()
            }
            (AppError::Transport(_), Lang::En) => "Could not reach the server. Try again.".into(),
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // Arguments that do not decode are the caller's fault: a 400 naming the problem.
            ServerFnErrorErr::Args(msg)
            | ServerFnErrorErr::MissingArg(msg)
            | ServerFnErrorErr::Deserialization(msg) => AppError::Validation {
                field: "request".into(),
                message_ko: format!("요청 값이 올바르지 않습니다: {msg}"),
                message_en: format!("Invalid request arguments: {msg}"),
            },
            other => AppError::Transport(other.to_string()),
        }
    }
}

/// One problem with one field, in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub field: String,
    pub message_ko: String,
    pub message_en: String,
}

impl FieldError {
    pub fn new(field: &str, ko: impl Into<String>, en: impl Into<String>) -> FieldError {
        FieldError {
            field: field.to_string(),
            message_ko: ko.into(),
            message_en: en.into(),
        }
    }
}

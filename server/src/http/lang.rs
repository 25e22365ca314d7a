//! `GET /lang/{ko|en}?next=/path`: remember the UI language in a cookie, go back. Works without
//! JavaScript.

use app::error::AppError;
use app::i18n::Lang;
use axum::extract::{Path, Query};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::ApiError;

#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

pub async fn switch(Path(code): Path<String>, Query(q): Query<Next>) -> Result<Response, ApiError> {
    let lang = Lang::parse(&code).ok_or_else(|| {
        AppError::validation(
            "code",
            "언어는 ko 또는 en 이어야 합니다.",
            "The language must be ko or en.",
        )
    })?;
    let next = app::ssr::safe_next(q.next.as_deref());
    let cookie = format!(
        "lang={}; Path=/; Max-Age=31536000; SameSite=Lax",
        lang.code()
    );
    let mut resp = StatusCode::SEE_OTHER.into_response();
    let headers = resp.headers_mut();
    headers.insert(
        header::LOCATION,
        HeaderValue::from_str(&next).unwrap_or(HeaderValue::from_static("/")),
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        headers.insert(header::SET_COOKIE, v);
    }
    Ok(resp)
}

/// The reader's language from the `lang` cookie (Korean by default).
pub fn from_headers(headers: &axum::http::HeaderMap) -> Lang {
    app::ssr::cookie(headers, "lang")
        .and_then(|v| Lang::parse(&v))
        .unwrap_or_default()
}

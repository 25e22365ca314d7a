//! The city's real-time city data API (`citydata_ppltn`): parser and connector.
//!
//! `GET {base}/{KEY}/json/citydata_ppltn/1/5/{AREA}` where AREA is a `POI…` area code or the
//! area's Korean name. A success is
//! `{"SeoulRtd.citydata_ppltn": [{…}], "RESULT": {"RESULT.CODE": "INFO-000", …}}` with every
//! value a string; a failure is `{"RESULT": {"CODE": "INFO-200", "MESSAGE": …}}` (or with
//! `RESULT.CODE` / `RESULT.MESSAGE` keys), sometimes an XML or HTML page with HTTP 200.
//! `PPLTN_TIME` and `FCST_TIME` are Korea Standard Time (UTC+9, no daylight saving),
//! "YYYY-MM-DD HH:MM".

mod client;
mod parse;
#[cfg(test)]
mod test_support;

pub use client::{area_url, fetch};
pub use parse::{parse, parse_kst};

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use types::model::CrowdLevel;

use crate::services::harvest::fetch::FetchError;

/// The public endpoint (plain HTTP on port 8088, as the city serves it).
pub const DEFAULT_BASE: &str = "http://openapi.seoul.go.kr:8088";
/// The service name in the request path.
pub const SERVICE: &str = "citydata_ppltn";
/// The key holding the readings in a success body.
const ROOT: &str = "SeoulRtd.citydata_ppltn";

/// One reading of a place: the current congestion and the city's hourly forecast.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CityReading {
    /// `AREA_CD`, e.g. "POI068".
    pub area_code: String,
    /// `AREA_NM`, e.g. "성수카페거리".
    pub area_name: String,
    pub level: CrowdLevel,
    pub population_min: i32,
    pub population_max: i32,
    /// `PPLTN_TIME` (KST in the feed).
    pub observed_at: DateTime<Utc>,
    /// `AREA_CONGEST_MSG`, when the feed has one.
    pub message: Option<String>,
    /// `FCST_PPLTN`: empty when the feed publishes no forecast (`FCST_YN` "N").
    pub forecast: Vec<ForecastPoint>,
}

/// One hour of the city's forecast.
pub use types::crowd::ForecastPoint;

/// Why a response body is not a reading.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CityError {
    /// INFO-200: the API has nothing for this area (an unknown area name or code, or no
    /// reading at the moment).
    #[error("citydata_ppltn: no data for the requested area (INFO-200)")]
    NoData,
    /// INFO-100: the key is not valid.
    #[error("citydata_ppltn: the API key was rejected (INFO-100); check DONGNE_CITYDATA_KEY")]
    BadKey,
    /// ERROR-337: the key's daily traffic limit is used up.
    #[error("citydata_ppltn: the daily traffic limit of the API key is exceeded (ERROR-337)")]
    Quota,
    /// Any other result code the API reported.
    #[error("citydata_ppltn: the API answered {code}: {message}")]
    Upstream { code: String, message: String },
    /// A body that is not what the API documents; `what` names the field and where it is.
    #[error("citydata_ppltn: malformed response: {what}")]
    Malformed { what: String },
}

impl CityError {
    /// Whether asking again soon may help: the city's server-side failures (ERROR-5xx such as
    /// ERROR-500 서버 오류, ERROR-6xx such as ERROR-600 DB 연결 오류 / ERROR-601 SQL 오류).
    /// A bad key, a used-up quota, no data, request errors (ERROR-3xx) and malformed bodies
    /// are not retried.
    pub fn retryable(&self) -> bool {
        match self {
            CityError::Upstream { code, .. } => {
                let c = code.trim().to_ascii_uppercase();
                c.starts_with("ERROR-5") || c.starts_with("ERROR-6")
            }
            _ => false,
        }
    }

    /// The error for a result code other than INFO-000.
    fn from_code(code: &str, message: &str) -> CityError {
        match code {
            "INFO-200" => CityError::NoData,
            "INFO-100" => CityError::BadKey,
            "ERROR-337" => CityError::Quota,
            _ => CityError::Upstream {
                code: code.to_string(),
                message: if message.is_empty() {
                    "(no message)".to_string()
                } else {
                    message.to_string()
                },
            },
        }
    }
}

fn malformed(what: impl Into<String>) -> CityError {
    CityError::Malformed { what: what.into() }
}

/// A field's problem at a place in the body: "`FIELD` at PATH: PROBLEM".
fn field_error(path: &str, field: &str, problem: impl fmt::Display) -> CityError {
    malformed(format!("`{field}` at {path}: {problem}"))
}

/// What a fetch of one area ended with, when not a reading.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CityFetchError {
    /// The HTTP request failed for good (the URL's key is redacted).
    #[error(transparent)]
    Fetch(FetchError),
    /// The API answered, but not with a reading.
    #[error("area {area:?}: {error}")]
    City { area: String, error: CityError },
}

impl CityFetchError {
    /// The API's answer, when there was one.
    pub fn city_error(&self) -> Option<&CityError> {
        match self {
            CityFetchError::City { error, .. } => Some(error),
            CityFetchError::Fetch(_) => None,
        }
    }
}

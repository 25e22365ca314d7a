//! The city's real-time city data API (`citydata_ppltn`): parser and connector.
//!
//! `GET {base}/{KEY}/json/citydata_ppltn/1/5/{AREA}` where AREA is a `POI…` area code or the
//! area's Korean name. A success is
//! `{"SeoulRtd.citydata_ppltn": [{…}], "RESULT": {"RESULT.CODE": "INFO-000", …}}` with every
//! value a string; a failure is `{"RESULT": {"CODE": "INFO-200", "MESSAGE": …}}` (or with
//! `RESULT.CODE` / `RESULT.MESSAGE` keys), sometimes an XML or HTML page with HTTP 200.
//! `PPLTN_TIME` and `FCST_TIME` are Korea Standard Time (UTC+9, no daylight saving),
//! "YYYY-MM-DD HH:MM".

use std::fmt;

use chrono::{DateTime, NaiveDateTime, TimeDelta, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use types::model::CrowdLevel;

use crate::services::harvest::fetch::{self, FetchError, FetchPolicy};

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

/// The request URL for one area (a `POI…` code or the Korean area name), rows 1 to 5; the key
/// and the area are percent-encoded path segments. An empty `base` means [`DEFAULT_BASE`].
pub fn area_url(base: &str, key: &str, area: &str) -> String {
    let base = base.trim().trim_end_matches('/');
    let base = if base.is_empty() { DEFAULT_BASE } else { base };
    format!(
        "{base}/{}/json/{SERVICE}/1/5/{}",
        types::search::encode(key.trim()),
        types::search::encode(area.trim())
    )
}

/// A KST time as the feed writes it ("YYYY-MM-DD HH:MM", seconds tolerated) in UTC.
pub fn parse_kst(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S"))
        .ok()?;
    let utc = naive.checked_sub_signed(TimeDelta::hours(9))?;
    Some(Utc.from_utc_datetime(&utc))
}

/// A short, printable description of a JSON value for error messages.
fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("{:?}", clip(s, 40)),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// At most `n` characters of `s`, with "…" when cut.
fn clip(s: &str, n: usize) -> String {
    let mut out: String = s.chars().take(n).collect();
    if s.chars().nth(n).is_some() {
        out.push('…');
    }
    out
}

/// A head count: a non-negative whole number, as a number or a string (commas allowed).
fn count_of(v: &Value) -> Result<i32, String> {
    let n: f64 = match v {
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i as f64
            } else if n.as_u64().is_some() {
                return Err(format!("{} is too large", describe(v)));
            } else {
                n.as_f64().unwrap_or(f64::NAN)
            }
        }
        Value::String(s) => {
            let t: String = s.trim().chars().filter(|c| *c != ',').collect();
            if t.is_empty() {
                return Err(format!("{} is empty", describe(v)));
            }
            match t.parse::<i64>() {
                Ok(i) => i as f64,
                Err(_) => match t.parse::<f64>() {
                    Ok(f)
                        if f.is_finite()
                            && t.bytes().all(|b| {
                                b.is_ascii_digit() || b == b'.' || b == b'-' || b == b'+'
                            }) =>
                    {
                        f
                    }
                    _ => return Err(format!("{} is not a number", describe(v))),
                },
            }
        }
        _ => return Err(format!("expected a count, got {}", describe(v))),
    };
    if !n.is_finite() || n.fract() != 0.0 {
        return Err(format!("{} is not a whole number", describe(v)));
    }
    if n < 0.0 {
        return Err(format!("{} is negative", describe(v)));
    }
    if n > i32::MAX as f64 {
        return Err(format!("{} is too large", describe(v)));
    }
    Ok(n as i32)
}

/// Reads the fields of one JSON object, naming the object's place in errors.
struct Fields<'a> {
    obj: &'a Map<String, Value>,
    path: &'a str,
}

impl<'a> Fields<'a> {
    fn get(&self, field: &str) -> Result<&'a Value, CityError> {
        match self.obj.get(field) {
            None => Err(field_error(self.path, field, "missing")),
            Some(Value::Null) => Err(field_error(self.path, field, "null")),
            Some(v) => Ok(v),
        }
    }

    /// A required, non-blank string (trimmed).
    fn text(&self, field: &str) -> Result<String, CityError> {
        match self.get(field)? {
            Value::String(s) if !s.trim().is_empty() => Ok(s.trim().to_string()),
            Value::String(_) => Err(field_error(self.path, field, "empty")),
            v => Err(field_error(
                self.path,
                field,
                format!("expected a string, got {}", describe(v)),
            )),
        }
    }

    /// An optional string: absent, null, blank or not a string is `None`.
    fn optional_text(&self, field: &str) -> Option<String> {
        match self.obj.get(field) {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
            _ => None,
        }
    }

    fn level(&self, field: &str) -> Result<CrowdLevel, CityError> {
        let label = self.text(field)?;
        CrowdLevel::from_city_label(&label).ok_or_else(|| {
            field_error(
                self.path,
                field,
                format!(
                    "unknown congestion label {:?} (expected 여유, 보통, 약간 붐빔 or 붐빔)",
                    clip(&label, 40)
                ),
            )
        })
    }

    fn count(&self, field: &str) -> Result<i32, CityError> {
        count_of(self.get(field)?).map_err(|e| field_error(self.path, field, e))
    }

    /// A (min, max) pair of counts with min ≤ max.
    fn range(&self, min_field: &str, max_field: &str) -> Result<(i32, i32), CityError> {
        let min = self.count(min_field)?;
        let max = self.count(max_field)?;
        if min > max {
            return Err(field_error(
                self.path,
                min_field,
                format!("{min} is more than `{max_field}` {max}"),
            ));
        }
        Ok((min, max))
    }

    fn time(&self, field: &str) -> Result<DateTime<Utc>, CityError> {
        let s = self.text(field)?;
        parse_kst(&s).ok_or_else(|| {
            field_error(
                self.path,
                field,
                format!(
                    "{:?} is not a KST time of the form YYYY-MM-DD HH:MM",
                    clip(&s, 40)
                ),
            )
        })
    }
}

/// The result code and message of a JSON body, wherever the API put them: `RESULT.CODE` /
/// `CODE` inside a top-level `RESULT` (or inside an object-valued root), or at the top level.
fn result_code(body: &Map<String, Value>) -> Option<(String, String)> {
    let from = |m: &Map<String, Value>| -> Option<(String, String)> {
        let code = ["RESULT.CODE", "CODE"]
            .iter()
            .find_map(|k| m.get(*k).and_then(Value::as_str))?;
        let message = ["RESULT.MESSAGE", "MESSAGE", "MSG"]
            .iter()
            .find_map(|k| m.get(*k).and_then(Value::as_str))
            .unwrap_or("");
        Some((code.trim().to_ascii_uppercase(), message.trim().to_string()))
    };
    let nested = |m: &Map<String, Value>| m.get("RESULT").and_then(Value::as_object).and_then(from);
    nested(body)
        .or_else(|| from(body))
        .or_else(|| body.get(ROOT).and_then(Value::as_object).and_then(nested))
}

/// The text of the first `<tag>…</tag>` in an XML document (CDATA unwrapped, trimmed).
fn xml_tag<'a>(doc: &'a str, tag: &str) -> Option<&'a str> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let start = doc.find(&open)? + open.len();
    let rest = doc.get(start..)?;
    let inner = rest.get(..rest.find(&close)?)?.trim();
    let inner = inner
        .strip_prefix("<![CDATA[")
        .and_then(|s| s.strip_suffix("]]>"))
        .unwrap_or(inner);
    Some(inner.trim())
}

/// The error for a markup (XML or HTML) body: the API's result code if it carries one,
/// else a description of what came instead of JSON.
fn markup_error(text: &str) -> CityError {
    let lower = text.to_ascii_lowercase();
    if lower.contains("<html") || lower.contains("<!doctype html") {
        // `to_ascii_lowercase` keeps byte offsets, so the positions hold in `text`.
        let title = lower
            .find("<title>")
            .map(|i| i + "<title>".len())
            .and_then(|start| {
                let end = start + lower.get(start..)?.find("</title>")?;
                text.get(start..end)
            })
            .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|t| !t.is_empty());
        return malformed(match title {
            Some(t) => format!("expected JSON, got an HTML page titled {:?}", clip(&t, 80)),
            None => "expected JSON, got an HTML page".to_string(),
        });
    }
    let code = xml_tag(text, "RESULT.CODE").or_else(|| xml_tag(text, "CODE"));
    if let Some(code) = code.map(|c| c.to_ascii_uppercase()) {
        if code != "INFO-000" && !code.is_empty() {
            let message = xml_tag(text, "RESULT.MESSAGE")
                .or_else(|| xml_tag(text, "MESSAGE"))
                .unwrap_or("");
            return CityError::from_code(&code, message);
        }
    }
    malformed("expected JSON, got an XML document (the request must ask for /json/)")
}

/// The reading in a `citydata_ppltn` response body (the first element of
/// `SeoulRtd.citydata_ppltn`). Strict on what a reading needs (area code and name, level,
/// population range, time), tolerant on the rest: a missing or malformed forecast, or
/// forecast points with bad values, are left out. Never panics.
pub fn parse(body: &[u8]) -> Result<CityReading, CityError> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .ok_or_else(|| malformed("empty body"))?;
    if body.get(start) == Some(&b'<') {
        return Err(markup_error(&String::from_utf8_lossy(body)));
    }
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        let head = String::from_utf8_lossy(body.get(start..).unwrap_or_default());
        malformed(format!(
            "not valid JSON ({e}); the body starts with {:?}",
            clip(head.trim(), 60)
        ))
    })?;
    let Value::Object(top) = value else {
        return Err(malformed(format!(
            "expected a JSON object at the top, got {}",
            describe(&value)
        )));
    };
    let code = result_code(&top);
    if let Some((code, message)) = &code {
        if code != "INFO-000" {
            return Err(CityError::from_code(code, message));
        }
    }
    let (record, path) = match top.get(ROOT) {
        Some(Value::Array(rows)) => match rows.first() {
            Some(first) => (first, format!("{ROOT}[0]")),
            None => return Err(CityError::NoData),
        },
        // One record not wrapped in an array (as converters of the XML form produce).
        Some(v @ Value::Object(o)) if !o.contains_key("RESULT") => (v, ROOT.to_string()),
        Some(v @ Value::Object(o)) => match o.get("row").and_then(Value::as_array) {
            Some(rows) => match rows.first() {
                Some(first) => (first, format!("{ROOT}.row[0]")),
                None => return Err(CityError::NoData),
            },
            None => {
                return Err(malformed(format!(
                    "`{ROOT}` is {} without rows",
                    describe(v)
                )))
            }
        },
        Some(Value::Null) | None => {
            return Err(malformed(match code {
                Some(_) => format!("`{ROOT}` is missing although RESULT.CODE is INFO-000"),
                None => format!("neither `{ROOT}` nor a RESULT code in the body"),
            }))
        }
        Some(other) => {
            return Err(malformed(format!(
                "`{ROOT}` should be an array, got {}",
                describe(other)
            )))
        }
    };
    let Value::Object(obj) = record else {
        return Err(malformed(format!(
            "{path} should be an object, got {}",
            describe(record)
        )));
    };
    let f = Fields { obj, path: &path };
    let area_code = f.text("AREA_CD")?;
    let area_name = f.text("AREA_NM")?;
    let level = f.level("AREA_CONGEST_LVL")?;
    let (population_min, population_max) = f.range("AREA_PPLTN_MIN", "AREA_PPLTN_MAX")?;
    let observed_at = f.time("PPLTN_TIME")?;
    let message = f.optional_text("AREA_CONGEST_MSG");
    let forecast = forecast(&f, &area_code);
    Ok(CityReading {
        area_code,
        area_name,
        level,
        population_min,
        population_max,
        observed_at,
        message,
        forecast,
    })
}

/// The forecast points of a record: none when `FCST_YN` is "N" or `FCST_PPLTN` is not an
/// array; points with bad values are skipped (and logged).
fn forecast(f: &Fields<'_>, area: &str) -> Vec<ForecastPoint> {
    if f.optional_text("FCST_YN")
        .is_some_and(|yn| yn.eq_ignore_ascii_case("N"))
    {
        return Vec::new();
    }
    let items = match f.obj.get("FCST_PPLTN") {
        Some(Value::Array(items)) => items,
        None | Some(Value::Null) => return Vec::new(),
        Some(other) => {
            tracing::warn!(
                area,
                "citydata_ppltn: ignoring `FCST_PPLTN` at {}: expected an array, got {}",
                f.path,
                describe(other)
            );
            return Vec::new();
        }
    };
    let mut points = Vec::with_capacity(items.len());
    let mut skipped = 0;
    let mut first_problem = None;
    for (i, item) in items.iter().enumerate() {
        match forecast_point(f.path, i, item) {
            Ok(p) => points.push(p),
            Err(e) => {
                skipped += 1;
                first_problem.get_or_insert(e);
            }
        }
    }
    // One line per reading, not per point: the feed is polled for every spot every few minutes.
    if let Some(e) = first_problem {
        tracing::warn!(
            area,
            skipped,
            total = items.len(),
            "citydata_ppltn: skipped forecast points with bad values; the first: {e}"
        );
    }
    points
}

/// Forecast point `i` of the record at `path`.
fn forecast_point(path: &str, i: usize, item: &Value) -> Result<ForecastPoint, CityError> {
    let path = format!("{path}.FCST_PPLTN[{i}]");
    let Value::Object(obj) = item else {
        return Err(malformed(format!(
            "{path} should be an object, got {}",
            describe(item)
        )));
    };
    let f = Fields { obj, path: &path };
    let at = f.time("FCST_TIME")?;
    let level = f.level("FCST_CONGEST_LVL")?;
    let (population_min, population_max) = f.range("FCST_PPLTN_MIN", "FCST_PPLTN_MAX")?;
    Ok(ForecastPoint {
        at,
        level,
        population_min,
        population_max,
    })
}

/// `e` with the key's path segment in its URL replaced by "<key>": fetch errors are logged and
/// shown to administrators.
fn redact(mut e: FetchError, key: &str) -> FetchError {
    let segment = format!("/{}/json/", types::search::encode(key.trim()));
    e.url = e.url.replacen(&segment, "/<key>/json/", 1);
    e.reason = e.reason.replace(&segment, "/<key>/json/");
    e
}

/// The current reading of one area (a `POI…` code or the Korean area name). The HTTP side
/// (timeouts, retries with backoff, body limit) is [`fetch::get`] with `policy`; an answer the
/// city marks as a passing server fault (ERROR-5xx/6xx) is asked once more after
/// `policy.backoff` when the policy allows retries. The API key never appears in the errors.
pub async fn fetch(
    client: &crate::net::Outbound,
    base: &str,
    key: &str,
    area: &str,
    policy: &FetchPolicy,
) -> Result<CityReading, CityFetchError> {
    let url = area_url(base, key, area);
    let mut second_chance = policy.retries > 0;
    loop {
        let body = fetch::get(client, &url, policy)
            .await
            .map_err(|e| CityFetchError::Fetch(redact(e, key)))?;
        match parse(&body) {
            Ok(reading) => return Ok(reading),
            Err(error) if error.retryable() && second_chance => {
                second_chance = false;
                tracing::warn!(area, reason = %error, "citydata_ppltn answered a server fault; asking once more");
                tokio::time::sleep(policy.backoff).await;
            }
            Err(error) => {
                return Err(CityFetchError::City {
                    area: area.trim().to_string(),
                    error,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    const SEONGSU: &[u8] =
        include_bytes!("../../../../tests/fixtures/citydata/seongsu_cafe_street.json");
    const WANGSIMNI: &[u8] =
        include_bytes!("../../../../tests/fixtures/citydata/wangsimni_station.json");
    const SEOUL_FOREST: &[u8] =
        include_bytes!("../../../../tests/fixtures/citydata/seoul_forest_park.json");
    const NO_FORECAST: &[u8] =
        include_bytes!("../../../../tests/fixtures/citydata/no_forecast.json");
    const UNKNOWN_LEVEL: &[u8] =
        include_bytes!("../../../../tests/fixtures/citydata/unknown_level.json");
    const FORECAST_BAD: &[u8] =
        include_bytes!("../../../../tests/fixtures/citydata/forecast_bad_entries.json");
    const FORECAST_NOT_ARRAY: &[u8] =
        include_bytes!("../../../../tests/fixtures/citydata/forecast_not_array.json");
    const INFO_200: &[u8] =
        include_bytes!("../../../../tests/fixtures/citydata/error_info200.json");
    const INFO_100: &[u8] =
        include_bytes!("../../../../tests/fixtures/citydata/error_info100.json");
    const ERROR_500: &[u8] = include_bytes!("../../../../tests/fixtures/citydata/error_500.json");
    const ERROR_337: &[u8] = include_bytes!("../../../../tests/fixtures/citydata/error_337.json");
    const XML_SUCCESS: &[u8] =
        include_bytes!("../../../../tests/fixtures/citydata/xml_success.xml");
    const XML_ERROR: &[u8] = include_bytes!("../../../../tests/fixtures/citydata/xml_error.xml");
    const HTML_ERROR: &[u8] = include_bytes!("../../../../tests/fixtures/citydata/html_error.html");
    const TRUNCATED: &[u8] = include_bytes!("../../../../tests/fixtures/citydata/truncated.json");

    /// The guarded client, with the loopback address the fake city API serves on allowed.
    fn test_client() -> crate::net::Outbound {
        crate::net::Outbound::new(crate::net::FetchAllow::parse("127.0.0.1/32").unwrap())
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn malformed_what(r: Result<CityReading, CityError>) -> String {
        match r {
            Err(CityError::Malformed { what }) => what,
            other => panic!("expected Malformed, got {other:?}"),
        }
    }

    /// The fixture as a JSON value, with `edit` applied to its first record.
    fn edited(body: &[u8], edit: impl FnOnce(&mut Map<String, Value>)) -> Vec<u8> {
        let mut v: Value = serde_json::from_slice(body).unwrap();
        edit(v[ROOT][0].as_object_mut().unwrap());
        serde_json::to_vec(&v).unwrap()
    }

    #[test]
    fn seongsu_full_reading() {
        let r = parse(SEONGSU).unwrap();
        assert_eq!(r.area_code, "POI068");
        assert_eq!(r.area_name, "성수카페거리");
        assert_eq!(r.level, CrowdLevel::SlightlyBusy);
        assert_eq!((r.population_min, r.population_max), (26_000, 28_000));
        // 2024-05-11 15:40 KST
        assert_eq!(r.observed_at, utc("2024-05-11T06:40:00Z"));
        assert!(r
            .message
            .as_deref()
            .unwrap()
            .starts_with("사람들이 몰려있을 가능성이 크고"));
        assert_eq!(r.forecast.len(), 12);
        assert_eq!(
            r.forecast[0],
            ForecastPoint {
                at: utc("2024-05-11T07:00:00Z"),
                level: CrowdLevel::SlightlyBusy,
                population_min: 27_000,
                population_max: 29_000,
            }
        );
        // The forecast runs past midnight KST: 2024-05-12 03:00 KST is 18:00 UTC the day before.
        let last = r.forecast.last().unwrap();
        assert_eq!(last.at, utc("2024-05-11T18:00:00Z"));
        assert_eq!(last.level, CrowdLevel::Relaxed);
        assert!(r
            .forecast
            .windows(2)
            .all(|w| w[1].at - w[0].at == TimeDelta::hours(1)));
    }

    #[test]
    fn wangsimni_and_seoul_forest_with_forecast() {
        let w = parse(WANGSIMNI).unwrap();
        assert_eq!(
            (w.area_code.as_str(), w.area_name.as_str()),
            ("POI045", "왕십리역")
        );
        assert_eq!(w.level, CrowdLevel::Busy);
        assert_eq!((w.population_min, w.population_max), (44_000, 46_000));
        assert_eq!(w.observed_at, utc("2024-05-10T09:25:00Z"));
        assert_eq!(w.forecast.len(), 12);
        assert_eq!(w.forecast[0].level, CrowdLevel::Busy);
        assert_eq!(w.forecast[0].at, utc("2024-05-10T10:00:00Z"));

        let s = parse(SEOUL_FOREST).unwrap();
        assert_eq!(
            (s.area_code.as_str(), s.area_name.as_str()),
            ("POI101", "서울숲공원")
        );
        assert_eq!(s.level, CrowdLevel::Normal);
        assert_eq!((s.population_min, s.population_max), (9_000, 9_500));
        assert_eq!(s.observed_at, utc("2024-05-12T02:05:00Z"));
        assert_eq!(s.forecast.len(), 12);
        assert_eq!(s.forecast[3].level, CrowdLevel::SlightlyBusy);
        assert_eq!(
            (s.forecast[11].population_min, s.forecast[11].population_max),
            (2_000, 2_500)
        );
    }

    #[test]
    fn no_forecast_when_fcst_yn_is_n() {
        let r = parse(NO_FORECAST).unwrap();
        assert_eq!(r.area_code, "POI009");
        assert_eq!(r.area_name, "광화문·덕수궁");
        assert_eq!(r.level, CrowdLevel::Relaxed);
        // 04:10 KST is 19:10 UTC the day before.
        assert_eq!(r.observed_at, utc("2024-05-10T19:10:00Z"));
        assert!(r.forecast.is_empty());

        // "N" wins even if points came along; and without FCST_YN or FCST_PPLTN at all, no
        // forecast and no error.
        let with_points = edited(NO_FORECAST, |o| {
            o.insert(
                "FCST_PPLTN".into(),
                serde_json::json!([{"FCST_TIME": "2024-05-11 05:00", "FCST_CONGEST_LVL": "여유",
                    "FCST_PPLTN_MIN": "5000", "FCST_PPLTN_MAX": "5500"}]),
            );
        });
        assert!(parse(&with_points).unwrap().forecast.is_empty());
        let bare = edited(NO_FORECAST, |o| {
            o.remove("FCST_YN");
            o.remove("FCST_PPLTN");
        });
        assert!(parse(&bare).unwrap().forecast.is_empty());
    }

    #[test]
    fn bad_forecast_points_are_skipped() {
        let r = parse(FORECAST_BAD).unwrap();
        // Of 7 entries: an impossible hour, an unknown label, min > max, a missing max and a
        // bare string are skipped.
        assert_eq!(r.forecast.len(), 2);
        assert_eq!(r.forecast[0].at, utc("2024-05-12T03:00:00Z"));
        assert_eq!(r.forecast[1].level, CrowdLevel::Relaxed);
        assert_eq!(r.level, CrowdLevel::Normal);
    }

    #[test]
    fn forecast_point_errors_name_field_and_index() {
        let v: Value = serde_json::from_slice(FORECAST_BAD).unwrap();
        let items = v[ROOT][0]["FCST_PPLTN"].as_array().unwrap();
        let path = "SeoulRtd.citydata_ppltn[0]";
        let msg = |i: usize| forecast_point(path, i, &items[i]).unwrap_err().to_string();
        assert_eq!(
            msg(1),
            "citydata_ppltn: malformed response: `FCST_TIME` at \
             SeoulRtd.citydata_ppltn[0].FCST_PPLTN[1]: \"2024-05-12 25:00\" is not a KST time \
             of the form YYYY-MM-DD HH:MM"
        );
        assert!(msg(2).contains("`FCST_CONGEST_LVL` at SeoulRtd.citydata_ppltn[0].FCST_PPLTN[2]: unknown congestion label \"혼잡\""), "{}", msg(2));
        assert!(msg(3).contains("`FCST_PPLTN_MIN` at SeoulRtd.citydata_ppltn[0].FCST_PPLTN[3]: 15000 is more than `FCST_PPLTN_MAX` 14500"), "{}", msg(3));
        assert!(
            msg(4)
                .contains("`FCST_PPLTN_MAX` at SeoulRtd.citydata_ppltn[0].FCST_PPLTN[4]: missing"),
            "{}",
            msg(4)
        );
        assert!(msg(5).contains("SeoulRtd.citydata_ppltn[0].FCST_PPLTN[5] should be an object, got \"2024-05-12 17:00\""), "{}", msg(5));
        assert!(forecast_point(path, 0, &items[0]).is_ok());
    }

    #[test]
    fn forecast_that_is_not_an_array_is_ignored() {
        let r = parse(FORECAST_NOT_ARRAY).unwrap();
        assert_eq!(r.area_code, "POI045");
        assert!(r.forecast.is_empty());
        for odd in [
            serde_json::json!("없음"),
            serde_json::json!(12),
            serde_json::json!(null),
        ] {
            let body = edited(SEONGSU, |o| {
                o.insert("FCST_PPLTN".into(), odd.clone());
            });
            assert!(parse(&body).unwrap().forecast.is_empty(), "{odd}");
        }
    }

    #[test]
    fn unknown_congestion_label_is_malformed() {
        let what = malformed_what(parse(UNKNOWN_LEVEL));
        assert_eq!(
            what,
            "`AREA_CONGEST_LVL` at SeoulRtd.citydata_ppltn[0]: unknown congestion label \
             \"매우 붐빔\" (expected 여유, 보통, 약간 붐빔 or 붐빔)"
        );
    }

    #[test]
    fn result_codes() {
        assert_eq!(parse(INFO_200), Err(CityError::NoData));
        assert_eq!(parse(INFO_100), Err(CityError::BadKey));
        assert_eq!(parse(ERROR_337), Err(CityError::Quota));
        let e = parse(ERROR_500).unwrap_err();
        assert_eq!(
            e,
            CityError::Upstream {
                code: "ERROR-500".into(),
                message:
                    "서버 오류입니다. 지속적으로 발생시 열린 데이터 광장으로 문의(Q&A) 바랍니다."
                        .into()
            }
        );
        assert!(e.retryable());
        assert!(e
            .to_string()
            .starts_with("citydata_ppltn: the API answered ERROR-500: 서버 오류"));
        // The other shapes: top-level dotted keys, RESULT inside the root object, and a
        // request error that must not be retried.
        let dotted = br#"{"RESULT.CODE":"INFO-200","RESULT.MESSAGE":"x"}"#;
        assert_eq!(parse(dotted), Err(CityError::NoData));
        let inner = br#"{"SeoulRtd.citydata_ppltn":{"list_total_count":0,"RESULT":{"CODE":"INFO-100","MESSAGE":"x"}}}"#;
        assert_eq!(parse(inner), Err(CityError::BadKey));
        let missing = parse(
            r#"{"RESULT":{"CODE":"ERROR-300","MESSAGE":"필수 값이 누락되어 있습니다."}}"#
                .as_bytes(),
        )
        .unwrap_err();
        assert!(matches!(&missing, CityError::Upstream { code, .. } if code == "ERROR-300"));
        assert!(!missing.retryable());
        // An empty array with a success code is no data too.
        let empty = br#"{"SeoulRtd.citydata_ppltn":[],"RESULT":{"RESULT.CODE":"INFO-000","RESULT.MESSAGE":"ok"}}"#;
        assert_eq!(parse(empty), Err(CityError::NoData));
    }

    #[test]
    fn retryable_only_for_server_faults() {
        let up = |c: &str| CityError::Upstream {
            code: c.into(),
            message: String::new(),
        };
        assert!(up("ERROR-500").retryable());
        assert!(up("ERROR-600").retryable());
        assert!(up("ERROR-601").retryable());
        assert!(!up("ERROR-300").retryable());
        assert!(!up("ERROR-336").retryable());
        assert!(!up("INFO-300").retryable());
        assert!(!CityError::NoData.retryable());
        assert!(!CityError::BadKey.retryable());
        assert!(!CityError::Quota.retryable());
        assert!(!malformed("x").retryable());
    }

    #[test]
    fn markup_bodies() {
        let xml = malformed_what(parse(XML_SUCCESS));
        assert!(xml.contains("got an XML document"), "{xml}");
        assert_eq!(parse(XML_ERROR), Err(CityError::BadKey));
        let html = malformed_what(parse(HTML_ERROR));
        assert_eq!(
            html,
            "expected JSON, got an HTML page titled \"서울 열린데이터 광장 - 시스템 점검 안내\""
        );
        assert!(malformed_what(parse(b"<html><body>oops</body></html>")).contains("HTML page"));
        let xml500 = b"<RESULT><RESULT.CODE>ERROR-500</RESULT.CODE><RESULT.MESSAGE>\xec\x84\x9c\xeb\xb2\x84</RESULT.MESSAGE></RESULT>";
        assert_eq!(
            parse(xml500),
            Err(CityError::Upstream {
                code: "ERROR-500".into(),
                message: "서버".into()
            })
        );
    }

    #[test]
    fn truncated_and_garbage_bodies() {
        let what = malformed_what(parse(TRUNCATED));
        assert!(
            what.starts_with("not valid JSON (EOF while parsing"),
            "{what}"
        );
        assert!(what.contains("{\\\"SeoulRtd.citydata_ppltn\\\""), "{what}");
        assert_eq!(malformed_what(parse(b"")), "empty body");
        assert_eq!(malformed_what(parse(b" \n\t")), "empty body");
        assert!(malformed_what(parse(b"\x00\xff\xfe garbage")).starts_with("not valid JSON"));
        assert!(malformed_what(parse(b"[1,2]"))
            .contains("expected a JSON object at the top, got an array"));
        assert!(malformed_what(parse(b"{}"))
            .contains("neither `SeoulRtd.citydata_ppltn` nor a RESULT code"));
        let ok_without_rows = br#"{"RESULT":{"RESULT.CODE":"INFO-000","RESULT.MESSAGE":"ok"}}"#;
        assert!(malformed_what(parse(ok_without_rows))
            .contains("missing although RESULT.CODE is INFO-000"));
        // A UTF-8 byte order mark is fine.
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(SEONGSU);
        assert_eq!(parse(&bom).unwrap().area_code, "POI068");
    }

    #[test]
    fn required_fields_are_strict() {
        let err = |edit: &dyn Fn(&mut Map<String, Value>)| {
            malformed_what(parse(&edited(SEONGSU, |o| edit(o))))
        };
        let at = "at SeoulRtd.citydata_ppltn[0]";
        assert_eq!(
            err(&|o| {
                o.remove("AREA_CD");
            }),
            format!("`AREA_CD` {at}: missing")
        );
        assert_eq!(
            err(&|o| {
                o.insert("AREA_NM".into(), "  ".into());
            }),
            format!("`AREA_NM` {at}: empty")
        );
        assert_eq!(
            err(&|o| {
                o.insert("AREA_CONGEST_LVL".into(), Value::Null);
            }),
            format!("`AREA_CONGEST_LVL` {at}: null")
        );
        assert_eq!(
            err(&|o| {
                o.insert("AREA_PPLTN_MIN".into(), "-5".into());
            }),
            format!("`AREA_PPLTN_MIN` {at}: \"-5\" is negative")
        );
        assert_eq!(
            err(&|o| {
                o.insert("AREA_PPLTN_MAX".into(), "약 3만".into());
            }),
            format!("`AREA_PPLTN_MAX` {at}: \"약 3만\" is not a number")
        );
        assert_eq!(
            err(&|o| {
                o.insert("AREA_PPLTN_MIN".into(), "30000".into());
            }),
            format!("`AREA_PPLTN_MIN` {at}: 30000 is more than `AREA_PPLTN_MAX` 28000")
        );
        assert_eq!(
            err(&|o| {
                o.insert("AREA_PPLTN_MAX".into(), serde_json::json!(3_000_000_000u64));
            }),
            format!("`AREA_PPLTN_MAX` {at}: the number 3000000000 is too large")
        );
        assert_eq!(
            err(&|o| {
                o.insert("AREA_PPLTN_MAX".into(), serde_json::json!(28000.5));
            }),
            format!("`AREA_PPLTN_MAX` {at}: the number 28000.5 is not a whole number")
        );
        assert_eq!(
            err(&|o| { o.insert("PPLTN_TIME".into(), "2024/05/11 15:40".into()); }),
            format!("`PPLTN_TIME` {at}: \"2024/05/11 15:40\" is not a KST time of the form YYYY-MM-DD HH:MM")
        );
        assert_eq!(
            err(&|o| {
                o.insert("AREA_CD".into(), serde_json::json!(68));
            }),
            format!("`AREA_CD` {at}: expected a string, got the number 68")
        );
        let first_not_object =
            br#"{"SeoulRtd.citydata_ppltn":["POI068"],"RESULT":{"RESULT.CODE":"INFO-000"}}"#;
        assert_eq!(
            malformed_what(parse(first_not_object)),
            "SeoulRtd.citydata_ppltn[0] should be an object, got \"POI068\""
        );
    }

    #[test]
    fn counts_may_be_numbers_or_have_commas() {
        let body = edited(SEONGSU, |o| {
            o.insert("AREA_PPLTN_MIN".into(), " 26,000 ".into());
            o.insert("AREA_PPLTN_MAX".into(), serde_json::json!(28000));
            o.insert("AREA_CONGEST_MSG".into(), "".into());
            let p = o["FCST_PPLTN"][0].as_object_mut().unwrap();
            p.insert("FCST_PPLTN_MIN".into(), serde_json::json!(27000.0));
            p.insert("FCST_PPLTN_MAX".into(), "29,000".into());
        });
        let r = parse(&body).unwrap();
        assert_eq!((r.population_min, r.population_max), (26_000, 28_000));
        assert_eq!(
            (r.forecast[0].population_min, r.forecast[0].population_max),
            (27_000, 29_000)
        );
        assert_eq!(r.message, None, "a blank message is no message");
        assert_eq!(count_of(&"0".into()), Ok(0));
        assert_eq!(count_of(&"2147483647".into()), Ok(i32::MAX));
        assert!(count_of(&"2147483648".into()).is_err());
        assert!(count_of(&"inf".into()).is_err());
        assert!(count_of(&"NaN".into()).is_err());
        assert!(count_of(&",".into()).is_err());
        assert!(count_of(&serde_json::json!(true)).is_err());
    }

    #[test]
    fn first_record_is_taken() {
        let mut v: Value = serde_json::from_slice(SEONGSU).unwrap();
        let second: Value = serde_json::from_slice::<Value>(WANGSIMNI).unwrap()[ROOT][0].clone();
        v[ROOT].as_array_mut().unwrap().push(second);
        assert_eq!(
            parse(&serde_json::to_vec(&v).unwrap()).unwrap().area_code,
            "POI068"
        );
        // A lone object instead of a one-element array is read as that record.
        v[ROOT] = v[ROOT][1].clone();
        assert_eq!(
            parse(&serde_json::to_vec(&v).unwrap()).unwrap().area_code,
            "POI045"
        );
    }

    #[test]
    fn kst_to_utc() {
        assert_eq!(
            parse_kst("2024-05-10 14:35"),
            Some(utc("2024-05-10T05:35:00Z"))
        );
        // Before 09:00 KST it is still the previous day in UTC, across months and years.
        assert_eq!(
            parse_kst("2024-06-01 08:59"),
            Some(utc("2024-05-31T23:59:00Z"))
        );
        assert_eq!(
            parse_kst("2025-01-01 00:05"),
            Some(utc("2024-12-31T15:05:00Z"))
        );
        assert_eq!(
            parse_kst("2024-03-01 03:00"),
            Some(utc("2024-02-29T18:00:00Z"))
        );
        assert_eq!(
            parse_kst(" 2024-05-10 14:35:30 "),
            Some(utc("2024-05-10T05:35:30Z"))
        );
        for bad in [
            "",
            "2024-05-10",
            "2024-05-10 24:00",
            "2024-02-30 10:00",
            "14:35",
            "2024-05-10T14:35",
        ] {
            assert_eq!(parse_kst(bad), None, "{bad}");
        }
        assert_eq!(
            parse(SEONGSU).unwrap().observed_at.to_rfc3339(),
            "2024-05-11T06:40:00+00:00"
        );
    }

    #[test]
    fn reading_serializes_round_trip() {
        let r = parse(SEOUL_FOREST).unwrap();
        let json = serde_json::to_string(&r).unwrap();
        let back: CityReading = serde_json::from_str(&json).unwrap();
        assert_eq!(back, r);
    }

    #[test]
    fn urls_encode_key_and_area() {
        assert_eq!(
            area_url("http://openapi.seoul.go.kr:8088/", "abc123", "POI068"),
            "http://openapi.seoul.go.kr:8088/abc123/json/citydata_ppltn/1/5/POI068"
        );
        assert_eq!(
            area_url("", "k", "광화문·덕수궁"),
            "http://openapi.seoul.go.kr:8088/k/json/citydata_ppltn/1/5/%EA%B4%91%ED%99%94%EB%AC%B8%C2%B7%EB%8D%95%EC%88%98%EA%B6%81"
        );
        assert_eq!(
            area_url("https://proxy.example/seoul", "a/b c?", "강남 MICE 관광특구"),
            "https://proxy.example/seoul/a%2Fb%20c%3F/json/citydata_ppltn/1/5/%EA%B0%95%EB%82%A8%20MICE%20%EA%B4%80%EA%B4%91%ED%8A%B9%EA%B5%AC"
        );
    }

    #[test]
    fn error_messages() {
        assert_eq!(
            CityError::NoData.to_string(),
            "citydata_ppltn: no data for the requested area (INFO-200)"
        );
        assert!(CityError::BadKey.to_string().contains("INFO-100"));
        assert!(CityError::Quota.to_string().contains("ERROR-337"));
        let e = CityFetchError::City {
            area: "성수카페거리".into(),
            error: CityError::Quota,
        };
        assert!(e
            .to_string()
            .starts_with("area \"성수카페거리\": citydata_ppltn: the daily"));
        assert_eq!(e.city_error(), Some(&CityError::Quota));
    }

    /// Every prefix of a valid body (cut anywhere, mid-character included), and every body
    /// with one byte overwritten, parses to a result without panicking.
    #[test]
    fn never_panics_on_cut_or_corrupted_bodies() {
        for body in [SEONGSU, WANGSIMNI, NO_FORECAST, FORECAST_BAD, INFO_100] {
            let end = body.trim_ascii_end().len();
            for n in 0..=body.len() {
                let r = parse(&body[..n]);
                if n < end {
                    assert!(r.is_err(), "prefix of {n} bytes parsed");
                }
            }
        }
        for body in [SEONGSU, XML_SUCCESS, HTML_ERROR] {
            for i in 0..body.len() {
                for b in [b'"', b'{', b']', b'0', b'<', 0xFF, 0x00] {
                    let mut v = body.to_vec();
                    v[i] = b;
                    let _ = parse(&v);
                }
            }
        }
    }

    /// Every single node of a valid body replaced by a value of another type parses without
    /// panicking.
    #[test]
    fn never_panics_on_odd_shapes() {
        fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
            match v {
                Value::Object(m) => {
                    for (k, c) in m {
                        pointers(
                            c,
                            format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                            out,
                        );
                    }
                }
                Value::Array(a) => {
                    for (i, c) in a.iter().enumerate() {
                        pointers(c, format!("{at}/{i}"), out);
                    }
                }
                _ => {}
            }
            out.push(at);
        }
        let alternatives = [
            Value::Null,
            serde_json::json!(-1),
            serde_json::json!(1.5e300),
            serde_json::json!(""),
            serde_json::json!("붐빔"),
            serde_json::json!([]),
            serde_json::json!({}),
            serde_json::json!([{"x": 1}]),
        ];
        let root: Value = serde_json::from_slice(SEONGSU).unwrap();
        let mut all = Vec::new();
        pointers(&root, String::new(), &mut all);
        assert!(all.len() > 80);
        for p in &all {
            for alt in &alternatives {
                let mut v = root.clone();
                if p.is_empty() {
                    v = alt.clone();
                } else {
                    *v.pointer_mut(p).unwrap() = alt.clone();
                }
                let _ = parse(&serde_json::to_vec(&v).unwrap());
            }
        }
    }

    // --- fetch() against a tiny local server -------------------------------------------------

    #[derive(Clone)]
    enum Reply {
        Raw(Vec<u8>),
        /// Accept, read the request, never answer.
        Hang,
    }

    fn ok(body: &[u8]) -> Reply {
        let mut r = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json;charset=UTF-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .into_bytes();
        r.extend_from_slice(body);
        Reply::Raw(r)
    }

    fn status(code: u16, text: &str) -> Reply {
        Reply::Raw(
            format!("HTTP/1.1 {code} {text}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                .into_bytes(),
        )
    }

    struct Server {
        base: String,
        hits: Arc<AtomicUsize>,
        /// The request targets, in order.
        paths: Arc<Mutex<Vec<String>>>,
    }

    /// Answers the n-th connection with `replies[n]` (the last repeats).
    async fn serve(replies: Vec<Reply>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let hits = Arc::new(AtomicUsize::new(0));
        let paths = Arc::new(Mutex::new(Vec::new()));
        let (counter, seen) = (hits.clone(), paths.clone());
        tokio::spawn(async move {
            loop {
                let Ok((mut sock, _)) = listener.accept().await else {
                    return;
                };
                let n = counter.fetch_add(1, Ordering::SeqCst);
                let reply = replies[n.min(replies.len() - 1)].clone();
                let seen = seen.clone();
                tokio::spawn(async move {
                    let mut req = Vec::new();
                    let mut buf = [0u8; 1024];
                    while !req.windows(4).any(|w| w == b"\r\n\r\n") {
                        match sock.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(k) => req.extend_from_slice(&buf[..k]),
                        }
                    }
                    let line = String::from_utf8_lossy(&req)
                        .lines()
                        .next()
                        .unwrap_or("")
                        .to_string();
                    let target = line.split(' ').nth(1).unwrap_or("").to_string();
                    seen.lock().unwrap().push(target);
                    match reply {
                        Reply::Raw(bytes) => {
                            let _ = sock.write_all(&bytes).await;
                            let _ = sock.shutdown().await;
                        }
                        Reply::Hang => tokio::time::sleep(Duration::from_secs(30)).await,
                    }
                });
            }
        });
        Server {
            base: format!("http://{addr}"),
            hits,
            paths,
        }
    }

    fn policy() -> FetchPolicy {
        FetchPolicy {
            timeout: Duration::from_millis(300),
            retries: 2,
            backoff: Duration::from_millis(10),
            max_bytes: 64 * 1024,
        }
    }

    const KEY: &str = "s3cret/key";

    #[tokio::test]
    async fn fetch_success() {
        let s = serve(vec![ok(SEONGSU)]).await;
        let r = fetch(&test_client(), &s.base, KEY, "성수카페거리", &policy())
            .await
            .unwrap();
        assert_eq!(r, parse(SEONGSU).unwrap());
        assert_eq!(s.hits.load(Ordering::SeqCst), 1);
        assert_eq!(
            s.paths.lock().unwrap().as_slice(),
            ["/s3cret%2Fkey/json/citydata_ppltn/1/5/%EC%84%B1%EC%88%98%EC%B9%B4%ED%8E%98%EA%B1%B0%EB%A6%AC"]
        );
    }

    #[tokio::test]
    async fn fetch_retries_http_500_then_succeeds() {
        let s = serve(vec![status(500, "Internal Server Error"), ok(WANGSIMNI)]).await;
        let r = fetch(&test_client(), &s.base, KEY, "POI045", &policy())
            .await
            .unwrap();
        assert_eq!(r.area_code, "POI045");
        assert_eq!(s.hits.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn fetch_asks_again_after_an_error_500_answer() {
        let s = serve(vec![ok(ERROR_500), ok(SEOUL_FOREST)]).await;
        let r = fetch(&test_client(), &s.base, KEY, "POI101", &policy())
            .await
            .unwrap();
        assert_eq!(r.area_name, "서울숲공원");
        assert_eq!(s.hits.load(Ordering::SeqCst), 2);

        // Only once: a second server fault is the answer.
        let s = serve(vec![ok(ERROR_500)]).await;
        let e = fetch(&test_client(), &s.base, KEY, "POI101", &policy())
            .await
            .unwrap_err();
        assert!(
            matches!(e.city_error(), Some(CityError::Upstream { code, .. }) if code == "ERROR-500")
        );
        assert_eq!(s.hits.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn fetch_does_not_retry_a_bad_key_or_no_data() {
        for (body, want) in [(INFO_100, CityError::BadKey), (INFO_200, CityError::NoData)] {
            let s = serve(vec![ok(body), ok(SEONGSU)]).await;
            let e = fetch(&test_client(), &s.base, KEY, "POI999", &policy())
                .await
                .unwrap_err();
            assert_eq!(
                e,
                CityFetchError::City {
                    area: "POI999".into(),
                    error: want
                }
            );
            assert_eq!(s.hits.load(Ordering::SeqCst), 1);
        }
    }

    #[tokio::test]
    async fn fetch_times_out_on_a_slow_server_and_hides_the_key() {
        let s = serve(vec![Reply::Hang]).await;
        let p = FetchPolicy {
            retries: 1,
            ..policy()
        };
        let started = Instant::now();
        let e = fetch(&test_client(), &s.base, KEY, "POI068", &p)
            .await
            .unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(3));
        let CityFetchError::Fetch(f) = &e else {
            panic!("expected a fetch error, got {e:?}");
        };
        assert_eq!(f.attempts, 2);
        assert!(f.reason.contains("timed out after 300 ms"), "{e}");
        assert_eq!(
            f.url,
            format!("{}/<key>/json/citydata_ppltn/1/5/POI068", s.base)
        );
        assert!(!e.to_string().contains("s3cret"), "{e}");
        assert_eq!(s.hits.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn fetch_garbage_is_malformed_and_not_retried() {
        let s = serve(vec![ok(b"\x00\x01 not json at all \xff"), ok(SEONGSU)]).await;
        let e = fetch(&test_client(), &s.base, KEY, "POI068", &policy())
            .await
            .unwrap_err();
        assert!(
            matches!(e.city_error(), Some(CityError::Malformed { what }) if what.starts_with("not valid JSON")),
            "{e}"
        );
        assert_eq!(s.hits.load(Ordering::SeqCst), 1);

        let s = serve(vec![ok(HTML_ERROR)]).await;
        let e = fetch(&test_client(), &s.base, KEY, "POI068", &policy())
            .await
            .unwrap_err();
        assert!(e.to_string().contains("HTML page"), "{e}");
    }
}

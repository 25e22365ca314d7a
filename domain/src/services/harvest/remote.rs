//! Parsers for remote catalog responses (CKAN Action API and DCAT JSON-LD).
//!
//! Pure functions: no I/O. Every parser turns a response body into the neutral
//! [`RemoteDataset`] shape. Problems with a single record become a
//! [`RecordError`] next to the good records; problems with the whole page
//! (not JSON, wrong envelope, `success: false`) become a [`PageError`].

use std::collections::HashMap;
use std::fmt;

use chrono::NaiveDate;
use serde_json::{Map, Value};

/// One dataset as described by a remote catalog, independent of its protocol.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteDataset {
    /// The source's stable identifier: CKAN `id` (fallback `name`); DCAT
    /// `dct:identifier` (fallback the node's `@id`).
    pub key: String,
    /// CKAN `name` (URL slug) if any; `None` for DCAT.
    pub name: Option<String>,
    pub title_ko: String,
    pub title_en: Option<String>,
    pub description_ko: String,
    pub description_en: Option<String>,
    pub keywords: Vec<String>,
    pub license: Option<String>,
    pub publisher: Option<String>,
    pub modified: Option<NaiveDate>,
    /// One of "realtime", "daily", "weekly", "monthly", "quarterly", "yearly", "irregular".
    pub update_cycle: Option<&'static str>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub landing_page: Option<String>,
    pub distributions: Vec<RemoteDistribution>,
}

/// One downloadable file, API or link of a remote dataset.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteDistribution {
    pub title: String,
    /// Upper-case short format ("CSV", "XLSX", "GEOJSON"...), or "" when unknown.
    pub format: String,
    pub url: String,
    /// "file", "api" or "link".
    pub kind: &'static str,
    pub size_bytes: Option<i64>,
}

/// One problem with one record; the rest of the page still counts.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordError {
    pub key: Option<String>,
    /// Absolute position of the record (CKAN: `start_index` + position in the page;
    /// DCAT: position among the datasets of the page). Also used in `reason`.
    pub index: usize,
    pub reason: String,
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for RecordError {}

/// A whole-page problem (not JSON, not the expected envelope, success=false...).
#[derive(Debug, Clone, PartialEq)]
pub struct PageError(pub String);

impl fmt::Display for PageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PageError {}

/// One page of a CKAN `package_search`.
#[derive(Debug)]
pub struct CkanPage {
    /// Total number of matching datasets on the remote side (all pages).
    pub count: u64,
    pub records: Vec<Result<RemoteDataset, RecordError>>,
}

/// One page of a DCAT catalog.
#[derive(Debug)]
pub struct DcatPage {
    pub records: Vec<Result<RemoteDataset, RecordError>>,
    /// Absolute URL of the next page (Hydra paging), if any.
    pub next_page: Option<String>,
}

// ---------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------

fn parse_json(body: &[u8]) -> Result<Value, PageError> {
    serde_json::from_slice(body).map_err(|e| {
        let full = e.to_string();
        // serde_json appends " at line L column C"; we put the position first.
        let what = match full.rfind(" at line ") {
            Some(i) => &full[..i],
            None => full.as_str(),
        };
        let mut msg = format!(
            "not JSON at line {} column {}: {}",
            e.line(),
            e.column(),
            what
        );
        let start = String::from_utf8_lossy(&body[..body.len().min(200)]);
        let start = start.trim_start();
        if start.starts_with('<') {
            let snippet: String = start.chars().take(60).collect();
            let snippet = snippet.split_whitespace().collect::<Vec<_>>().join(" ");
            msg.push_str(&format!(" (body looks like HTML/XML: {snippet:?})"));
        } else if body.is_empty() {
            msg.push_str(" (empty body)");
        }
        PageError(msg)
    })
}

/// Trimmed, non-empty string.
fn clean(s: &str) -> Option<String> {
    let t = s.trim();
    if t.is_empty() {
        None
    } else {
        Some(t.to_string())
    }
}

/// A scalar JSON value as text (strings trimmed; numbers and booleans printed).
fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => clean(s),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn obj_str(o: &Map<String, Value>, key: &str) -> Option<String> {
    o.get(key).and_then(scalar_text)
}

/// Parses the date part of "2024-03-01", "2024-03-01T09:12:44.123456",
/// "2024-03-01T00:00:00+09:00", "2024.03.01", "2024/03/01" or "20240301".
fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let digits: String = s.chars().take_while(|c| c.is_ascii_digit()).collect();
    if digits.len() == 8 && (s.len() == 8 || !s.as_bytes()[8].is_ascii_digit()) {
        return NaiveDate::parse_from_str(&digits, "%Y%m%d").ok();
    }
    let head: String = s
        .chars()
        .take(10)
        .map(|c| if c == '.' || c == '/' { '-' } else { c })
        .collect();
    NaiveDate::parse_from_str(&head, "%Y-%m-%d").ok()
}

fn parse_size(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.is_finite()).map(|f| f as i64)),
        Value::String(s) => {
            let t = s.trim();
            t.parse::<i64>().ok().or_else(|| {
                t.parse::<f64>()
                    .ok()
                    .filter(|f| f.is_finite())
                    .map(|f| f as i64)
            })
        }
        _ => None,
    }
}

fn push_keyword(out: &mut Vec<String>, k: &str) {
    if let Some(k) = clean(k) {
        if !out.contains(&k) {
            out.push(k);
        }
    }
}

/// "a-b_c" style slug candidate from a name or title: lowercase ASCII letters
/// and digits, '-' and '_', 2..=100 characters. Everything else (spaces,
/// punctuation, Hangul...) separates words. `None` if nothing usable remains.
pub fn slug_candidate(s: &str) -> Option<String> {
    let mut out = String::new();
    let mut pending_sep = false;
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            if pending_sep && !out.is_empty() {
                out.push('-');
            }
            pending_sep = false;
            out.push(c.to_ascii_lowercase());
        } else {
            // '-' and any other character become one separator.
            pending_sep = true;
        }
    }
    let mut out = out.trim_matches(|c| c == '-' || c == '_').to_string();
    if out.len() > 100 {
        out.truncate(100);
        out = out.trim_end_matches(['-', '_']).to_string();
    }
    if out.len() >= 2 {
        Some(out)
    } else {
        None
    }
}

// ---------------------------------------------------------------------------
// Formats, kinds and update cycles
// ---------------------------------------------------------------------------

/// Formats that denote a downloadable file.
const FILE_FORMATS: &[&str] = &[
    "CSV", "TSV", "JSON", "GEOJSON", "JSONLD", "JSON-LD", "XML", "XLS", "XLSX", "ODS", "PDF",
    "ZIP", "GZ", "7Z", "TAR", "TXT", "SHP", "KML", "KMZ", "GML", "GPKG", "HWP", "HWPX", "DOC",
    "DOCX", "ODT", "PPT", "PPTX", "RDF", "TTL", "NT", "PARQUET", "PNG", "JPG", "JPEG", "GIF",
    "TIF", "TIFF", "GEOTIFF", "SVG", "MP4", "SQL", "DBF",
];

/// Formats that denote a service rather than a file.
const API_FORMATS: &[&str] = &[
    "API",
    "OPENAPI",
    "OPEN API",
    "REST",
    "RESTFUL",
    "SOAP",
    "WSDL",
    "WMS",
    "WFS",
    "WMTS",
    "WCS",
    "SPARQL",
    "ESRI REST",
    "OGC API",
    "ARCGIS GEOSERVICES REST API",
    "LINKED DATA API",
];

fn media_type_short(mt: &str) -> Option<&'static str> {
    let mt = mt.split(';').next().unwrap_or("").trim();
    Some(match mt {
        "text/csv" | "application/csv" => "CSV",
        "text/tab-separated-values" => "TSV",
        "application/json" | "text/json" => "JSON",
        "application/geo+json" | "application/vnd.geo+json" => "GEOJSON",
        "application/ld+json" => "JSON-LD",
        "application/xml" | "text/xml" => "XML",
        "application/vnd.ms-excel" => "XLS",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => "XLSX",
        "application/vnd.oasis.opendocument.spreadsheet" => "ODS",
        "application/pdf" => "PDF",
        "application/zip" | "application/x-zip-compressed" => "ZIP",
        "application/gzip" | "application/x-gzip" => "GZ",
        "text/plain" => "TXT",
        "text/html" | "application/xhtml+xml" => "HTML",
        "application/rdf+xml" => "RDF",
        "text/turtle" => "TTL",
        "application/vnd.google-earth.kml+xml" => "KML",
        "application/vnd.google-earth.kmz" => "KMZ",
        "application/x-hwp" | "application/haansofthwp" | "application/vnd.hancom.hwp" => "HWP",
        "application/vnd.hancom.hwpx" => "HWPX",
        "application/msword" => "DOC",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => "DOCX",
        "application/x-shapefile" | "application/vnd.shp" => "SHP",
        "application/geopackage+sqlite3" => "GPKG",
        "application/vnd.apache.parquet" => "PARQUET",
        "image/png" => "PNG",
        "image/jpeg" => "JPEG",
        "image/tiff" => "TIFF",
        "application/sparql-results+json" | "application/sparql-query" => "SPARQL",
        "application/vnd.oai.openapi+json" | "application/vnd.oai.openapi" => "OPENAPI",
        _ => return None,
    })
}

/// Upper-case short form of a CKAN format, DCAT format IRI or media type.
fn short_format(raw: &str) -> String {
    let s = raw.trim();
    if s.is_empty() {
        return String::new();
    }
    let lower = s.to_ascii_lowercase();
    if let Some(i) = lower.find("/media-types/") {
        // IANA media type IRI: http://www.iana.org/assignments/media-types/text/csv
        let mt = &lower[i + "/media-types/".len()..];
        return media_type_short(mt)
            .map(str::to_string)
            .unwrap_or_else(|| mt.rsplit('/').next().unwrap_or("").to_ascii_uppercase());
    }
    if lower.starts_with("http://") || lower.starts_with("https://") {
        // e.g. http://publications.europa.eu/resource/authority/file-type/CSV
        let last = s
            .trim_end_matches('/')
            .rsplit(['/', '#'])
            .next()
            .unwrap_or("");
        return short_format(last);
    }
    if let Some(short) = media_type_short(&lower) {
        return short.to_string();
    }
    if lower.contains('/') && !lower.contains(' ') {
        // Unknown media type: use the subtype ("application/x-foo+bar" → "FOO+BAR").
        let sub = lower.rsplit('/').next().unwrap_or("");
        let sub = sub.split(';').next().unwrap_or("").trim();
        let sub = sub.strip_prefix("x-").unwrap_or(sub);
        let sub = sub.strip_prefix("vnd.").unwrap_or(sub);
        return sub.to_ascii_uppercase();
    }
    s.trim_start_matches('.').trim().to_uppercase()
}

/// The extension of the URL's last path segment, if it is a known file format.
fn url_file_format(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let path = match path.find("://") {
        Some(i) => match path[i + 3..].find('/') {
            Some(j) => &path[i + 3 + j..],
            None => "",
        },
        None => path,
    };
    let last = path.rsplit('/').next().unwrap_or("");
    let (_, ext) = last.rsplit_once('.')?;
    let ext = ext.to_ascii_uppercase();
    let ext = match ext.as_str() {
        "JSONLD" => "JSON-LD".to_string(),
        _ => ext,
    };
    FILE_FORMATS.contains(&ext.as_str()).then_some(ext)
}

fn url_looks_like_api(url: &str) -> bool {
    let l = url.to_ascii_lowercase();
    l.contains("/api/")
        || l.contains("openapi")
        || l.contains("swagger")
        || l.contains("wsdl")
        || l.contains("service=wms")
        || l.contains("service=wfs")
        || l.contains("/sparql")
        || l.contains("/wms")
        || l.contains("/wfs")
}

fn classify(format: &str, url: &str, declared_api: bool) -> &'static str {
    let f = format.to_ascii_uppercase();
    if declared_api || API_FORMATS.contains(&f.as_str()) || f.ends_with(" API") {
        return "api";
    }
    let has_query = url.contains('?');
    if FILE_FORMATS.contains(&f.as_str()) {
        if (f == "JSON" || f == "XML" || f == "GEOJSON")
            && has_query
            && url_file_format(url).is_none()
        {
            // A JSON/XML endpoint taking parameters: a service.
            return "api";
        }
        return "file";
    }
    if url_file_format(url).is_some() {
        return "file";
    }
    if url_looks_like_api(url) {
        return "api";
    }
    "link"
}

/// Maps a frequency IRI, ISO 8601 duration or (Korean/English) word to the
/// catalog's update-cycle vocabulary. Cycles between two buckets go to the
/// longer one (so freshness checks do not flag them too early); multi-year
/// cycles are "irregular".
pub fn map_update_cycle(raw: &str) -> Option<&'static str> {
    let s = raw.trim();
    if s.is_empty() {
        return None;
    }
    // Korean words first (they contain no IRI punctuation).
    if !s.is_ascii() {
        let k: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        let has = |w: &str| k.contains(w);
        return if has("실시간") {
            Some("realtime")
        } else if has("수시") || has("비정기") || has("부정기") || has("불규칙") {
            Some("irregular")
        } else if has("분기") {
            Some("quarterly")
        } else if has("반기") {
            Some("yearly")
        } else if has("매일") || has("일간") || has("일단위") || has("일1회") || has("일별")
        {
            Some("daily")
        } else if has("매주") || has("주간") || has("주1회") || has("주단위") || has("주별")
        {
            Some("weekly")
        } else if has("매월") || has("월간") || has("월1회") || has("월단위") || has("월별")
        {
            Some("monthly")
        } else if has("매년")
            || has("연간")
            || has("년간")
            || has("연1회")
            || has("년1회")
            || has("연단위")
        {
            Some("yearly")
        } else {
            None
        };
    }
    let local = s
        .trim_end_matches('/')
        .rsplit(['/', '#', ':'])
        .next()
        .unwrap_or(s);
    let u = local.trim().to_ascii_uppercase().replace(['-', ' '], "_");
    if let Some(days) = iso_duration_days(&u) {
        return Some(bucket_days(days));
    }
    Some(match u.as_str() {
        "CONT" | "UPDATE_CONT" | "CONTINUOUS" | "REALTIME" | "REAL_TIME" | "HOURLY"
        | "BIHOURLY" | "TRIHOURLY" | "12HRS" | "1MIN" | "5MIN" | "10MIN" | "15MIN" | "30MIN" => {
            "realtime"
        }
        "DAILY" | "DAILY_2" | "TWICE_A_DAY" => "daily",
        "WEEKLY" | "WEEKLY_2" | "WEEKLY_3" | "SEMIWEEKLY" | "THREETIMESAWEEK" => "weekly",
        "MONTHLY" | "MONTHLY_2" | "MONTHLY_3" | "SEMIMONTHLY" | "THREETIMESAMONTH" | "BIWEEKLY" => {
            "monthly"
        }
        "QUARTERLY" | "BIMONTHLY" => "quarterly",
        "ANNUAL" | "ANNUALLY" | "YEARLY" | "ANNUAL_2" | "ANNUAL_3" | "SEMIANNUAL"
        | "THREETIMESAYEAR" => "yearly",
        "IRREG" | "IRREGULAR" | "AS_NEEDED" | "OTHER" | "BIENNIAL" | "TRIENNIAL"
        | "QUADRENNIAL" | "QUINQUENNIAL" | "DECENNIAL" | "BIDECENNIAL" | "TRIDECENNIAL" => {
            "irregular"
        }
        _ => return None,
    })
}

/// Approximate length in days of an ISO 8601 duration such as "P1D", "P3M", "PT1H".
fn iso_duration_days(u: &str) -> Option<f64> {
    let rest = u.strip_prefix('P')?;
    if rest.is_empty() {
        return None;
    }
    let mut days = 0.0;
    let mut num = String::new();
    let mut in_time = false;
    let mut any = false;
    for c in rest.chars() {
        match c {
            'T' if num.is_empty() => in_time = true,
            '0'..='9' | '.' | ',' => num.push(if c == ',' { '.' } else { c }),
            _ => {
                let n: f64 = num.parse().ok()?;
                num.clear();
                any = true;
                days += n * match (in_time, c) {
                    (false, 'Y') => 365.0,
                    (false, 'M') => 30.0,
                    (false, 'W') => 7.0,
                    (false, 'D') => 1.0,
                    (true, 'H') => 1.0 / 24.0,
                    (true, 'M') => 1.0 / 1440.0,
                    (true, 'S') => 1.0 / 86400.0,
                    _ => return None,
                };
            }
        }
    }
    (any && num.is_empty()).then_some(days)
}

fn bucket_days(days: f64) -> &'static str {
    if days < 1.0 {
        "realtime"
    } else if days <= 1.0 {
        "daily"
    } else if days <= 7.0 {
        "weekly"
    } else if days <= 31.0 {
        "monthly"
    } else if days <= 92.0 {
        "quarterly"
    } else if days <= 366.0 {
        "yearly"
    } else {
        "irregular"
    }
}

// ---------------------------------------------------------------------------
// CKAN
// ---------------------------------------------------------------------------

/// Unwraps the CKAN envelope and returns `result`.
fn ckan_result(body: &[u8]) -> Result<Value, PageError> {
    let v = parse_json(body)?;
    let Value::Object(mut top) = v else {
        return Err(PageError(
            "CKAN response is not a JSON object (expected {\"success\":..,\"result\":..})".into(),
        ));
    };
    match top.get("success") {
        Some(Value::Bool(true)) => {}
        Some(Value::Bool(false)) => {
            let mut msg = String::from("CKAN reported success=false");
            if let Some(Value::Object(err)) = top.get("error") {
                let ty = obj_str(err, "__type");
                let message = obj_str(err, "message").or_else(|| {
                    // Validation errors: {"__type": "Validation Error", "name": ["..."]}
                    let parts: Vec<String> = err
                        .iter()
                        .filter(|(k, _)| k.as_str() != "__type")
                        .map(|(k, v)| match v {
                            Value::Array(a) => format!(
                                "{k}: {}",
                                a.iter()
                                    .filter_map(scalar_text)
                                    .collect::<Vec<_>>()
                                    .join("; ")
                            ),
                            other => format!("{k}: {}", scalar_text(other).unwrap_or_default()),
                        })
                        .collect();
                    (!parts.is_empty()).then(|| parts.join(", "))
                });
                match (ty, message) {
                    (Some(t), Some(m)) => msg.push_str(&format!(": {t}: {m}")),
                    (None, Some(m)) => msg.push_str(&format!(": {m}")),
                    (Some(t), None) => msg.push_str(&format!(": {t}")),
                    (None, None) => {}
                }
            }
            return Err(PageError(msg));
        }
        Some(_) => {
            return Err(PageError(
                "CKAN response: `success` is not a boolean".into(),
            ))
        }
        None if top.contains_key("result") => {}
        None => return Err(PageError(
            "CKAN response has neither `success` nor `result` (not a CKAN Action API response?)"
                .into(),
        )),
    }
    match top.remove("result") {
        Some(r @ Value::Object(_)) => Ok(r),
        Some(_) => Err(PageError("CKAN response: `result` is not an object".into())),
        None => Err(PageError("CKAN response: `result` missing".into())),
    }
}

/// Parse a CKAN `package_search` response body:
/// `{"help":..,"success":true,"result":{"count":N,"results":[...]}}`.
pub fn parse_ckan_search(body: &[u8], start_index: usize) -> Result<CkanPage, PageError> {
    let Value::Object(mut result) = ckan_result(body)? else {
        unreachable!("ckan_result returns an object")
    };
    let count = match result.get("count") {
        Some(Value::Number(n)) => n.as_u64().ok_or_else(|| {
            PageError(format!(
                "CKAN response: result.count is not a non-negative integer: {n}"
            ))
        })?,
        Some(Value::String(s)) => s.trim().parse().map_err(|_| {
            PageError(format!(
                "CKAN response: result.count is not a number: {s:?}"
            ))
        })?,
        Some(other) => {
            return Err(PageError(format!(
                "CKAN response: result.count is not a number: {other}"
            )))
        }
        None => return Err(PageError("CKAN response: result.count missing".into())),
    };
    let results = match result.remove("results") {
        Some(Value::Array(a)) => a,
        Some(Value::Null) | None => {
            return Err(PageError(
                "CKAN response: result.results missing (not a package_search response?)".into(),
            ))
        }
        Some(_) => {
            return Err(PageError(
                "CKAN response: result.results is not an array".into(),
            ))
        }
    };
    let records = results
        .iter()
        .enumerate()
        .map(|(i, rec)| ckan_package(rec, start_index + i))
        .collect();
    Ok(CkanPage { count, records })
}

/// Parse a CKAN `package_show` response body (`{"success":true,"result":{...package...}}`).
pub fn parse_ckan_show(body: &[u8]) -> Result<RemoteDataset, PageError> {
    let result = ckan_result(body)?;
    ckan_package(&result, 0).map_err(|e| PageError(format!("CKAN package_show: {}", e.reason)))
}

/// CKAN extras as (key, value) pairs: a list of {key, value} or an object.
fn ckan_extras(pkg: &Map<String, Value>) -> Vec<(String, String)> {
    match pkg.get("extras") {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|it| {
                let o = it.as_object()?;
                Some((obj_str(o, "key")?, o.get("value").and_then(scalar_text)?))
            })
            .collect(),
        Some(Value::Object(o)) => o
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), scalar_text(v)?)))
            .collect(),
        _ => Vec::new(),
    }
}

fn ckan_package(rec: &Value, index: usize) -> Result<RemoteDataset, RecordError> {
    let Some(pkg) = rec.as_object() else {
        return Err(RecordError {
            key: None,
            index,
            reason: format!("record {index}: not a JSON object"),
        });
    };
    let id = obj_str(pkg, "id");
    let name = obj_str(pkg, "name");
    let Some(key) = id.clone().or_else(|| name.clone()) else {
        return Err(RecordError {
            key: None,
            index,
            reason: format!("record {index}: id and name both missing"),
        });
    };
    let err = |what: &str| RecordError {
        key: Some(key.clone()),
        index,
        reason: format!(
            "record {index} ({} {key}): {what}",
            if id.is_some() { "id" } else { "name" }
        ),
    };

    let extras = ckan_extras(pkg);
    let extra = |names: &[&str]| -> Option<String> {
        names.iter().find_map(|n| {
            obj_str(pkg, n).or_else(|| {
                extras
                    .iter()
                    .find(|(k, _)| k.trim().eq_ignore_ascii_case(n))
                    .and_then(|(_, v)| clean(v))
            })
        })
    };
    let translated = |field: &str, lang: &str| -> Option<String> {
        pkg.get(field)
            .and_then(Value::as_object)
            .and_then(|o| obj_str(o, lang))
    };

    let title_ko = obj_str(pkg, "title")
        .or_else(|| translated("title_translated", "ko"))
        .or_else(|| name.clone())
        .ok_or_else(|| err("title missing"))?;
    let title_en = translated("title_translated", "en").or_else(|| extra(&["title_en"]));
    let description_ko = obj_str(pkg, "notes")
        .or_else(|| translated("notes_translated", "ko"))
        .unwrap_or_default();
    let description_en =
        translated("notes_translated", "en").or_else(|| extra(&["notes_en", "description_en"]));

    let mut keywords = Vec::new();
    if let Some(Value::Array(tags)) = pkg.get("tags") {
        for t in tags {
            match t {
                Value::Object(o) => {
                    if let Some(k) = obj_str(o, "name").or_else(|| obj_str(o, "display_name")) {
                        push_keyword(&mut keywords, &k);
                    }
                }
                Value::String(s) => push_keyword(&mut keywords, s),
                _ => {}
            }
        }
    }

    let license = obj_str(pkg, "license_title").or_else(|| obj_str(pkg, "license_id"));
    let publisher = pkg
        .get("organization")
        .and_then(Value::as_object)
        .and_then(|o| obj_str(o, "title").or_else(|| obj_str(o, "name")));
    let modified = obj_str(pkg, "metadata_modified").and_then(|s| parse_date(&s));
    let update_cycle = [
        "frequency",
        "accrual_periodicity",
        "update_cycle",
        "갱신주기",
    ]
    .iter()
    .filter_map(|n| extra(&[n]))
    .find_map(|v| map_update_cycle(&v));
    let contact_name = obj_str(pkg, "maintainer").or_else(|| obj_str(pkg, "author"));
    let contact_email = obj_str(pkg, "maintainer_email")
        .or_else(|| obj_str(pkg, "author_email"))
        .map(|e| strip_mailto(&e));
    let landing_page = obj_str(pkg, "url");

    let mut distributions = Vec::new();
    if let Some(Value::Array(resources)) = pkg.get("resources") {
        for (n, r) in resources.iter().enumerate() {
            let Some(r) = r.as_object() else { continue };
            let url = obj_str(r, "url").unwrap_or_default();
            let mut format = short_format(&obj_str(r, "format").unwrap_or_default());
            if format.is_empty() {
                format = obj_str(r, "mimetype")
                    .map(|m| short_format(&m))
                    .filter(|f| !f.is_empty())
                    .or_else(|| url_file_format(&url))
                    .unwrap_or_default();
            }
            let title = obj_str(r, "name")
                .or_else(|| (!format.is_empty()).then(|| format.clone()))
                .unwrap_or_else(|| format!("resource {}", n + 1));
            let declared_api =
                obj_str(r, "resource_type").is_some_and(|t| t.eq_ignore_ascii_case("api"));
            let kind = classify(&format, &url, declared_api);
            let size_bytes = r.get("size").and_then(parse_size);
            distributions.push(RemoteDistribution {
                title,
                format,
                url,
                kind,
                size_bytes,
            });
        }
    }

    Ok(RemoteDataset {
        key,
        name,
        title_ko,
        title_en,
        description_ko,
        description_en,
        keywords,
        license,
        publisher,
        modified,
        update_cycle,
        contact_name,
        contact_email,
        landing_page,
        distributions,
    })
}

fn strip_mailto(s: &str) -> String {
    let t = s.trim();
    match t.get(..7) {
        Some(p) if p.eq_ignore_ascii_case("mailto:") => t[7..].trim().to_string(),
        _ => t.to_string(),
    }
}

// ---------------------------------------------------------------------------
// DCAT JSON-LD
// ---------------------------------------------------------------------------

/// Local name of a key, type or IRI: the part after the last '#', '/' or ':'.
fn local(s: &str) -> &str {
    s.trim_end_matches(['/', '#'])
        .rsplit(['#', '/', ':'])
        .next()
        .unwrap_or(s)
}

type Node = Map<String, Value>;

/// A literal value with its language tag (if any).
struct Lit {
    text: String,
    lang: Option<String>,
}

/// The document: its (flattened) @context and an index of nodes by @id.
struct Doc<'a> {
    /// term → IRI / keyword (only simple top-level contexts are read).
    ctx: HashMap<String, String>,
    index: HashMap<&'a str, &'a Node>,
}

impl<'a> Doc<'a> {
    fn new(root: &'a Value) -> Self {
        let mut ctx = HashMap::new();
        if let Some(c) = root.as_object().and_then(|o| o.get("@context")) {
            read_context(c, &mut ctx);
        } else if let Some(arr) = root.as_array() {
            for item in arr {
                if let Some(c) = item.as_object().and_then(|o| o.get("@context")) {
                    read_context(c, &mut ctx);
                }
            }
        }
        let mut doc = Doc {
            ctx,
            index: HashMap::new(),
        };
        doc.index_value(root);
        doc
    }

    /// What a key means: a JSON-LD keyword ("@id", "@type"...) or a local name.
    fn key_meaning<'k>(&'k self, key: &'k str) -> &'k str {
        if key.starts_with('@') {
            return key;
        }
        match self.ctx.get(key) {
            Some(t) if t.starts_with('@') => t,
            Some(t) => local(t),
            None => local(key),
        }
    }

    fn keyword<'n>(&self, node: &'n Node, kw: &str) -> Option<&'n Value> {
        node.iter()
            .find(|(k, _)| self.key_meaning(k) == kw)
            .map(|(_, v)| v)
    }

    fn id<'n>(&self, node: &'n Node) -> Option<&'n str> {
        self.keyword(node, "@id").and_then(Value::as_str)
    }

    fn types(&self, node: &Node) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(t) = self.keyword(node, "@type") {
            for v in flatten(t) {
                if let Some(s) = v.as_str() {
                    out.push(local(self.ctx.get(s).map(String::as_str).unwrap_or(s)).to_string());
                }
            }
        }
        out
    }

    fn has_type(&self, node: &Node, names: &[&str]) -> bool {
        self.types(node).iter().any(|t| names.contains(&t.as_str()))
    }

    /// Indexes every node with an @id, keeping the most detailed description.
    fn index_value(&mut self, v: &'a Value) {
        match v {
            Value::Array(a) => a.iter().for_each(|x| self.index_value(x)),
            Value::Object(o) => {
                if let Some(id) = self.id(o) {
                    let detail = o.len();
                    let better = self.index.get(id).is_none_or(|old| old.len() < detail);
                    if better && detail > 1 {
                        self.index.insert(id, o);
                    }
                }
                for (k, x) in o {
                    if k != "@context" {
                        self.index_value(x);
                    }
                }
            }
            _ => {}
        }
    }

    /// All values of the properties whose local name is `name`, arrays flattened.
    fn prop<'n>(&self, node: &'n Node, name: &str) -> Vec<&'n Value> {
        node.iter()
            .filter(|(k, _)| !k.starts_with('@') && self.key_meaning(k) == name)
            .flat_map(|(_, v)| flatten(v))
            .collect()
    }

    /// A node value: embedded object, or a reference resolved through the index.
    fn node(&self, v: &'a Value) -> Option<&'a Node> {
        let o = v.as_object()?;
        if self.keyword(o, "@value").is_some() {
            return None;
        }
        match self.id(o) {
            Some(id) if o.len() == 1 => Some(self.index.get(id).copied().unwrap_or(o)),
            _ => Some(o),
        }
    }

    /// Literals of a value: strings, {"@value"}, language maps; IRIs with `iris`.
    fn lits(&self, v: &Value, iris: bool, out: &mut Vec<Lit>) {
        match v {
            Value::Array(a) => a.iter().for_each(|x| self.lits(x, iris, out)),
            Value::Object(o) => {
                if let Some(val) = self.keyword(o, "@value") {
                    if let Some(text) = scalar_text(val) {
                        let lang = self
                            .keyword(o, "@language")
                            .and_then(Value::as_str)
                            .map(|l| l.to_ascii_lowercase());
                        out.push(Lit { text, lang });
                    }
                } else if let Some(id) = self.id(o) {
                    if iris && !id.starts_with("_:") {
                        if let Some(text) = clean(id) {
                            out.push(Lit { text, lang: None });
                        }
                    }
                } else if !o.is_empty() && o.keys().all(|k| is_lang_tag(k) || k == "@none") {
                    // Language map: {"ko": "...", "en": ["...", ...]}
                    for (lang, x) in o {
                        let mut inner = Vec::new();
                        self.lits(x, false, &mut inner);
                        for l in inner {
                            out.push(Lit {
                                text: l.text,
                                lang: (lang != "@none").then(|| lang.to_ascii_lowercase()),
                            });
                        }
                    }
                }
            }
            other => {
                if let Some(text) = scalar_text(other) {
                    out.push(Lit { text, lang: None });
                }
            }
        }
    }

    fn lits_of(&self, node: &Node, name: &str, iris: bool) -> Vec<Lit> {
        let mut out = Vec::new();
        for v in self.prop(node, name) {
            self.lits(v, iris, &mut out);
        }
        out
    }

    /// (Korean-first text, English text) of a property.
    fn ko_en(&self, node: &Node, name: &str) -> (Option<String>, Option<String>) {
        let lits = self.lits_of(node, name, false);
        pick_ko_en(&lits)
    }

    /// First literal or IRI of a property.
    fn first_text(&self, node: &Node, names: &[&str]) -> Option<String> {
        names.iter().find_map(|n| {
            self.lits_of(node, n, true)
                .into_iter()
                .next()
                .map(|l| l.text)
        })
    }

    /// A label for a node-valued property: name/title/label/prefLabel, else the IRI.
    fn label_of(&self, v: &'a Value, label_props: &[&str]) -> Option<String> {
        if let Some(n) = self.node(v) {
            for p in label_props {
                if let (Some(ko), _) = self.ko_en(n, p) {
                    return Some(ko);
                }
            }
            return self
                .id(n)
                .filter(|id| !id.starts_with("_:"))
                .and_then(clean);
        }
        let mut lits = Vec::new();
        self.lits(v, true, &mut lits);
        pick_ko_en(&lits).0
    }
}

fn is_lang_tag(k: &str) -> bool {
    let mut parts = k.split('-');
    let first = parts.next().unwrap_or("");
    (2..=3).contains(&first.len())
        && first.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

fn read_context(c: &Value, ctx: &mut HashMap<String, String>) {
    match c {
        Value::Array(a) => a.iter().for_each(|x| read_context(x, ctx)),
        Value::Object(o) => {
            for (term, def) in o {
                let target = match def {
                    Value::String(s) => Some(s.clone()),
                    Value::Object(d) => d.get("@id").and_then(Value::as_str).map(str::to_string),
                    _ => None,
                };
                if let Some(t) = target {
                    ctx.insert(term.clone(), t);
                }
            }
        }
        _ => {}
    }
}

/// Arrays (and @list/@set containers) flattened into their items.
fn flatten(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(a) => a.iter().flat_map(flatten).collect(),
        Value::Object(o) if o.len() == 1 && (o.contains_key("@list") || o.contains_key("@set")) => {
            o.values().flat_map(flatten).collect()
        }
        Value::Null => Vec::new(),
        other => vec![other],
    }
}

fn lang_is(l: &Lit, code: &str) -> bool {
    l.lang
        .as_deref()
        .is_some_and(|t| t == code || t.starts_with(&format!("{code}-")))
}

fn pick_ko_en(lits: &[Lit]) -> (Option<String>, Option<String>) {
    let ko = lits
        .iter()
        .find(|l| lang_is(l, "ko"))
        .or_else(|| lits.iter().find(|l| l.lang.is_none()))
        .or_else(|| lits.first())
        .map(|l| l.text.clone());
    let en = lits
        .iter()
        .find(|l| lang_is(l, "en"))
        .map(|l| l.text.clone());
    (ko, en)
}

/// Parse a DCAT catalog in JSON-LD. `base` is the URL the page came from (to
/// resolve a relative next-page link).
pub fn parse_dcat(body: &[u8], base: &str) -> Result<DcatPage, PageError> {
    let root = parse_json(body)?;
    if !root.is_object() && !root.is_array() {
        return Err(PageError(
            "DCAT JSON-LD: top level is neither an object nor an array".into(),
        ));
    }
    let doc = Doc::new(&root);

    // Walk every node in document order.
    let mut all: Vec<&Node> = Vec::new();
    collect_nodes(&root, &mut all);

    let mut datasets: Vec<&Node> = Vec::new();
    let is_new = |n: &Node, list: &[&Node]| {
        // Same node (by identity, or by @id) only once.
        !list.iter().any(|x| {
            std::ptr::eq(*x, n) || matches!((doc.id(x), doc.id(n)), (Some(a), Some(b)) if a == b)
        })
    };
    for n in &all {
        if doc.has_type(n, &["Dataset"]) && is_new(n, &datasets) {
            datasets.push(n);
        }
    }
    // Datasets listed by a catalog without an explicit @type.
    let mut is_catalog_doc = false;
    for n in &all {
        if doc.has_type(n, &["Catalog"]) {
            is_catalog_doc = true;
        }
        for v in doc.prop(n, "dataset") {
            is_catalog_doc = true;
            if let Some(d) = doc.node(v) {
                if is_new(d, &datasets) {
                    datasets.push(d);
                }
            }
        }
    }

    // Document order, whichever way each dataset was found.
    let position: HashMap<*const Node, usize> = all
        .iter()
        .enumerate()
        .map(|(i, n)| (*n as *const Node, i))
        .collect();
    datasets.sort_by_key(|d| {
        position
            .get(&(*d as *const Node))
            .copied()
            .unwrap_or(usize::MAX)
    });

    let next_page = find_next_page(&doc, &all).map(|u| resolve_url(base, &u));
    let next_page = next_page.filter(|u| u != base);

    let looks_like_jsonld = root
        .as_object()
        .is_some_and(|o| o.contains_key("@context") || o.contains_key("@graph"))
        || all.iter().any(|n| doc.keyword(n, "@type").is_some());
    if datasets.is_empty() && !is_catalog_doc && next_page.is_none() && !looks_like_jsonld {
        return Err(PageError(
            "DCAT JSON-LD: no dcat:Dataset, dcat:Catalog or @context found (not a DCAT JSON-LD document?)"
                .into(),
        ));
    }

    let records = datasets
        .iter()
        .enumerate()
        .map(|(i, d)| dcat_dataset(&doc, d, i))
        .collect();
    Ok(DcatPage { records, next_page })
}

fn collect_nodes<'a>(v: &'a Value, out: &mut Vec<&'a Node>) {
    match v {
        Value::Array(a) => a.iter().for_each(|x| collect_nodes(x, out)),
        Value::Object(o) => {
            if !o.contains_key("@value") {
                out.push(o);
            }
            for (k, x) in o {
                if k != "@context" {
                    collect_nodes(x, out);
                }
            }
        }
        _ => {}
    }
}

fn find_next_page(doc: &Doc<'_>, all: &[&Node]) -> Option<String> {
    let paging = ["PagedCollection", "PartialCollectionView", "Collection"];
    let next_of = |n: &Node| -> Option<String> {
        ["nextPage", "next"].iter().find_map(|p| {
            doc.prop(n, p).into_iter().find_map(|v| match v {
                Value::String(s) => clean(s),
                Value::Object(o) => doc
                    .id(o)
                    .or_else(|| doc.keyword(o, "@value").and_then(Value::as_str))
                    .and_then(clean),
                _ => None,
            })
        })
    };
    all.iter()
        .filter(|n| doc.has_type(n, &paging))
        .find_map(|n| next_of(n))
        .or_else(|| {
            // Untyped view nodes: accept an explicit hydra property.
            all.iter().find_map(|n| {
                n.iter()
                    .filter(|(k, _)| {
                        (k.starts_with("hydra:") || k.contains("/hydra/core#"))
                            && matches!(local(k), "nextPage" | "next")
                    })
                    .find_map(|(_, v)| match v {
                        Value::String(s) => clean(s),
                        Value::Object(o) => o.get("@id").and_then(Value::as_str).and_then(clean),
                        _ => None,
                    })
            })
        })
}

fn dcat_dataset<'a>(
    doc: &Doc<'a>,
    d: &'a Node,
    index: usize,
) -> Result<RemoteDataset, RecordError> {
    let node_id = doc.id(d).filter(|id| !id.starts_with("_:")).and_then(clean);
    let identifier = doc
        .lits_of(d, "identifier", true)
        .into_iter()
        .next()
        .map(|l| l.text);
    let Some(key) = identifier.or_else(|| node_id.clone()) else {
        return Err(RecordError {
            key: None,
            index,
            reason: format!("record {index}: dataset has neither dct:identifier nor @id"),
        });
    };
    let (title_ko, title_en) = doc.ko_en(d, "title");
    let Some(title_ko) = title_ko else {
        return Err(RecordError {
            key: Some(key.clone()),
            index,
            reason: format!("record {index} (id {key}): title missing"),
        });
    };
    let (description_ko, description_en) = doc.ko_en(d, "description");

    let kw_lits = doc.lits_of(d, "keyword", false);
    let mut keywords = Vec::new();
    let preferred: Vec<&Lit> = kw_lits
        .iter()
        .filter(|l| lang_is(l, "ko"))
        .chain(kw_lits.iter().filter(|l| l.lang.is_none()))
        .collect();
    let chosen: Vec<&Lit> = if preferred.is_empty() {
        kw_lits.iter().collect()
    } else {
        preferred
    };
    for l in chosen {
        push_keyword(&mut keywords, &l.text);
    }

    let dist_nodes: Vec<&Node> = doc
        .prop(d, "distribution")
        .into_iter()
        .filter_map(|v| doc.node(v))
        .collect();

    let license_of = |n: &Node| {
        doc.prop(n, "license")
            .into_iter()
            .find_map(|v| doc.label_of(v, &["title", "label", "prefLabel", "name"]))
    };
    let license = license_of(d).or_else(|| dist_nodes.iter().find_map(|n| license_of(n)));
    let publisher = doc
        .prop(d, "publisher")
        .into_iter()
        .find_map(|v| doc.label_of(v, &["name", "title", "label", "prefLabel"]));
    let modified = ["modified", "issued"].iter().find_map(|p| {
        doc.lits_of(d, p, false)
            .iter()
            .find_map(|l| parse_date(&l.text))
    });
    let update_cycle = doc.prop(d, "accrualPeriodicity").into_iter().find_map(|v| {
        let mut cands = Vec::new();
        doc.lits(v, true, &mut cands);
        if let Some(n) = doc.node(v) {
            for p in ["prefLabel", "label", "value"] {
                cands.extend(doc.lits_of(n, p, false));
            }
        }
        cands.iter().find_map(|l| map_update_cycle(&l.text))
    });

    let mut contact_name = None;
    let mut contact_email = None;
    for cp in doc.prop(d, "contactPoint") {
        let Some(n) = doc.node(cp) else { continue };
        if contact_name.is_none() {
            contact_name = doc.ko_en(n, "fn").0;
        }
        if contact_email.is_none() {
            contact_email = doc
                .first_text(n, &["hasEmail", "email"])
                .map(|e| strip_mailto(&e));
        }
    }
    let landing_page = doc.first_text(d, &["landingPage"]);

    let distributions = dist_nodes
        .iter()
        .enumerate()
        .map(|(n, dn)| dcat_distribution(doc, dn, n))
        .collect();

    Ok(RemoteDataset {
        key,
        name: None,
        title_ko,
        title_en,
        description_ko: description_ko.unwrap_or_default(),
        description_en,
        keywords,
        license,
        publisher,
        modified,
        update_cycle,
        contact_name,
        contact_email,
        landing_page,
        distributions,
    })
}

fn dcat_distribution<'a>(doc: &Doc<'a>, n: &'a Node, pos: usize) -> RemoteDistribution {
    let url = doc
        .first_text(n, &["downloadURL"])
        .or_else(|| doc.first_text(n, &["accessURL"]))
        .unwrap_or_default();
    let format_of = |prop: &str| -> Option<String> {
        doc.prop(n, prop).into_iter().find_map(|v| {
            let mut cands = Vec::new();
            if let Some(fnode) = doc.node(v) {
                // ckanext-dcat: {"@type": "dct:IMT", "rdf:value": "text/csv", "rdfs:label": "CSV"}
                for p in ["label", "value", "prefLabel"] {
                    cands.extend(doc.lits_of(fnode, p, false));
                }
            }
            doc.lits(v, true, &mut cands);
            cands
                .iter()
                .map(|l| short_format(&l.text))
                .find(|f| !f.is_empty())
        })
    };
    let format = format_of("format")
        .or_else(|| format_of("mediaType"))
        .or_else(|| url_file_format(&url))
        .unwrap_or_default();
    let title = doc
        .ko_en(n, "title")
        .0
        .or_else(|| (!format.is_empty()).then(|| format.clone()))
        .unwrap_or_else(|| format!("resource {}", pos + 1));
    let declared_api =
        doc.first_text(n, &["downloadURL"]).is_none() && !doc.prop(n, "accessService").is_empty();
    let kind = classify(&format, &url, declared_api);
    let size_bytes = doc.prop(n, "byteSize").into_iter().find_map(|v| match v {
        Value::Object(o) => doc.keyword(o, "@value").and_then(parse_size),
        other => parse_size(other),
    });
    RemoteDistribution {
        title,
        format,
        url,
        kind,
        size_bytes,
    }
}

// ---------------------------------------------------------------------------
// URL resolution (RFC 3986 §5.2, enough for paging links)
// ---------------------------------------------------------------------------

/// Resolves `rel` against `base`: absolute URLs, "//host/x", "/path?x", "?page=2",
/// "#frag" and relative paths ("next.jsonld", "../x").
pub fn resolve_url(base: &str, rel: &str) -> String {
    let rel = rel.trim();
    if has_scheme(rel) {
        return rel.to_string();
    }
    let base_no_frag = base.split('#').next().unwrap_or(base);
    let (scheme, after_scheme) = match base_no_frag.find("://") {
        Some(i) => (&base_no_frag[..i], &base_no_frag[i + 3..]),
        None => return rel.to_string(),
    };
    let auth_end = after_scheme.find(['/', '?']).unwrap_or(after_scheme.len());
    let authority = &after_scheme[..auth_end];
    let rest = &after_scheme[auth_end..];
    let base_path = rest.split('?').next().unwrap_or("");
    let origin = format!("{scheme}://{authority}");
    if rel.is_empty() {
        return base_no_frag.to_string();
    }
    if let Some(r) = rel.strip_prefix("//") {
        return format!("{scheme}://{r}");
    }
    if rel.starts_with('#') {
        return format!("{base_no_frag}{rel}");
    }
    if rel.starts_with('?') {
        let path = if base_path.is_empty() { "/" } else { base_path };
        return format!("{origin}{path}{rel}");
    }
    let (rel_path, rel_tail) = match rel.find(['?', '#']) {
        Some(i) => (&rel[..i], &rel[i..]),
        None => (rel, ""),
    };
    let merged = if rel_path.starts_with('/') {
        rel_path.to_string()
    } else {
        let dir = match base_path.rfind('/') {
            Some(i) => &base_path[..=i],
            None => "/",
        };
        format!("{dir}{rel_path}")
    };
    format!("{origin}{}{rel_tail}", remove_dot_segments(&merged))
}

fn has_scheme(s: &str) -> bool {
    match s.find(':') {
        Some(i) if i > 0 => {
            let scheme = &s[..i];
            scheme
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        _ => false,
    }
}

fn remove_dot_segments(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let segs: Vec<&str> = path.split('/').collect();
    let last = segs.len().saturating_sub(1);
    for (i, seg) in segs.iter().enumerate() {
        match *seg {
            "." => {
                if i == last {
                    out.push("");
                }
            }
            ".." => {
                if out.len() > 1 {
                    out.pop();
                }
                if i == last {
                    out.push("");
                }
            }
            s => out.push(s),
        }
    }
    let joined = out.join("/");
    if joined.starts_with('/') {
        joined
    } else {
        format!("/{joined}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CKAN_PAGE1: &str =
        include_str!("../../../../tests/fixtures/harvest/ckan_search_page1.json");
    const CKAN_PAGE2: &str =
        include_str!("../../../../tests/fixtures/harvest/ckan_search_page2.json");
    const CKAN_EMPTY: &str =
        include_str!("../../../../tests/fixtures/harvest/ckan_search_empty.json");
    const CKAN_SHOW: &str = include_str!("../../../../tests/fixtures/harvest/ckan_show.json");
    const CKAN_ERROR: &str = include_str!("../../../../tests/fixtures/harvest/ckan_error.json");
    const DCAT_PAGE1: &str =
        include_str!("../../../../tests/fixtures/harvest/dcat_graph_page1.jsonld");
    const DCAT_PAGE2: &str =
        include_str!("../../../../tests/fixtures/harvest/dcat_graph_page2.jsonld");
    const DCAT_EMBEDDED: &str =
        include_str!("../../../../tests/fixtures/harvest/dcat_embedded.jsonld");
    const BROKEN_TRUNCATED: &str =
        include_str!("../../../../tests/fixtures/harvest/broken_truncated.json");
    const BROKEN_HTML: &str = include_str!("../../../../tests/fixtures/harvest/broken_html.html");

    const DCAT_BASE: &str = "https://data.seongdong.example/catalog.jsonld?page=1";

    fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    fn ok(r: &Result<RemoteDataset, RecordError>) -> &RemoteDataset {
        r.as_ref()
            .unwrap_or_else(|e| panic!("unexpected record error: {e:?}"))
    }

    #[test]
    fn ckan_page1_full_record() {
        let page = parse_ckan_search(CKAN_PAGE1.as_bytes(), 0).unwrap();
        assert_eq!(page.count, 5);
        assert_eq!(page.records.len(), 3);
        let d = ok(&page.records[0]);
        assert_eq!(d.key, "0a1b2c3d-0001-4000-8000-000000000001");
        assert_eq!(d.name.as_deref(), Some("seongdong-cctv-locations"));
        assert_eq!(d.title_ko, "성동구 CCTV 설치 현황");
        assert_eq!(
            d.title_en.as_deref(),
            Some("Seongdong-gu CCTV installations")
        );
        assert!(d.description_ko.starts_with("성동구 관내 방범용 CCTV"));
        assert!(d
            .description_en
            .as_deref()
            .unwrap()
            .starts_with("Locations"));
        assert_eq!(d.keywords, vec!["CCTV", "안전", "방범"]);
        assert_eq!(d.license.as_deref(), Some("공공누리 제1유형 (출처표시)"));
        assert_eq!(d.publisher.as_deref(), Some("서울특별시 성동구"));
        assert_eq!(d.modified, date(2024, 3, 1));
        assert_eq!(d.update_cycle, Some("monthly"));
        assert_eq!(d.contact_name.as_deref(), Some("김성동"));
        assert_eq!(d.contact_email.as_deref(), Some("data@sd.go.kr.example"));
        assert_eq!(
            d.landing_page.as_deref(),
            Some("https://www.sd.go.kr/main/contents.do?key=4290")
        );
        let dist = &d.distributions;
        assert_eq!(dist.len(), 3);
        assert_eq!(dist[0].title, "CCTV 설치 현황 (CSV)");
        assert_eq!(dist[0].format, "CSV");
        assert_eq!(dist[0].kind, "file");
        assert_eq!(dist[0].size_bytes, Some(48213));
        assert_eq!(dist[1].format, "XLSX");
        assert_eq!(dist[1].size_bytes, Some(102_400));
        assert_eq!(dist[1].kind, "file");
        assert_eq!(dist[2].format, "API");
        assert_eq!(dist[2].kind, "api");
        assert_eq!(dist[2].size_bytes, None);
    }

    #[test]
    fn ckan_page1_sparse_and_unicode_records() {
        let page = parse_ckan_search(CKAN_PAGE1.as_bytes(), 0).unwrap();
        let sparse = ok(&page.records[1]);
        assert_eq!(sparse.title_ko, "성동구 공중화장실 현황");
        assert_eq!(sparse.description_ko, "");
        assert_eq!(sparse.description_en, None);
        assert!(sparse.keywords.is_empty());
        assert_eq!(sparse.license, None);
        assert_eq!(sparse.publisher, None);
        assert_eq!(sparse.contact_name, None);
        assert_eq!(sparse.contact_email, None);
        assert_eq!(sparse.landing_page, None);
        assert_eq!(sparse.update_cycle, None);
        assert_eq!(sparse.modified, date(2023, 11, 20));
        assert!(sparse.distributions.is_empty());

        let u = ok(&page.records[2]);
        assert_eq!(u.title_ko, "서울숲 문화행사 일정 🌳");
        assert_eq!(
            u.title_en.as_deref(),
            Some("Seoul Forest cultural events 🌳")
        );
        assert!(u.description_ko.contains("🎉"));
        // tags[].name empty → display_name
        assert_eq!(u.keywords, vec!["문화", "공원"]);
        // organization.title "" → organization.name
        assert_eq!(u.publisher.as_deref(), Some("seongdong-culture"));
        // maintainer "" → author
        assert_eq!(u.contact_name.as_deref(), Some("Seongdong-gu Office"));
        assert_eq!(u.contact_email.as_deref(), Some("open@sd.go.kr.example"));
        assert_eq!(u.landing_page, None);
        assert_eq!(u.update_cycle, Some("weekly"));
        let dist = &u.distributions;
        assert_eq!(dist[0].title, "GEOJSON");
        assert_eq!(dist[0].format, "GEOJSON");
        assert_eq!(dist[0].size_bytes, Some(2048));
        assert_eq!(dist[0].kind, "file");
        // no name: titled by its format; a JSON endpoint with a query → api
        assert_eq!(dist[1].title, "JSON");
        assert_eq!(dist[1].format, "JSON");
        assert_eq!(dist[1].kind, "api");
        // nothing at all: "resource N", a link
        assert_eq!(dist[2].title, "resource 3");
        assert_eq!(dist[2].format, "");
        assert_eq!(dist[2].kind, "link");
    }

    #[test]
    fn ckan_page2_malformed_record_is_a_record_error() {
        let page = parse_ckan_search(CKAN_PAGE2.as_bytes(), 3).unwrap();
        assert_eq!(page.count, 5);
        assert_eq!(page.records.len(), 2);
        let d = ok(&page.records[0]);
        assert_eq!(d.key, "0a1b2c3d-0004-4000-8000-000000000004");
        assert_eq!(d.update_cycle, Some("quarterly"));
        assert_eq!(d.license.as_deref(), Some("KOGL-Type1"));
        assert_eq!(d.publisher.as_deref(), Some("seongdong-gu"));
        assert_eq!(d.distributions[0].format, "XLS");
        let e = page.records[1].as_ref().unwrap_err();
        assert_eq!(e.index, 4);
        assert_eq!(e.key, None);
        assert_eq!(e.reason, "record 4: id and name both missing");
    }

    #[test]
    fn ckan_empty_last_page() {
        let page = parse_ckan_search(CKAN_EMPTY.as_bytes(), 5).unwrap();
        assert_eq!(page.count, 5);
        assert!(page.records.is_empty());
    }

    #[test]
    fn ckan_show_and_error() {
        let d = parse_ckan_show(CKAN_SHOW.as_bytes()).unwrap();
        assert_eq!(d.key, "0a1b2c3d-0001-4000-8000-000000000001");
        assert_eq!(d.distributions.len(), 3);

        let e = parse_ckan_show(CKAN_ERROR.as_bytes()).unwrap_err();
        assert_eq!(
            e.0,
            "CKAN reported success=false: Not Found Error: Not found"
        );
        let e = parse_ckan_search(CKAN_ERROR.as_bytes(), 0).unwrap_err();
        assert!(e.to_string().contains("Not found"));
        // a search body is not a show body and vice versa
        assert!(parse_ckan_search(CKAN_SHOW.as_bytes(), 0).is_err());
        let e = parse_ckan_show(br#"{"success":true,"result":{"title":"x"}}"#).unwrap_err();
        assert!(e.0.contains("id and name both missing"), "{e}");
        let e = parse_ckan_search(
            br#"{"success":false,"error":{"__type":"Validation Error","rows":["Must be a natural number"]}}"#,
            0,
        )
        .unwrap_err();
        assert!(
            e.0.contains("Validation Error: rows: Must be a natural number"),
            "{e}"
        );
    }

    #[test]
    fn ckan_odd_records() {
        let big = "가".repeat(350_000); // ~1 MB of UTF-8
        let body = serde_json::json!({
            "help": "h", "success": true,
            "result": {"count": 4, "results": [
                42,
                {"id": "a1", "name": "", "title": "   "},
                {"name": "only-name", "notes": big, "tags": null, "organization": null,
                 "resources": null, "extras": null, "license_title": null,
                 "metadata_modified": null},
                {"id": "x", "title": "T", "extras": {"frequency": "P1D"},
                 "resources": [{"url": "https://h/wms?service=WMS&request=GetCapabilities", "format": "WMS", "size": "n/a"}, "junk"]}
            ]}
        })
        .to_string();
        let page = parse_ckan_search(body.as_bytes(), 10).unwrap();
        let e0 = page.records[0].as_ref().unwrap_err();
        assert_eq!(e0.reason, "record 10: not a JSON object");
        let e1 = page.records[1].as_ref().unwrap_err();
        assert_eq!(e1.reason, "record 11 (id a1): title missing");
        assert_eq!(e1.key.as_deref(), Some("a1"));
        let d = ok(&page.records[2]);
        assert_eq!(d.key, "only-name");
        assert_eq!(d.title_ko, "only-name");
        assert_eq!(d.description_ko.len(), big.len());
        assert_eq!(d.modified, None);
        let d = ok(&page.records[3]);
        assert_eq!(d.update_cycle, Some("daily"));
        assert_eq!(d.distributions.len(), 1);
        assert_eq!(d.distributions[0].kind, "api");
        assert_eq!(d.distributions[0].size_bytes, None);
    }

    #[test]
    fn broken_bodies_are_page_errors() {
        let e = parse_ckan_search(BROKEN_TRUNCATED.as_bytes(), 0).unwrap_err();
        assert!(e.0.starts_with("not JSON at line "), "{e}");
        assert!(e.0.contains("column"), "{e}");
        let e = parse_ckan_search(BROKEN_HTML.as_bytes(), 0).unwrap_err();
        assert!(e.0.starts_with("not JSON at line 1 column 1"), "{e}");
        assert!(e.0.contains("HTML"), "{e}");
        assert!(parse_dcat(BROKEN_HTML.as_bytes(), DCAT_BASE).is_err());
        assert!(parse_dcat(BROKEN_TRUNCATED.as_bytes(), DCAT_BASE).is_err());
        assert!(parse_ckan_search(b"", 0)
            .unwrap_err()
            .0
            .contains("empty body"));
        assert!(parse_ckan_search(b"[1,2]", 0).is_err());
        assert!(parse_ckan_search(br#"{"success":true,"result":{"results":[]}}"#, 0).is_err());
        // a CKAN body handed to the DCAT parser
        assert!(parse_dcat(CKAN_PAGE1.as_bytes(), DCAT_BASE).is_err());
        assert!(parse_dcat(b"\"just a string\"", DCAT_BASE).is_err());
    }

    #[test]
    fn dcat_graph_page1() {
        let page = parse_dcat(DCAT_PAGE1.as_bytes(), DCAT_BASE).unwrap();
        assert_eq!(
            page.next_page.as_deref(),
            Some("https://data.seongdong.example/catalog.jsonld?page=2")
        );
        assert_eq!(page.records.len(), 2);
        let d = ok(&page.records[0]);
        assert_eq!(d.key, "sd-air-quality-001");
        assert_eq!(d.name, None);
        assert_eq!(d.title_ko, "성동구 실시간 대기질 측정정보");
        assert_eq!(
            d.title_en.as_deref(),
            Some("Seongdong-gu real-time air quality")
        );
        assert!(d.description_ko.starts_with("성동구 도시대기측정소"));
        assert!(d.description_en.as_deref().unwrap().starts_with("PM10"));
        assert_eq!(d.keywords, vec!["대기질", "미세먼지", "PM2.5"]);
        assert_eq!(d.license.as_deref(), Some("공공누리 제1유형"));
        assert_eq!(d.publisher.as_deref(), Some("서울특별시 성동구"));
        assert_eq!(d.modified, date(2024, 3, 5));
        assert_eq!(d.update_cycle, Some("realtime"));
        assert_eq!(d.contact_name.as_deref(), Some("성동구청 환경과"));
        assert_eq!(d.contact_email.as_deref(), Some("env@sd.go.kr.example"));
        assert_eq!(
            d.landing_page.as_deref(),
            Some("https://www.sd.go.kr/main/air")
        );
        assert_eq!(
            d.distributions,
            vec![
                RemoteDistribution {
                    title: "대기질 측정값 (CSV)".into(),
                    format: "CSV".into(),
                    url: "https://data.seongdong.example/files/air_quality_2024.csv".into(),
                    kind: "file",
                    size_bytes: Some(52311),
                },
                RemoteDistribution {
                    title: "대기질 실시간 조회".into(),
                    format: "JSON".into(),
                    url: "https://openapi.seoul.example/api/airquality?gu=seongdong&type=json"
                        .into(),
                    kind: "api",
                    size_bytes: None,
                },
            ]
        );

        let b = ok(&page.records[1]);
        assert_eq!(b.key, "sd-bike-stations");
        assert_eq!(b.title_ko, "성동구 따릉이 대여소 현황");
        assert_eq!(
            b.title_en.as_deref(),
            Some("Seongdong-gu Ttareungyi bike stations")
        );
        assert_eq!(b.description_ko, "");
        assert_eq!(b.keywords, vec!["따릉이", "자전거"]);
        assert_eq!(b.modified, date(2024, 2, 29));
        assert_eq!(b.update_cycle, Some("quarterly"));
        assert_eq!(
            b.license.as_deref(),
            Some("http://creativecommons.org/licenses/by/4.0/")
        );
        assert_eq!(b.publisher.as_deref(), Some("서울특별시 성동구"));
        let x = &b.distributions[0];
        assert_eq!(x.format, "XLSX");
        assert_eq!(x.title, "XLSX");
        assert_eq!(
            x.url,
            "https://data.seongdong.example/files/bike_stations.xlsx"
        );
        assert_eq!(x.kind, "file");
        assert_eq!(x.size_bytes, Some(20480));
    }

    #[test]
    fn dcat_graph_page2_last_page() {
        let base = "https://data.seongdong.example/catalog.jsonld?page=2";
        let page = parse_dcat(DCAT_PAGE2.as_bytes(), base).unwrap();
        assert_eq!(page.next_page, None);
        assert_eq!(page.records.len(), 2);
        let d = ok(&page.records[0]);
        assert_eq!(d.key, "sd-population-monthly");
        assert_eq!(d.title_ko, "성동구 주민등록 인구 통계");
        assert_eq!(d.title_en, None);
        assert_eq!(d.keywords, vec!["인구"]);
        assert_eq!(d.modified, date(2024, 1, 31));
        assert_eq!(d.update_cycle, Some("monthly"));
        assert_eq!(d.publisher.as_deref(), Some("서울특별시 성동구"));
        assert_eq!(d.distributions.len(), 1);
        assert_eq!(d.distributions[0].format, "CSV");
        assert_eq!(d.distributions[0].title, "CSV");
        let e = page.records[1].as_ref().unwrap_err();
        assert_eq!(e.key.as_deref(), Some("sd-untitled"));
        assert_eq!(e.reason, "record 1 (id sd-untitled): title missing");
    }

    #[test]
    fn dcat_embedded_catalog_with_context() {
        let page = parse_dcat(
            DCAT_EMBEDDED.as_bytes(),
            "https://data.seongdong.example/catalog.jsonld",
        )
        .unwrap();
        assert_eq!(page.next_page, None);
        assert_eq!(page.records.len(), 3);
        let d = ok(&page.records[0]);
        assert_eq!(d.key, "sd-trash-schedule");
        assert_eq!(d.title_ko, "성동구 생활폐기물 배출 요일");
        assert_eq!(
            d.title_en.as_deref(),
            Some("Seongdong-gu waste collection days")
        );
        assert_eq!(d.keywords, vec!["생활폐기물", "재활용"]);
        assert_eq!(d.modified, date(2023, 12, 18));
        assert_eq!(d.update_cycle, Some("yearly"));
        assert_eq!(d.publisher.as_deref(), Some("성동구청 청소행정과"));
        assert_eq!(d.contact_name.as_deref(), Some("청소행정과 데이터 담당"));
        assert_eq!(d.contact_email.as_deref(), Some("clean@sd.go.kr.example"));
        assert_eq!(
            d.landing_page.as_deref(),
            Some("https://www.sd.go.kr/main/waste")
        );
        assert_eq!(
            d.license.as_deref(),
            Some("https://www.kogl.or.kr/info/licenseType1.do")
        );
        assert_eq!(d.distributions.len(), 2);
        assert_eq!(d.distributions[0].format, "XLSX");
        assert_eq!(d.distributions[0].size_bytes, Some(9216));
        assert_eq!(d.distributions[0].kind, "file");
        assert_eq!(d.distributions[1].format, "CSV");
        assert_eq!(d.distributions[1].kind, "file");
        assert_eq!(d.distributions[1].size_bytes, Some(4100));

        // untyped dataset listed by the catalog; key from its @id alias "id"
        let p = ok(&page.records[1]);
        assert_eq!(
            p.key,
            "https://data.seongdong.example/dataset/seongsu-popup-stores"
        );
        assert_eq!(p.update_cycle, Some("irregular"));
        assert_eq!(p.distributions[0].format, "HTML");
        assert_eq!(p.distributions[0].kind, "link");
        assert_eq!(p.distributions[0].url, "https://map.sd.go.kr.example/popup");

        let e = page.records[2].as_ref().unwrap_err();
        assert_eq!(e.index, 2);
        assert_eq!(e.key, None);
        assert_eq!(
            e.reason,
            "record 2: dataset has neither dct:identifier nor @id"
        );
    }

    #[test]
    fn dcat_top_level_array_and_language_map() {
        let body = r#"[
          {"@id": "https://x/ds/1", "@type": "http://www.w3.org/ns/dcat#Dataset",
           "http://purl.org/dc/terms/title": {"en": "Parks", "ko": "공원"},
           "http://www.w3.org/ns/dcat#distribution": {"@id": "https://x/dist/1"},
           "http://purl.org/dc/terms/accrualPeriodicity": "http://purl.org/cld/freq/daily"},
          {"@id": "https://x/dist/1", "@type": "Distribution",
           "http://www.w3.org/ns/dcat#downloadURL": "https://x/f/parks.geojson",
           "http://www.w3.org/ns/dcat#mediaType": "application/geo+json"},
          {"@id": "https://x/view", "@type": ["hydra:PartialCollectionView"],
           "hydra:next": {"@id": "/catalog?page=3"}}
        ]"#;
        let page = parse_dcat(body.as_bytes(), "https://x/catalog?page=2").unwrap();
        assert_eq!(page.next_page.as_deref(), Some("https://x/catalog?page=3"));
        let d = ok(&page.records[0]);
        assert_eq!(d.key, "https://x/ds/1");
        assert_eq!(d.title_ko, "공원");
        assert_eq!(d.title_en.as_deref(), Some("Parks"));
        assert_eq!(d.update_cycle, Some("daily"));
        assert_eq!(d.distributions[0].format, "GEOJSON");
        assert_eq!(d.distributions[0].title, "GEOJSON");
        // an empty graph is a valid (empty) page
        let page = parse_dcat(br#"{"@context": {}, "@graph": []}"#, "https://x/").unwrap();
        assert!(page.records.is_empty());
    }

    #[test]
    fn update_cycles() {
        let cases = [
            (
                "http://publications.europa.eu/resource/authority/frequency/DAILY",
                "daily",
            ),
            (
                "http://publications.europa.eu/resource/authority/frequency/MONTHLY",
                "monthly",
            ),
            (
                "http://publications.europa.eu/resource/authority/frequency/QUARTERLY",
                "quarterly",
            ),
            (
                "http://publications.europa.eu/resource/authority/frequency/ANNUAL",
                "yearly",
            ),
            (
                "http://publications.europa.eu/resource/authority/frequency/WEEKLY",
                "weekly",
            ),
            (
                "http://publications.europa.eu/resource/authority/frequency/CONT",
                "realtime",
            ),
            (
                "http://publications.europa.eu/resource/authority/frequency/IRREG",
                "irregular",
            ),
            ("http://purl.org/cld/freq/annual", "yearly"),
            ("freq:bimonthly", "quarterly"),
            ("P1D", "daily"),
            ("P1W", "weekly"),
            ("P1M", "monthly"),
            ("P3M", "quarterly"),
            ("P1Y", "yearly"),
            ("PT1H", "realtime"),
            ("P2Y", "irregular"),
            ("실시간", "realtime"),
            ("일간", "daily"),
            ("매일", "daily"),
            ("주간", "weekly"),
            ("월간", "monthly"),
            ("매월", "monthly"),
            ("분기", "quarterly"),
            ("연간", "yearly"),
            ("매년", "yearly"),
            ("수시", "irregular"),
            ("Monthly", "monthly"),
            ("real-time", "realtime"),
        ];
        for (raw, want) in cases {
            assert_eq!(map_update_cycle(raw), Some(want), "{raw}");
        }
        for raw in ["", "기타", "P", "sometimes", "UNKNOWN"] {
            assert_eq!(map_update_cycle(raw), None, "{raw}");
        }
    }

    #[test]
    fn formats_and_kinds() {
        assert_eq!(short_format("csv"), "CSV");
        assert_eq!(short_format(".xlsx"), "XLSX");
        assert_eq!(short_format("text/csv"), "CSV");
        assert_eq!(short_format("application/json"), "JSON");
        assert_eq!(
            short_format("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            "XLSX"
        );
        assert_eq!(short_format("application/geo+json"), "GEOJSON");
        assert_eq!(
            short_format("http://publications.europa.eu/resource/authority/file-type/CSV"),
            "CSV"
        );
        assert_eq!(
            short_format("https://www.iana.org/assignments/media-types/application/json"),
            "JSON"
        );
        assert_eq!(short_format("  "), "");
        assert_eq!(classify("CSV", "https://h/a.csv", false), "file");
        assert_eq!(classify("", "https://h/a.zip?dl=1", false), "file");
        assert_eq!(classify("OpenAPI", "https://h/x", false), "api");
        assert_eq!(classify("WFS", "https://h/geoserver/ows", false), "api");
        assert_eq!(classify("", "https://h/api/v1/items", false), "api");
        assert_eq!(classify("JSON", "https://h/items?page=1", false), "api");
        assert_eq!(
            classify("JSON", "https://h/items.json?page=1", false),
            "file"
        );
        assert_eq!(classify("", "https://h/about", false), "link");
        assert_eq!(classify("HTML", "https://h/about.html", false), "link");
        assert_eq!(classify("CSV", "https://h/x", true), "api");
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("2024-03-01T09:12:44.123456"), date(2024, 3, 1));
        assert_eq!(parse_date("2024-03-01"), date(2024, 3, 1));
        assert_eq!(parse_date("2024-03-01T23:00:00+09:00"), date(2024, 3, 1));
        assert_eq!(parse_date("20240301"), date(2024, 3, 1));
        assert_eq!(parse_date("2024.03.01"), date(2024, 3, 1));
        assert_eq!(parse_date("2024-02-30"), None);
        assert_eq!(parse_date("soon"), None);
    }

    #[test]
    fn slugs() {
        assert_eq!(
            slug_candidate("seongdong-cctv-locations").as_deref(),
            Some("seongdong-cctv-locations")
        );
        assert_eq!(
            slug_candidate("Seongdong-gu CCTV Locations").as_deref(),
            Some("seongdong-gu-cctv-locations")
        );
        assert_eq!(
            slug_candidate("성동구 CCTV 현황 2024").as_deref(),
            Some("cctv-2024")
        );
        assert_eq!(
            slug_candidate("air_quality__v2!!").as_deref(),
            Some("air_quality__v2")
        );
        assert_eq!(slug_candidate("  --a.b--  ").as_deref(), Some("a-b"));
        assert_eq!(slug_candidate("성동구 공중화장실 현황"), None);
        assert_eq!(slug_candidate("x"), None);
        assert_eq!(slug_candidate(""), None);
        assert_eq!(slug_candidate("🌳🎉"), None);
        let long = "word ".repeat(50);
        let s = slug_candidate(&long).unwrap();
        assert!(s.len() <= 100 && !s.ends_with('-'), "{s}");
    }

    #[test]
    fn url_resolution() {
        let b = "https://h.example/catalog.jsonld?page=1";
        assert_eq!(
            resolve_url(b, "?page=2"),
            "https://h.example/catalog.jsonld?page=2"
        );
        assert_eq!(
            resolve_url(b, "/dcat/catalog?page=2"),
            "https://h.example/dcat/catalog?page=2"
        );
        assert_eq!(resolve_url(b, "https://other/x?p=2"), "https://other/x?p=2");
        assert_eq!(resolve_url(b, "//cdn.example/p2"), "https://cdn.example/p2");
        assert_eq!(
            resolve_url("https://h/a/b/c.jsonld", "d.jsonld?page=2"),
            "https://h/a/b/d.jsonld?page=2"
        );
        assert_eq!(resolve_url("https://h/a/b/c", "../x"), "https://h/a/x");
        assert_eq!(resolve_url("https://h", "?page=2"), "https://h/?page=2");
        assert_eq!(
            resolve_url("https://h:8443/x#frag", "#top"),
            "https://h:8443/x#top"
        );
    }
}

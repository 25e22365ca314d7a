//! Parsing `citydata_ppltn` response bodies: JSON readings with their forecast, result codes,
//! XML and HTML answers.

use chrono::{DateTime, NaiveDateTime, TimeDelta, TimeZone, Utc};
use serde_json::{Map, Value};
use types::model::CrowdLevel;

use super::{field_error, malformed, CityError, CityReading, ForecastPoint, ROOT};

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

#[cfg(test)]
#[path = "parse_error_tests.rs"]
mod error_tests;
#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;

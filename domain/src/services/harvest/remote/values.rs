//! Helpers shared by the parsers: JSON bodies, trimmed text, dates, sizes, keywords and slugs.

use chrono::NaiveDate;
use serde_json::{Map, Value};

use super::PageError;

pub(super) fn parse_json(body: &[u8]) -> Result<Value, PageError> {
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
pub(super) fn clean(s: &str) -> Option<String> {
    let t = s.trim();
    if t.is_empty() {
        None
    } else {
        Some(t.to_string())
    }
}

/// A scalar JSON value as text (strings trimmed; numbers and booleans printed).
pub(super) fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => clean(s),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

pub(super) fn obj_str(o: &Map<String, Value>, key: &str) -> Option<String> {
    o.get(key).and_then(scalar_text)
}

/// Parses the date part of "2024-03-01", "2024-03-01T09:12:44.123456",
/// "2024-03-01T00:00:00+09:00", "2024.03.01", "2024/03/01" or "20240301".
pub(super) fn parse_date(s: &str) -> Option<NaiveDate> {
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

pub(super) fn parse_size(v: &Value) -> Option<i64> {
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

pub(super) fn push_keyword(out: &mut Vec<String>, k: &str) {
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

pub(super) fn strip_mailto(s: &str) -> String {
    let t = s.trim();
    match t.get(..7) {
        Some(p) if p.eq_ignore_ascii_case("mailto:") => t[7..].trim().to_string(),
        _ => t.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::date;
    use super::*;

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
}

//! Value classification: null spellings, booleans, numbers, dates, times and datetimes.

use chrono::{NaiveDate, NaiveTime, Timelike};

use super::MAX_CELL_BYTES;

pub(super) const T_BOOL: u8 = 1;
pub(super) const T_INT: u8 = 2;
pub(super) const T_NUM: u8 = 4;
pub(super) const T_DATE: u8 = 8;
pub(super) const T_DATETIME: u8 = 16;
pub(super) const T_TIME: u8 = 32;
pub(super) const T_ALL: u8 = 63;

/// Trims a cell and maps the usual null spellings to `None`.
pub(super) fn normalize_cell(raw: &str) -> Option<&str> {
    let s = raw.trim();
    match s {
        "" | "NULL" | "null" | "N/A" | "-" => None,
        _ => Some(truncate_bytes(s, MAX_CELL_BYTES)),
    }
}

/// The longest prefix of `s` of at most `max` bytes that ends on a char boundary.
fn truncate_bytes(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or("")
}

pub(super) fn truncate_chars(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => s.get(..i).unwrap_or("").to_string(),
        None => s.to_string(),
    }
}

pub(super) fn is_bool(s: &str) -> bool {
    const WORDS: [&str; 6] = ["true", "false", "y", "n", "yes", "no"];
    WORDS.iter().any(|w| s.eq_ignore_ascii_case(w)) || s == "예" || s == "아니오"
}

pub(super) struct NumInfo {
    pub(super) value: f64,
    pub(super) integer: bool,
    pub(super) grouped: bool,
    pub(super) long_ungrouped: bool,
}

/// Decimal numbers: optional sign, integer part (no leading zeros; thousands separators
/// allowed in groups of three), optional fraction and exponent.
pub(super) fn parse_number(s: &str) -> Option<NumInfo> {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i = 1;
    }
    let int_start = i;
    while matches!(b.get(i), Some(c) if c.is_ascii_digit() || *c == b',') {
        i += 1;
    }
    let int_part = b.get(int_start..i)?;
    let grouped = int_part.contains(&b',');
    let mut int_digits = 0usize;
    if grouped {
        for (k, group) in int_part.split(|&c| c == b',').enumerate() {
            let ok = if k == 0 {
                (1..=3).contains(&group.len()) && group.first() != Some(&b'0')
            } else {
                group.len() == 3
            };
            if !ok {
                return None;
            }
            int_digits += group.len();
        }
    } else {
        if int_part.len() > 1 && int_part.first() == Some(&b'0') {
            return None;
        }
        int_digits = int_part.len();
    }
    let mut has_dot = false;
    let mut frac_digits = 0usize;
    if b.get(i) == Some(&b'.') {
        has_dot = true;
        i += 1;
        while matches!(b.get(i), Some(c) if c.is_ascii_digit()) {
            i += 1;
            frac_digits += 1;
        }
    }
    if int_digits == 0 && frac_digits == 0 {
        return None;
    }
    let mut has_exp = false;
    if matches!(b.get(i), Some(b'e' | b'E')) {
        has_exp = true;
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let exp_start = i;
        while matches!(b.get(i), Some(c) if c.is_ascii_digit()) {
            i += 1;
        }
        if i == exp_start {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    let value = if grouped {
        s.chars()
            .filter(|&c| c != ',')
            .collect::<String>()
            .parse::<f64>()
            .ok()?
    } else {
        s.parse::<f64>().ok()?
    };
    Some(NumInfo {
        value,
        integer: !has_dot && !has_exp,
        grouped,
        long_ungrouped: !grouped && int_digits >= 4,
    })
}

fn digits_value(b: &[u8]) -> Option<u32> {
    if b.is_empty() || b.len() > 9 {
        return None;
    }
    let mut v = 0u32;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u32::from(c - b'0');
    }
    Some(v)
}

/// YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD (month/day may have one digit) or YYYYMMDD.
pub(super) fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() == 8 && b.iter().all(u8::is_ascii_digit) {
        let y = digits_value(b.get(0..4)?)?;
        if !(1000..=2999).contains(&y) {
            return None;
        }
        let m = digits_value(b.get(4..6)?)?;
        let d = digits_value(b.get(6..8)?)?;
        return NaiveDate::from_ymd_opt(y as i32, m, d);
    }
    if b.len() < 8 || b.len() > 10 {
        return None;
    }
    let sep = *b.get(4)?;
    if !matches!(sep, b'-' | b'/' | b'.') {
        return None;
    }
    let y = digits_value(b.get(0..4)?)?;
    let (m, d) = s.get(5..)?.split_once(sep as char)?;
    if m.len() > 2 || d.len() > 2 {
        return None;
    }
    let m = digits_value(m.as_bytes())?;
    let d = digits_value(d.as_bytes())?;
    NaiveDate::from_ymd_opt(y as i32, m, d)
}

/// H:MM, HH:MM, HH:MM:SS or HH:MM:SS.fff
pub(super) fn parse_time(s: &str) -> Option<NaiveTime> {
    let mut parts = s.split(':');
    let h = parts.next()?;
    let m = parts.next()?;
    let sec = parts.next();
    if parts.next().is_some() || h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let h = digits_value(h.as_bytes())?;
    let m = digits_value(m.as_bytes())?;
    let (sec, milli) = match sec {
        None => (0, 0),
        Some(sec) => {
            let (whole, frac) = match sec.split_once('.') {
                Some((w, f)) => (w, Some(f)),
                None => (sec, None),
            };
            if whole.len() != 2 {
                return None;
            }
            let whole = digits_value(whole.as_bytes())?;
            let milli = match frac {
                None => 0,
                Some(f) => {
                    if f.is_empty() || f.len() > 9 || !f.bytes().all(|c| c.is_ascii_digit()) {
                        return None;
                    }
                    let first3: String = f.chars().chain("000".chars()).take(3).collect();
                    digits_value(first3.as_bytes())?
                }
            };
            (whole, milli)
        }
    };
    NaiveTime::from_hms_milli_opt(h, m, sec, milli)
}

pub(super) fn time_key(t: NaiveTime) -> i64 {
    i64::from(t.num_seconds_from_midnight()) * 1000 + i64::from(t.nanosecond() / 1_000_000)
}

pub(super) fn date_key(d: NaiveDate) -> i64 {
    d.and_time(NaiveTime::MIN).and_utc().timestamp_millis()
}

/// Timezone suffix: Z, ±HH, ±HHMM or ±HH:MM → (rest, offset in seconds).
fn split_timezone(t: &str) -> Option<(&str, i64)> {
    if let Some(rest) = t.strip_suffix(['Z', 'z']) {
        return Some((rest.trim_end(), 0));
    }
    if let Some(idx) = t.rfind(['+', '-']) {
        if idx >= 4 {
            let (rest, tz) = t.split_at(idx);
            let sign = if tz.starts_with('-') { -1 } else { 1 };
            let tz = tz.get(1..)?.replace(':', "");
            if tz.len() != 2 && tz.len() != 4 {
                return None;
            }
            let hh = i64::from(digits_value(tz.as_bytes().get(0..2)?)?);
            let mm = match tz.as_bytes().get(2..4) {
                Some(m) => i64::from(digits_value(m)?),
                None => 0,
            };
            if hh > 23 || mm > 59 {
                return None;
            }
            return Some((rest.trim_end(), sign * (hh * 3600 + mm * 60)));
        }
    }
    Some((t, 0))
}

/// Date + time (T or space separated) with optional seconds and timezone → UTC millis.
pub(super) fn parse_datetime(s: &str) -> Option<i64> {
    let idx = s.find(['T', 't', ' '])?;
    let date = parse_date(s.get(..idx)?)?;
    let rest = s.get(idx + 1..)?.trim_start();
    let (time, offset) = split_timezone(rest)?;
    let time = parse_time(time)?;
    Some(date.and_time(time).and_utc().timestamp_millis() - offset * 1000)
}

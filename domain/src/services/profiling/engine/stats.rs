//! Per-column statistics: type candidates, nulls, min/max, distinct counts and samples.

use types::profiling::ColumnProfile;

use super::distinct::{hash64, Distinct};
use super::geo::{in_korea_lat, in_korea_lon};
use super::values::{
    date_key, is_bool, parse_date, parse_datetime, parse_number, parse_time, time_key,
    truncate_chars, T_ALL, T_BOOL, T_DATE, T_DATETIME, T_INT, T_NUM, T_TIME,
};
use super::{MAX_SAMPLES, MINMAX_CHARS, SAMPLE_CHARS};

struct MinMax<K> {
    min: Option<(K, String)>,
    max: Option<(K, String)>,
}

impl<K: Copy> MinMax<K> {
    fn new() -> Self {
        MinMax {
            min: None,
            max: None,
        }
    }

    fn update(&mut self, key: K, text: &str, less: impl Fn(&K, &K) -> bool) {
        match &self.min {
            Some((k, _)) if !less(&key, k) => {}
            _ => self.min = Some((key, truncate_chars(text, MINMAX_CHARS))),
        }
        match &self.max {
            Some((k, _)) if !less(k, &key) => {}
            _ => self.max = Some((key, truncate_chars(text, MINMAX_CHARS))),
        }
    }

    fn texts(&self) -> (Option<String>, Option<String>) {
        (
            self.min.as_ref().map(|(_, t)| t.clone()),
            self.max.as_ref().map(|(_, t)| t.clone()),
        )
    }
}

pub(super) struct ColumnStats {
    pub(super) name: String,
    geometry: bool,
    pub(super) non_null: u64,
    pub(super) last_row: u64,
    mask: u8,
    seen_grouped: bool,
    seen_long_ungrouped: bool,
    num: MinMax<f64>,
    chrono: MinMax<i64>,
    time: MinMax<i64>,
    text_min: Option<String>,
    text_max: Option<String>,
    distinct: Distinct,
    samples: Vec<String>,
    pub(super) korea_lat: u64,
    pub(super) korea_lon: u64,
    pub(super) korea_lat_range: Option<(f64, f64)>,
    pub(super) korea_lon_range: Option<(f64, f64)>,
}

fn widen(range: &mut Option<(f64, f64)>, v: f64) {
    *range = Some(match *range {
        None => (v, v),
        Some((a, b)) => (a.min(v), b.max(v)),
    });
}

impl ColumnStats {
    pub(super) fn new(name: String, geometry: bool) -> Self {
        ColumnStats {
            name,
            geometry,
            non_null: 0,
            last_row: u64::MAX,
            mask: T_ALL,
            seen_grouped: false,
            seen_long_ungrouped: false,
            num: MinMax::new(),
            chrono: MinMax::new(),
            time: MinMax::new(),
            text_min: None,
            text_max: None,
            distinct: Distinct::new(),
            samples: Vec::new(),
            korea_lat: 0,
            korea_lon: 0,
            korea_lat_range: None,
            korea_lon_range: None,
        }
    }

    /// Records a non-null value; returns its numeric value while the column may be numeric.
    pub(super) fn observe(&mut self, v: &str) -> Option<f64> {
        self.non_null += 1;
        self.distinct.insert(hash64(v.as_bytes()));
        if self.samples.len() < MAX_SAMPLES {
            let sample = truncate_chars(v, SAMPLE_CHARS);
            if !self.samples.contains(&sample) {
                self.samples.push(sample);
            }
        }
        if self.geometry {
            return None;
        }
        if self.text_min.as_deref().is_none_or(|m| v < m) {
            self.text_min = Some(truncate_chars(v, MINMAX_CHARS));
        }
        if self.text_max.as_deref().is_none_or(|m| v > m) {
            self.text_max = Some(truncate_chars(v, MINMAX_CHARS));
        }
        let mask = self.mask;
        if mask == 0 {
            return None;
        }
        let mut ok = 0u8;
        let mut number = None;
        if mask & T_BOOL != 0 && is_bool(v) {
            ok |= T_BOOL;
        }
        if mask & (T_INT | T_NUM) != 0 {
            if let Some(n) = parse_number(v) {
                ok |= T_NUM;
                if n.integer {
                    ok |= T_INT;
                }
                self.seen_grouped |= n.grouped;
                self.seen_long_ungrouped |= n.long_ungrouped;
                self.num.update(n.value, v, |a, b| a.total_cmp(b).is_lt());
                if in_korea_lat(n.value) {
                    self.korea_lat += 1;
                    widen(&mut self.korea_lat_range, n.value);
                }
                if in_korea_lon(n.value) {
                    self.korea_lon += 1;
                    widen(&mut self.korea_lon_range, n.value);
                }
                number = Some(n.value);
            }
        }
        if mask & (T_DATE | T_DATETIME) != 0 {
            if let Some(d) = parse_date(v) {
                ok |= T_DATE | T_DATETIME;
                self.chrono.update(date_key(d), v, |a, b| a < b);
            } else if let Some(k) = parse_datetime(v) {
                ok |= T_DATETIME;
                self.chrono.update(k, v, |a, b| a < b);
            }
        }
        if mask & T_TIME != 0 {
            if let Some(t) = parse_time(v) {
                ok |= T_TIME;
                self.time.update(time_key(t), v, |a, b| a < b);
            }
        }
        self.mask &= ok;
        number
    }

    fn data_type(&self) -> &'static str {
        if self.geometry {
            return "geometry";
        }
        if self.non_null == 0 {
            return "text";
        }
        let m = self.mask;
        let consistent = !(self.seen_grouped && self.seen_long_ungrouped);
        if m & T_BOOL != 0 {
            "boolean"
        } else if m & T_INT != 0 && m & T_DATE != 0 {
            // every value is an 8-digit valid date such as 20241231
            "date"
        } else if m & T_INT != 0 && consistent {
            "integer"
        } else if m & T_NUM != 0 && consistent {
            "number"
        } else if m & T_DATE != 0 {
            "date"
        } else if m & T_DATETIME != 0 {
            "datetime"
        } else if m & T_TIME != 0 {
            "time"
        } else {
            "text"
        }
    }

    pub(super) fn is_numeric(&self) -> bool {
        matches!(self.data_type(), "integer" | "number")
    }

    pub(super) fn finish(&self, rows: u64) -> ColumnProfile {
        let data_type = self.data_type();
        let (min, max) = match data_type {
            "integer" | "number" => self.num.texts(),
            "date" | "datetime" => self.chrono.texts(),
            "time" => self.time.texts(),
            "geometry" => (None, None),
            _ => (self.text_min.clone(), self.text_max.clone()),
        };
        let nulls = rows.saturating_sub(self.non_null);
        ColumnProfile {
            name: self.name.clone(),
            data_type: data_type.to_string(),
            non_null: self.non_null,
            nulls,
            null_ratio: if rows == 0 {
                0.0
            } else {
                nulls as f64 / rows as f64
            },
            min,
            max,
            distinct_estimate: self.distinct.estimate(),
            samples: self.samples.clone(),
        }
    }
}

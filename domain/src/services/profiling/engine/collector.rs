//! The collector: rows in, profile out (columns, preview rows, points, warnings).

use std::collections::HashMap;

use types::profiling::Profile;

use super::geo::{coordinate_name, in_korea_lat, in_korea_lon, valid_wgs84, PairTracker, Rng};
use super::stats::ColumnStats;
use super::values::truncate_chars;
use super::{
    MAX_COLUMNS, MAX_LISTED_WARNINGS, MAX_POINTS, PREVIEW_CELL_CHARS, PREVIEW_ROWS,
    ROW_SAMPLE_COLUMNS, SAMPLE_CHARS,
};

pub(super) struct Collector {
    pub(super) cols: Vec<ColumnStats>,
    by_name: HashMap<String, usize>,
    geometry_col: Option<usize>,
    pub(super) rows: u64,
    preview: Vec<Vec<String>>,
    cur_preview: Option<Vec<String>>,
    named_pairs: Vec<PairTracker>,
    row_samples: Vec<Vec<(u32, f64)>>,
    row_samples_seen: u64,
    cur_row_sample: Option<usize>,
    pub(super) rng: Rng,
    pub(super) warnings: Vec<String>,
    ragged: u64,
}

impl Collector {
    pub(super) fn new() -> Self {
        Collector {
            cols: Vec::new(),
            by_name: HashMap::new(),
            geometry_col: None,
            rows: 0,
            preview: Vec::new(),
            cur_preview: None,
            named_pairs: Vec::new(),
            row_samples: Vec::new(),
            row_samples_seen: 0,
            cur_row_sample: None,
            rng: Rng(0x9E37_79B9_7F4A_7C15),
            warnings: Vec::new(),
            ragged: 0,
        }
    }

    /// Columns from a header row: blank names become `column_N`, duplicates get `_2`, `_3`…
    pub(super) fn with_header(names: &[String]) -> Self {
        let mut c = Collector::new();
        for (i, raw) in names.iter().enumerate() {
            let trimmed = raw.trim();
            let base = if trimmed.is_empty() {
                format!("column_{}", i + 1)
            } else {
                truncate_chars(trimmed, SAMPLE_CHARS)
            };
            let mut name = base.clone();
            let mut k = 2;
            while c.by_name.contains_key(&name) {
                name = format!("{base}_{k}");
                k += 1;
            }
            c.by_name.insert(name.clone(), c.cols.len());
            c.cols.push(ColumnStats::new(name, false));
        }
        let find = |want_lat: bool, strong: bool| {
            c.cols
                .iter()
                .position(|col| coordinate_name(&col.name) == Some((want_lat, strong)))
        };
        let mut pairs = Vec::new();
        for strong in [true, false] {
            if let (Some(lat), Some(lon)) = (find(true, strong), find(false, strong)) {
                pairs.push(PairTracker::new(lat, lon, strong));
            }
        }
        c.named_pairs = pairs;
        c
    }

    /// The column for a GeoJSON property, created on first sight.
    pub(super) fn column_for(&mut self, name: &str) -> Option<usize> {
        if let Some(&i) = self.by_name.get(name) {
            return Some(i);
        }
        if self.cols.len() >= MAX_COLUMNS {
            return None;
        }
        let i = self.cols.len();
        self.cols.push(ColumnStats::new(name.to_string(), false));
        self.by_name.insert(name.to_string(), i);
        Some(i)
    }

    pub(super) fn geometry_column(&mut self) -> usize {
        if let Some(i) = self.geometry_col {
            return i;
        }
        let i = self.cols.len();
        self.cols
            .push(ColumnStats::new("geometry".to_string(), true));
        self.geometry_col = Some(i);
        i
    }

    pub(super) fn begin_row(&mut self) {
        if self.preview.len() < PREVIEW_ROWS {
            self.cur_preview = Some(vec![String::new(); self.cols.len()]);
        }
        for p in &mut self.named_pairs {
            p.cur = [None, None];
        }
        self.cur_row_sample = if self.row_samples.len() < MAX_POINTS {
            self.row_samples.push(Vec::new());
            Some(self.row_samples.len() - 1)
        } else {
            let j = self.rng.below(self.row_samples_seen + 1) as usize;
            match self.row_samples.get_mut(j) {
                Some(slot) => {
                    slot.clear();
                    Some(j)
                }
                None => None,
            }
        };
        self.row_samples_seen += 1;
    }

    pub(super) fn cell(&mut self, col: usize, value: Option<&str>) {
        let row = self.rows;
        let Some(stats) = self.cols.get_mut(col) else {
            return;
        };
        if stats.last_row == row {
            return; // a duplicate key in a GeoJSON properties object
        }
        stats.last_row = row;
        if let Some(p) = self.cur_preview.as_mut() {
            if p.len() <= col {
                p.resize(col + 1, String::new());
            }
            if let (Some(slot), Some(v)) = (p.get_mut(col), value) {
                *slot = truncate_chars(v, PREVIEW_CELL_CHARS);
            }
        }
        let Some(v) = value else {
            return;
        };
        let Some(x) = stats.observe(v) else {
            return;
        };
        for p in &mut self.named_pairs {
            if p.lat == col {
                p.cur[0] = Some(x);
            }
            if p.lon == col {
                p.cur[1] = Some(x);
            }
        }
        if in_korea_lat(x) || in_korea_lon(x) {
            if let Some(slot) = self
                .cur_row_sample
                .and_then(|j| self.row_samples.get_mut(j))
            {
                if slot.len() < ROW_SAMPLE_COLUMNS {
                    slot.push((col as u32, x));
                }
            }
        }
    }

    pub(super) fn end_row(&mut self) {
        for p in &mut self.named_pairs {
            if let [Some(lat), Some(lon)] = p.cur {
                p.pairs += 1;
                if valid_wgs84(lat, lon) {
                    p.valid += 1;
                    if in_korea_lat(lat) && in_korea_lon(lon) {
                        p.in_korea += 1;
                    }
                    p.sampler.add(lat, lon, &mut self.rng);
                }
            }
        }
        if let Some(p) = self.cur_preview.take() {
            self.preview.push(p);
        }
        self.rows += 1;
    }

    pub(super) fn ragged_row(&mut self, row_label: &str, cells: usize) {
        self.ragged += 1;
        if self.warnings.len() < MAX_LISTED_WARNINGS {
            let header = self.cols.len();
            self.warnings
                .push(format!("{row_label}: {cells} cells, header has {header}"));
        }
    }

    pub(super) fn finish(mut self, format: &str, encoding: Option<String>) -> Profile {
        if self.ragged > MAX_LISTED_WARNINGS as u64 {
            self.warnings.push(format!(
                "{} rows in total have a different number of cells than the header",
                self.ragged
            ));
        }
        // The geometry column goes last.
        if let Some(g) = self.geometry_col {
            if g < self.cols.len() {
                let col = self.cols.remove(g);
                self.cols.push(col);
                for row in &mut self.preview {
                    let cell = if g < row.len() {
                        row.remove(g)
                    } else {
                        String::new()
                    };
                    row.resize(self.cols.len() - 1, String::new());
                    row.push(cell);
                }
                let last = self.cols.len() - 1;
                if self.cols.iter().take(last).any(|c| c.name == "geometry") {
                    for c in self.cols.iter_mut().take(last) {
                        if c.name == "geometry" {
                            c.name = "properties.geometry".to_string();
                        }
                    }
                }
            }
        }
        let ncols = self.cols.len();
        for row in &mut self.preview {
            row.resize(ncols, String::new());
        }

        let mut lat_column = None;
        let mut lon_column = None;
        let mut points = Vec::new();
        let mut bounds = None;
        let numeric = |i: usize| self.cols.get(i).is_some_and(ColumnStats::is_numeric);
        let name = |i: usize| self.cols.get(i).map(|c| c.name.clone());
        let chosen = self.named_pairs.iter().find(|p| {
            numeric(p.lat)
                && numeric(p.lon)
                && p.valid > 0
                && p.valid * 10 >= p.pairs * 9
                && (p.strong || p.in_korea * 10 >= p.valid * 9)
        });
        if let Some(p) = chosen {
            lat_column = name(p.lat);
            lon_column = name(p.lon);
            points = p.sampler.points.clone();
            bounds = p.sampler.bounds;
        } else if self.geometry_col.is_none() {
            // Fallback: numeric columns that are ≥ 90 % inside Korea's bounding box.
            let pick = |lat: bool| {
                self.cols.iter().position(|c| {
                    let hits = if lat { c.korea_lat } else { c.korea_lon };
                    c.is_numeric() && c.non_null > 0 && hits * 10 >= c.non_null * 9
                })
            };
            if let (Some(la), Some(lo)) = (pick(true), pick(false)) {
                lat_column = name(la);
                lon_column = name(lo);
                for sample in &self.row_samples {
                    let get = |want: usize| {
                        sample
                            .iter()
                            .find(|(c, _)| *c as usize == want)
                            .map(|&(_, v)| v)
                    };
                    if let (Some(a), Some(b)) = (get(la), get(lo)) {
                        if in_korea_lat(a) && in_korea_lon(b) {
                            points.push([a, b]);
                        }
                    }
                }
                let lat_range = self.cols.get(la).and_then(|c| c.korea_lat_range);
                let lon_range = self.cols.get(lo).and_then(|c| c.korea_lon_range);
                if let (Some((a, b)), Some((c, d))) = (lat_range, lon_range) {
                    bounds = Some([[a, c], [b, d]]);
                }
            }
        }
        let rows = self.rows;
        Profile {
            format: format.to_string(),
            encoding,
            rows,
            columns: self.cols.iter().map(|c| c.finish(rows)).collect(),
            preview: self.preview,
            lat_column,
            lon_column,
            points,
            bounds,
            warnings: self.warnings,
        }
    }
}

//! XLSX: the first sheet's cells as text, streamed sparsely with caps by `services::xlsx`.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use chrono::NaiveDate;
use types::profiling::Profile;

use super::collector::Collector;
use super::values::normalize_cell;
use super::{ProfileError, MAX_COLUMNS};

fn xlsx_cell_text(cell: &calamine::Data) -> Option<String> {
    use calamine::Data;
    match cell {
        Data::Empty | Data::Error(_) => None,
        Data::Int(i) => Some(i.to_string()),
        Data::Float(f) => Some(if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
            format!("{}", *f as i64)
        } else {
            format!("{f}")
        }),
        Data::String(s) => Some(s.clone()),
        Data::Bool(b) => Some(b.to_string()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Some(s.clone()),
        Data::DateTime(dt) => {
            let v = dt.as_f64();
            if dt.is_duration() {
                let secs = (v * 86_400.0).round();
                if !secs.is_finite() {
                    return None;
                }
                let secs = secs as i64;
                return Some(format!(
                    "{}:{:02}:{:02}",
                    secs / 3600,
                    (secs % 3600).abs() / 60,
                    secs.abs() % 60
                ));
            }
            let (y, mo, d, h, mi, s, ms) = dt.to_ymd_hms_milli();
            // calamine truncates the time of day to whole seconds, and times are rarely exact
            // in binary (14:30 reads back as 14:29:59 + 1000 ms): round to the nearest second.
            let secs =
                u32::from(h) * 3600 + u32::from(mi) * 60 + u32::from(s) + u32::from(ms >= 500);
            let hms = |t: u32| format!("{:02}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60);
            if (0.0..1.0).contains(&v) {
                Some(hms(secs % 86_400))
            } else if v.fract() == 0.0 {
                Some(format!("{y:04}-{mo:02}-{d:02}"))
            } else if secs >= 86_400 {
                // Rounded up to the next midnight.
                let next = NaiveDate::from_ymd_opt(i32::from(y), u32::from(mo), u32::from(d))
                    .and_then(|date| date.succ_opt());
                Some(match next {
                    Some(next) => format!("{next} 00:00:00"),
                    None => format!("{y:04}-{mo:02}-{d:02} 23:59:59"),
                })
            } else {
                Some(format!("{y:04}-{mo:02}-{d:02} {}", hms(secs)))
            }
        }
    }
}

pub(super) fn profile_xlsx(path: &Path) -> Result<Profile, ProfileError> {
    use crate::services::xlsx::{read_first_sheet, Limits};
    use calamine::Data;
    let file = File::open(path).map_err(|e| ProfileError::io(&e))?;
    let limits = Limits {
        max_columns: MAX_COLUMNS as u32,
        ..Limits::default()
    };
    let mut collector: Option<Collector> = None;
    let mut error_cells = 0u64;
    // The table starts at the header's first column (a sheet often leaves column A empty);
    // values left of it are counted and reported, not read.
    let mut first_col = 0usize;
    let mut left_of_table = 0u64;
    let sheet = read_first_sheet(BufReader::new(file), &limits, |index, row| {
        let excel_row = u64::from(index) + 1;
        let Some(col) = collector.as_mut() else {
            first_col = row
                .iter()
                .position(|c| !matches!(c, Data::Empty))
                .unwrap_or(0);
            let header: Vec<String> = row[first_col..]
                .iter()
                .map(|c| xlsx_cell_text(c).unwrap_or_default())
                .collect();
            collector = Some(Collector::with_header(&header));
            return Ok(());
        };
        let split = first_col.min(row.len());
        left_of_table += row[..split]
            .iter()
            .filter(|c| !matches!(c, Data::Empty))
            .count() as u64;
        let row = &row[split..];
        let width = row.len();
        let ncols = col.cols.len();
        if width > ncols {
            col.ragged_row(&format!("row {excel_row}"), width);
        }
        col.begin_row();
        for j in 0..ncols {
            let cell = row.get(j).unwrap_or(&Data::Empty);
            if matches!(cell, Data::Error(_)) {
                error_cells += 1;
            }
            let text = xlsx_cell_text(cell);
            col.cell(j, text.as_deref().and_then(normalize_cell));
        }
        col.end_row();
        Ok(())
    })
    .map_err(|e| ProfileError::new(e.ko, e.en))?;
    let Some(mut col) = collector else {
        return Err(ProfileError::new(
            format!("XLSX: 첫 번째 시트 \"{}\"이(가) 비어 있습니다", sheet.name),
            format!("XLSX: the first sheet \"{}\" is empty", sheet.name),
        ));
    };
    if error_cells > 0 {
        col.warnings.push(format!(
            "{error_cells} cells contain Excel errors (#DIV/0!, #N/A, …) and were treated as null"
        ));
    }
    if left_of_table > 0 {
        col.warnings.push(format!(
            "{left_of_table} cells left of the header's first column were not read"
        ));
    }
    Ok(col.finish("xlsx", None))
}

#[cfg(test)]
#[path = "xlsx_tests.rs"]
mod tests;

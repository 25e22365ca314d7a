//! Reading an uploaded sheet (CSV in UTF-8, XLSX) into rows of text cells keyed by field.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::Data;
use types::error::AppError;
use types::transfer::field_for_header;

/// The longest catalog row accepted (all its cells together).
const MAX_RECORD_BYTES: usize = 1024 * 1024;

/// A data row: its spreadsheet row number (the header is row 1) and field -> cell text.
pub struct Row {
    pub number: usize,
    pub cells: BTreeMap<&'static str, String>,
}

/// Which format: by the file name's extension, else by the bytes (XLSX is a ZIP file).
pub fn is_xlsx(name: Option<&str>, bytes: &[u8]) -> bool {
    match name
        .and_then(|n| n.rsplit_once('.'))
        .map(|(_, e)| e.to_ascii_lowercase())
    {
        Some(e) if e == "xlsx" => true,
        Some(e) if e == "csv" => false,
        _ => bytes.starts_with(b"PK\x03\x04"),
    }
}

pub fn read(name: Option<&str>, bytes: &[u8]) -> Result<Vec<Row>, AppError> {
    let table = if is_xlsx(name, bytes) {
        xlsx_table(bytes)?
    } else {
        csv_table(bytes)?
    };
    let mut lines = table.into_iter();
    let header = lines.next().unwrap_or_default();
    let mut fields: Vec<Option<&'static str>> = Vec::new();
    for (i, h) in header.iter().enumerate() {
        if h.trim().is_empty() {
            fields.push(None);
            continue;
        }
        let f = field_for_header(h).ok_or_else(|| {
            AppError::invalid_field(
                &format!("header {}", i + 1),
                format!("1행 {}열: 알 수 없는 머리글 '{h}'", i + 1),
                format!("row 1, column {}: unknown header '{h}'", i + 1),
            )
        })?;
        if fields.contains(&Some(f)) {
            return Err(AppError::invalid_field(
                &format!("header {}", i + 1),
                format!("1행 {}열: '{h}' 머리글이 중복됩니다.", i + 1),
                format!("row 1, column {}: '{h}' appears twice.", i + 1),
            ));
        }
        fields.push(Some(f));
    }
    if !fields.contains(&Some("slug")) {
        return Err(AppError::invalid_field(
            "slug",
            "1행: 식별자(slug) 열이 필요합니다.",
            "row 1: a slug (identifier) column is required.",
        ));
    }
    Ok(lines
        .enumerate()
        .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()))
        .map(|(i, cells)| Row {
            number: i + 2,
            cells: fields
                .iter()
                .zip(cells)
                .filter_map(|(f, c)| Some(((*f)?, c)))
                .collect(),
        })
        .collect())
}

fn csv_table(bytes: &[u8]) -> Result<Vec<Vec<String>>, AppError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        AppError::invalid_field(
            "file",
            format!("파일: UTF-8 CSV가 아닙니다 ({e})"),
            format!("file: not a UTF-8 CSV ({e})"),
        )
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let mut out = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|e| {
            AppError::invalid_field(
                &format!("row {}", i + 1),
                format!("{}행: CSV를 읽을 수 없습니다 ({e})", i + 1),
                format!("row {}: unreadable CSV ({e})", i + 1),
            )
        })?;
        if rec.as_slice().len() > MAX_RECORD_BYTES {
            return Err(AppError::invalid_field(
                &format!("row {}", i + 1),
                format!(
                    "{}행이 1 MiB보다 깁니다. CSV 파일이 맞는지 확인해 주세요",
                    i + 1
                ),
                format!(
                    "row {} is longer than 1 MiB; is this really a CSV file?",
                    i + 1
                ),
            ));
        }
        out.push(
            rec.iter()
                .map(|c| crate::services::csv_safe::restore(c).to_string())
                .collect(),
        );
    }
    Ok(out)
}

/// Import sheets are catalog rows: the body is at most a few MiB, so the caps are small.
fn xlsx_table(bytes: &[u8]) -> Result<Vec<Vec<String>>, AppError> {
    use crate::services::xlsx::{read_first_sheet, Limits};
    let limits = Limits {
        max_inflated_bytes: 64 * 1024 * 1024,
        max_metadata_bytes: 32 * 1024 * 1024,
        max_columns: 200,
        max_rows: 100_000,
        max_cells: 2_000_000,
        ..Limits::default()
    };
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut header_row: Option<u32> = None;
    read_first_sheet(Cursor::new(bytes), &limits, |index, row| {
        // The header is the first row with values; blank rows after it stay (as blank rows),
        // so row numbers in messages count from the header as before.
        let position = (index - *header_row.get_or_insert(index)) as usize;
        if position > out.len() {
            out.resize(position, Vec::new());
        }
        out.push(row.iter().map(cell_text).collect());
        Ok(())
    })
    .map_err(|e| {
        AppError::invalid_field("file", format!("파일: {}", e.ko), format!("file: {}", e.en))
    })?;
    Ok(out)
}

fn cell_text(c: &Data) -> String {
    match c {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
        other => other.to_string(),
    }
}

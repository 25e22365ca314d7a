//! Data profiler: reads a CSV (UTF-8 / CP949), XLSX or GeoJSON file and proposes a data
//! dictionary (column types, null ratios, min/max, distinct counts, samples), plus preview
//! rows and sampled points for a map preview.
//!
//! Synchronous code, meant to run inside `tokio::task::spawn_blocking`. CSV and GeoJSON are
//! streamed with bounded memory (HyperLogLog registers, reservoirs and fixed-size samples);
//! XLSX is streamed sparsely, with caps, by `services::xlsx`.

mod collector;
mod csv_file;
mod distinct;
mod encoding;
mod geo;
mod geojson;
mod geometry;
mod readers;
mod stats;
mod values;
mod xlsx;

use std::fmt;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

use types::profiling::Profile;

use csv_file::profile_csv;
use geojson::profile_geojson;
use xlsx::profile_xlsx;

const MAX_COLUMNS: usize = 1000;
const MAX_CELL_BYTES: usize = 64 * 1024;
const MAX_RECORD_BYTES: u64 = 16 * 1024 * 1024;
const SNIFF_BYTES: usize = 64 * 1024;
const PREVIEW_ROWS: usize = 20;
const PREVIEW_CELL_CHARS: usize = 1000;
const MAX_POINTS: usize = 1000;
const MAX_SAMPLES: usize = 5;
const SAMPLE_CHARS: usize = 200;
const MINMAX_CHARS: usize = 200;
const MAX_LISTED_WARNINGS: usize = 10;
const PROGRESS_STEP: u64 = 1024 * 1024;
const EXACT_DISTINCT_LIMIT: usize = 1024;
/// Columns whose values are kept in the row reservoir used by the Korea-box coordinate fallback.
const ROW_SAMPLE_COLUMNS: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Csv,
    Xlsx,
    GeoJson,
}

/// From the file name's extension (.csv/.tsv/.txt → Csv, .xlsx/.xlsm → Xlsx,
/// .geojson/.json → GeoJson), else by sniffing the first bytes (PK\x03\x04 → Xlsx,
/// leading '{' (after whitespace/BOM) → GeoJson, else Csv).
pub fn detect_kind(file_name: Option<&str>, head: &[u8]) -> FileKind {
    if let Some(name) = file_name {
        if let Some((_, ext)) = name.rsplit_once('.') {
            match ext.trim().to_ascii_lowercase().as_str() {
                "csv" | "tsv" | "txt" => return FileKind::Csv,
                "xlsx" | "xlsm" => return FileKind::Xlsx,
                "geojson" | "json" => return FileKind::GeoJson,
                _ => {}
            }
        }
    }
    if head.starts_with(b"PK\x03\x04") {
        return FileKind::Xlsx;
    }
    let body = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    match body.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => FileKind::GeoJson,
        _ => FileKind::Csv,
    }
}

/// A profiling failure, explained in Korean and English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileError {
    pub message_ko: String,
    pub message_en: String,
}

impl ProfileError {
    fn new(ko: impl Into<String>, en: impl Into<String>) -> Self {
        ProfileError {
            message_ko: ko.into(),
            message_en: en.into(),
        }
    }

    fn io(e: &io::Error) -> Self {
        ProfileError::new(
            format!("파일을 읽을 수 없습니다: {e}"),
            format!("could not read the file: {e}"),
        )
    }

    fn empty() -> Self {
        ProfileError::new("빈 파일입니다", "empty file")
    }

    fn too_many_columns(what_ko: &str, what_en: &str, n: usize) -> Self {
        ProfileError::new(
            format!("{what_ko}에 열이 {n}개 있습니다 (최대 {MAX_COLUMNS}개)"),
            format!("{what_en} has {n} columns (the limit is {MAX_COLUMNS})"),
        )
    }
}

impl fmt::Display for ProfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message_en)
    }
}

impl std::error::Error for ProfileError {}

/// Profile the file at `path`. `progress(done_bytes, total_bytes)` is called at least every
/// ~1 MB and at the end.
pub fn profile_file(
    path: &Path,
    file_name: Option<&str>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Profile, ProfileError> {
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        profile_inner(path, file_name, &mut *progress)
    }));
    match outcome {
        Ok(result) => result,
        Err(_) => Err(ProfileError::new(
            "파일을 분석하는 중 내부 오류가 발생했습니다",
            "internal error while profiling the file",
        )),
    }
}

fn profile_inner(
    path: &Path,
    file_name: Option<&str>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Profile, ProfileError> {
    let mut file = File::open(path).map_err(|e| ProfileError::io(&e))?;
    let total = file.metadata().map(|m| m.len()).unwrap_or(0);
    let head = read_head(&mut file, SNIFF_BYTES)?;
    let body = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head);
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ProfileError::empty());
    }
    let path_name = path.file_name().and_then(|n| n.to_str());
    let kind = detect_kind(file_name.or(path_name), &head);
    progress(0, total);
    let profile = match kind {
        FileKind::Csv => profile_csv(file, &head, total, &mut *progress)?,
        FileKind::Xlsx => {
            drop(file);
            profile_xlsx(path)?
        }
        FileKind::GeoJson => profile_geojson(file, &head, total, &mut *progress)?,
    };
    progress(total, total);
    Ok(profile)
}

/// Reads up to `limit` bytes from the start of the file and rewinds it.
fn read_head(file: &mut File, limit: usize) -> Result<Vec<u8>, ProfileError> {
    let mut head = Vec::with_capacity(limit);
    file.by_ref()
        .take(limit as u64)
        .read_to_end(&mut head)
        .map_err(|e| ProfileError::io(&e))?;
    file.seek(SeekFrom::Start(0))
        .map_err(|e| ProfileError::io(&e))?;
    Ok(head)
}

#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;

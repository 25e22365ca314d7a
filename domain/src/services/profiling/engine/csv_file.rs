//! CSV: delimiter sniffing and the streamed scan of the records.

use std::cell::Cell;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::rc::Rc;

use types::profiling::Profile;

use super::collector::Collector;
use super::encoding::{header_sniff_text, sniff_encoding, DecodeReader, DecodeStats, TextEncoding};
use super::readers::{ProgressReader, QuoteScanner};
use super::values::normalize_cell;
use super::{ProfileError, MAX_COLUMNS};

/// The most frequent of , \t ; | in the header line (outside quotes); comma on a tie.
fn sniff_delimiter(text: &[u8]) -> u8 {
    let candidates = [b',', b'\t', b';', b'|'];
    let mut counts = [0usize; 4];
    let mut in_quotes = false;
    for &b in text {
        if b == b'"' {
            in_quotes = !in_quotes;
        } else if !in_quotes {
            if b == b'\n' || b == b'\r' {
                break;
            }
            if let Some(k) = candidates.iter().position(|&c| c == b) {
                if let Some(n) = counts.get_mut(k) {
                    *n += 1;
                }
            }
        }
    }
    let mut best = 0;
    for k in 1..candidates.len() {
        if counts.get(k) > counts.get(best) {
            best = k;
        }
    }
    candidates.get(best).copied().unwrap_or(b',')
}

pub(super) fn profile_csv(
    mut file: File,
    head: &[u8],
    total: u64,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Profile, ProfileError> {
    let whole_file = (head.len() as u64) >= total;
    let (enc, skip) = sniff_encoding(head, whole_file)?;
    let delimiter = sniff_delimiter(&header_sniff_text(head, enc, skip));
    file.seek(SeekFrom::Start(skip))
        .map_err(|e| ProfileError::io(&e))?;
    let counted = ProgressReader::new(file, skip, total, progress);
    let decode_stats = Rc::new(Cell::new(DecodeStats::default()));
    let legacy = match enc {
        TextEncoding::Utf8 => None,
        TextEncoding::EucKr => Some(encoding_rs::EUC_KR),
        TextEncoding::Utf16Le => Some(encoding_rs::UTF_16LE),
        TextEncoding::Utf16Be => Some(encoding_rs::UTF_16BE),
    };
    let source: Box<dyn Read + '_> = match legacy {
        None => Box::new(counted),
        Some(encoding) => Box::new(DecodeReader::new(
            counted,
            encoding,
            Rc::clone(&decode_stats),
        )),
    };
    let scanner = QuoteScanner::new(source, delimiter);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .buffer_capacity(64 * 1024)
        .from_reader(scanner);
    let mut record = csv::ByteRecord::new();
    let mut collector: Option<Collector> = None;
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                reader.get_ref().check_end()?;
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                return Err(match e.kind() {
                    csv::ErrorKind::Io(io) => ProfileError::io(io),
                    _ => ProfileError::new(
                        format!("{line}행: CSV를 읽을 수 없습니다: {e}"),
                        format!("line {line}: could not read the CSV: {e}"),
                    ),
                });
            }
        }
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        if record.len() > MAX_COLUMNS {
            return Err(ProfileError::too_many_columns(
                &format!("{line}행"),
                &format!("row {line}"),
                record.len(),
            ));
        }
        let Some(col) = collector.as_mut() else {
            let mut names = Vec::with_capacity(record.len());
            for field in record.iter() {
                names.push(field_text(field, line)?.trim().to_string());
            }
            collector = Some(Collector::with_header(&names));
            continue;
        };
        let ncols = col.cols.len();
        if record.len() != ncols {
            col.ragged_row(&format!("row {line}"), record.len());
        }
        col.begin_row();
        for i in 0..ncols {
            let value = match record.get(i) {
                Some(field) => normalize_cell(field_text(field, line)?),
                None => None,
            };
            col.cell(i, value);
        }
        col.end_row();
    }
    reader.get_ref().check_end()?;
    let Some(mut col) = collector else {
        return Err(ProfileError::empty());
    };
    drop(reader);
    // The sniffed head decoded cleanly (or the file would have been rejected), but bytes past
    // it may not have: the decoder counted them as it streamed.
    let stats = decode_stats.get();
    if stats.replacements > 0 {
        let line = stats.first_bad_line.unwrap_or(1);
        let name = match enc {
            TextEncoding::EucKr => "CP949 (EUC-KR)",
            _ => enc.label(),
        };
        col.warnings.push(format!(
            "line {line}: some bytes are not valid {name} and were replaced with U+FFFD \
             ({} places)",
            stats.replacements
        ));
    }
    Ok(col.finish("csv", Some(enc.label().to_string())))
}

fn field_text(field: &[u8], line: u64) -> Result<&str, ProfileError> {
    std::str::from_utf8(field).map_err(|_| {
        ProfileError::new(
            format!("{line}행: 올바른 UTF-8이 아닙니다. 파일을 UTF-8 또는 CP949로 저장해 주세요"),
            format!("line {line}: not valid UTF-8; save the file as UTF-8 or CP949"),
        )
    })
}

#[cfg(test)]
#[path = "csv_file_tests.rs"]
mod tests;

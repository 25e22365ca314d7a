//! Data profiler: reads a CSV (UTF-8 / CP949), XLSX or GeoJSON file and proposes a data
//! dictionary (column types, null ratios, min/max, distinct counts, samples), plus preview
//! rows and sampled points for a map preview.
//!
//! Synchronous code, meant to run inside `tokio::task::spawn_blocking`. CSV and GeoJSON are
//! streamed with bounded memory (HyperLogLog registers, reservoirs and fixed-size samples);
//! XLSX is streamed sparsely, with caps, by `services::xlsx`.

use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::fs::File;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::Path;
use std::rc::Rc;

use chrono::{NaiveDate, NaiveTime, Timelike};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use types::profiling::{ColumnProfile, Profile};

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

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Readers: progress reporting, CP949 decoding, quote scanning
// ---------------------------------------------------------------------------------------------

/// Counts the bytes read and reports progress every `PROGRESS_STEP` bytes.
struct ProgressReader<'a, R> {
    inner: R,
    done: u64,
    total: u64,
    next_report: u64,
    progress: &'a mut dyn FnMut(u64, u64),
}

impl<'a, R: Read> ProgressReader<'a, R> {
    fn new(inner: R, start: u64, total: u64, progress: &'a mut dyn FnMut(u64, u64)) -> Self {
        ProgressReader {
            inner,
            done: start,
            total,
            next_report: start + PROGRESS_STEP,
            progress,
        }
    }
}

impl<R: Read> Read for ProgressReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.done += n as u64;
        if self.done >= self.next_report {
            (self.progress)(self.done, self.total.max(self.done));
            self.next_report = self.done + PROGRESS_STEP;
        }
        Ok(n)
    }
}

/// What a `DecodeReader` replaced, shared with the caller (the csv reader consumes the
/// `DecodeReader` itself).
#[derive(Clone, Copy, Default)]
struct DecodeStats {
    replacements: u64,
    first_bad_line: Option<u64>,
}

/// Streams bytes in a legacy encoding (CP949/EUC-KR, UTF-16) out as UTF-8.
struct DecodeReader<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    inbuf: Vec<u8>,
    in_pos: usize,
    in_len: usize,
    outbuf: Vec<u8>,
    out_pos: usize,
    out_len: usize,
    eof: bool,
    finished: bool,
    lines: u64,
    stats: Rc<Cell<DecodeStats>>,
}

impl<R: Read> DecodeReader<R> {
    fn new(
        inner: R,
        encoding: &'static encoding_rs::Encoding,
        stats: Rc<Cell<DecodeStats>>,
    ) -> Self {
        DecodeReader {
            inner,
            decoder: encoding.new_decoder_without_bom_handling(),
            inbuf: vec![0; 32 * 1024],
            in_pos: 0,
            in_len: 0,
            outbuf: vec![0; 64 * 1024],
            out_pos: 0,
            out_len: 0,
            eof: false,
            finished: false,
            lines: 1,
            stats,
        }
    }

    fn fill(&mut self) -> io::Result<()> {
        loop {
            if self.finished {
                return Ok(());
            }
            if self.in_pos >= self.in_len && !self.eof {
                let n = loop {
                    match self.inner.read(&mut self.inbuf) {
                        Ok(n) => break n,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        Err(e) => return Err(e),
                    }
                };
                self.in_pos = 0;
                self.in_len = n;
                if n == 0 {
                    self.eof = true;
                }
            }
            let input = self.inbuf.get(self.in_pos..self.in_len).unwrap_or(&[]);
            let (result, read, written, replaced) =
                self.decoder
                    .decode_to_utf8(input, &mut self.outbuf, self.eof);
            self.in_pos += read;
            self.out_pos = 0;
            self.out_len = written;
            let out = self.outbuf.get(..written).unwrap_or(&[]);
            if replaced {
                const FFFD: &[u8] = "\u{FFFD}".as_bytes();
                let mut stats = self.stats.get();
                let count = out.windows(3).filter(|w| *w == FFFD).count().max(1);
                stats.replacements += count as u64;
                if stats.first_bad_line.is_none() {
                    let at = out.windows(3).position(|w| w == FFFD).unwrap_or(0);
                    let before = out.get(..at).unwrap_or(&[]);
                    let newlines = before.iter().filter(|&&b| b == b'\n').count() as u64;
                    stats.first_bad_line = Some(self.lines + newlines);
                }
                self.stats.set(stats);
            }
            self.lines += out.iter().filter(|&&b| b == b'\n').count() as u64;
            if self.eof && result == encoding_rs::CoderResult::InputEmpty {
                self.finished = true;
            }
            if written > 0 {
                return Ok(());
            }
        }
    }
}

impl<R: Read> Read for DecodeReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.out_pos >= self.out_len {
            self.fill()?;
        }
        let avail = self.outbuf.get(self.out_pos..self.out_len).unwrap_or(&[]);
        let n = avail.len().min(buf.len());
        if let (Some(dst), Some(src)) = (buf.get_mut(..n), avail.get(..n)) {
            dst.copy_from_slice(src);
        }
        self.out_pos += n;
        Ok(n)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum QuoteState {
    FieldStart,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

/// Follows the CSV quoting state of the (UTF-8) byte stream the csv crate reads, so that an
/// unterminated quoted field is reported (csv silently ends it at EOF) and a runaway record
/// cannot exhaust memory.
struct QuoteScanner<R> {
    inner: R,
    delimiter: u8,
    state: QuoteState,
    line: u64,
    quote_line: u64,
    offset: u64,
    record_start: u64,
    fatal: Option<ProfileError>,
}

impl<R: Read> QuoteScanner<R> {
    fn new(inner: R, delimiter: u8) -> Self {
        QuoteScanner {
            inner,
            delimiter,
            state: QuoteState::FieldStart,
            line: 1,
            quote_line: 1,
            offset: 0,
            record_start: 0,
            fatal: None,
        }
    }

    fn scan(&mut self, chunk: &[u8]) {
        let delim = self.delimiter;
        let mut state = self.state;
        let mut line = self.line;
        let mut quote_line = self.quote_line;
        let mut record_end: Option<usize> = None;
        for (i, &b) in chunk.iter().enumerate() {
            match state {
                QuoteState::FieldStart | QuoteState::Unquoted => {
                    if b == b'\n' || b == b'\r' {
                        if b == b'\n' {
                            line += 1;
                        }
                        state = QuoteState::FieldStart;
                        record_end = Some(i);
                    } else if b == delim {
                        state = QuoteState::FieldStart;
                    } else if b == b'"' && state == QuoteState::FieldStart {
                        state = QuoteState::Quoted;
                        quote_line = line;
                    } else {
                        state = QuoteState::Unquoted;
                    }
                }
                QuoteState::Quoted => {
                    if b == b'"' {
                        state = QuoteState::QuoteInQuoted;
                    } else if b == b'\n' {
                        line += 1;
                    }
                }
                QuoteState::QuoteInQuoted => {
                    if b == b'"' {
                        state = QuoteState::Quoted;
                    } else if b == delim {
                        state = QuoteState::FieldStart;
                    } else if b == b'\n' || b == b'\r' {
                        if b == b'\n' {
                            line += 1;
                        }
                        state = QuoteState::FieldStart;
                        record_end = Some(i);
                    } else {
                        state = QuoteState::Unquoted;
                    }
                }
            }
        }
        if let Some(i) = record_end {
            self.record_start = self.offset + i as u64 + 1;
        }
        self.offset += chunk.len() as u64;
        self.state = state;
        self.line = line;
        self.quote_line = quote_line;
        if self.offset - self.record_start > MAX_RECORD_BYTES && self.fatal.is_none() {
            self.fatal = Some(if state == QuoteState::Quoted {
                unterminated_quote(quote_line)
            } else {
                ProfileError::new(
                    format!("{line}행이 16 MiB보다 깁니다. CSV 파일이 맞는지 확인해 주세요"),
                    format!("line {line} is longer than 16 MiB; is this really a CSV file?"),
                )
            });
        }
    }

    fn check_end(&self) -> Result<(), ProfileError> {
        if let Some(e) = &self.fatal {
            return Err(e.clone());
        }
        if self.state == QuoteState::Quoted {
            return Err(unterminated_quote(self.quote_line));
        }
        Ok(())
    }
}

impl<R: Read> Read for QuoteScanner<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.fatal.is_some() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "record too long",
            ));
        }
        let n = self.inner.read(buf)?;
        if let Some(chunk) = buf.get(..n) {
            self.scan(chunk);
        }
        if self.fatal.is_some() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "record too long",
            ));
        }
        Ok(n)
    }
}

fn unterminated_quote(line: u64) -> ProfileError {
    ProfileError::new(
        format!("{line}행: 따옴표가 닫히지 않았습니다"),
        format!("line {line}: unterminated quoted field"),
    )
}

// ---------------------------------------------------------------------------------------------
// Value classification
// ---------------------------------------------------------------------------------------------

const T_BOOL: u8 = 1;
const T_INT: u8 = 2;
const T_NUM: u8 = 4;
const T_DATE: u8 = 8;
const T_DATETIME: u8 = 16;
const T_TIME: u8 = 32;
const T_ALL: u8 = 63;

/// Trims a cell and maps the usual null spellings to `None`.
fn normalize_cell(raw: &str) -> Option<&str> {
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

fn truncate_chars(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => s.get(..i).unwrap_or("").to_string(),
        None => s.to_string(),
    }
}

fn is_bool(s: &str) -> bool {
    const WORDS: [&str; 6] = ["true", "false", "y", "n", "yes", "no"];
    WORDS.iter().any(|w| s.eq_ignore_ascii_case(w)) || s == "예" || s == "아니오"
}

struct NumInfo {
    value: f64,
    integer: bool,
    grouped: bool,
    long_ungrouped: bool,
}

/// Decimal numbers: optional sign, integer part (no leading zeros; thousands separators
/// allowed in groups of three), optional fraction and exponent.
fn parse_number(s: &str) -> Option<NumInfo> {
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
fn parse_date(s: &str) -> Option<NaiveDate> {
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
fn parse_time(s: &str) -> Option<NaiveTime> {
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

fn time_key(t: NaiveTime) -> i64 {
    i64::from(t.num_seconds_from_midnight()) * 1000 + i64::from(t.nanosecond() / 1_000_000)
}

fn date_key(d: NaiveDate) -> i64 {
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
fn parse_datetime(s: &str) -> Option<i64> {
    let idx = s.find(['T', 't', ' '])?;
    let date = parse_date(s.get(..idx)?)?;
    let rest = s.get(idx + 1..)?.trim_start();
    let (time, offset) = split_timezone(rest)?;
    let time = parse_time(time)?;
    Some(date.and_time(time).and_utc().timestamp_millis() - offset * 1000)
}

// ---------------------------------------------------------------------------------------------
// Distinct counting (HyperLogLog, exact while small)
// ---------------------------------------------------------------------------------------------

const HLL_BITS: u32 = 12;
const HLL_M: usize = 1 << HLL_BITS;

/// 64-bit hash over 8-byte words with a murmur3 finaliser: fast even unoptimised.
fn hash64(bytes: &[u8]) -> u64 {
    const P1: u64 = 0x9E37_79B1_85EB_CA87;
    const P2: u64 = 0xC2B2_AE3D_27D4_EB4F;
    const P3: u64 = 0x1656_67B1_9E37_79F9;
    let mut h = P3 ^ (bytes.len() as u64).wrapping_mul(P1);
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        let k = u64::from_le_bytes(w)
            .wrapping_mul(P2)
            .rotate_left(31)
            .wrapping_mul(P1);
        h = (h ^ k).rotate_left(27).wrapping_mul(P1).wrapping_add(P3);
    }
    let mut w = [0u8; 8];
    for (dst, src) in w.iter_mut().zip(chunks.remainder()) {
        *dst = *src;
    }
    let k = u64::from_le_bytes(w)
        .wrapping_mul(P2)
        .rotate_left(31)
        .wrapping_mul(P1);
    h ^= k;
    h ^= h >> 33;
    h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    h ^= h >> 33;
    h = h.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    h ^ (h >> 33)
}

/// The values inserted are already well-mixed hashes.
#[derive(Default)]
struct IdentityHasher(u64);

impl Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

struct Distinct {
    registers: Vec<u8>,
    exact: Option<HashSet<u64, BuildHasherDefault<IdentityHasher>>>,
}

impl Distinct {
    fn new() -> Self {
        Distinct {
            registers: vec![0; HLL_M],
            exact: Some(HashSet::default()),
        }
    }

    fn insert(&mut self, h: u64) {
        let idx = (h >> (64 - HLL_BITS)) as usize;
        let w = (h << HLL_BITS) | (1 << (HLL_BITS - 1));
        let rho = (w.leading_zeros() + 1) as u8;
        if let Some(r) = self.registers.get_mut(idx) {
            if *r < rho {
                *r = rho;
            }
        }
        if let Some(set) = &mut self.exact {
            set.insert(h);
            if set.len() > EXACT_DISTINCT_LIMIT {
                self.exact = None;
            }
        }
    }

    fn estimate(&self) -> u64 {
        if let Some(set) = &self.exact {
            return set.len() as u64;
        }
        let m = HLL_M as f64;
        let mut sum = 0.0;
        let mut zeros = 0usize;
        for &r in &self.registers {
            sum += 1.0 / (1u64 << r.min(63)) as f64;
            if r == 0 {
                zeros += 1;
            }
        }
        let alpha = 0.7213 / (1.0 + 1.079 / m);
        let raw = alpha * m * m / sum;
        let est = if raw <= 2.5 * m && zeros > 0 {
            m * (m / zeros as f64).ln()
        } else {
            raw
        };
        if est.is_finite() && est > 0.0 {
            est.round() as u64
        } else {
            0
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Sampling
// ---------------------------------------------------------------------------------------------

/// xorshift64*: deterministic, good enough for reservoir sampling.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }
}

fn valid_wgs84(lat: f64, lon: f64) -> bool {
    lat.is_finite()
        && lon.is_finite()
        && (-90.0..=90.0).contains(&lat)
        && (-180.0..=180.0).contains(&lon)
        && !(lat == 0.0 && lon == 0.0)
}

fn in_korea_lat(v: f64) -> bool {
    (33.0..=39.0).contains(&v)
}

fn in_korea_lon(v: f64) -> bool {
    (124.0..=132.0).contains(&v)
}

/// A reservoir of up to `MAX_POINTS` [lat, lon] points plus exact bounds over all of them.
#[derive(Default)]
struct PointSampler {
    seen: u64,
    points: Vec<[f64; 2]>,
    bounds: Option<[[f64; 2]; 2]>,
}

impl PointSampler {
    fn add(&mut self, lat: f64, lon: f64, rng: &mut Rng) {
        self.bounds = Some(match self.bounds {
            None => [[lat, lon], [lat, lon]],
            Some([[a, b], [c, d]]) => [[a.min(lat), b.min(lon)], [c.max(lat), d.max(lon)]],
        });
        if self.points.len() < MAX_POINTS {
            self.points.push([lat, lon]);
        } else {
            let j = rng.below(self.seen + 1) as usize;
            if let Some(p) = self.points.get_mut(j) {
                *p = [lat, lon];
            }
        }
        self.seen += 1;
    }
}

/// Tracks a (lat, lon) column pair chosen by header name. Explicit names (위도/lat/…) are
/// trusted anywhere in the world; generic ones (y/x) only when the points lie in Korea, as
/// plain measurements named x and y are usually valid degrees too.
struct PairTracker {
    lat: usize,
    lon: usize,
    strong: bool,
    cur: [Option<f64>; 2],
    pairs: u64,
    valid: u64,
    in_korea: u64,
    sampler: PointSampler,
}

impl PairTracker {
    fn new(lat: usize, lon: usize, strong: bool) -> Self {
        PairTracker {
            lat,
            lon,
            strong,
            cur: [None, None],
            pairs: 0,
            valid: 0,
            in_korea: 0,
            sampler: PointSampler::default(),
        }
    }
}

fn coordinate_name(name: &str) -> Option<(bool, bool)> {
    // Returns (is_lat, strong)
    let lower = name.trim().to_lowercase();
    let base = lower
        .split(['(', '['])
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>();
    match base.as_str() {
        "위도" | "lat" | "latitude" => Some((true, true)),
        "y" | "ycoord" | "y_coord" | "좌표y" | "y좌표" => Some((true, false)),
        "경도" | "lon" | "lng" | "long" | "longitude" => Some((false, true)),
        "x" | "xcoord" | "x_coord" | "좌표x" | "x좌표" => Some((false, false)),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Column statistics
// ---------------------------------------------------------------------------------------------

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

struct ColumnStats {
    name: String,
    geometry: bool,
    non_null: u64,
    last_row: u64,
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
    korea_lat: u64,
    korea_lon: u64,
    korea_lat_range: Option<(f64, f64)>,
    korea_lon_range: Option<(f64, f64)>,
}

fn widen(range: &mut Option<(f64, f64)>, v: f64) {
    *range = Some(match *range {
        None => (v, v),
        Some((a, b)) => (a.min(v), b.max(v)),
    });
}

impl ColumnStats {
    fn new(name: String, geometry: bool) -> Self {
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
    fn observe(&mut self, v: &str) -> Option<f64> {
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

    fn is_numeric(&self) -> bool {
        matches!(self.data_type(), "integer" | "number")
    }

    fn finish(&self, rows: u64) -> ColumnProfile {
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

// ---------------------------------------------------------------------------------------------
// The collector: rows in, profile out
// ---------------------------------------------------------------------------------------------

struct Collector {
    cols: Vec<ColumnStats>,
    by_name: HashMap<String, usize>,
    geometry_col: Option<usize>,
    rows: u64,
    preview: Vec<Vec<String>>,
    cur_preview: Option<Vec<String>>,
    named_pairs: Vec<PairTracker>,
    row_samples: Vec<Vec<(u32, f64)>>,
    row_samples_seen: u64,
    cur_row_sample: Option<usize>,
    rng: Rng,
    warnings: Vec<String>,
    ragged: u64,
}

impl Collector {
    fn new() -> Self {
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
    fn with_header(names: &[String]) -> Self {
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
    fn column_for(&mut self, name: &str) -> Option<usize> {
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

    fn geometry_column(&mut self) -> usize {
        if let Some(i) = self.geometry_col {
            return i;
        }
        let i = self.cols.len();
        self.cols
            .push(ColumnStats::new("geometry".to_string(), true));
        self.geometry_col = Some(i);
        i
    }

    fn begin_row(&mut self) {
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

    fn cell(&mut self, col: usize, value: Option<&str>) {
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

    fn end_row(&mut self) {
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

    fn ragged_row(&mut self, row_label: &str, cells: usize) {
        self.ragged += 1;
        if self.warnings.len() < MAX_LISTED_WARNINGS {
            let header = self.cols.len();
            self.warnings
                .push(format!("{row_label}: {cells} cells, header has {header}"));
        }
    }

    fn finish(mut self, format: &str, encoding: Option<String>) -> Profile {
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

// ---------------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum TextEncoding {
    Utf8,
    EucKr,
    Utf16Le,
    Utf16Be,
}

impl TextEncoding {
    fn label(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::EucKr => "EUC-KR",
            TextEncoding::Utf16Le => "UTF-16LE",
            TextEncoding::Utf16Be => "UTF-16BE",
        }
    }
}

fn sniff_encoding(head: &[u8], whole_file: bool) -> Result<(TextEncoding, u64), ProfileError> {
    if head.starts_with(b"\xEF\xBB\xBF") {
        return Ok((TextEncoding::Utf8, 3));
    }
    if head.starts_with(b"\xFF\xFE") {
        return Ok((TextEncoding::Utf16Le, 2));
    }
    if head.starts_with(b"\xFE\xFF") {
        return Ok((TextEncoding::Utf16Be, 2));
    }
    if let Some(pos) = head.iter().position(|&b| b == 0) {
        let hint_ko = if head.starts_with(b"PK\x03\x04") {
            " (ZIP/XLSX 파일로 보입니다)"
        } else {
            ""
        };
        let hint_en = if head.starts_with(b"PK\x03\x04") {
            " (it looks like a ZIP/XLSX file)"
        } else {
            ""
        };
        return Err(ProfileError::new(
            format!(
                "텍스트(CSV) 파일이 아닙니다: {pos}번째 바이트에 이진 데이터가 있습니다{hint_ko}"
            ),
            format!("not a text (CSV) file: binary data at byte {pos}{hint_en}"),
        ));
    }
    match std::str::from_utf8(head) {
        Ok(_) => return Ok((TextEncoding::Utf8, 0)),
        Err(e) if e.error_len().is_none() && !whole_file => return Ok((TextEncoding::Utf8, 0)),
        Err(_) => {}
    }
    let mut decoder = encoding_rs::EUC_KR.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(head.len() * 2);
    let (result, read) = decoder.decode_to_string_without_replacement(head, &mut out, whole_file);
    if let encoding_rs::DecoderResult::Malformed(_, _) = result {
        let line = 1 + head
            .get(..read)
            .unwrap_or(&[])
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        return Err(ProfileError::new(
            format!(
                "{line}행: UTF-8도 CP949(EUC-KR)도 아닌 바이트가 있습니다. 텍스트(CSV) 파일이 맞는지 확인해 주세요"
            ),
            format!(
                "line {line}: the bytes are neither UTF-8 nor CP949 (EUC-KR); is this really a text (CSV) file?"
            ),
        ));
    }
    Ok((TextEncoding::EucKr, 0))
}

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

fn header_sniff_text(head: &[u8], enc: TextEncoding, skip: u64) -> Vec<u8> {
    let body = head.get(skip as usize..).unwrap_or(&[]);
    let encoding = match enc {
        TextEncoding::Utf8 | TextEncoding::EucKr => return body.to_vec(),
        TextEncoding::Utf16Le => encoding_rs::UTF_16LE,
        TextEncoding::Utf16Be => encoding_rs::UTF_16BE,
    };
    let (text, _) = encoding.decode_without_bom_handling(body);
    text.into_owned().into_bytes()
}

fn profile_csv(
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

// ---------------------------------------------------------------------------------------------
// XLSX
// ---------------------------------------------------------------------------------------------

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

fn profile_xlsx(path: &Path) -> Result<Profile, ProfileError> {
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

// ---------------------------------------------------------------------------------------------
// GeoJSON (streamed with serde visitors)
// ---------------------------------------------------------------------------------------------

struct GeoState {
    col: Collector,
    points: PointSampler,
    fatal: Option<ProfileError>,
    top_type: Option<String>,
    saw_features: bool,
    out_of_range: u64,
}

impl GeoState {
    fn fail<E: de::Error>(&mut self, e: ProfileError) -> E {
        let msg = e.message_en.clone();
        self.fatal = Some(e);
        E::custom(msg)
    }
}

fn profile_geojson(
    mut file: File,
    head: &[u8],
    total: u64,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Profile, ProfileError> {
    let skip = if head.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    file.seek(SeekFrom::Start(skip))
        .map_err(|e| ProfileError::io(&e))?;
    let reader =
        BufReader::with_capacity(64 * 1024, ProgressReader::new(file, skip, total, progress));
    let mut de = serde_json::Deserializer::from_reader(reader);
    let mut state = GeoState {
        col: Collector::new(),
        points: PointSampler::default(),
        fatal: None,
        top_type: None,
        saw_features: false,
        out_of_range: 0,
    };
    let result = TopSeed(&mut state)
        .deserialize(&mut de)
        .and_then(|()| de.end());
    if let Err(e) = result {
        if let Some(f) = state.fatal.take() {
            return Err(f);
        }
        return Err(json_error(&e));
    }
    match state.top_type.as_deref() {
        Some("FeatureCollection") => {}
        Some(other) => return Err(not_collection(other)),
        None => {
            return Err(ProfileError::new(
                "GeoJSON FeatureCollection이 아닙니다 (최상위 객체에 \"type\"이 없습니다)",
                "not a GeoJSON FeatureCollection (the top-level object has no \"type\")",
            ))
        }
    }
    if !state.saw_features {
        return Err(ProfileError::new(
            "GeoJSON FeatureCollection에 \"features\" 배열이 없습니다",
            "the GeoJSON FeatureCollection has no \"features\" array",
        ));
    }
    let mut col = state.col;
    if state.out_of_range > 0 {
        col.warnings.push(format!(
            "{} features have coordinates outside the WGS84 range (lat −90..90, lon −180..180); \
             the file may use a projected coordinate system",
            state.out_of_range
        ));
    }
    if col.rows > 0 {
        col.geometry_column();
    }
    let mut profile = col.finish("geojson", None);
    if state.points.seen > 0 {
        profile.lat_column = Some("geometry".to_string());
        profile.lon_column = Some("geometry".to_string());
        profile.points = state.points.points;
        profile.bounds = state.points.bounds;
    }
    Ok(profile)
}

fn not_collection(kind: &str) -> ProfileError {
    let kind = truncate_chars(kind, 100);
    ProfileError::new(
        format!("GeoJSON FeatureCollection이 아닙니다 (최상위 \"type\"이 \"{kind}\"입니다)"),
        format!("not a GeoJSON FeatureCollection (top-level \"type\" is \"{kind}\")"),
    )
}

fn json_error(e: &serde_json::Error) -> ProfileError {
    let (line, column) = (e.line(), e.column());
    match e.classify() {
        serde_json::error::Category::Eof => ProfileError::new(
            format!("{line}행: 파일이 중간에 끝났습니다 (GeoJSON이 잘려 있습니다)"),
            format!("line {line}: unexpected end of file (the GeoJSON is truncated)"),
        ),
        serde_json::error::Category::Io => ProfileError::new(
            format!("파일을 읽을 수 없습니다: {e}"),
            format!("could not read the file: {e}"),
        ),
        serde_json::error::Category::Syntax | serde_json::error::Category::Data => {
            ProfileError::new(
                format!("{line}행 {column}열: 올바른 GeoJSON이 아닙니다 ({e})"),
                format!("line {line}, column {column}: invalid GeoJSON ({e})"),
            )
        }
    }
}

struct TopSeed<'a>(&'a mut GeoState);

impl<'de> DeserializeSeed<'de> for TopSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl TopSeed<'_> {
    fn wrong_top<E: de::Error>(self, what_ko: &str, what_en: &str) -> E {
        self.0.fail(ProfileError::new(
            format!("GeoJSON FeatureCollection이 아닙니다 (최상위 값이 {what_ko}입니다)"),
            format!("not a GeoJSON FeatureCollection (the top-level value is {what_en})"),
        ))
    }
}

impl<'de> Visitor<'de> for TopSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a GeoJSON FeatureCollection object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let state = self.0;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "type" => {
                    let v: serde_json::Value = map.next_value()?;
                    let kind = match &v {
                        serde_json::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    if kind != "FeatureCollection" {
                        return Err(state.fail(not_collection(&kind)));
                    }
                    state.top_type = Some(kind);
                }
                "features" => {
                    map.next_value_seed(FeaturesSeed(&mut *state))?;
                    state.saw_features = true;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _seq: A) -> Result<(), A::Error> {
        Err(self.wrong_top("JSON 배열", "a JSON array"))
    }
    fn visit_str<E: de::Error>(self, _v: &str) -> Result<(), E> {
        Err(self.wrong_top("문자열", "a string"))
    }
    fn visit_i64<E: de::Error>(self, _v: i64) -> Result<(), E> {
        Err(self.wrong_top("숫자", "a number"))
    }
    fn visit_u64<E: de::Error>(self, _v: u64) -> Result<(), E> {
        Err(self.wrong_top("숫자", "a number"))
    }
    fn visit_f64<E: de::Error>(self, _v: f64) -> Result<(), E> {
        Err(self.wrong_top("숫자", "a number"))
    }
    fn visit_bool<E: de::Error>(self, _v: bool) -> Result<(), E> {
        Err(self.wrong_top("불리언", "a boolean"))
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(self.wrong_top("null", "null"))
    }
}

struct FeaturesSeed<'a>(&'a mut GeoState);

impl<'de> DeserializeSeed<'de> for FeaturesSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for FeaturesSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of GeoJSON Features")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(FeatureSeed(&mut *self.0))?.is_some() {}
        Ok(())
    }
}

struct FeatureSeed<'a>(&'a mut GeoState);

impl<'de> DeserializeSeed<'de> for FeatureSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FeatureSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a GeoJSON Feature object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let state = self.0;
        state.col.begin_row();
        let mut geometry: Option<GeomInfo> = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "properties" => map.next_value_seed(PropertiesSeed(&mut *state))?,
                "geometry" => geometry = map.next_value_seed(GeomSeed)?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let g = state.col.geometry_column();
        state
            .col
            .cell(g, geometry.as_ref().map(|g| g.kind.as_str()));
        if let Some((lat, lon)) = geometry.and_then(|g| g.bbox.center()) {
            if valid_wgs84(lat, lon) {
                state.points.add(lat, lon, &mut state.col.rng);
            } else {
                state.out_of_range += 1;
            }
        }
        state.col.end_row();
        Ok(())
    }
}

struct PropertiesSeed<'a>(&'a mut GeoState);

impl<'de> DeserializeSeed<'de> for PropertiesSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for PropertiesSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a properties object or null")
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let state = self.0;
        while let Some(key) = map.next_key::<String>()? {
            let value: serde_json::Value = map.next_value()?;
            let text = match value {
                serde_json::Value::Null => None,
                serde_json::Value::String(s) => Some(s),
                serde_json::Value::Bool(b) => Some(b.to_string()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                other => Some(other.to_string()),
            };
            let Some(idx) = state.col.column_for(&key) else {
                let feature = state.col.rows + 1;
                return Err(state.fail(ProfileError::too_many_columns(
                    &format!("{feature}번째 피처의 속성"),
                    &format!("feature {feature}"),
                    MAX_COLUMNS + 1,
                )));
            };
            state
                .col
                .cell(idx, text.as_deref().and_then(normalize_cell));
        }
        Ok(())
    }
}

#[derive(Default, Clone, Copy)]
struct BBox {
    min_lon: f64,
    min_lat: f64,
    max_lon: f64,
    max_lat: f64,
    n: u64,
}

impl BBox {
    fn add(&mut self, lon: f64, lat: f64) {
        if !lon.is_finite() || !lat.is_finite() {
            return;
        }
        if self.n == 0 {
            *self = BBox {
                min_lon: lon,
                min_lat: lat,
                max_lon: lon,
                max_lat: lat,
                n: 1,
            };
        } else {
            self.min_lon = self.min_lon.min(lon);
            self.min_lat = self.min_lat.min(lat);
            self.max_lon = self.max_lon.max(lon);
            self.max_lat = self.max_lat.max(lat);
            self.n += 1;
        }
    }

    fn merge(&mut self, other: &BBox) {
        if other.n > 0 {
            self.add(other.min_lon, other.min_lat);
            self.add(other.max_lon, other.max_lat);
        }
    }

    /// [lat, lon] of the centre.
    fn center(&self) -> Option<(f64, f64)> {
        (self.n > 0).then(|| {
            (
                (self.min_lat + self.max_lat) / 2.0,
                (self.min_lon + self.max_lon) / 2.0,
            )
        })
    }
}

struct GeomInfo {
    kind: String,
    bbox: BBox,
}

struct GeomSeed;

impl<'de> DeserializeSeed<'de> for GeomSeed {
    type Value = Option<GeomInfo>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for GeomSeed {
    type Value = Option<GeomInfo>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a GeoJSON geometry object or null")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut kind: Option<String> = None;
        let mut bbox = BBox::default();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "type" => kind = Some(map.next_value::<String>()?),
                "coordinates" => map.next_value_seed(CoordsSeed(&mut bbox))?,
                "geometries" => map.next_value_seed(GeomListSeed(&mut bbox))?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Some(GeomInfo {
            kind: truncate_chars(kind.as_deref().unwrap_or("Unknown"), 100),
            bbox,
        }))
    }
}

struct GeomListSeed<'a>(&'a mut BBox);

impl<'de> DeserializeSeed<'de> for GeomListSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for GeomListSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of geometries")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(g) = seq.next_element_seed(GeomSeed)? {
            if let Some(g) = g {
                self.0.merge(&g.bbox);
            }
        }
        Ok(())
    }
}

/// Nested coordinate arrays: every innermost array of ≥ 2 numbers is a [lon, lat] position.
struct CoordsSeed<'a>(&'a mut BBox);

impl<'de> DeserializeSeed<'de> for CoordsSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for CoordsSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("GeoJSON coordinates")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut first = [f64::NAN; 2];
        let mut n = 0usize;
        while let Some(elem) = seq.next_element_seed(CoordElemSeed(&mut *self.0))? {
            if let Some(x) = elem {
                if let Some(slot) = first.get_mut(n) {
                    *slot = x;
                }
                n += 1;
            }
        }
        if n >= 2 {
            self.0.add(first[0], first[1]);
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, _v: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _v: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _v: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _v: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _v: &str) -> Result<(), E> {
        Ok(())
    }
}

struct CoordElemSeed<'a>(&'a mut BBox);

impl<'de> DeserializeSeed<'de> for CoordElemSeed<'_> {
    type Value = Option<f64>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for CoordElemSeed<'_> {
    type Value = Option<f64>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a coordinate or an array of coordinates")
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Some(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v as f64))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v as f64))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        CoordsSeed(self.0).visit_seq(seq)?;
        Ok(None)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_bool<E: de::Error>(self, _v: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_str<E: de::Error>(self, _v: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
}

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;

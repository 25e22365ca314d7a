//! Readers around the file: progress reporting and CSV quote scanning (unterminated quotes,
//! runaway records).

use std::io::{self, Read};

use super::{ProfileError, MAX_RECORD_BYTES, PROGRESS_STEP};

/// Counts the bytes read and reports progress every `PROGRESS_STEP` bytes.
pub(super) struct ProgressReader<'a, R> {
    inner: R,
    done: u64,
    total: u64,
    next_report: u64,
    progress: &'a mut dyn FnMut(u64, u64),
}

impl<'a, R: Read> ProgressReader<'a, R> {
    pub(super) fn new(
        inner: R,
        start: u64,
        total: u64,
        progress: &'a mut dyn FnMut(u64, u64),
    ) -> Self {
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
pub(super) struct QuoteScanner<R> {
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
    pub(super) fn new(inner: R, delimiter: u8) -> Self {
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

    pub(super) fn check_end(&self) -> Result<(), ProfileError> {
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

//! Text encodings: detecting UTF-8 / CP949 (EUC-KR) / UTF-16 and streaming legacy encodings
//! out as UTF-8.

use std::cell::Cell;
use std::io::{self, Read};
use std::rc::Rc;

use super::ProfileError;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum TextEncoding {
    Utf8,
    EucKr,
    Utf16Le,
    Utf16Be,
}

impl TextEncoding {
    pub(super) fn label(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::EucKr => "EUC-KR",
            TextEncoding::Utf16Le => "UTF-16LE",
            TextEncoding::Utf16Be => "UTF-16BE",
        }
    }
}

pub(super) fn sniff_encoding(
    head: &[u8],
    whole_file: bool,
) -> Result<(TextEncoding, u64), ProfileError> {
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

pub(super) fn header_sniff_text(head: &[u8], enc: TextEncoding, skip: u64) -> Vec<u8> {
    let body = head.get(skip as usize..).unwrap_or(&[]);
    let encoding = match enc {
        TextEncoding::Utf8 | TextEncoding::EucKr => return body.to_vec(),
        TextEncoding::Utf16Le => encoding_rs::UTF_16LE,
        TextEncoding::Utf16Be => encoding_rs::UTF_16BE,
    };
    let (text, _) = encoding.decode_without_bom_handling(body);
    text.into_owned().into_bytes()
}

/// What a `DecodeReader` replaced, shared with the caller (the csv reader consumes the
/// `DecodeReader` itself).
#[derive(Clone, Copy, Default)]
pub(super) struct DecodeStats {
    pub(super) replacements: u64,
    pub(super) first_bad_line: Option<u64>,
}

/// Streams bytes in a legacy encoding (CP949/EUC-KR, UTF-16) out as UTF-8.
pub(super) struct DecodeReader<R> {
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
    pub(super) fn new(
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

#[cfg(test)]
#[path = "encoding_tests.rs"]
mod tests;

//! The one XLSX reader for every path that reads an outside workbook (profiling uploads, bulk
//! import, harvest "sheet" sources). It never builds a dense grid: calamine's `worksheet_range`
//! allocates rows × columns of the sheet's bounding box, so a 1.5 KB file with cells at `A1` and
//! `XFD1048576` asked for 512 GiB and aborted the process. Here the first sheet is streamed cell
//! by cell and handed over a row at a time, with caps on columns, rows and cells; before calamine
//! sees the archive, every member is inflated once with a byte budget, so a zip bomb is refused
//! having cost at most that budget.

use std::io::{self, Read, Seek};

use calamine::{Data, Reader, Xlsx};

/// Caps for one workbook. The defaults bound what the reader holds in memory: the shared
/// strings and styles (which calamine keeps) are at most [`Limits::max_metadata_bytes`], and a
/// row is at most [`Limits::max_columns`] cells.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Inflated bytes of all the archive's members together.
    pub max_inflated_bytes: u64,
    /// Inflated bytes of the members other than worksheets (shared strings, styles, workbook),
    /// which calamine reads whole into memory.
    pub max_metadata_bytes: u64,
    /// Members in the archive.
    pub max_entries: usize,
    /// The rightmost column a non-empty cell may be in (1-based).
    pub max_columns: u32,
    /// Rows with at least one non-empty cell.
    pub max_rows: u64,
    /// Non-empty cells.
    pub max_cells: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_inflated_bytes: 512 * 1024 * 1024,
            max_metadata_bytes: 64 * 1024 * 1024,
            max_entries: 10_000,
            max_columns: 1000,
            max_rows: 1_048_576,
            max_cells: 50_000_000,
        }
    }
}

/// Why a workbook was refused, in Korean and English, naming the place (cell, member) when
/// there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetError {
    pub ko: String,
    pub en: String,
}

impl SheetError {
    fn new(ko: impl Into<String>, en: impl Into<String>) -> Self {
        SheetError {
            ko: ko.into(),
            en: en.into(),
        }
    }
}

impl std::fmt::Display for SheetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.en)
    }
}

/// What was read: the first sheet's name and how many non-empty cells it had.
#[derive(Debug, Clone)]
pub struct SheetInfo {
    pub name: String,
    pub cells: u64,
}

/// The spreadsheet name of a cell, `(0, 0)` → `A1`.
pub fn cell_name(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut n = u64::from(col) + 1;
    while n > 0 {
        let r = ((n - 1) % 26) as u8;
        letters.push(b'A' + r);
        n = (n - 1) / 26;
    }
    letters.reverse();
    format!(
        "{}{}",
        String::from_utf8_lossy(&letters),
        u64::from(row) + 1
    )
}

/// Reads the first sheet of the workbook, calling `on_row(row_index, cells)` for each row with
/// at least one non-empty cell, in order. `row_index` is 0-based (spreadsheet row 1 is 0);
/// `cells` runs from column A to the row's last non-empty cell, empty cells as `Data::Empty`.
pub fn read_first_sheet<R: Read + Seek>(
    mut reader: R,
    limits: &Limits,
    mut on_row: impl FnMut(u32, &[Data]) -> Result<(), SheetError>,
) -> Result<SheetInfo, SheetError> {
    check_archive(&mut reader, limits)?;
    reader.rewind().map_err(|e| {
        SheetError::new(
            format!("파일을 읽을 수 없습니다: {e}"),
            format!("could not read the file: {e}"),
        )
    })?;
    let mut book: Xlsx<R> = Xlsx::new(reader).map_err(|e| {
        SheetError::new(
            format!("XLSX: 통합 문서를 열 수 없습니다: {e}"),
            format!("XLSX: could not open the workbook: {e}"),
        )
    })?;
    let Some(name) = book.sheet_names().first().cloned() else {
        return Err(SheetError::new(
            "XLSX: 통합 문서에 시트가 없습니다",
            "XLSX: the workbook has no sheets",
        ));
    };
    let unreadable = |e: calamine::XlsxError| {
        SheetError::new(
            format!("XLSX: 시트 \"{name}\"을(를) 읽을 수 없습니다: {e}"),
            format!("XLSX: could not read sheet \"{name}\": {e}"),
        )
    };
    let mut cells_reader = book.worksheet_cells_reader(&name).map_err(unreadable)?;
    let mut current: Option<u32> = None;
    let mut row: Vec<(u32, Data)> = Vec::new();
    let mut dense: Vec<Data> = Vec::new();
    let (mut rows, mut cells) = (0u64, 0u64);
    let mut flush = |index: u32, row: &mut Vec<(u32, Data)>, dense: &mut Vec<Data>| {
        row.sort_by_key(|(col, _)| *col);
        dense.clear();
        for (col, value) in row.drain(..) {
            let col = col as usize;
            if dense.len() > col {
                dense[col] = value; // the same cell twice: the last one wins, as in Excel
            } else {
                dense.resize(col, Data::Empty);
                dense.push(value);
            }
        }
        on_row(index, dense)
    };
    while let Some(cell) = cells_reader.next_cell().map_err(unreadable)? {
        let (r, c) = cell.get_position();
        let value = Data::from(cell.get_value().clone());
        if matches!(value, Data::Empty) {
            continue; // formatted but empty: takes no room
        }
        let at = cell_name(r, c);
        if u64::from(c) + 1 > u64::from(limits.max_columns) {
            return Err(SheetError::new(
                format!(
                    "XLSX: {at} 셀이 {}번째 열에 있습니다 (최대 {}열)",
                    u64::from(c) + 1,
                    limits.max_columns
                ),
                format!(
                    "XLSX: cell {at} is in column {} (the limit is {} columns)",
                    u64::from(c) + 1,
                    limits.max_columns
                ),
            ));
        }
        match current {
            Some(cur) if cur == r => {}
            Some(cur) if r < cur => {
                return Err(SheetError::new(
                    format!(
                        "XLSX: {at} 셀이 {}행 뒤에 나옵니다 (행 순서가 잘못된 파일)",
                        cur + 1
                    ),
                    format!(
                        "XLSX: cell {at} comes after row {} (rows out of order)",
                        cur + 1
                    ),
                ));
            }
            _ => {
                if let Some(cur) = current {
                    flush(cur, &mut row, &mut dense)?;
                }
                rows += 1;
                if rows > limits.max_rows {
                    return Err(SheetError::new(
                        format!(
                            "XLSX: 값이 있는 행이 {}개를 넘습니다 ({at} 셀)",
                            limits.max_rows
                        ),
                        format!(
                            "XLSX: more than {} rows with values (at cell {at})",
                            limits.max_rows
                        ),
                    ));
                }
                current = Some(r);
            }
        }
        cells += 1;
        if cells > limits.max_cells {
            return Err(SheetError::new(
                format!(
                    "XLSX: 값이 있는 셀이 {}개를 넘습니다 ({at} 셀)",
                    limits.max_cells
                ),
                format!(
                    "XLSX: more than {} cells with values (at cell {at})",
                    limits.max_cells
                ),
            ));
        }
        row.push((c, value));
    }
    if let Some(cur) = current {
        flush(cur, &mut row, &mut dense)?;
    }
    Ok(SheetInfo { name, cells })
}

/// Inflates every member once, counting bytes, before calamine opens the archive: refuses what
/// is not a ZIP file, encrypted members, too many members and more inflated bytes than the
/// limits allow (the sizes a member declares are not trusted).
fn check_archive<R: Read + Seek>(reader: &mut R, limits: &Limits) -> Result<(), SheetError> {
    let mut magic = [0u8; 4];
    let is_zip = reader.read_exact(&mut magic).is_ok() && magic == *b"PK\x03\x04";
    if !is_zip {
        return Err(SheetError::new(
            "XLSX: ZIP 형식이 아닙니다 (암호가 걸렸거나 XLSX 파일이 아닙니다)",
            "XLSX: not a ZIP archive (password-protected, or not an XLSX file)",
        ));
    }
    reader.rewind().map_err(|e| {
        SheetError::new(
            format!("파일을 읽을 수 없습니다: {e}"),
            format!("could not read the file: {e}"),
        )
    })?;
    let mut zip = zip::ZipArchive::new(&mut *reader).map_err(|e| {
        SheetError::new(
            format!("XLSX: ZIP 구조가 손상되었습니다: {e}"),
            format!("XLSX: damaged ZIP structure: {e}"),
        )
    })?;
    if zip.len() > limits.max_entries {
        return Err(SheetError::new(
            format!(
                "XLSX: 압축 파일 안의 항목이 {}개입니다 (최대 {}개)",
                zip.len(),
                limits.max_entries
            ),
            format!(
                "XLSX: the archive has {} members (the limit is {})",
                zip.len(),
                limits.max_entries
            ),
        ));
    }
    let (mut total, mut metadata) = (0u64, 0u64);
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let mut member = zip.by_index(i).map_err(|e| {
            SheetError::new(
                format!("XLSX: {}번째 항목을 열 수 없습니다: {e}", i + 1),
                format!("XLSX: could not open member {}: {e}", i + 1),
            )
        })?;
        let name = member.name().to_string();
        if member.encrypted() {
            return Err(SheetError::new(
                format!("XLSX: \"{name}\" 항목이 암호화되어 있습니다"),
                format!("XLSX: member \"{name}\" is encrypted"),
            ));
        }
        let is_sheet = name.starts_with("xl/worksheets/");
        loop {
            let n = match member.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n as u64,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(SheetError::new(
                        format!("XLSX: \"{name}\" 항목의 압축을 풀 수 없습니다: {e}"),
                        format!("XLSX: could not inflate member \"{name}\": {e}"),
                    ))
                }
            };
            total += n;
            if !is_sheet {
                metadata += n;
            }
            if total > limits.max_inflated_bytes {
                return Err(SheetError::new(
                    format!(
                        "XLSX: 압축을 풀면 {} MiB를 넘습니다 (\"{name}\" 항목에서; 압축 폭탄일 수 있습니다)",
                        limits.max_inflated_bytes >> 20
                    ),
                    format!(
                        "XLSX: inflates past {} MiB (at member \"{name}\"; a zip bomb?)",
                        limits.max_inflated_bytes >> 20
                    ),
                ));
            }
            if metadata > limits.max_metadata_bytes {
                return Err(SheetError::new(
                    format!(
                        "XLSX: 시트 외 항목(공유 문자열, 스타일)이 {} MiB를 넘습니다 (\"{name}\")",
                        limits.max_metadata_bytes >> 20
                    ),
                    format!(
                        "XLSX: the members other than sheets (shared strings, styles) inflate past {} MiB (at \"{name}\")",
                        limits.max_metadata_bytes >> 20
                    ),
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "xlsx_tests.rs"]
mod tests;

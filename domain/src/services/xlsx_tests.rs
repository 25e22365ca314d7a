use std::io::{Cursor, Write};
use std::path::PathBuf;

use calamine::Data;
use proptest::prelude::*;

use super::*;

fn hostile(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/hostile")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A workbook whose first sheet holds these `(row, col, text)` cells as inline strings, rows
/// written in the order given.
fn workbook(cells: &[(u32, u32, String)]) -> Vec<u8> {
    let mut body = String::new();
    let mut current: Option<u32> = None;
    for (r, c, text) in cells {
        if current != Some(*r) {
            if current.is_some() {
                body.push_str("</row>");
            }
            body.push_str(&format!("<row r=\"{}\">", r + 1));
            current = Some(*r);
        }
        body.push_str(&format!(
            "<c r=\"{}\" t=\"inlineStr\"><is><t>{text}</t></is></c>",
            cell_name(*r, *c)
        ));
    }
    if current.is_some() {
        body.push_str("</row>");
    }
    let sheet = format!(
        "<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>{body}</sheetData></worksheet>"
    );
    let parts = [
        ("[Content_Types].xml", "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>".to_string()),
        ("_rels/.rels", "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>".to_string()),
        ("xl/workbook.xml", "<?xml version=\"1.0\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>".to_string()),
        ("xl/_rels/workbook.xml.rels", "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>".to_string()),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in parts {
        zip.start_file(name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn read_all(bytes: &[u8], limits: &Limits) -> Result<Vec<(u32, Vec<Data>)>, SheetError> {
    let mut rows = Vec::new();
    read_first_sheet(Cursor::new(bytes), limits, |r, cells| {
        rows.push((r, cells.to_vec()));
        Ok(())
    })?;
    Ok(rows)
}

#[test]
fn cell_names() {
    assert_eq!(cell_name(0, 0), "A1");
    assert_eq!(cell_name(1, 25), "Z2");
    assert_eq!(cell_name(2, 26), "AA3");
    assert_eq!(cell_name(1_048_575, 16_383), "XFD1048576");
}

/// The file that aborted the process (calamine #693): refused at once, naming the cell.
#[test]
fn the_corners_sheet_is_refused_naming_the_far_cell() {
    let err = read_all(&hostile("corners.xlsx"), &Limits::default()).unwrap_err();
    assert!(err.en.contains("XFD1048576"), "{err}");
    assert!(err.en.contains("column 16384"), "{err}");
    assert!(err.ko.contains("XFD1048576"), "{}", err.ko);
}

#[test]
fn rows_far_apart_are_read_sparsely() {
    let rows = read_all(&hostile("far-rows.xlsx"), &Limits::default()).unwrap();
    assert_eq!(
        rows,
        vec![
            (0, vec![Data::String("name".into())]),
            (1_048_575, vec![Data::String("last".into())]),
        ]
    );
    let rows = read_all(&hostile("lying-dimension.xlsx"), &Limits::default()).unwrap();
    assert_eq!(rows.len(), 2);
}

#[test]
fn zip_bombs_are_refused_within_the_budget() {
    let err = read_all(&hostile("bomb-shared-strings.xlsx"), &Limits::default()).unwrap_err();
    assert!(err.en.contains("xl/sharedStrings.xml"), "{err}");
    assert!(err.en.contains("64 MiB"), "{err}");
    let err = read_all(&hostile("bomb-sheet.xlsx"), &Limits::default()).unwrap_err();
    assert!(err.en.contains("zip bomb"), "{err}");
    assert!(err.en.contains("512 MiB"), "{err}");
}

#[test]
fn broken_archives_get_clear_errors() {
    for (name, expect) in [
        ("truncated.xlsx", "damaged ZIP"),
        ("not-a-zip.xlsx", "damaged ZIP"),
        ("ole-header.xlsx", "not a ZIP archive"),
        ("endless-line.csv", "not a ZIP archive"),
    ] {
        let err = read_all(&hostile(name), &Limits::default()).unwrap_err();
        assert!(err.en.contains(expect), "{name}: {err}");
    }
}

#[test]
fn a_huge_cell_is_read() {
    let rows = read_all(&hostile("huge-cell.xlsx"), &Limits::default()).unwrap();
    assert_eq!(rows.len(), 2);
    assert!(matches!(&rows[1].1[0], Data::String(s) if s.len() == 8 << 20));
}

#[test]
fn the_caps_name_the_cell_that_crossed_them() {
    let cells: Vec<_> = (0..10u32).map(|r| (r, 0, format!("v{r}"))).collect();
    let small = Limits {
        max_rows: 5,
        ..Limits::default()
    };
    let err = read_all(&workbook(&cells), &small).unwrap_err();
    assert!(
        err.en.contains("more than 5 rows") && err.en.contains("A6"),
        "{err}"
    );
    let small = Limits {
        max_cells: 3,
        ..Limits::default()
    };
    let err = read_all(&workbook(&cells), &small).unwrap_err();
    assert!(
        err.en.contains("more than 3 cells") && err.en.contains("A4"),
        "{err}"
    );
}

#[test]
fn rows_out_of_order_are_refused() {
    let cells = vec![(5, 0, "a".to_string()), (2, 0, "b".to_string())];
    let err = read_all(&workbook(&cells), &Limits::default()).unwrap_err();
    assert!(
        err.en.contains("A3") && err.en.contains("out of order"),
        "{err}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any sparse sheet reads back exactly: the rows with values, in order, each cell in its
    /// column and the gaps empty; a cell past the column cap is refused by name.
    #[test]
    fn sparse_sheets_read_back_exactly(
        mut cells in proptest::collection::btree_map((0u32..1_048_576, 0u32..1200), "[a-z]{1,8}", 0..40)
    ) {
        let limits = Limits::default();
        let list: Vec<(u32, u32, String)> =
            std::mem::take(&mut cells).into_iter().map(|((r, c), t)| (r, c, t)).collect();
        let result = read_all(&workbook(&list), &limits);
        match list.iter().find(|(_, c, _)| *c >= limits.max_columns) {
            Some(_) => prop_assert!(result.unwrap_err().en.contains("limit is 1000 columns")),
            None => {
                let mut expected: Vec<(u32, Vec<Data>)> = Vec::new();
                for (r, c, t) in &list {
                    if expected.last().map(|(last, _)| last) != Some(r) {
                        expected.push((*r, Vec::new()));
                    }
                    let row = &mut expected.last_mut().unwrap().1;
                    row.resize(*c as usize, Data::Empty);
                    row.push(Data::String(t.clone()));
                }
                prop_assert_eq!(result.unwrap(), expected);
            }
        }
    }

    /// Arbitrary bytes behind a ZIP signature: an error or a result, never a panic.
    #[test]
    fn arbitrary_bytes_never_panic(tail in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let mut bytes = b"PK\x03\x04".to_vec();
        bytes.extend(tail);
        let _ = read_all(&bytes, &Limits::default());
    }

    /// A real workbook with some bytes flipped: an error or a result, never a panic.
    #[test]
    fn damaged_workbooks_never_panic(flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)) {
        let mut bytes = workbook(&[(0, 0, "name".into()), (1, 0, "x".into()), (1, 3, "y".into())]);
        for (at, b) in flips {
            let i = at.index(bytes.len());
            bytes[i] = b;
        }
        let _ = read_all(&bytes, &Limits::default());
    }
}

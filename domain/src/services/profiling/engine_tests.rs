//! Unit tests for the data profiler (`engine.rs`). Every test writes its input files to its own
//! temporary directory, which is removed when the test ends.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use types::profiling::{ColumnProfile, Profile};

use super::{detect_kind, profile_file, FileKind, ProfileError};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// A directory under the system temp dir, unique per test, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(label: &str) -> Self {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let dir = std::env::temp_dir().join(format!(
            "dongne-profiling-{label}-{}-{n}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }

    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).expect("write test file");
        path
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Profiles `path`, recording every progress call.
fn run(path: &Path, file_name: Option<&str>) -> (Result<Profile, ProfileError>, Vec<(u64, u64)>) {
    let mut calls = Vec::new();
    let result = profile_file(path, file_name, &mut |done, total| {
        calls.push((done, total))
    });
    (result, calls)
}

/// Checks the progress contract of a successful run: starts at 0, never goes backwards, the
/// total never changes and equals the file size, and the last call reports done == total.
fn check_progress(calls: &[(u64, u64)], file_len: u64) {
    assert!(!calls.is_empty(), "progress was never called");
    assert_eq!(
        calls.first(),
        Some(&(0, file_len)),
        "first progress call: {calls:?}"
    );
    assert_eq!(
        calls.last(),
        Some(&(file_len, file_len)),
        "last progress call"
    );
    for w in calls.windows(2) {
        assert!(
            w[0].0 <= w[1].0,
            "progress went backwards: {:?} then {:?}",
            w[0],
            w[1]
        );
        assert_eq!(w[0].1, w[1].1, "total changed between progress calls");
    }
    for &(done, total) in calls {
        assert!(done <= total, "done {done} > total {total}");
    }
}

/// Writes `bytes` as `name` in a fresh temp dir and profiles it; panics on error.
fn profile_bytes(name: &str, bytes: &[u8]) -> Profile {
    let dir = TempDir::new("ok");
    let path = dir.write(name, bytes);
    let (result, calls) = run(&path, Some(name));
    let profile = result.unwrap_or_else(|e| panic!("profiling {name} failed: {e:?}"));
    check_progress(&calls, bytes.len() as u64);
    profile
}

/// Writes `bytes` as `name` in a fresh temp dir and profiles it; panics if it succeeds.
fn profile_error(name: &str, bytes: &[u8]) -> ProfileError {
    let dir = TempDir::new("err");
    let path = dir.write(name, bytes);
    let (result, calls) = run(&path, Some(name));
    for w in calls.windows(2) {
        assert!(w[0].0 <= w[1].0, "progress went backwards: {calls:?}");
    }
    match result {
        Ok(p) => panic!("profiling {name} should fail, got {p:#?}"),
        Err(e) => {
            assert!(
                !e.message_ko.is_empty() && !e.message_en.is_empty(),
                "{e:?}"
            );
            assert_eq!(
                e.to_string(),
                e.message_en,
                "Display shows the English message"
            );
            e
        }
    }
}

fn col<'a>(p: &'a Profile, name: &str) -> &'a ColumnProfile {
    p.columns
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no column {name:?} in {:?}", names(p)))
}

fn names(p: &Profile) -> Vec<&str> {
    p.columns.iter().map(|c| c.name.as_str()).collect()
}

fn types(p: &Profile) -> Vec<(&str, &str)> {
    p.columns
        .iter()
        .map(|c| (c.name.as_str(), c.data_type.as_str()))
        .collect()
}

fn s(v: &str) -> Option<String> {
    Some(v.to_string())
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

fn approx(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

fn assert_point(p: [f64; 2], lat: f64, lon: f64) {
    assert!(
        approx(p[0], lat) && approx(p[1], lon),
        "point {p:?} != [{lat}, {lon}]"
    );
}

fn euc_kr(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::EUC_KR.encode(text);
    assert!(!unmappable, "test text is not representable in CP949");
    bytes.into_owned()
}

fn assert_no_coordinates(p: &Profile) {
    assert_eq!(p.lat_column, None, "lat column falsely detected");
    assert_eq!(p.lon_column, None, "lon column falsely detected");
    assert!(p.points.is_empty(), "points: {:?}", p.points);
    assert_eq!(p.bounds, None);
}

// ---------------------------------------------------------------------------------------------
// detect_kind
// ---------------------------------------------------------------------------------------------

#[test]
fn detect_kind_by_extension() {
    let cases = [
        ("data.csv", FileKind::Csv),
        ("DATA.CSV", FileKind::Csv),
        ("tab.tsv", FileKind::Csv),
        ("notes.txt", FileKind::Csv),
        ("book.xlsx", FileKind::Xlsx),
        ("macro.XLSM", FileKind::Xlsx),
        ("map.geojson", FileKind::GeoJson),
        ("map.json", FileKind::GeoJson),
        ("2024.09.인구통계.csv", FileKind::Csv),
        ("공공시설 위치.GeoJSON", FileKind::GeoJson),
    ];
    for (name, want) in cases {
        // The extension wins over content that sniffs as something else.
        assert_eq!(
            detect_kind(Some(name), b"PK\x03\x04rest"),
            want,
            "{name} (zip head)"
        );
        assert_eq!(
            detect_kind(Some(name), b"{\"type\":1}"),
            want,
            "{name} (json head)"
        );
        assert_eq!(
            detect_kind(Some(name), b"a,b\n1,2\n"),
            want,
            "{name} (csv head)"
        );
    }
}

#[test]
fn detect_kind_by_sniffing() {
    let zip = b"PK\x03\x04\x14\x00\x06\x00";
    for name in [
        None,
        Some("download"),
        Some("file.dat"),
        Some("archive.tar.gz"),
        Some(""),
    ] {
        assert_eq!(detect_kind(name, zip), FileKind::Xlsx, "{name:?}");
        assert_eq!(
            detect_kind(name, b"{\"type\": \"FeatureCollection\"}"),
            FileKind::GeoJson
        );
        assert_eq!(
            detect_kind(name, b" \r\n\t {"),
            FileKind::GeoJson,
            "{name:?}"
        );
        assert_eq!(
            detect_kind(name, b"\xEF\xBB\xBF\n{\"a\":1}"),
            FileKind::GeoJson
        );
        assert_eq!(
            detect_kind(name, b"id,name\n1,a\n"),
            FileKind::Csv,
            "{name:?}"
        );
        assert_eq!(
            detect_kind(name, b"\xEF\xBB\xBFid,name\n"),
            FileKind::Csv,
            "{name:?}"
        );
        assert_eq!(detect_kind(name, b""), FileKind::Csv, "{name:?}");
        // A top-level JSON array is not sniffed as GeoJSON.
        assert_eq!(detect_kind(name, b"[1,2]"), FileKind::Csv, "{name:?}");
        // "PK" alone is not a ZIP signature.
        assert_eq!(detect_kind(name, b"PK,name\n"), FileKind::Csv, "{name:?}");
    }
}

#[test]
fn profile_file_uses_path_extension_without_file_name_and_file_name_over_path() {
    let dir = TempDir::new("names");
    let geojson = br#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"a":1},"geometry":null}]}"#;
    // No file name: the path's extension decides.
    let path = dir.write("shapes.json", geojson);
    let (p, _) = run(&path, None);
    assert_eq!(p.expect("geojson by path").format, "geojson");
    // The given file name decides over the stored path (uploads are stored as opaque names).
    let path = dir.write("upload-1234.bin", b"a;b\n1;2\n");
    let (p, _) = run(&path, Some("original.csv"));
    let p = p.expect("csv by file name");
    assert_eq!(p.format, "csv");
    assert_eq!(names(&p), ["a", "b"]);
    // Unknown name and extension: sniffed.
    let path = dir.write("blob", geojson);
    let (p, _) = run(&path, Some("blob"));
    assert_eq!(p.expect("geojson by sniffing").format, "geojson");
}

// ---------------------------------------------------------------------------------------------
// UTF-8 CSV
// ---------------------------------------------------------------------------------------------

const NAMES: [&str; 7] = [
    "Mapo", "Jongno", "Mapo", "Gangnam", "Seocho", "Jung", "Yongsan",
];

/// The raw cells of the 25-row sample CSV (before trimming), header first.
fn sample_table() -> Vec<Vec<String>> {
    let header = [
        "id",
        "price",
        "opened",
        "updated_at",
        "active",
        "score",
        "name",
        "memo",
        "empty",
        "at",
    ];
    let mut rows = vec![strings(&header)];
    for i in 1..=25u32 {
        rows.push(vec![
            i.to_string(),
            format!("{}.{:02}", i * 100, i),
            format!("2024-{:02}-{:02}", (i % 12) + 1, i),
            format!("2024-03-{:02}T{:02}:30:00", 26 - i, i % 24),
            if i % 3 == 0 { "false" } else { "true" }.to_string(),
            if i % 4 == 0 {
                String::new()
            } else {
                (i * 3).to_string()
            },
            NAMES[(i as usize - 1) % NAMES.len()].to_string(),
            if i % 5 == 0 {
                String::new()
            } else {
                format!("  note {i}  ")
            },
            String::new(),
            format!("{:02}:{:02}", i % 24, i),
        ]);
    }
    rows
}

fn to_csv(rows: &[Vec<String>], eol: &str) -> String {
    let mut out = String::new();
    for r in rows {
        out.push_str(&r.join(","));
        out.push_str(eol);
    }
    out
}

fn check_sample_profile(p: &Profile) {
    assert_eq!(p.format, "csv");
    assert_eq!(p.encoding.as_deref(), Some("UTF-8"));
    assert_eq!(p.rows, 25);
    assert_eq!(
        types(p),
        [
            ("id", "integer"),
            ("price", "number"),
            ("opened", "date"),
            ("updated_at", "datetime"),
            ("active", "boolean"),
            ("score", "integer"),
            ("name", "text"),
            ("memo", "text"),
            ("empty", "text"),
            ("at", "time"),
        ]
    );
    assert!(p.warnings.is_empty(), "warnings: {:?}", p.warnings);
    assert_no_coordinates(p);

    let id = col(p, "id");
    assert_eq!((id.non_null, id.nulls, id.null_ratio), (25, 0, 0.0));
    // Numeric, not lexicographic, order ("9" > "25" as text).
    assert_eq!((id.min.clone(), id.max.clone()), (s("1"), s("25")));
    assert_eq!(id.distinct_estimate, 25);
    assert_eq!(id.samples, strings(&["1", "2", "3", "4", "5"]));

    let price = col(p, "price");
    assert_eq!(
        (price.min.clone(), price.max.clone()),
        (s("100.01"), s("2500.25"))
    );

    let opened = col(p, "opened");
    assert_eq!(
        (opened.min.clone(), opened.max.clone()),
        (s("2024-01-12"), s("2024-12-23"))
    );
    assert_eq!(opened.distinct_estimate, 25);

    let updated = col(p, "updated_at");
    assert_eq!(
        (updated.min.clone(), updated.max.clone()),
        (s("2024-03-01T01:30:00"), s("2024-03-25T01:30:00"))
    );

    let active = col(p, "active");
    assert_eq!(active.distinct_estimate, 2);
    assert_eq!(active.samples, strings(&["true", "false"]));

    let score = col(p, "score");
    assert_eq!((score.non_null, score.nulls), (19, 6));
    assert!(approx(score.null_ratio, 6.0 / 25.0), "{}", score.null_ratio);
    assert_eq!((score.min.clone(), score.max.clone()), (s("3"), s("75")));

    let name = col(p, "name");
    assert_eq!(
        name.samples,
        strings(&["Mapo", "Jongno", "Gangnam", "Seocho", "Jung"])
    );
    assert_eq!(name.distinct_estimate, 6);
    assert_eq!(
        (name.min.clone(), name.max.clone()),
        (s("Gangnam"), s("Yongsan"))
    );

    let memo = col(p, "memo");
    assert_eq!((memo.non_null, memo.nulls), (20, 5));
    assert!(approx(memo.null_ratio, 0.2));
    // Values are trimmed.
    assert_eq!(
        memo.samples,
        strings(&["note 1", "note 2", "note 3", "note 4", "note 6"])
    );

    let empty = col(p, "empty");
    assert_eq!(
        (empty.non_null, empty.nulls, empty.null_ratio),
        (0, 25, 1.0)
    );
    assert_eq!((empty.min.clone(), empty.max.clone()), (None, None));
    assert_eq!(empty.distinct_estimate, 0);
    assert!(empty.samples.is_empty());

    let at = col(p, "at");
    assert_eq!((at.min.clone(), at.max.clone()), (s("00:24"), s("23:23")));

    // Preview: the first 20 data rows, trimmed, nulls as "".
    let table = sample_table();
    let expected: Vec<Vec<String>> = table[1..=20]
        .iter()
        .map(|r| r.iter().map(|c| c.trim().to_string()).collect())
        .collect();
    assert_eq!(p.preview, expected);
}

#[test]
fn utf8_csv_types_nulls_ranges_samples_and_preview() {
    let csv = to_csv(&sample_table(), "\n");
    let p = profile_bytes("sample.csv", csv.as_bytes());
    check_sample_profile(&p);
}

#[test]
fn utf8_csv_with_bom_and_crlf_profiles_the_same() {
    let plain = profile_bytes("plain.csv", to_csv(&sample_table(), "\n").as_bytes());
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(to_csv(&sample_table(), "\r\n").as_bytes());
    let with_bom = profile_bytes("bom.csv", &bom);
    check_sample_profile(&with_bom);
    assert_eq!(
        with_bom.columns[0].name, "id",
        "the BOM is not part of the first header"
    );
    assert_eq!(with_bom, plain);
}

#[test]
fn csv_without_trailing_newline_and_korean_utf8() {
    let p = profile_bytes(
        "k.csv",
        "시군구,인구\n마포구,371000\n종로구,141000".as_bytes(),
    );
    assert_eq!(p.rows, 2);
    assert_eq!(types(&p), [("시군구", "text"), ("인구", "integer")]);
    assert_eq!(col(&p, "시군구").samples, strings(&["마포구", "종로구"]));
    assert_eq!(
        p.preview,
        vec![
            strings(&["마포구", "371000"]),
            strings(&["종로구", "141000"])
        ]
    );
}

#[test]
fn csv_null_spellings_are_nulls() {
    let csv = "n,t\n1,a\nNULL,null\nnull,N/A\nN/A,-\n-,\"  \"\n   ,b\n7,c\n";
    let p = profile_bytes("nulls.csv", csv.as_bytes());
    assert_eq!(p.rows, 7);
    let n = col(&p, "n");
    assert_eq!(n.data_type, "integer");
    assert_eq!((n.non_null, n.nulls), (2, 5));
    assert!(approx(n.null_ratio, 5.0 / 7.0));
    assert_eq!((n.min.clone(), n.max.clone()), (s("1"), s("7")));
    let t = col(&p, "t");
    assert_eq!((t.non_null, t.nulls), (3, 4));
    assert_eq!(t.samples, strings(&["a", "b", "c"]));
    assert_eq!(p.preview[1], strings(&["", ""]));
    assert_eq!(p.preview[4], strings(&["", ""]));
}

#[test]
fn csv_type_inference_edge_cases() {
    let header = "zip,ymd,grouped,mixed_num,bool_yn,bool_ko,dt_tz,dates_mixed_sep,exp,neg,mixed_dt";
    let rows = [
        "00123,20240131,\"1,234\",1,Y,예,2024-01-01T09:00:00Z,2024-01-05,1e3,-5,2024-01-01",
        "04567,20231201,\"12,345,678\",2.5,n,아니오,2024-01-01 10:00:00+09:00,2024/2/3,2.5E-2,-12,2024-01-02 12:00",
        "12345,19990102,999,3,yes,예,2024-01-01T00:30:00.250+0900,2024.12.25,3,7,2024-01-03T08:00:00",
    ];
    let csv = format!("{header}\n{}\n", rows.join("\n"));
    let p = profile_bytes("edge.csv", csv.as_bytes());
    assert_eq!(
        types(&p),
        [
            ("zip", "text"), // leading zeros: an identifier, not a number
            ("ymd", "date"), // 8-digit valid dates
            ("grouped", "integer"),
            ("mixed_num", "number"),
            ("bool_yn", "boolean"),
            ("bool_ko", "boolean"),
            ("dt_tz", "datetime"),
            ("dates_mixed_sep", "date"),
            ("exp", "number"),
            ("neg", "integer"),
            ("mixed_dt", "datetime"), // dates and datetimes together
        ]
    );
    let ymd = col(&p, "ymd");
    assert_eq!(
        (ymd.min.clone(), ymd.max.clone()),
        (s("19990102"), s("20240131"))
    );
    let grouped = col(&p, "grouped");
    assert_eq!(
        (grouped.min.clone(), grouped.max.clone()),
        (s("999"), s("12,345,678"))
    );
    // Timezones are honoured: 10:00+09:00 is 01:00Z, 00:30+09:00 is the previous day.
    let dt = col(&p, "dt_tz");
    assert_eq!(
        (dt.min.clone(), dt.max.clone()),
        (s("2024-01-01T00:30:00.250+0900"), s("2024-01-01T09:00:00Z"))
    );
    let dates = col(&p, "dates_mixed_sep");
    assert_eq!(
        (dates.min.clone(), dates.max.clone()),
        (s("2024-01-05"), s("2024.12.25"))
    );
    let exp = col(&p, "exp");
    assert_eq!((exp.min.clone(), exp.max.clone()), (s("2.5E-2"), s("1e3")));
    let neg = col(&p, "neg");
    assert_eq!((neg.min.clone(), neg.max.clone()), (s("-12"), s("7")));
}

#[test]
fn csv_invalid_dates_and_mixed_values_are_text() {
    let csv = "bad_date,mixed,mixed_grouping,code\n\
               2024-02-30,1,\"1,234\",A1\n\
               2024-01-01,abc,12345,B2\n";
    let p = profile_bytes("t.csv", csv.as_bytes());
    assert_eq!(
        types(&p),
        [
            ("bad_date", "text"),
            ("mixed", "text"),
            ("mixed_grouping", "text"), // "1,234" next to "12345" is not one number format
            ("code", "text"),
        ]
    );
    let mixed = col(&p, "mixed");
    assert_eq!((mixed.min.clone(), mixed.max.clone()), (s("1"), s("abc")));
}

#[test]
fn csv_header_only_and_blank_or_duplicate_header_names() {
    let p = profile_bytes("header.csv", b"a,b\n");
    assert_eq!(p.rows, 0);
    assert!(p.preview.is_empty());
    for c in &p.columns {
        assert_eq!((c.data_type.as_str(), c.non_null, c.nulls), ("text", 0, 0));
        assert_eq!(c.null_ratio, 0.0, "no rows: ratio 0, not NaN");
    }

    let p = profile_bytes("dups.csv", b"name,,name, name ,\nx,1,y,z,2\n");
    assert_eq!(
        names(&p),
        ["name", "column_2", "name_2", "name_3", "column_5"]
    );
    assert_eq!(p.preview, vec![strings(&["x", "1", "y", "z", "2"])]);
}

#[test]
fn csv_other_delimiters() {
    let p = profile_bytes("semi.csv", "a;b;c\n1;2,5;x\n3;4,5;y\n".as_bytes());
    assert_eq!(types(&p), [("a", "integer"), ("b", "text"), ("c", "text")]);
    assert_eq!(p.preview[0], strings(&["1", "2,5", "x"]));

    let p = profile_bytes("tab.tsv", "a\tb\n1,5\t2\n".as_bytes());
    assert_eq!(names(&p), ["a", "b"]);
    assert_eq!(p.preview[0], strings(&["1,5", "2"]));

    let p = profile_bytes("pipe.txt", "a|b|c\n1|2|3\n".as_bytes());
    assert_eq!(names(&p), ["a", "b", "c"]);
    assert_eq!(p.rows, 1);
}

#[test]
fn csv_ragged_rows_warn_and_are_padded_or_cut() {
    let csv = "a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n";
    let p = profile_bytes("ragged.csv", csv.as_bytes());
    assert_eq!(p.rows, 4);
    assert_eq!(names(&p), ["a", "b", "c"]);
    assert_eq!(
        p.preview,
        vec![
            strings(&["1", "2", "3"]),
            strings(&["4", "5", ""]),
            strings(&["6", "7", "8"]),
            strings(&["10", "11", "12"]),
        ]
    );
    let c = col(&p, "c");
    assert_eq!((c.non_null, c.nulls), (3, 1));
    assert_eq!((c.min.clone(), c.max.clone()), (s("3"), s("12")));
    assert_eq!(p.warnings.len(), 2, "{:?}", p.warnings);
    assert!(
        p.warnings[0].contains("row 3") && p.warnings[0].contains("2 cells"),
        "{:?}",
        p.warnings
    );
    assert!(
        p.warnings[1].contains("row 4") && p.warnings[1].contains("4 cells"),
        "{:?}",
        p.warnings
    );
    assert!(p.warnings.iter().all(|w| w.contains("header has 3")));
}

#[test]
fn csv_many_ragged_rows_list_ten_and_a_total() {
    let mut csv = String::from("a,b\n");
    for i in 0..25 {
        let _ = writeln!(csv, "{i}");
    }
    let p = profile_bytes("ragged.csv", csv.as_bytes());
    assert_eq!(p.rows, 25);
    assert_eq!(p.warnings.len(), 11, "{:?}", p.warnings);
    assert!(p.warnings[0].contains("row 2"));
    assert!(p.warnings[10].contains("25 rows"), "{:?}", p.warnings[10]);
    assert_eq!(col(&p, "b").nulls, 25);
}

#[test]
fn csv_quoted_fields_with_newlines_delimiters_and_quotes() {
    let csv = "id,comment,n\n\
               1,\"line one\nline two\",10\n\
               2,\"say \"\"hi\"\", ok\",20\n\
               3,\"multi\r\n\r\nparagraph\",30\n\
               4,plain\n";
    let p = profile_bytes("quoted.csv", csv.as_bytes());
    assert_eq!(p.rows, 4);
    assert_eq!(
        col(&p, "comment").samples,
        strings(&[
            "line one\nline two",
            "say \"hi\", ok",
            "multi\r\n\r\nparagraph",
            "plain"
        ])
    );
    assert_eq!(p.preview[0], strings(&["1", "line one\nline two", "10"]));
    assert_eq!(col(&p, "n").data_type, "integer");
    // The short last record starts on physical line 8 (after the embedded line breaks).
    assert_eq!(p.warnings.len(), 1, "{:?}", p.warnings);
    assert!(p.warnings[0].starts_with("row 8:"), "{:?}", p.warnings);
}

#[test]
fn csv_unterminated_quote_is_an_error_with_its_line() {
    let e = profile_error("open.csv", b"a,b\n1,2\n3,\"never closed\n4,5\n6,7\n");
    assert!(
        e.message_en.contains("line 3") && e.message_en.contains("unterminated"),
        "{e:?}"
    );
    assert!(e.message_ko.contains("3행"), "{e:?}");
}

#[test]
fn csv_utf16_with_bom_is_decoded() {
    let text = "이름,값\n가나다,1\n라마바,2\n";
    let mut bytes = b"\xFF\xFE".to_vec();
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    let p = profile_bytes("u16.csv", &bytes);
    assert_eq!(p.encoding.as_deref(), Some("UTF-16LE"));
    assert_eq!(types(&p), [("이름", "text"), ("값", "integer")]);
    assert_eq!(
        p.preview,
        vec![strings(&["가나다", "1"]), strings(&["라마바", "2"])]
    );
}

// ---------------------------------------------------------------------------------------------
// CP949 / EUC-KR CSV
// ---------------------------------------------------------------------------------------------

#[test]
fn euc_kr_csv_with_korean_headers_and_values() {
    // 똠 and 햏 exist only in CP949's extension, not in strict EUC-KR (KS X 1001).
    let text = "시군구,행정동,인구,개설일,비고\r\n\
                마포구,망원동,35000,2020-01-01,\"똠방각하, 햏\"\r\n\
                종로구,청운효자동,12000,2019-05-05,\r\n\
                강남구,역삼1동,,2021-11-30,주민센터\r\n";
    let bytes = euc_kr(text);
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the test file must not be UTF-8"
    );
    let p = profile_bytes("cp949.csv", &bytes);
    assert_eq!(p.encoding.as_deref(), Some("EUC-KR"));
    assert_eq!(p.rows, 3);
    assert_eq!(
        types(&p),
        [
            ("시군구", "text"),
            ("행정동", "text"),
            ("인구", "integer"),
            ("개설일", "date"),
            ("비고", "text"),
        ]
    );
    assert_eq!(
        col(&p, "시군구").samples,
        strings(&["마포구", "종로구", "강남구"])
    );
    assert_eq!(col(&p, "행정동").min, s("망원동"));
    assert_eq!(col(&p, "행정동").max, s("청운효자동"));
    assert_eq!(col(&p, "인구").nulls, 1);
    assert_eq!(
        col(&p, "비고").samples,
        strings(&["똠방각하, 햏", "주민센터"])
    );
    assert_eq!(
        p.preview[0],
        strings(&["마포구", "망원동", "35000", "2020-01-01", "똠방각하, 햏"])
    );
    assert!(p.warnings.is_empty(), "warnings: {:?}", p.warnings);
}

/// Builds a CP949 CSV larger than the 64 KiB sniffing window whose window boundary falls in
/// the middle of a two-byte character.
fn big_euc_kr_csv(extra_last_row: &[u8]) -> (Vec<u8>, u64) {
    const WINDOW: usize = 64 * 1024;
    for pad in 0..2 {
        let mut text = format!("번호,{}설명\n", "x".repeat(pad));
        let mut rows = 0u64;
        while text.len() < WINDOW * 2 {
            rows += 1;
            let _ = writeln!(
                text,
                "{rows},가나다라마바사아자차카타파하 동네 데이터 {rows}번"
            );
        }
        let mut bytes = euc_kr(&text);
        // Is WINDOW a character boundary? Walk the CP949 byte stream.
        let mut i = 0;
        while i < WINDOW {
            i += if bytes[i] < 0x80 { 1 } else { 2 };
        }
        if i != WINDOW {
            bytes.extend_from_slice(extra_last_row);
            let extra_rows = extra_last_row.iter().filter(|&&b| b == b'\n').count() as u64;
            return (bytes, rows + extra_rows);
        }
    }
    unreachable!("one of the paddings splits a character at the window boundary");
}

#[test]
fn euc_kr_csv_larger_than_the_sniff_window() {
    let (bytes, rows) = big_euc_kr_csv(&euc_kr("9999999,마지막 행 똠\n"));
    let p = profile_bytes("big-cp949.csv", &bytes);
    assert_eq!(p.encoding.as_deref(), Some("EUC-KR"));
    assert_eq!(p.rows, rows);
    assert_eq!(col(&p, "번호").data_type, "integer");
    assert_eq!(col(&p, "번호").max, s("9999999"));
    let desc = p.columns[1].name.clone();
    assert!(desc.ends_with("설명"), "{desc}");
    assert_eq!(col(&p, &desc).max, s("마지막 행 똠"));
    assert_eq!(
        col(&p, &desc).min,
        s("가나다라마바사아자차카타파하 동네 데이터 1000번")
    );
    assert_eq!(
        col(&p, &desc).samples[0],
        "가나다라마바사아자차카타파하 동네 데이터 1번"
    );
    // A valid file: the window boundary inside a character is not an encoding problem.
    assert!(p.warnings.is_empty(), "warnings: {:?}", p.warnings);
}

#[test]
fn euc_kr_invalid_bytes_after_the_sniff_window_are_reported() {
    let mut last = euc_kr("8888888,깨진 ");
    last.extend_from_slice(b"\xFF\xFF");
    last.extend_from_slice(&euc_kr(" 바이트\n"));
    let (bytes, rows) = big_euc_kr_csv(&last);
    let p = profile_bytes("bad-cp949.csv", &bytes);
    assert_eq!(p.encoding.as_deref(), Some("EUC-KR"));
    assert_eq!(p.rows, rows);
    assert_eq!(p.warnings.len(), 1, "warnings: {:?}", p.warnings);
    assert!(p.warnings[0].contains("CP949"), "{:?}", p.warnings);
    assert!(
        p.warnings[0].contains(&format!("line {}", rows + 1)),
        "the warning names the line: {:?}",
        p.warnings
    );
}

#[test]
fn csv_neither_utf8_nor_cp949_is_an_error_with_its_line() {
    let mut bytes = euc_kr("이름,값\n가,1\n");
    bytes.extend_from_slice(b"\xFF\xFE\xFF,2\n");
    let e = profile_error("bad.csv", &bytes);
    assert!(
        e.message_en.contains("line 3") && e.message_en.contains("CP949"),
        "{e:?}"
    );
    assert!(e.message_ko.contains("3행"), "{e:?}");
}

#[test]
fn binary_file_named_csv_is_an_error() {
    let e = profile_error("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR");
    assert!(e.message_en.contains("not a text (CSV) file"), "{e:?}");
    assert!(e.message_en.contains("byte 8"), "{e:?}");
}

// ---------------------------------------------------------------------------------------------
// Coordinates
// ---------------------------------------------------------------------------------------------

const SEOUL: (f64, f64) = (37.5665, 126.978);
const BUSAN: (f64, f64) = (35.1796, 129.0756);
const JEJU: (f64, f64) = (33.4996, 126.5312);
const GANGNEUNG: (f64, f64) = (37.7519, 128.8761);

#[test]
fn lat_lon_by_korean_header_names() {
    let csv = format!(
        "시설명,위도,경도,인원\n\
         시청,{},{},10\n\
         부산역,{},{},20\n\
         제주공항,{},{},30\n\
         강릉역,{},{},40\n\
         미상,,,50\n",
        SEOUL.0, SEOUL.1, BUSAN.0, BUSAN.1, JEJU.0, JEJU.1, GANGNEUNG.0, GANGNEUNG.1
    );
    let p = profile_bytes("places.csv", csv.as_bytes());
    assert_eq!(p.lat_column.as_deref(), Some("위도"));
    assert_eq!(p.lon_column.as_deref(), Some("경도"));
    assert_eq!(col(&p, "위도").data_type, "number");
    assert_eq!(p.points.len(), 4);
    for (point, want) in p.points.iter().zip([SEOUL, BUSAN, JEJU, GANGNEUNG]) {
        assert_point(*point, want.0, want.1);
    }
    assert_eq!(p.bounds, Some([[JEJU.0, JEJU.1], [GANGNEUNG.0, BUSAN.1]]));
}

#[test]
fn lat_lon_header_name_variants() {
    let variants = [
        ("lat", "lon"),
        ("LAT", "LNG"),
        ("Latitude", "Longitude"),
        ("latitude (WGS84)", "longitude (WGS84)"),
        ("위도[도]", "경도[도]"),
        ("lat", "long"),
        ("y", "x"),
        ("Y", "X"),
        ("ycoord", "xcoord"),
        ("Y_COORD", "X_COORD"),
        ("Y좌표", "X좌표"),
        ("좌표Y", "좌표X"),
    ];
    for (lat, lon) in variants {
        // Longitude first, and an unrelated numeric column in between.
        let csv = format!(
            "{lon},count,{lat}\n{},1,{}\n{},2,{}\n",
            SEOUL.1, SEOUL.0, BUSAN.1, BUSAN.0
        );
        let p = profile_bytes("v.csv", csv.as_bytes());
        assert_eq!(p.lat_column.as_deref(), Some(lat), "{lat}/{lon}");
        assert_eq!(p.lon_column.as_deref(), Some(lon), "{lat}/{lon}");
        assert_eq!(p.points.len(), 2, "{lat}/{lon}");
        assert_point(p.points[0], SEOUL.0, SEOUL.1);
        assert_eq!(
            p.bounds,
            Some([[BUSAN.0, SEOUL.1], [SEOUL.0, BUSAN.1]]),
            "{lat}/{lon}"
        );
    }
}

#[test]
fn named_lat_lon_are_preferred_over_x_y() {
    // x/y hold projected metres here; lat/lon hold degrees.
    let csv = format!(
        "x,y,lat,lon\n198000.5,451000.25,{},{}\n389000.1,186000.9,{},{}\n",
        SEOUL.0, SEOUL.1, BUSAN.0, BUSAN.1
    );
    let p = profile_bytes("both.csv", csv.as_bytes());
    assert_eq!(p.lat_column.as_deref(), Some("lat"));
    assert_eq!(p.lon_column.as_deref(), Some("lon"));
    assert_eq!(p.points.len(), 2);
}

#[test]
fn points_are_capped_at_1000_and_bounds_cover_every_row() {
    let mut csv = String::from("id,lat,lon\n");
    for i in 0..5000u32 {
        let lat = 34.0 + f64::from(i) * 0.0008; // 34.0000 ..= 37.9992, growing
        let lon = 127.0 + f64::from(i % 250) * 0.004; // 127.000 ..= 127.996
        let _ = writeln!(csv, "{i},{lat:.4},{lon:.3}");
    }
    // The extremes come late, after the reservoir is full.
    csv.push_str("5000,33.11,126.1\n5001,38.6,131.87\n");
    let p = profile_bytes("many.csv", csv.as_bytes());
    assert_eq!(p.rows, 5002);
    assert_eq!(p.lat_column.as_deref(), Some("lat"));
    assert_eq!(p.points.len(), 1000);
    for &[lat, lon] in &p.points {
        assert!(
            (33.11..=38.6).contains(&lat) && (126.1..=131.87).contains(&lon),
            "{lat},{lon}"
        );
    }
    // A uniform sample of all rows, not just the first 1000 (whose latitudes are < 34.8).
    let late = p.points.iter().filter(|&&[lat, _]| lat >= 34.8).count();
    assert!(
        late > 600,
        "only {late} of 1000 points come from rows after the first 1000"
    );
    assert_eq!(p.bounds, Some([[33.11, 126.1], [38.6, 131.87]]));
}

#[test]
fn invalid_and_null_island_coordinates_are_skipped() {
    let csv = format!(
        "lat,lon\n{},{}\n0,0\n{},{}\n,\n{},{}\n{},{}\n{},{}\n{},{}\n{},{}\n{},{}\n{},{}\n",
        SEOUL.0,
        SEOUL.1,
        BUSAN.0,
        BUSAN.1,
        JEJU.0,
        JEJU.1,
        SEOUL.0,
        SEOUL.1,
        BUSAN.0,
        BUSAN.1,
        JEJU.0,
        JEJU.1,
        SEOUL.0,
        SEOUL.1,
        BUSAN.0,
        BUSAN.1,
        GANGNEUNG.0,
        GANGNEUNG.1
    );
    let p = profile_bytes("island.csv", csv.as_bytes());
    assert_eq!(p.lat_column.as_deref(), Some("lat"));
    assert_eq!(p.points.len(), 9, "(0, 0) and the empty row are not points");
    assert!(p.points.iter().all(|&[lat, lon]| lat != 0.0 && lon != 0.0));
    assert_eq!(p.bounds, Some([[JEJU.0, JEJU.1], [GANGNEUNG.0, BUSAN.1]]));
}

#[test]
fn mostly_invalid_named_coordinates_are_not_used() {
    let mut csv = String::from("lat,lon\n");
    for _ in 0..8 {
        csv.push_str("0,0\n");
    }
    let _ = writeln!(csv, "{},{}", SEOUL.0, SEOUL.1);
    let p = profile_bytes("zeros.csv", csv.as_bytes());
    assert_no_coordinates(&p);
}

#[test]
fn projected_x_y_are_not_taken_for_wgs84() {
    // EPSG:5186 metres, as in many Korean public data sets.
    let csv = "명칭,X,Y\n가,198327.51,451721.33\n나,201522.87,447813.04\n다,386321.2,185912.8\n";
    let p = profile_bytes("tm.csv", csv.as_bytes());
    assert_eq!(col(&p, "X").data_type, "number");
    assert_no_coordinates(&p);
}

#[test]
fn ordinary_numeric_columns_are_not_coordinates() {
    let mut csv = String::from("연도,인구,면적,나이,금액,비율\n");
    for i in 0..200u32 {
        let _ = writeln!(
            csv,
            "{},{},{:.2},{},{},{:.3}",
            2000 + i % 25,
            10_000 + i * 37,
            12.5 + f64::from(i) * 0.3,
            20 + i % 60,
            1000 * (i + 1),
            f64::from(i) / 200.0
        );
    }
    let p = profile_bytes("stats.csv", csv.as_bytes());
    assert!(p
        .columns
        .iter()
        .all(|c| c.data_type == "integer" || c.data_type == "number"));
    assert_no_coordinates(&p);
}

#[test]
fn ordinary_x_y_columns_are_not_coordinates() {
    // A chart-like table: "x" and "y" are plain measurements, valid as degrees but nowhere
    // near Korea.
    let mut csv = String::from("x,y\n");
    for i in 1..=60u32 {
        let _ = writeln!(csv, "{i},{}", (i * 7) % 80 + 1);
    }
    let p = profile_bytes("chart.csv", csv.as_bytes());
    assert_eq!(types(&p), [("x", "integer"), ("y", "integer")]);
    assert_no_coordinates(&p);
}

#[test]
fn lat_lon_outside_korea_by_explicit_names_are_kept() {
    // Explicit latitude/longitude names are trusted anywhere in the world.
    let p = profile_bytes("nyc.csv", b"lat,lon\n40.7128,-74.006\n51.5072,-0.1276\n");
    assert_eq!(p.lat_column.as_deref(), Some("lat"));
    assert_eq!(p.bounds, Some([[40.7128, -74.006], [51.5072, -0.1276]]));
}

#[test]
fn unnamed_coordinates_inside_korea_are_found_by_value_range() {
    let mut csv = String::from("id,좌표1,좌표2,인구\n");
    for i in 0..3000u32 {
        let lat = 34.0 + f64::from(i % 400) * 0.01; // 34.00 ..= 37.99
        let lon = 126.0 + f64::from(i % 300) * 0.01; // 126.00 ..= 128.99
        let _ = writeln!(csv, "{i},{lat:.2},{lon:.2},{}", 1000 + i);
    }
    let p = profile_bytes("unnamed.csv", csv.as_bytes());
    assert_eq!(p.lat_column.as_deref(), Some("좌표1"));
    assert_eq!(p.lon_column.as_deref(), Some("좌표2"));
    assert_eq!(p.points.len(), 1000);
    for &[lat, lon] in &p.points {
        assert!((34.0..=37.99).contains(&lat) && (126.0..=128.99).contains(&lon));
    }
    assert_eq!(p.bounds, Some([[34.0, 126.0], [37.99, 128.99]]));
}

#[test]
fn swapped_lat_lon_headers_are_resolved_by_value_range() {
    // The columns are labelled the wrong way round.
    let csv = format!(
        "위도,경도\n{},{}\n{},{}\n{},{}\n",
        SEOUL.1, SEOUL.0, BUSAN.1, BUSAN.0, JEJU.1, JEJU.0
    );
    let p = profile_bytes("swapped.csv", csv.as_bytes());
    assert_eq!(p.lat_column.as_deref(), Some("경도"));
    assert_eq!(p.lon_column.as_deref(), Some("위도"));
    assert_eq!(p.points.len(), 3);
    assert_point(p.points[0], SEOUL.0, SEOUL.1);
    assert_eq!(p.bounds, Some([[JEJU.0, JEJU.1], [SEOUL.0, BUSAN.1]]));
}

// ---------------------------------------------------------------------------------------------
// Distinct counts
// ---------------------------------------------------------------------------------------------

#[test]
fn distinct_estimates_are_within_five_percent_for_large_cardinalities() {
    let mut csv = String::from("cat,uniq,repeated\n");
    for i in 0..50_000u32 {
        let _ = writeln!(csv, "c{},{},v{}", i % 10_000, i * 7 + 3, (i * 7919) % 2000);
    }
    let p = profile_bytes("distinct.csv", csv.as_bytes());
    assert_eq!(p.rows, 50_000);
    for (name, want) in [("cat", 10_000.0), ("uniq", 50_000.0), ("repeated", 2000.0)] {
        let got = col(&p, name).distinct_estimate as f64;
        let err = (got - want).abs() / want;
        assert!(
            err <= 0.05,
            "{name}: estimate {got} for {want} distinct ({:.1}%)",
            err * 100.0
        );
    }
}

#[test]
fn distinct_counts_are_exact_for_small_cardinalities() {
    let cards = [1u32, 2, 7, 100, 1000, 1024];
    let mut csv = cards
        .iter()
        .map(|c| format!("c{c}"))
        .collect::<Vec<_>>()
        .join(",");
    csv.push('\n');
    for i in 0..3000u32 {
        let row: Vec<String> = cards.iter().map(|c| format!("value-{}", i % c)).collect();
        let _ = writeln!(csv, "{}", row.join(","));
    }
    let p = profile_bytes("small.csv", csv.as_bytes());
    for c in cards {
        assert_eq!(
            col(&p, &format!("c{c}")).distinct_estimate,
            u64::from(c),
            "c{c}"
        );
    }
    // Nulls do not count as a value.
    let p = profile_bytes("n.csv", b"a\nx\n\nNULL\nx\ny\n");
    assert_eq!(col(&p, "a").distinct_estimate, 2);
}

// ---------------------------------------------------------------------------------------------
// XLSX
// ---------------------------------------------------------------------------------------------

fn xlsx_bytes(build: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    build(book.add_worksheet());
    book.save_to_buffer().expect("build xlsx")
}

#[test]
fn xlsx_numbers_dates_times_booleans_and_text() {
    use rust_xlsxwriter::{ExcelDateTime, Format};
    let date_fmt = Format::new().set_num_format("yyyy-mm-dd");
    let dt_fmt = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    let time_fmt = Format::new().set_num_format("hh:mm:ss");
    let bytes = xlsx_bytes(|ws| {
        let header = [
            "id",
            "score",
            "day",
            "visited_at",
            "opens",
            "name",
            "ok",
            "note",
        ];
        for (c, h) in header.iter().enumerate() {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        for i in 1..=25u32 {
            let r = i;
            let day = u8::try_from(i).unwrap();
            ws.write_number(r, 0, f64::from(i)).unwrap();
            if i != 5 {
                ws.write_number(r, 1, f64::from(i) * 1.5).unwrap();
            }
            let date = ExcelDateTime::from_ymd(2024, 3, day).unwrap();
            ws.write_datetime_with_format(r, 2, &date, &date_fmt)
                .unwrap();
            let at = ExcelDateTime::from_ymd(2024, 3, day)
                .unwrap()
                .and_hms(14, 30, 0)
                .unwrap();
            ws.write_datetime_with_format(r, 3, &at, &dt_fmt).unwrap();
            let time = ExcelDateTime::from_hms(8 + (i % 3) as u16, 15, 0).unwrap();
            ws.write_datetime_with_format(r, 4, &time, &time_fmt)
                .unwrap();
            ws.write_string(r, 5, format!("서울특별시 {i}")).unwrap();
            ws.write_boolean(r, 6, i % 2 == 0).unwrap();
            if i % 10 == 0 {
                ws.write_string(r, 7, "  비고  ").unwrap();
            }
        }
    });
    let p = profile_bytes("book.xlsx", &bytes);
    assert_eq!(p.format, "xlsx");
    assert_eq!(p.encoding, None);
    assert_eq!(p.rows, 25);
    assert_eq!(
        types(&p),
        [
            ("id", "integer"),
            ("score", "number"),
            ("day", "date"),
            ("visited_at", "datetime"),
            ("opens", "time"),
            ("name", "text"),
            ("ok", "boolean"),
            ("note", "text"),
        ]
    );
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    assert_eq!(col(&p, "id").max, s("25"));
    let score = col(&p, "score");
    assert_eq!(
        (score.min.clone(), score.max.clone()),
        (s("1.5"), s("37.5"))
    );
    assert_eq!((score.non_null, score.nulls), (24, 1));
    let day = col(&p, "day");
    assert_eq!(
        (day.min.clone(), day.max.clone()),
        (s("2024-03-01"), s("2024-03-25"))
    );
    let at = col(&p, "visited_at");
    assert_eq!(
        (at.min.clone(), at.max.clone()),
        (s("2024-03-01 14:30:00"), s("2024-03-25 14:30:00"))
    );
    let opens = col(&p, "opens");
    assert_eq!(
        (opens.min.clone(), opens.max.clone()),
        (s("08:15:00"), s("10:15:00"))
    );
    assert_eq!(col(&p, "name").samples[0], "서울특별시 1");
    assert_eq!(col(&p, "ok").distinct_estimate, 2);
    let note = col(&p, "note");
    assert_eq!((note.non_null, note.nulls), (2, 23));
    assert_eq!(note.samples, strings(&["비고"]));
    assert_eq!(p.preview.len(), 20);
    assert_eq!(
        p.preview[0],
        strings(&[
            "1",
            "1.5",
            "2024-03-01",
            "2024-03-01 14:30:00",
            "09:15:00",
            "서울특별시 1",
            "false",
            ""
        ])
    );
    assert_eq!(p.preview[4][1], "", "the missing cell is null");
}

#[test]
fn xlsx_times_round_to_the_nearest_second() {
    use rust_xlsxwriter::{ExcelDateTime, Format};
    let dt_fmt = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    let time_fmt = Format::new().set_num_format("hh:mm:ss");
    type Ymd = (u16, u8, u8);
    type Hms = (u16, u8, f64);
    let cases: [(Ymd, Hms, &str); 4] = [
        ((2024, 3, 15), (14, 30, 0.0), "2024-03-15 14:30:00"),
        ((2024, 3, 15), (0, 0, 1.0), "2024-03-15 00:00:01"),
        ((2024, 12, 31), (23, 59, 59.0), "2024-12-31 23:59:59"),
        ((2024, 2, 29), (7, 5, 9.4), "2024-02-29 07:05:09"),
    ];
    let times: [(Hms, &str); 3] = [
        ((23, 59, 59.0), "23:59:59"),
        ((12, 0, 0.0), "12:00:00"),
        ((17, 45, 30.0), "17:45:30"),
    ];
    let bytes = xlsx_bytes(|ws| {
        ws.write_string(0, 0, "at").unwrap();
        ws.write_string(0, 1, "time").unwrap();
        for (k, ((y, m, d), (h, mi, sec), _)) in cases.iter().enumerate() {
            let at = ExcelDateTime::from_ymd(*y, *m, *d)
                .unwrap()
                .and_hms(*h, *mi, *sec)
                .unwrap();
            ws.write_datetime_with_format(k as u32 + 1, 0, &at, &dt_fmt)
                .unwrap();
        }
        // 0.4 ms before midnight (rust_xlsxwriter refuses such seconds, so as a raw serial:
        // 45657 is 2024-12-31) rounds up into the next day and year.
        let serial = 45657.0 + (86_400.0 - 0.0004) / 86_400.0;
        ws.write_number_with_format(cases.len() as u32 + 1, 0, serial, &dt_fmt)
            .unwrap();
        for (k, ((h, mi, sec), _)) in times.iter().enumerate() {
            let t = ExcelDateTime::from_hms(*h, *mi, *sec).unwrap();
            ws.write_datetime_with_format(k as u32 + 1, 1, &t, &time_fmt)
                .unwrap();
        }
    });
    let p = profile_bytes("times.xlsx", &bytes);
    assert_eq!(types(&p), [("at", "datetime"), ("time", "time")]);
    for (k, (_, _, want)) in cases.iter().enumerate() {
        assert_eq!(p.preview[k][0], *want, "row {}", k + 1);
    }
    assert_eq!(p.preview[cases.len()][0], "2025-01-01 00:00:00");
    for (k, (_, want)) in times.iter().enumerate() {
        assert_eq!(p.preview[k][1], *want, "row {}", k + 1);
    }
}

#[test]
fn xlsx_header_below_blank_rows_with_gaps_and_coordinates() {
    let bytes = xlsx_bytes(|ws| {
        ws.write_string(2, 1, "장소").unwrap();
        ws.write_string(2, 2, "위도").unwrap();
        ws.write_string(2, 3, "경도").unwrap();
        let rows = [("시청", SEOUL), ("부산역", BUSAN), ("제주", JEJU)];
        for (k, (name, (lat, lon))) in rows.iter().enumerate() {
            let r = 3 + 2 * k as u32; // a blank row after each data row
            ws.write_string(r, 1, *name).unwrap();
            ws.write_number(r, 2, *lat).unwrap();
            ws.write_number(r, 3, *lon).unwrap();
        }
        ws.write_string(9, 1, "넘침").unwrap();
        ws.write_number(9, 5, 1).unwrap(); // wider than the header
    });
    let p = profile_bytes("places.xlsx", &bytes);
    assert_eq!(p.rows, 4);
    assert_eq!(names(&p), ["장소", "위도", "경도"]);
    assert_eq!(p.preview[0], strings(&["시청", "37.5665", "126.978"]));
    assert_eq!(p.lat_column.as_deref(), Some("위도"));
    assert_eq!(p.points.len(), 3);
    assert_eq!(p.bounds, Some([[JEJU.0, JEJU.1], [SEOUL.0, BUSAN.1]]));
    assert_eq!(p.warnings.len(), 1, "{:?}", p.warnings);
    assert!(
        p.warnings[0].contains("row 10"),
        "Excel row numbers: {:?}",
        p.warnings
    );
}

#[test]
fn xlsx_empty_sheet_and_corrupt_workbook_are_errors() {
    let bytes = xlsx_bytes(|ws| {
        ws.set_name("빈시트").unwrap();
    });
    let e = profile_error("empty.xlsx", &bytes);
    assert!(e.message_en.contains("\"빈시트\" is empty"), "{e:?}");

    let mut corrupt = b"PK\x03\x04".to_vec();
    corrupt.extend(std::iter::repeat_n(0x41u8, 500));
    let e = profile_error("corrupt.xlsx", &corrupt);
    assert!(e.message_en.starts_with("XLSX"), "{e:?}");
}

// ---------------------------------------------------------------------------------------------
// GeoJSON
// ---------------------------------------------------------------------------------------------

fn sample_geojson() -> serde_json::Value {
    serde_json::json!({
        "type": "FeatureCollection",
        "name": "facilities",
        "crs": { "type": "name", "properties": { "name": "urn:ogc:def:crs:OGC:1.3:CRS84" } },
        "features": [
            { "type": "Feature", "id": 1,
              "properties": { "name": "A", "pop": 100 },
              "geometry": { "type": "Point", "coordinates": [SEOUL.1, SEOUL.0] } },
            { "type": "Feature",
              "geometry": { "type": "Point", "coordinates": [BUSAN.1, BUSAN.0, 12.5] },
              "properties": { "name": "B", "pop": null, "area": 1.5 } },
            { "type": "Feature",
              "properties": { "name": "C", "pop": 300 },
              "geometry": { "type": "Polygon", "coordinates": [[
                  [127.0, 37.0], [127.2, 37.0], [127.2, 37.4], [127.0, 37.4], [127.0, 37.0]
              ]] } },
            { "type": "Feature", "properties": null, "geometry": null },
            { "type": "Feature",
              "properties": { "name": "E", "pop": 500, "open": true },
              "geometry": { "type": "GeometryCollection", "geometries": [
                  { "type": "Point", "coordinates": [126.5, 33.4] },
                  { "type": "LineString", "coordinates": [[126.5, 33.4], [126.6, 33.5]] }
              ] } }
        ]
    })
}

#[test]
fn geojson_points_polygons_properties_and_geometry_column() {
    let text = serde_json::to_string_pretty(&sample_geojson()).unwrap();
    let p = profile_bytes("facilities.geojson", text.as_bytes());
    assert_eq!(p.format, "geojson");
    assert_eq!(p.encoding, None);
    assert_eq!(p.rows, 5);
    assert_eq!(
        types(&p),
        [
            ("name", "text"),
            ("pop", "integer"),
            ("area", "number"),
            ("open", "boolean"),
            ("geometry", "geometry"),
        ]
    );
    let pop = col(&p, "pop");
    assert_eq!((pop.non_null, pop.nulls), (3, 2));
    assert!(approx(pop.null_ratio, 0.4));
    assert_eq!((pop.min.clone(), pop.max.clone()), (s("100"), s("500")));
    assert_eq!(col(&p, "name").samples, strings(&["A", "B", "C", "E"]));
    assert_eq!(col(&p, "area").nulls, 4);
    let geom = col(&p, "geometry");
    assert_eq!((geom.non_null, geom.nulls), (4, 1));
    assert_eq!(
        geom.samples,
        strings(&["Point", "Polygon", "GeometryCollection"])
    );
    assert_eq!((geom.min.clone(), geom.max.clone()), (None, None));
    assert_eq!(geom.distinct_estimate, 3);
    assert_eq!(
        p.preview,
        vec![
            strings(&["A", "100", "", "", "Point"]),
            strings(&["B", "", "1.5", "", "Point"]),
            strings(&["C", "300", "", "", "Polygon"]),
            strings(&["", "", "", "", ""]),
            strings(&["E", "500", "", "true", "GeometryCollection"]),
        ]
    );
    assert_eq!(p.lat_column.as_deref(), Some("geometry"));
    assert_eq!(p.lon_column.as_deref(), Some("geometry"));
    // One point per feature with a geometry: the centre of its bounding box.
    assert_eq!(p.points.len(), 4);
    assert_point(p.points[0], SEOUL.0, SEOUL.1);
    assert_point(p.points[1], BUSAN.0, BUSAN.1);
    assert_point(p.points[2], 37.2, 127.1);
    assert_point(p.points[3], 33.45, 126.55);
    let [[min_lat, min_lon], [max_lat, max_lon]] = p.bounds.expect("bounds");
    assert!(
        approx(min_lat, 33.45) && approx(min_lon, 126.55),
        "{:?}",
        p.bounds
    );
    assert!(
        approx(max_lat, SEOUL.0) && approx(max_lon, BUSAN.1),
        "{:?}",
        p.bounds
    );
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
}

#[test]
fn geojson_compact_with_bom_and_property_named_geometry() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(
        br#"{"features":[{"type":"Feature","properties":{"geometry":"wkt","v":1},"geometry":{"type":"Point","coordinates":[127,37.5]}}],"type":"FeatureCollection"}"#,
    );
    let p = profile_bytes("x.json", &bytes);
    assert_eq!(p.rows, 1);
    assert_eq!(names(&p), ["properties.geometry", "v", "geometry"]);
    assert_eq!(p.preview, vec![strings(&["wkt", "1", "Point"])]);
    assert_eq!(p.points, vec![[37.5, 127.0]]);
}

#[test]
fn geojson_many_features_cap_points_and_warn_about_projected_coordinates() {
    let mut text = String::from("{\"type\":\"FeatureCollection\",\"features\":[\n");
    for i in 0..1500u32 {
        let (x, y) = if i < 1495 {
            (
                126.0 + f64::from(i) * 0.001,
                35.0 + f64::from(i % 100) * 0.01,
            )
        } else {
            (198327.5 + f64::from(i), 451721.3) // projected metres
        };
        let sep = if i == 0 { "" } else { ",\n" };
        let _ = write!(
            text,
            "{sep}{{\"type\":\"Feature\",\"properties\":{{\"i\":{i}}},\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{x},{y}]}}}}"
        );
    }
    text.push_str("\n]}\n");
    let p = profile_bytes("many.geojson", text.as_bytes());
    assert_eq!(p.rows, 1500);
    assert_eq!(p.points.len(), 1000);
    assert!(p
        .points
        .iter()
        .all(|&[lat, lon]| (35.0..=35.99 + 1e-9).contains(&lat) && lon < 128.0));
    let [[min_lat, min_lon], [max_lat, max_lon]] = p.bounds.expect("bounds");
    assert!(approx(min_lat, 35.0) && approx(min_lon, 126.0));
    assert!(approx(max_lat, 35.99) && approx(max_lon, 126.0 + 1494.0 * 0.001));
    assert_eq!(p.warnings.len(), 1, "{:?}", p.warnings);
    assert!(p.warnings[0].starts_with("5 features"), "{:?}", p.warnings);
    let distinct = col(&p, "i").distinct_estimate as f64;
    assert!((distinct - 1500.0).abs() <= 75.0, "distinct {distinct}");
}

#[test]
fn geojson_truncated_file_names_the_line() {
    let full = serde_json::to_string_pretty(&sample_geojson()).unwrap();
    let cut = full.find("\"C\"").expect("feature C") + 2; // inside the string "C"
    let truncated = &full[..cut];
    let line = truncated.matches('\n').count() + 1;
    let e = profile_error("cut.geojson", truncated.as_bytes());
    assert!(
        e.message_en.contains(&format!("line {line}")),
        "{e:?} (line {line})"
    );
    assert!(e.message_en.contains("truncated"), "{e:?}");
    assert!(e.message_ko.contains(&format!("{line}행")), "{e:?}");

    // Cut right after a comma.
    let cut = full.find("\"name\": \"B\"").unwrap();
    let truncated = full[..cut].trim_end();
    let line = truncated.matches('\n').count() + 1;
    let e = profile_error("cut2.geojson", truncated.as_bytes());
    assert!(
        e.message_en.contains(&format!("line {line}")) && e.message_en.contains("truncated"),
        "{e:?}"
    );
}

#[test]
fn geojson_wrong_top_level_values_are_named() {
    let e = profile_error(
        "array.geojson",
        br#"[{"type":"Feature","properties":{},"geometry":null}]"#,
    );
    assert!(e.message_en.contains("a JSON array"), "{e:?}");
    assert!(e.message_ko.contains("배열"), "{e:?}");

    let e = profile_error(
        "feature.geojson",
        br#"{"type":"Feature","properties":{"a":1},"geometry":{"type":"Point","coordinates":[127,37]}}"#,
    );
    assert!(
        e.message_en.contains("not a GeoJSON FeatureCollection"),
        "{e:?}"
    );
    assert!(e.message_en.contains("\"Feature\""), "{e:?}");
    assert!(e.message_ko.contains("\"Feature\""), "{e:?}");

    // "type" after "features": detected once the whole object is read.
    let e = profile_error(
        "late-type.geojson",
        br#"{"features":[],"type":"GeometryCollection"}"#,
    );
    assert!(e.message_en.contains("\"GeometryCollection\""), "{e:?}");

    let e = profile_error("no-type.geojson", br#"{"features":[]}"#);
    assert!(e.message_en.contains("no \"type\""), "{e:?}");

    let e = profile_error("no-features.geojson", br#"{"type":"FeatureCollection"}"#);
    assert!(e.message_en.contains("no \"features\""), "{e:?}");

    let e = profile_error("str.json", br#""FeatureCollection""#);
    assert!(e.message_en.contains("a string"), "{e:?}");
}

#[test]
fn geojson_syntax_errors_name_line_and_column() {
    let text = "{\n  \"type\": \"FeatureCollection\",\n  \"features\": [\n    {\"type\": \"Feature\",, }\n  ]\n}\n";
    let e = profile_error("syntax.geojson", text.as_bytes());
    assert!(e.message_en.contains("line 4, column 24"), "{e:?}");
    assert!(e.message_ko.contains("4행 24열"), "{e:?}");

    let e = profile_error(
        "trailing.geojson",
        b"{\"type\":\"FeatureCollection\",\"features\":[]}\n{}",
    );
    assert!(e.message_en.contains("line 2"), "{e:?}");
}

#[test]
fn geojson_empty_collection_has_no_rows() {
    let p = profile_bytes(
        "none.geojson",
        br#"{"type":"FeatureCollection","features":[]}"#,
    );
    assert_eq!(p.rows, 0);
    assert!(p.columns.is_empty());
    assert_no_coordinates(&p);
}

// ---------------------------------------------------------------------------------------------
// Empty and unreadable files
// ---------------------------------------------------------------------------------------------

#[test]
fn empty_files_are_errors() {
    let cases: [(&str, &[u8]); 6] = [
        ("empty.csv", b""),
        ("blank.csv", b"  \r\n\n\t "),
        ("bom.csv", b"\xEF\xBB\xBF"),
        ("bom-blank.csv", b"\xEF\xBB\xBF\n\n"),
        ("empty.geojson", b""),
        ("empty.xlsx", b""),
    ];
    for (name, bytes) in cases {
        let e = profile_error(name, bytes);
        assert_eq!(e.message_en, "empty file", "{name}");
        assert_eq!(e.message_ko, "빈 파일입니다", "{name}");
    }
}

#[test]
fn missing_file_is_an_io_error() {
    let dir = TempDir::new("missing");
    let (result, _) = run(&dir.path("nope.csv"), Some("nope.csv"));
    let e = result.expect_err("missing file");
    assert!(e.message_en.starts_with("could not read the file"), "{e:?}");
}

// ---------------------------------------------------------------------------------------------
// Large streamed file
// ---------------------------------------------------------------------------------------------

#[test]
fn large_streamed_csv_with_progress() {
    const TARGET: u64 = 30 * 1024 * 1024;
    let dir = TempDir::new("large");
    let path = dir.path("large.csv");
    let mut rows = 0u64;
    {
        let file = std::fs::File::create(&path).unwrap();
        let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
        out.write_all("id,구분,값,측정일,위도,경도,비고\n".as_bytes())
            .unwrap();
        let mut written = 0u64;
        let mut line = String::with_capacity(128);
        while written < TARGET {
            let i = rows;
            line.clear();
            let _ = writeln!(
                line,
                "{i},cat-{},{}.{:03},2024-{:02}-{:02},{:.4},{:.4},{}",
                i % 100,
                i % 100_000,
                i % 1000,
                i % 12 + 1,
                i % 28 + 1,
                33.5 + (i % 5000) as f64 * 0.001,
                126.5 + (i % 7000) as f64 * 0.001,
                if i.is_multiple_of(10) { "" } else { "메모" }
            );
            out.write_all(line.as_bytes()).unwrap();
            written += line.len() as u64;
            rows += 1;
        }
        out.flush().unwrap();
    }
    let len = std::fs::metadata(&path).unwrap().len();
    assert!(len >= TARGET);

    let (result, calls) = run(&path, None);
    let p = result.expect("large csv");
    check_progress(&calls, len);
    assert!(
        calls.len() >= 25,
        "only {} progress calls for {len} bytes",
        calls.len()
    );
    // Reported about every megabyte: no big jumps.
    for w in calls.windows(2) {
        assert!(
            w[1].0 - w[0].0 <= 2 * 1024 * 1024,
            "progress jumped: {:?} -> {:?}",
            w[0],
            w[1]
        );
    }

    assert_eq!(p.rows, rows);
    assert_eq!(p.encoding.as_deref(), Some("UTF-8"));
    assert_eq!(
        types(&p),
        [
            ("id", "integer"),
            ("구분", "text"),
            ("값", "number"),
            ("측정일", "date"),
            ("위도", "number"),
            ("경도", "number"),
            ("비고", "text"),
        ]
    );
    let id = col(&p, "id");
    assert_eq!(
        (id.min.clone(), id.max.clone()),
        (s("0"), Some((rows - 1).to_string()))
    );
    let err = (id.distinct_estimate as f64 - rows as f64).abs() / rows as f64;
    assert!(
        err <= 0.05,
        "id distinct {} for {rows}",
        id.distinct_estimate
    );
    assert_eq!(col(&p, "구분").distinct_estimate, 100);
    assert_eq!(col(&p, "비고").nulls, rows.div_ceil(10));
    assert_eq!(p.preview.len(), 20);
    assert_eq!(p.preview[19][0], "19");
    assert_eq!(p.lat_column.as_deref(), Some("위도"));
    assert_eq!(p.points.len(), 1000);
    assert_eq!(p.bounds, Some([[33.5, 126.5], [38.499, 133.499]]));
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
}

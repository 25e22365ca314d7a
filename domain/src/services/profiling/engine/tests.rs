//! Unit tests for the profiler's entry points: kind detection, empty and unreadable files, and
//! a large streamed file with its progress reports.

use std::fmt::Write as _;
use std::io::Write as _;

use crate::services::profiling::engine::test_support::*;
use crate::services::profiling::engine::{detect_kind, FileKind};

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

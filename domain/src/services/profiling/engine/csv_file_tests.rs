//! Unit tests for UTF-8 CSV: types, nulls, ranges, samples, preview, delimiters, ragged rows
//! and quoting.

use std::fmt::Write as _;

use types::profiling::Profile;

use crate::services::profiling::engine::test_support::*;

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

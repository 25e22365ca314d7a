//! Unit tests for CP949 / EUC-KR CSV files and text that is in no supported encoding.

use std::fmt::Write as _;

use crate::services::profiling::engine::test_support::*;

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

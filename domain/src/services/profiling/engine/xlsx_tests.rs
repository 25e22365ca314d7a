//! Unit tests for XLSX workbooks.

use crate::services::profiling::engine::test_support::*;

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

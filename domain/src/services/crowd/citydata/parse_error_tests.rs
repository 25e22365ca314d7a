//! Unit tests for bodies that are not readings: result codes, markup, truncated and garbage
//! bodies, missing fields; the parser never panics.

use serde_json::{Map, Value};

use super::super::test_support::*;
use super::*;
use crate::services::crowd::citydata::{CityError, CityFetchError};

#[test]
fn unknown_congestion_label_is_malformed() {
    let what = malformed_what(parse(UNKNOWN_LEVEL));
    assert_eq!(
        what,
        "`AREA_CONGEST_LVL` at SeoulRtd.citydata_ppltn[0]: unknown congestion label \
         \"매우 붐빔\" (expected 여유, 보통, 약간 붐빔 or 붐빔)"
    );
}

#[test]
fn result_codes() {
    assert_eq!(parse(INFO_200), Err(CityError::NoData));
    assert_eq!(parse(INFO_100), Err(CityError::BadKey));
    assert_eq!(parse(ERROR_337), Err(CityError::Quota));
    let e = parse(ERROR_500).unwrap_err();
    assert_eq!(
        e,
        CityError::Upstream {
            code: "ERROR-500".into(),
            message: "서버 오류입니다. 지속적으로 발생시 열린 데이터 광장으로 문의(Q&A) 바랍니다."
                .into()
        }
    );
    assert!(e.retryable());
    assert!(e
        .to_string()
        .starts_with("citydata_ppltn: the API answered ERROR-500: 서버 오류"));
    // The other shapes: top-level dotted keys, RESULT inside the root object, and a
    // request error that must not be retried.
    let dotted = br#"{"RESULT.CODE":"INFO-200","RESULT.MESSAGE":"x"}"#;
    assert_eq!(parse(dotted), Err(CityError::NoData));
    let inner = br#"{"SeoulRtd.citydata_ppltn":{"list_total_count":0,"RESULT":{"CODE":"INFO-100","MESSAGE":"x"}}}"#;
    assert_eq!(parse(inner), Err(CityError::BadKey));
    let missing = parse(
        r#"{"RESULT":{"CODE":"ERROR-300","MESSAGE":"필수 값이 누락되어 있습니다."}}"#.as_bytes(),
    )
    .unwrap_err();
    assert!(matches!(&missing, CityError::Upstream { code, .. } if code == "ERROR-300"));
    assert!(!missing.retryable());
    // An empty array with a success code is no data too.
    let empty = br#"{"SeoulRtd.citydata_ppltn":[],"RESULT":{"RESULT.CODE":"INFO-000","RESULT.MESSAGE":"ok"}}"#;
    assert_eq!(parse(empty), Err(CityError::NoData));
}

#[test]
fn retryable_only_for_server_faults() {
    let up = |c: &str| CityError::Upstream {
        code: c.into(),
        message: String::new(),
    };
    assert!(up("ERROR-500").retryable());
    assert!(up("ERROR-600").retryable());
    assert!(up("ERROR-601").retryable());
    assert!(!up("ERROR-300").retryable());
    assert!(!up("ERROR-336").retryable());
    assert!(!up("INFO-300").retryable());
    assert!(!CityError::NoData.retryable());
    assert!(!CityError::BadKey.retryable());
    assert!(!CityError::Quota.retryable());
    assert!(!malformed("x").retryable());
}

#[test]
fn markup_bodies() {
    let xml = malformed_what(parse(XML_SUCCESS));
    assert!(xml.contains("got an XML document"), "{xml}");
    assert_eq!(parse(XML_ERROR), Err(CityError::BadKey));
    let html = malformed_what(parse(HTML_ERROR));
    assert_eq!(
        html,
        "expected JSON, got an HTML page titled \"서울 열린데이터 광장 - 시스템 점검 안내\""
    );
    assert!(malformed_what(parse(b"<html><body>oops</body></html>")).contains("HTML page"));
    let xml500 = b"<RESULT><RESULT.CODE>ERROR-500</RESULT.CODE><RESULT.MESSAGE>\xec\x84\x9c\xeb\xb2\x84</RESULT.MESSAGE></RESULT>";
    assert_eq!(
        parse(xml500),
        Err(CityError::Upstream {
            code: "ERROR-500".into(),
            message: "서버".into()
        })
    );
}

#[test]
fn truncated_and_garbage_bodies() {
    let what = malformed_what(parse(TRUNCATED));
    assert!(
        what.starts_with("not valid JSON (EOF while parsing"),
        "{what}"
    );
    assert!(what.contains("{\\\"SeoulRtd.citydata_ppltn\\\""), "{what}");
    assert_eq!(malformed_what(parse(b"")), "empty body");
    assert_eq!(malformed_what(parse(b" \n\t")), "empty body");
    assert!(malformed_what(parse(b"\x00\xff\xfe garbage")).starts_with("not valid JSON"));
    assert!(
        malformed_what(parse(b"[1,2]")).contains("expected a JSON object at the top, got an array")
    );
    assert!(malformed_what(parse(b"{}"))
        .contains("neither `SeoulRtd.citydata_ppltn` nor a RESULT code"));
    let ok_without_rows = br#"{"RESULT":{"RESULT.CODE":"INFO-000","RESULT.MESSAGE":"ok"}}"#;
    assert!(
        malformed_what(parse(ok_without_rows)).contains("missing although RESULT.CODE is INFO-000")
    );
    // A UTF-8 byte order mark is fine.
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(SEONGSU);
    assert_eq!(parse(&bom).unwrap().area_code, "POI068");
}

#[test]
fn required_fields_are_strict() {
    let err = |edit: &dyn Fn(&mut Map<String, Value>)| {
        malformed_what(parse(&edited(SEONGSU, |o| edit(o))))
    };
    let at = "at SeoulRtd.citydata_ppltn[0]";
    assert_eq!(
        err(&|o| {
            o.remove("AREA_CD");
        }),
        format!("`AREA_CD` {at}: missing")
    );
    assert_eq!(
        err(&|o| {
            o.insert("AREA_NM".into(), "  ".into());
        }),
        format!("`AREA_NM` {at}: empty")
    );
    assert_eq!(
        err(&|o| {
            o.insert("AREA_CONGEST_LVL".into(), Value::Null);
        }),
        format!("`AREA_CONGEST_LVL` {at}: null")
    );
    assert_eq!(
        err(&|o| {
            o.insert("AREA_PPLTN_MIN".into(), "-5".into());
        }),
        format!("`AREA_PPLTN_MIN` {at}: \"-5\" is negative")
    );
    assert_eq!(
        err(&|o| {
            o.insert("AREA_PPLTN_MAX".into(), "약 3만".into());
        }),
        format!("`AREA_PPLTN_MAX` {at}: \"약 3만\" is not a number")
    );
    assert_eq!(
        err(&|o| {
            o.insert("AREA_PPLTN_MIN".into(), "30000".into());
        }),
        format!("`AREA_PPLTN_MIN` {at}: 30000 is more than `AREA_PPLTN_MAX` 28000")
    );
    assert_eq!(
        err(&|o| {
            o.insert("AREA_PPLTN_MAX".into(), serde_json::json!(3_000_000_000u64));
        }),
        format!("`AREA_PPLTN_MAX` {at}: the number 3000000000 is too large")
    );
    assert_eq!(
        err(&|o| {
            o.insert("AREA_PPLTN_MAX".into(), serde_json::json!(28000.5));
        }),
        format!("`AREA_PPLTN_MAX` {at}: the number 28000.5 is not a whole number")
    );
    assert_eq!(
        err(&|o| { o.insert("PPLTN_TIME".into(), "2024/05/11 15:40".into()); }),
        format!("`PPLTN_TIME` {at}: \"2024/05/11 15:40\" is not a KST time of the form YYYY-MM-DD HH:MM")
    );
    assert_eq!(
        err(&|o| {
            o.insert("AREA_CD".into(), serde_json::json!(68));
        }),
        format!("`AREA_CD` {at}: expected a string, got the number 68")
    );
    let first_not_object =
        br#"{"SeoulRtd.citydata_ppltn":["POI068"],"RESULT":{"RESULT.CODE":"INFO-000"}}"#;
    assert_eq!(
        malformed_what(parse(first_not_object)),
        "SeoulRtd.citydata_ppltn[0] should be an object, got \"POI068\""
    );
}

#[test]
fn error_messages() {
    assert_eq!(
        CityError::NoData.to_string(),
        "citydata_ppltn: no data for the requested area (INFO-200)"
    );
    assert!(CityError::BadKey.to_string().contains("INFO-100"));
    assert!(CityError::Quota.to_string().contains("ERROR-337"));
    let e = CityFetchError::City {
        area: "성수카페거리".into(),
        error: CityError::Quota,
    };
    assert!(e
        .to_string()
        .starts_with("area \"성수카페거리\": citydata_ppltn: the daily"));
    assert_eq!(e.city_error(), Some(&CityError::Quota));
}

/// Every prefix of a valid body (cut anywhere, mid-character included), and every body
/// with one byte overwritten, parses to a result without panicking.
#[test]
fn never_panics_on_cut_or_corrupted_bodies() {
    for body in [SEONGSU, WANGSIMNI, NO_FORECAST, FORECAST_BAD, INFO_100] {
        let end = body.trim_ascii_end().len();
        for n in 0..=body.len() {
            let r = parse(&body[..n]);
            if n < end {
                assert!(r.is_err(), "prefix of {n} bytes parsed");
            }
        }
    }
    for body in [SEONGSU, XML_SUCCESS, HTML_ERROR] {
        for i in 0..body.len() {
            for b in [b'"', b'{', b']', b'0', b'<', 0xFF, 0x00] {
                let mut v = body.to_vec();
                v[i] = b;
                let _ = parse(&v);
            }
        }
    }
}

/// Every single node of a valid body replaced by a value of another type parses without
/// panicking.
#[test]
fn never_panics_on_odd_shapes() {
    fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, c) in m {
                    pointers(
                        c,
                        format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                        out,
                    );
                }
            }
            Value::Array(a) => {
                for (i, c) in a.iter().enumerate() {
                    pointers(c, format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
        out.push(at);
    }
    let alternatives = [
        Value::Null,
        serde_json::json!(-1),
        serde_json::json!(1.5e300),
        serde_json::json!(""),
        serde_json::json!("붐빔"),
        serde_json::json!([]),
        serde_json::json!({}),
        serde_json::json!([{"x": 1}]),
    ];
    let root: Value = serde_json::from_slice(SEONGSU).unwrap();
    let mut all = Vec::new();
    pointers(&root, String::new(), &mut all);
    assert!(all.len() > 80);
    for p in &all {
        for alt in &alternatives {
            let mut v = root.clone();
            if p.is_empty() {
                v = alt.clone();
            } else {
                *v.pointer_mut(p).unwrap() = alt.clone();
            }
            let _ = parse(&serde_json::to_vec(&v).unwrap());
        }
    }
}

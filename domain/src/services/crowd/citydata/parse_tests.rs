//! Unit tests for parsing readings: the recorded places, forecasts, counts and times.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::super::test_support::*;
use super::*;
use crate::services::crowd::citydata::CityReading;

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

#[test]
fn seongsu_full_reading() {
    let r = parse(SEONGSU).unwrap();
    assert_eq!(r.area_code, "POI068");
    assert_eq!(r.area_name, "성수카페거리");
    assert_eq!(r.level, CrowdLevel::SlightlyBusy);
    assert_eq!((r.population_min, r.population_max), (26_000, 28_000));
    // 2024-05-11 15:40 KST
    assert_eq!(r.observed_at, utc("2024-05-11T06:40:00Z"));
    assert!(r
        .message
        .as_deref()
        .unwrap()
        .starts_with("사람들이 몰려있을 가능성이 크고"));
    assert_eq!(r.forecast.len(), 12);
    assert_eq!(
        r.forecast[0],
        ForecastPoint {
            at: utc("2024-05-11T07:00:00Z"),
            level: CrowdLevel::SlightlyBusy,
            population_min: 27_000,
            population_max: 29_000,
        }
    );
    // The forecast runs past midnight KST: 2024-05-12 03:00 KST is 18:00 UTC the day before.
    let last = r.forecast.last().unwrap();
    assert_eq!(last.at, utc("2024-05-11T18:00:00Z"));
    assert_eq!(last.level, CrowdLevel::Relaxed);
    assert!(r
        .forecast
        .windows(2)
        .all(|w| w[1].at - w[0].at == TimeDelta::hours(1)));
}

#[test]
fn wangsimni_and_seoul_forest_with_forecast() {
    let w = parse(WANGSIMNI).unwrap();
    assert_eq!(
        (w.area_code.as_str(), w.area_name.as_str()),
        ("POI045", "왕십리역")
    );
    assert_eq!(w.level, CrowdLevel::Busy);
    assert_eq!((w.population_min, w.population_max), (44_000, 46_000));
    assert_eq!(w.observed_at, utc("2024-05-10T09:25:00Z"));
    assert_eq!(w.forecast.len(), 12);
    assert_eq!(w.forecast[0].level, CrowdLevel::Busy);
    assert_eq!(w.forecast[0].at, utc("2024-05-10T10:00:00Z"));

    let s = parse(SEOUL_FOREST).unwrap();
    assert_eq!(
        (s.area_code.as_str(), s.area_name.as_str()),
        ("POI101", "서울숲공원")
    );
    assert_eq!(s.level, CrowdLevel::Normal);
    assert_eq!((s.population_min, s.population_max), (9_000, 9_500));
    assert_eq!(s.observed_at, utc("2024-05-12T02:05:00Z"));
    assert_eq!(s.forecast.len(), 12);
    assert_eq!(s.forecast[3].level, CrowdLevel::SlightlyBusy);
    assert_eq!(
        (s.forecast[11].population_min, s.forecast[11].population_max),
        (2_000, 2_500)
    );
}

#[test]
fn no_forecast_when_fcst_yn_is_n() {
    let r = parse(NO_FORECAST).unwrap();
    assert_eq!(r.area_code, "POI009");
    assert_eq!(r.area_name, "광화문·덕수궁");
    assert_eq!(r.level, CrowdLevel::Relaxed);
    // 04:10 KST is 19:10 UTC the day before.
    assert_eq!(r.observed_at, utc("2024-05-10T19:10:00Z"));
    assert!(r.forecast.is_empty());

    // "N" wins even if points came along; and without FCST_YN or FCST_PPLTN at all, no
    // forecast and no error.
    let with_points = edited(NO_FORECAST, |o| {
        o.insert(
            "FCST_PPLTN".into(),
            serde_json::json!([{"FCST_TIME": "2024-05-11 05:00", "FCST_CONGEST_LVL": "여유",
                "FCST_PPLTN_MIN": "5000", "FCST_PPLTN_MAX": "5500"}]),
        );
    });
    assert!(parse(&with_points).unwrap().forecast.is_empty());
    let bare = edited(NO_FORECAST, |o| {
        o.remove("FCST_YN");
        o.remove("FCST_PPLTN");
    });
    assert!(parse(&bare).unwrap().forecast.is_empty());
}

#[test]
fn bad_forecast_points_are_skipped() {
    let r = parse(FORECAST_BAD).unwrap();
    // Of 7 entries: an impossible hour, an unknown label, min > max, a missing max and a
    // bare string are skipped.
    assert_eq!(r.forecast.len(), 2);
    assert_eq!(r.forecast[0].at, utc("2024-05-12T03:00:00Z"));
    assert_eq!(r.forecast[1].level, CrowdLevel::Relaxed);
    assert_eq!(r.level, CrowdLevel::Normal);
}

#[test]
fn forecast_point_errors_name_field_and_index() {
    let v: Value = serde_json::from_slice(FORECAST_BAD).unwrap();
    let items = v[ROOT][0]["FCST_PPLTN"].as_array().unwrap();
    let path = "SeoulRtd.citydata_ppltn[0]";
    let msg = |i: usize| forecast_point(path, i, &items[i]).unwrap_err().to_string();
    assert_eq!(
        msg(1),
        "citydata_ppltn: malformed response: `FCST_TIME` at \
         SeoulRtd.citydata_ppltn[0].FCST_PPLTN[1]: \"2024-05-12 25:00\" is not a KST time \
         of the form YYYY-MM-DD HH:MM"
    );
    assert!(msg(2).contains("`FCST_CONGEST_LVL` at SeoulRtd.citydata_ppltn[0].FCST_PPLTN[2]: unknown congestion label \"혼잡\""), "{}", msg(2));
    assert!(msg(3).contains("`FCST_PPLTN_MIN` at SeoulRtd.citydata_ppltn[0].FCST_PPLTN[3]: 15000 is more than `FCST_PPLTN_MAX` 14500"), "{}", msg(3));
    assert!(
        msg(4).contains("`FCST_PPLTN_MAX` at SeoulRtd.citydata_ppltn[0].FCST_PPLTN[4]: missing"),
        "{}",
        msg(4)
    );
    assert!(msg(5).contains("SeoulRtd.citydata_ppltn[0].FCST_PPLTN[5] should be an object, got \"2024-05-12 17:00\""), "{}", msg(5));
    assert!(forecast_point(path, 0, &items[0]).is_ok());
}

#[test]
fn forecast_that_is_not_an_array_is_ignored() {
    let r = parse(FORECAST_NOT_ARRAY).unwrap();
    assert_eq!(r.area_code, "POI045");
    assert!(r.forecast.is_empty());
    for odd in [
        serde_json::json!("없음"),
        serde_json::json!(12),
        serde_json::json!(null),
    ] {
        let body = edited(SEONGSU, |o| {
            o.insert("FCST_PPLTN".into(), odd.clone());
        });
        assert!(parse(&body).unwrap().forecast.is_empty(), "{odd}");
    }
}

#[test]
fn counts_may_be_numbers_or_have_commas() {
    let body = edited(SEONGSU, |o| {
        o.insert("AREA_PPLTN_MIN".into(), " 26,000 ".into());
        o.insert("AREA_PPLTN_MAX".into(), serde_json::json!(28000));
        o.insert("AREA_CONGEST_MSG".into(), "".into());
        let p = o["FCST_PPLTN"][0].as_object_mut().unwrap();
        p.insert("FCST_PPLTN_MIN".into(), serde_json::json!(27000.0));
        p.insert("FCST_PPLTN_MAX".into(), "29,000".into());
    });
    let r = parse(&body).unwrap();
    assert_eq!((r.population_min, r.population_max), (26_000, 28_000));
    assert_eq!(
        (r.forecast[0].population_min, r.forecast[0].population_max),
        (27_000, 29_000)
    );
    assert_eq!(r.message, None, "a blank message is no message");
    assert_eq!(count_of(&"0".into()), Ok(0));
    assert_eq!(count_of(&"2147483647".into()), Ok(i32::MAX));
    assert!(count_of(&"2147483648".into()).is_err());
    assert!(count_of(&"inf".into()).is_err());
    assert!(count_of(&"NaN".into()).is_err());
    assert!(count_of(&",".into()).is_err());
    assert!(count_of(&serde_json::json!(true)).is_err());
}

#[test]
fn first_record_is_taken() {
    let mut v: Value = serde_json::from_slice(SEONGSU).unwrap();
    let second: Value = serde_json::from_slice::<Value>(WANGSIMNI).unwrap()[ROOT][0].clone();
    v[ROOT].as_array_mut().unwrap().push(second);
    assert_eq!(
        parse(&serde_json::to_vec(&v).unwrap()).unwrap().area_code,
        "POI068"
    );
    // A lone object instead of a one-element array is read as that record.
    v[ROOT] = v[ROOT][1].clone();
    assert_eq!(
        parse(&serde_json::to_vec(&v).unwrap()).unwrap().area_code,
        "POI045"
    );
}

#[test]
fn kst_to_utc() {
    assert_eq!(
        parse_kst("2024-05-10 14:35"),
        Some(utc("2024-05-10T05:35:00Z"))
    );
    // Before 09:00 KST it is still the previous day in UTC, across months and years.
    assert_eq!(
        parse_kst("2024-06-01 08:59"),
        Some(utc("2024-05-31T23:59:00Z"))
    );
    assert_eq!(
        parse_kst("2025-01-01 00:05"),
        Some(utc("2024-12-31T15:05:00Z"))
    );
    assert_eq!(
        parse_kst("2024-03-01 03:00"),
        Some(utc("2024-02-29T18:00:00Z"))
    );
    assert_eq!(
        parse_kst(" 2024-05-10 14:35:30 "),
        Some(utc("2024-05-10T05:35:30Z"))
    );
    for bad in [
        "",
        "2024-05-10",
        "2024-05-10 24:00",
        "2024-02-30 10:00",
        "14:35",
        "2024-05-10T14:35",
    ] {
        assert_eq!(parse_kst(bad), None, "{bad}");
    }
    assert_eq!(
        parse(SEONGSU).unwrap().observed_at.to_rfc3339(),
        "2024-05-11T06:40:00+00:00"
    );
}

#[test]
fn reading_serializes_round_trip() {
    let r = parse(SEOUL_FOREST).unwrap();
    let json = serde_json::to_string(&r).unwrap();
    let back: CityReading = serde_json::from_str(&json).unwrap();
    assert_eq!(back, r);
}

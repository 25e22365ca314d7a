//! Response bodies recorded from the city API (and broken ones), and helpers for the unit
//! tests.

use serde_json::{Map, Value};

use super::{CityError, CityReading, ROOT};

pub(super) const SEONGSU: &[u8] =
    include_bytes!("../../../../../tests/fixtures/citydata/seongsu_cafe_street.json");
pub(super) const WANGSIMNI: &[u8] =
    include_bytes!("../../../../../tests/fixtures/citydata/wangsimni_station.json");
pub(super) const SEOUL_FOREST: &[u8] =
    include_bytes!("../../../../../tests/fixtures/citydata/seoul_forest_park.json");
pub(super) const NO_FORECAST: &[u8] =
    include_bytes!("../../../../../tests/fixtures/citydata/no_forecast.json");
pub(super) const UNKNOWN_LEVEL: &[u8] =
    include_bytes!("../../../../../tests/fixtures/citydata/unknown_level.json");
pub(super) const FORECAST_BAD: &[u8] =
    include_bytes!("../../../../../tests/fixtures/citydata/forecast_bad_entries.json");
pub(super) const FORECAST_NOT_ARRAY: &[u8] =
    include_bytes!("../../../../../tests/fixtures/citydata/forecast_not_array.json");
pub(super) const INFO_200: &[u8] =
    include_bytes!("../../../../../tests/fixtures/citydata/error_info200.json");
pub(super) const INFO_100: &[u8] =
    include_bytes!("../../../../../tests/fixtures/citydata/error_info100.json");
pub(super) const ERROR_500: &[u8] =
    include_bytes!("../../../../../tests/fixtures/citydata/error_500.json");
pub(super) const ERROR_337: &[u8] =
    include_bytes!("../../../../../tests/fixtures/citydata/error_337.json");
pub(super) const XML_SUCCESS: &[u8] =
    include_bytes!("../../../../../tests/fixtures/citydata/xml_success.xml");
pub(super) const XML_ERROR: &[u8] =
    include_bytes!("../../../../../tests/fixtures/citydata/xml_error.xml");
pub(super) const HTML_ERROR: &[u8] =
    include_bytes!("../../../../../tests/fixtures/citydata/html_error.html");
pub(super) const TRUNCATED: &[u8] =
    include_bytes!("../../../../../tests/fixtures/citydata/truncated.json");

pub(super) fn malformed_what(r: Result<CityReading, CityError>) -> String {
    match r {
        Err(CityError::Malformed { what }) => what,
        other => panic!("expected Malformed, got {other:?}"),
    }
}

/// The fixture as a JSON value, with `edit` applied to its first record.
pub(super) fn edited(body: &[u8], edit: impl FnOnce(&mut Map<String, Value>)) -> Vec<u8> {
    let mut v: Value = serde_json::from_slice(body).unwrap();
    edit(v[ROOT][0].as_object_mut().unwrap());
    serde_json::to_vec(&v).unwrap()
}

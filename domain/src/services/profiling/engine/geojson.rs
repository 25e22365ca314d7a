//! GeoJSON: a FeatureCollection streamed with serde visitors (properties as columns, one point
//! per feature).

use std::fmt;
use std::fs::File;
use std::io::{BufReader, Seek, SeekFrom};

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use types::profiling::Profile;

use super::collector::Collector;
use super::geo::{valid_wgs84, PointSampler};
use super::geometry::{GeomInfo, GeomSeed};
use super::readers::ProgressReader;
use super::values::{normalize_cell, truncate_chars};
use super::{ProfileError, MAX_COLUMNS};

struct GeoState {
    col: Collector,
    points: PointSampler,
    fatal: Option<ProfileError>,
    top_type: Option<String>,
    saw_features: bool,
    out_of_range: u64,
}

impl GeoState {
    fn fail<E: de::Error>(&mut self, e: ProfileError) -> E {
        let msg = e.message_en.clone();
        self.fatal = Some(e);
        E::custom(msg)
    }
}

pub(super) fn profile_geojson(
    mut file: File,
    head: &[u8],
    total: u64,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Profile, ProfileError> {
    let skip = if head.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    file.seek(SeekFrom::Start(skip))
        .map_err(|e| ProfileError::io(&e))?;
    let reader =
        BufReader::with_capacity(64 * 1024, ProgressReader::new(file, skip, total, progress));
    let mut de = serde_json::Deserializer::from_reader(reader);
    let mut state = GeoState {
        col: Collector::new(),
        points: PointSampler::default(),
        fatal: None,
        top_type: None,
        saw_features: false,
        out_of_range: 0,
    };
    let result = TopSeed(&mut state)
        .deserialize(&mut de)
        .and_then(|()| de.end());
    if let Err(e) = result {
        if let Some(f) = state.fatal.take() {
            return Err(f);
        }
        return Err(json_error(&e));
    }
    match state.top_type.as_deref() {
        Some("FeatureCollection") => {}
        Some(other) => return Err(not_collection(other)),
        None => {
            return Err(ProfileError::new(
                "GeoJSON FeatureCollection이 아닙니다 (최상위 객체에 \"type\"이 없습니다)",
                "not a GeoJSON FeatureCollection (the top-level object has no \"type\")",
            ))
        }
    }
    if !state.saw_features {
        return Err(ProfileError::new(
            "GeoJSON FeatureCollection에 \"features\" 배열이 없습니다",
            "the GeoJSON FeatureCollection has no \"features\" array",
        ));
    }
    let mut col = state.col;
    if state.out_of_range > 0 {
        col.warnings.push(format!(
            "{} features have coordinates outside the WGS84 range (lat −90..90, lon −180..180); \
             the file may use a projected coordinate system",
            state.out_of_range
        ));
    }
    if col.rows > 0 {
        col.geometry_column();
    }
    let mut profile = col.finish("geojson", None);
    if state.points.seen > 0 {
        profile.lat_column = Some("geometry".to_string());
        profile.lon_column = Some("geometry".to_string());
        profile.points = state.points.points;
        profile.bounds = state.points.bounds;
    }
    Ok(profile)
}

fn not_collection(kind: &str) -> ProfileError {
    let kind = truncate_chars(kind, 100);
    ProfileError::new(
        format!("GeoJSON FeatureCollection이 아닙니다 (최상위 \"type\"이 \"{kind}\"입니다)"),
        format!("not a GeoJSON FeatureCollection (top-level \"type\" is \"{kind}\")"),
    )
}

fn json_error(e: &serde_json::Error) -> ProfileError {
    let (line, column) = (e.line(), e.column());
    match e.classify() {
        serde_json::error::Category::Eof => ProfileError::new(
            format!("{line}행: 파일이 중간에 끝났습니다 (GeoJSON이 잘려 있습니다)"),
            format!("line {line}: unexpected end of file (the GeoJSON is truncated)"),
        ),
        serde_json::error::Category::Io => ProfileError::new(
            format!("파일을 읽을 수 없습니다: {e}"),
            format!("could not read the file: {e}"),
        ),
        serde_json::error::Category::Syntax | serde_json::error::Category::Data => {
            ProfileError::new(
                format!("{line}행 {column}열: 올바른 GeoJSON이 아닙니다 ({e})"),
                format!("line {line}, column {column}: invalid GeoJSON ({e})"),
            )
        }
    }
}

struct TopSeed<'a>(&'a mut GeoState);

impl<'de> DeserializeSeed<'de> for TopSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl TopSeed<'_> {
    fn wrong_top<E: de::Error>(self, what_ko: &str, what_en: &str) -> E {
        self.0.fail(ProfileError::new(
            format!("GeoJSON FeatureCollection이 아닙니다 (최상위 값이 {what_ko}입니다)"),
            format!("not a GeoJSON FeatureCollection (the top-level value is {what_en})"),
        ))
    }
}

impl<'de> Visitor<'de> for TopSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a GeoJSON FeatureCollection object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let state = self.0;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "type" => {
                    let v: serde_json::Value = map.next_value()?;
                    let kind = match &v {
                        serde_json::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    if kind != "FeatureCollection" {
                        return Err(state.fail(not_collection(&kind)));
                    }
                    state.top_type = Some(kind);
                }
                "features" => {
                    map.next_value_seed(FeaturesSeed(&mut *state))?;
                    state.saw_features = true;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _seq: A) -> Result<(), A::Error> {
        Err(self.wrong_top("JSON 배열", "a JSON array"))
    }
    fn visit_str<E: de::Error>(self, _v: &str) -> Result<(), E> {
        Err(self.wrong_top("문자열", "a string"))
    }
    fn visit_i64<E: de::Error>(self, _v: i64) -> Result<(), E> {
        Err(self.wrong_top("숫자", "a number"))
    }
    fn visit_u64<E: de::Error>(self, _v: u64) -> Result<(), E> {
        Err(self.wrong_top("숫자", "a number"))
    }
    fn visit_f64<E: de::Error>(self, _v: f64) -> Result<(), E> {
        Err(self.wrong_top("숫자", "a number"))
    }
    fn visit_bool<E: de::Error>(self, _v: bool) -> Result<(), E> {
        Err(self.wrong_top("불리언", "a boolean"))
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(self.wrong_top("null", "null"))
    }
}

struct FeaturesSeed<'a>(&'a mut GeoState);

impl<'de> DeserializeSeed<'de> for FeaturesSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for FeaturesSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of GeoJSON Features")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(FeatureSeed(&mut *self.0))?.is_some() {}
        Ok(())
    }
}

struct FeatureSeed<'a>(&'a mut GeoState);

impl<'de> DeserializeSeed<'de> for FeatureSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FeatureSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a GeoJSON Feature object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let state = self.0;
        state.col.begin_row();
        let mut geometry: Option<GeomInfo> = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "properties" => map.next_value_seed(PropertiesSeed(&mut *state))?,
                "geometry" => geometry = map.next_value_seed(GeomSeed)?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let g = state.col.geometry_column();
        state
            .col
            .cell(g, geometry.as_ref().map(|g| g.kind.as_str()));
        if let Some((lat, lon)) = geometry.and_then(|g| g.bbox.center()) {
            if valid_wgs84(lat, lon) {
                state.points.add(lat, lon, &mut state.col.rng);
            } else {
                state.out_of_range += 1;
            }
        }
        state.col.end_row();
        Ok(())
    }
}

struct PropertiesSeed<'a>(&'a mut GeoState);

impl<'de> DeserializeSeed<'de> for PropertiesSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for PropertiesSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a properties object or null")
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let state = self.0;
        while let Some(key) = map.next_key::<String>()? {
            let value: serde_json::Value = map.next_value()?;
            let text = match value {
                serde_json::Value::Null => None,
                serde_json::Value::String(s) => Some(s),
                serde_json::Value::Bool(b) => Some(b.to_string()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                other => Some(other.to_string()),
            };
            let Some(idx) = state.col.column_for(&key) else {
                let feature = state.col.rows + 1;
                return Err(state.fail(ProfileError::too_many_columns(
                    &format!("{feature}번째 피처의 속성"),
                    &format!("feature {feature}"),
                    MAX_COLUMNS + 1,
                )));
            };
            state
                .col
                .cell(idx, text.as_deref().and_then(normalize_cell));
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "geojson_tests.rs"]
mod tests;

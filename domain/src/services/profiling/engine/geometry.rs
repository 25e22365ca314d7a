//! GeoJSON geometries: bounding boxes of nested coordinate arrays, streamed with serde visitors.

use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::values::truncate_chars;

#[derive(Default, Clone, Copy)]
pub(super) struct BBox {
    min_lon: f64,
    min_lat: f64,
    max_lon: f64,
    max_lat: f64,
    n: u64,
}

impl BBox {
    fn add(&mut self, lon: f64, lat: f64) {
        if !lon.is_finite() || !lat.is_finite() {
            return;
        }
        if self.n == 0 {
            *self = BBox {
                min_lon: lon,
                min_lat: lat,
                max_lon: lon,
                max_lat: lat,
                n: 1,
            };
        } else {
            self.min_lon = self.min_lon.min(lon);
            self.min_lat = self.min_lat.min(lat);
            self.max_lon = self.max_lon.max(lon);
            self.max_lat = self.max_lat.max(lat);
            self.n += 1;
        }
    }

    fn merge(&mut self, other: &BBox) {
        if other.n > 0 {
            self.add(other.min_lon, other.min_lat);
            self.add(other.max_lon, other.max_lat);
        }
    }

    /// [lat, lon] of the centre.
    pub(super) fn center(&self) -> Option<(f64, f64)> {
        (self.n > 0).then(|| {
            (
                (self.min_lat + self.max_lat) / 2.0,
                (self.min_lon + self.max_lon) / 2.0,
            )
        })
    }
}

pub(super) struct GeomInfo {
    pub(super) kind: String,
    pub(super) bbox: BBox,
}

pub(super) struct GeomSeed;

impl<'de> DeserializeSeed<'de> for GeomSeed {
    type Value = Option<GeomInfo>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for GeomSeed {
    type Value = Option<GeomInfo>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a GeoJSON geometry object or null")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut kind: Option<String> = None;
        let mut bbox = BBox::default();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "type" => kind = Some(map.next_value::<String>()?),
                "coordinates" => map.next_value_seed(CoordsSeed(&mut bbox))?,
                "geometries" => map.next_value_seed(GeomListSeed(&mut bbox))?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Some(GeomInfo {
            kind: truncate_chars(kind.as_deref().unwrap_or("Unknown"), 100),
            bbox,
        }))
    }
}

struct GeomListSeed<'a>(&'a mut BBox);

impl<'de> DeserializeSeed<'de> for GeomListSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for GeomListSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of geometries")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(g) = seq.next_element_seed(GeomSeed)? {
            if let Some(g) = g {
                self.0.merge(&g.bbox);
            }
        }
        Ok(())
    }
}

/// Nested coordinate arrays: every innermost array of ≥ 2 numbers is a [lon, lat] position.
struct CoordsSeed<'a>(&'a mut BBox);

impl<'de> DeserializeSeed<'de> for CoordsSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for CoordsSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("GeoJSON coordinates")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut first = [f64::NAN; 2];
        let mut n = 0usize;
        while let Some(elem) = seq.next_element_seed(CoordElemSeed(&mut *self.0))? {
            if let Some(x) = elem {
                if let Some(slot) = first.get_mut(n) {
                    *slot = x;
                }
                n += 1;
            }
        }
        if n >= 2 {
            self.0.add(first[0], first[1]);
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, _v: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _v: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _v: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _v: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _v: &str) -> Result<(), E> {
        Ok(())
    }
}

struct CoordElemSeed<'a>(&'a mut BBox);

impl<'de> DeserializeSeed<'de> for CoordElemSeed<'_> {
    type Value = Option<f64>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for CoordElemSeed<'_> {
    type Value = Option<f64>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a coordinate or an array of coordinates")
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Some(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v as f64))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v as f64))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        CoordsSeed(self.0).visit_seq(seq)?;
        Ok(None)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_bool<E: de::Error>(self, _v: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_str<E: de::Error>(self, _v: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
}

//! Sampling and coordinates: the reservoir RNG, WGS84 and Korea-box checks, the point sampler
//! and the (lat, lon) column pair chosen by header name.

use super::MAX_POINTS;

/// xorshift64*: deterministic, good enough for reservoir sampling.
pub(super) struct Rng(pub(super) u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub(super) fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }
}

pub(super) fn valid_wgs84(lat: f64, lon: f64) -> bool {
    lat.is_finite()
        && lon.is_finite()
        && (-90.0..=90.0).contains(&lat)
        && (-180.0..=180.0).contains(&lon)
        && !(lat == 0.0 && lon == 0.0)
}

pub(super) fn in_korea_lat(v: f64) -> bool {
    (33.0..=39.0).contains(&v)
}

pub(super) fn in_korea_lon(v: f64) -> bool {
    (124.0..=132.0).contains(&v)
}

/// A reservoir of up to `MAX_POINTS` [lat, lon] points plus exact bounds over all of them.
#[derive(Default)]
pub(super) struct PointSampler {
    pub(super) seen: u64,
    pub(super) points: Vec<[f64; 2]>,
    pub(super) bounds: Option<[[f64; 2]; 2]>,
}

impl PointSampler {
    pub(super) fn add(&mut self, lat: f64, lon: f64, rng: &mut Rng) {
        self.bounds = Some(match self.bounds {
            None => [[lat, lon], [lat, lon]],
            Some([[a, b], [c, d]]) => [[a.min(lat), b.min(lon)], [c.max(lat), d.max(lon)]],
        });
        if self.points.len() < MAX_POINTS {
            self.points.push([lat, lon]);
        } else {
            let j = rng.below(self.seen + 1) as usize;
            if let Some(p) = self.points.get_mut(j) {
                *p = [lat, lon];
            }
        }
        self.seen += 1;
    }
}

/// Tracks a (lat, lon) column pair chosen by header name. Explicit names (위도/lat/…) are
/// trusted anywhere in the world; generic ones (y/x) only when the points lie in Korea, as
/// plain measurements named x and y are usually valid degrees too.
pub(super) struct PairTracker {
    pub(super) lat: usize,
    pub(super) lon: usize,
    pub(super) strong: bool,
    pub(super) cur: [Option<f64>; 2],
    pub(super) pairs: u64,
    pub(super) valid: u64,
    pub(super) in_korea: u64,
    pub(super) sampler: PointSampler,
}

impl PairTracker {
    pub(super) fn new(lat: usize, lon: usize, strong: bool) -> Self {
        PairTracker {
            lat,
            lon,
            strong,
            cur: [None, None],
            pairs: 0,
            valid: 0,
            in_korea: 0,
            sampler: PointSampler::default(),
        }
    }
}

pub(super) fn coordinate_name(name: &str) -> Option<(bool, bool)> {
    // Returns (is_lat, strong)
    let lower = name.trim().to_lowercase();
    let base = lower
        .split(['(', '['])
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>();
    match base.as_str() {
        "위도" | "lat" | "latitude" => Some((true, true)),
        "y" | "ycoord" | "y_coord" | "좌표y" | "y좌표" => Some((true, false)),
        "경도" | "lon" | "lng" | "long" | "longitude" => Some((false, true)),
        "x" | "xcoord" | "x_coord" | "좌표x" | "x좌표" => Some((false, false)),
        _ => None,
    }
}

#[cfg(test)]
#[path = "geo_tests.rs"]
mod tests;

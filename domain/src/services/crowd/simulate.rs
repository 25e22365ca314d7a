//! Simulated crowd readings for when no city API key is configured (the embedded default and
//! the tests): deterministic for a place and a time, with each kind of place's daily and weekly
//! rhythm (stations peak with commuters, parks and cafe streets on weekend afternoons), slow
//! noise, and events: in every three-hour block one place gets a surge that takes it to 붐빔.

use chrono::{DateTime, Datelike, Duration, FixedOffset, Timelike, Utc};
use types::model::CrowdLevel;

use super::citydata::{CityReading, ForecastPoint};
use crate::seed::mix;

/// What the simulator needs to know about a place.
#[derive(Debug, Clone)]
pub struct SimSpot {
    pub code: String,
    pub name_ko: String,
    pub category: String,
}

/// The spacing of readings, as the city's feed updates.
pub const SLOT_SECONDS: i64 = 300;

fn hash_str(s: &str) -> u64 {
    s.bytes().fold(0xCBF2_9CE4_8422_2325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01B3)
    })
}

/// A value in [0, 1) from two keys.
fn unit(a: u64, b: u64) -> f64 {
    (mix(a, b) >> 11) as f64 / (1u64 << 53) as f64
}

fn kst() -> FixedOffset {
    FixedOffset::east_opt(9 * 3600).expect("UTC+9 is a valid offset")
}

/// A smooth bump around `center` hours with `width` hours of spread.
fn bump(h: f64, center: f64, width: f64) -> f64 {
    let d = (h - center) / width;
    (-d * d).exp()
}

/// How full a kind of place is at an hour of the day (0..24, KST) on a weekday or weekend,
/// as a share of its capacity before noise and events.
fn rhythm(category: &str, h: f64, weekend: bool) -> f64 {
    let night = 0.05;
    let v = match category {
        c if c.contains("인구밀집") || c.contains("역") => {
            if weekend {
                night + 0.45 * bump(h, 15.0, 4.0)
            } else {
                night
                    + 0.75 * bump(h, 8.5, 1.2)
                    + 0.8 * bump(h, 18.5, 1.5)
                    + 0.3 * bump(h, 13.0, 3.0)
            }
        }
        c if c.contains("공원") => {
            let w = if weekend { 0.85 } else { 0.4 };
            night * 0.5 + w * bump(h, 15.5, 3.0) + 0.15 * bump(h, 20.0, 1.5)
        }
        c if c.contains("상권") => {
            let w = if weekend { 0.8 } else { 0.5 };
            night + w * bump(h, 14.5, 2.5) + 0.6 * bump(h, 20.0, 2.0)
        }
        c if c.contains("관광") || c.contains("문화") || c.contains("고궁") => {
            let w = if weekend { 0.75 } else { 0.5 };
            night * 0.5 + w * bump(h, 14.0, 3.0)
        }
        _ => night + 0.5 * bump(h, 13.5, 4.0),
    };
    v.min(1.0)
}

fn level_for(share: f64) -> CrowdLevel {
    match share {
        s if s < 0.4 => CrowdLevel::Relaxed,
        s if s < 0.65 => CrowdLevel::Normal,
        s if s < 0.9 => CrowdLevel::SlightlyBusy,
        _ => CrowdLevel::Busy,
    }
}

/// The place that has the event in the three-hour block containing `at`, and how strong the
/// surge is at `at` (0 outside, up to 1 in the middle of the block).
fn event(n_spots: usize, at: DateTime<Utc>) -> (usize, f64) {
    let block = at.timestamp().div_euclid(3 * 3600);
    let pick = (mix(block as u64, 77) % n_spots.max(1) as u64) as usize;
    let into = (at.timestamp().rem_euclid(3 * 3600)) as f64 / (3.0 * 3600.0);
    // Builds up over the first half hour, holds, eases off in the last half hour.
    let strength = (into * 6.0).min(1.0).min((1.0 - into) * 6.0).max(0.0);
    (pick, strength)
}

/// The share of capacity and the population at `at`, before rounding to the feed's ranges.
fn state(spots: &[SimSpot], idx: usize, at: DateTime<Utc>, noisy: bool) -> (f64, i32) {
    let s = &spots[idx];
    let key = hash_str(&s.code);
    let capacity = 4_000.0 + unit(key, 1) * 36_000.0;
    let local = at.with_timezone(&kst());
    let h = local.hour() as f64 + local.minute() as f64 / 60.0;
    let weekend = local.weekday().number_from_monday() >= 6;
    let mut share = rhythm(&s.category, h, weekend) * (0.85 + 0.3 * unit(key, 2));
    if noisy {
        // Slow noise: interpolate between random values every half hour.
        let t = at.timestamp() as f64 / 1800.0;
        let (a, b) = (unit(key, t.floor() as u64), unit(key, t.floor() as u64 + 1));
        let f = t - t.floor();
        share *= 0.92 + 0.16 * (a * (1.0 - f) + b * f);
    }
    let (pick, strength) = event(spots.len(), at);
    if pick == idx && strength > 0.0 {
        share = share.max(0.0) + (1.05 - share).max(0.0) * strength;
    }
    let share = share.clamp(0.0, 1.2);
    (share, (share * capacity).round() as i32)
}

/// The reading the simulator gives for place `idx` at `at` (rounded down to its 5-minute slot),
/// with a forecast for the next twelve hours.
pub fn reading(spots: &[SimSpot], idx: usize, at: DateTime<Utc>) -> CityReading {
    let slot = at.timestamp() - at.timestamp().rem_euclid(SLOT_SECONDS);
    let at = DateTime::from_timestamp(slot, 0).unwrap_or(at);
    let (share, population) = state(spots, idx, at, true);
    let (min, max) = range(population);
    let next_hour = at + Duration::seconds(3600 - at.timestamp().rem_euclid(3600));
    let forecast = (0..12)
        .map(|i| {
            let t = next_hour + Duration::hours(i);
            let (share, population) = state(spots, idx, t, false);
            let (population_min, population_max) = range(population);
            ForecastPoint {
                at: t,
                level: level_for(share),
                population_min,
                population_max,
            }
        })
        .collect();
    CityReading {
        area_code: spots[idx].code.clone(),
        area_name: spots[idx].name_ko.clone(),
        level: level_for(share),
        population_min: min,
        population_max: max,
        observed_at: at,
        message: None,
        forecast,
    }
}

/// The feed's style of range: a band of about a tenth around the estimate, in hundreds.
fn range(population: i32) -> (i32, i32) {
    let p = population.max(0);
    let half = (p / 20).max(100);
    let min = ((p - half).max(0) / 100) * 100;
    let max = ((p + half) / 100 + 1) * 100;
    (min, max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn spots() -> Vec<SimSpot> {
        [
            ("DEMO001", "성수카페거리", "발달상권"),
            ("DEMO002", "왕십리역", "인구밀집지역"),
            ("DEMO003", "서울숲공원", "공원"),
            ("DEMO004", "경복궁", "고궁·문화유산"),
        ]
        .iter()
        .map(|(c, n, k)| SimSpot {
            code: c.to_string(),
            name_ko: n.to_string(),
            category: k.to_string(),
        })
        .collect()
    }

    fn kst_time(d: i64, h: u32, m: u32) -> DateTime<Utc> {
        // 2026-11-30 is a Monday; `d` days later (5: Saturday).
        kst()
            .with_ymd_and_hms(2026, 11, 30, h, m, 0)
            .single()
            .unwrap()
            .with_timezone(&Utc)
            + Duration::days(d)
    }

    #[test]
    fn deterministic_and_on_the_slot() {
        let s = spots();
        let t = kst_time(0, 14, 37);
        let a = reading(&s, 0, t);
        let b = reading(&s, 0, t + Duration::seconds(20));
        assert_eq!(a, b, "same slot, same reading");
        assert_eq!(a.observed_at.timestamp() % SLOT_SECONDS, 0);
        assert!(a.population_min <= a.population_max);
        assert_eq!(a.forecast.len(), 12);
        assert!(a.forecast[0].at > a.observed_at);
        assert_eq!(a.area_code, "DEMO001");
    }

    #[test]
    fn stations_peak_with_commuters_and_nights_are_quiet() {
        let station = |h, weekend| rhythm("인구밀집지역", h, weekend);
        assert!(
            station(8.5, false) > station(11.0, false) * 2.0,
            "weekday morning rush"
        );
        assert!(station(18.5, false) > station(3.0, false) * 4.0);
        assert!(
            station(8.5, false) > station(8.5, true),
            "no rush on Saturday"
        );
        let park = |h, weekend| rhythm("공원", h, weekend);
        assert!(
            park(15.0, true) > park(15.0, false),
            "parks are fuller at the weekend"
        );
        assert!(park(3.0, false) < 0.1);
        let cafes = |h, weekend| rhythm("발달상권", h, weekend);
        assert!(cafes(14.5, true) > cafes(14.5, false));
        // Outside the event, a whole simulated day stays within what the feed can say.
        let s = spots();
        for h in 0..24 {
            let (share, population) = state(&s, 1, kst_time(0, h, 0), true);
            assert!((0.0..=1.2).contains(&share) && population >= 0);
        }
    }

    #[test]
    fn every_block_has_one_surge_to_busy() {
        let s = spots();
        let mut busy_blocks = 0;
        for block in 0..16 {
            let mid = kst_time(0, 0, 0) + Duration::hours(3 * block) + Duration::minutes(90);
            let (pick, strength) = event(s.len(), mid);
            assert_eq!(strength, 1.0);
            if reading(&s, pick, mid).level == CrowdLevel::Busy {
                busy_blocks += 1;
            }
        }
        assert_eq!(
            busy_blocks, 16,
            "the event's place is 붐빔 at the block's middle"
        );
    }

    #[test]
    fn ranges_look_like_the_feeds() {
        assert_eq!(range(0), (0, 200));
        let (a, b) = range(36_500);
        assert!(a < 36_500 && b > 36_500 && a % 100 == 0 && b % 100 == 0);
    }
}

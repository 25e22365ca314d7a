//! Planning the catalog: the 733 demo datasets (editions per year and per dong of every topic),
//! and synthetic ones for benchmarks.

use super::topics::{Topic, TOPICS};
use super::vocab::DONGS;
use super::DATASET_COUNT;

/// Deterministic pseudo-random numbers (no RNG state shared across runs).
pub(crate) fn mix(a: u64, b: u64) -> u64 {
    let mut x = a.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ b.wrapping_add(0xD1B5_4A32_D192_ED03);
    x ^= x >> 31;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^ (x >> 29)
}

/// One generated dataset before insertion.
#[derive(Clone)]
pub struct Planned<'a> {
    pub(super) topic: &'a Topic,
    pub(super) slug: String,
    pub(super) title_ko: String,
    pub(super) title_en: String,
    pub(super) dong: Option<usize>,
    pub(super) year: Option<i32>,
}

/// A synthetic catalog of `n` more datasets shaped like the demo one (for benchmarks):
/// every topic, per dong, per year, numbered editions.
pub fn synthetic_plan(n: usize) -> Vec<Planned<'static>> {
    (0..n)
        .map(|i| {
            let t = &TOPICS[i % TOPICS.len()];
            let dong = (i / TOPICS.len()) % DONGS.len();
            let year = 2000 + ((i / (TOPICS.len() * DONGS.len())) % 25) as i32;
            let edition = i / (TOPICS.len() * DONGS.len() * 25);
            let (code, ko, en) = DONGS[dong];
            Planned {
                topic: t,
                slug: format!("syn-{}-{code}-{year}-{edition}", t.slug),
                title_ko: format!(
                    "서울특별시 성동구_{ko} {} ({year}년 제{}판)",
                    t.ko,
                    edition + 1
                ),
                title_en: format!(
                    "Seongdong-gu {en}: {} ({year}, edition {})",
                    t.en,
                    edition + 1
                ),
                dong: Some(dong),
                year: Some(year),
            }
        })
        .collect()
}

pub(super) fn plan() -> Vec<Planned<'static>> {
    let mut out = Vec::new();
    for t in TOPICS {
        out.push(Planned {
            topic: t,
            slug: t.slug.to_string(),
            title_ko: format!("서울특별시 성동구_{}", t.ko),
            title_en: format!("Seongdong-gu {}", t.en),
            dong: None,
            year: None,
        });
    }
    // Yearly editions, then per-dong breakdowns, interleaved until the catalog has 733 datasets.
    let mut round = 0;
    while out.len() < DATASET_COUNT {
        for t in TOPICS {
            if out.len() >= DATASET_COUNT {
                break;
            }
            if t.yearly() && round < 18 {
                let year = 2024 - round as i32;
                out.push(Planned {
                    topic: t,
                    slug: format!("{}-{year}", t.slug),
                    title_ko: format!("서울특별시 성동구_{} ({year}년)", t.ko),
                    title_en: format!("Seongdong-gu {} ({year})", t.en),
                    dong: None,
                    year: Some(year),
                });
            }
            if t.per_dong() && round < DONGS.len() && out.len() < DATASET_COUNT {
                let (code, ko, en) = DONGS[round];
                out.push(Planned {
                    topic: t,
                    slug: format!("{}-{code}", t.slug),
                    title_ko: format!("서울특별시 성동구_{ko} {}", t.ko),
                    title_en: format!("Seongdong-gu {en}: {}", t.en),
                    dong: Some(round),
                    year: None,
                });
            }
        }
        round += 1;
        assert!(round < 100, "topic list too small for the demo catalog");
    }
    out
}

pub(super) fn source_for(topic: &Topic, i: usize) -> usize {
    match topic.kind {
        "statistics" => {
            if i.is_multiple_of(3) {
                2
            } else {
                0
            }
        }
        "api" => {
            if i.is_multiple_of(2) {
                3
            } else {
                1
            }
        }
        _ => match i % 5 {
            0 => 1,
            1 => 3,
            _ => 0,
        },
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn plan_has_733_unique_slugs() {
        let plan = super::plan();
        assert_eq!(plan.len(), super::DATASET_COUNT);
        let slugs: std::collections::HashSet<_> = plan.iter().map(|p| p.slug.clone()).collect();
        assert_eq!(slugs.len(), plan.len());
    }
}

//! Distinct counting: exact while small, then HyperLogLog.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

use super::EXACT_DISTINCT_LIMIT;

const HLL_BITS: u32 = 12;
const HLL_M: usize = 1 << HLL_BITS;

/// 64-bit hash over 8-byte words with a murmur3 finaliser: fast even unoptimised.
pub(super) fn hash64(bytes: &[u8]) -> u64 {
    const P1: u64 = 0x9E37_79B1_85EB_CA87;
    const P2: u64 = 0xC2B2_AE3D_27D4_EB4F;
    const P3: u64 = 0x1656_67B1_9E37_79F9;
    let mut h = P3 ^ (bytes.len() as u64).wrapping_mul(P1);
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        let k = u64::from_le_bytes(w)
            .wrapping_mul(P2)
            .rotate_left(31)
            .wrapping_mul(P1);
        h = (h ^ k).rotate_left(27).wrapping_mul(P1).wrapping_add(P3);
    }
    let mut w = [0u8; 8];
    for (dst, src) in w.iter_mut().zip(chunks.remainder()) {
        *dst = *src;
    }
    let k = u64::from_le_bytes(w)
        .wrapping_mul(P2)
        .rotate_left(31)
        .wrapping_mul(P1);
    h ^= k;
    h ^= h >> 33;
    h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    h ^= h >> 33;
    h = h.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    h ^ (h >> 33)
}

/// The values inserted are already well-mixed hashes.
#[derive(Default)]
struct IdentityHasher(u64);

impl Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

pub(super) struct Distinct {
    registers: Vec<u8>,
    exact: Option<HashSet<u64, BuildHasherDefault<IdentityHasher>>>,
}

impl Distinct {
    pub(super) fn new() -> Self {
        Distinct {
            registers: vec![0; HLL_M],
            exact: Some(HashSet::default()),
        }
    }

    pub(super) fn insert(&mut self, h: u64) {
        let idx = (h >> (64 - HLL_BITS)) as usize;
        let w = (h << HLL_BITS) | (1 << (HLL_BITS - 1));
        let rho = (w.leading_zeros() + 1) as u8;
        if let Some(r) = self.registers.get_mut(idx) {
            if *r < rho {
                *r = rho;
            }
        }
        if let Some(set) = &mut self.exact {
            set.insert(h);
            if set.len() > EXACT_DISTINCT_LIMIT {
                self.exact = None;
            }
        }
    }

    pub(super) fn estimate(&self) -> u64 {
        if let Some(set) = &self.exact {
            return set.len() as u64;
        }
        let m = HLL_M as f64;
        let mut sum = 0.0;
        let mut zeros = 0usize;
        for &r in &self.registers {
            sum += 1.0 / (1u64 << r.min(63)) as f64;
            if r == 0 {
                zeros += 1;
            }
        }
        let alpha = 0.7213 / (1.0 + 1.079 / m);
        let raw = alpha * m * m / sum;
        let est = if raw <= 2.5 * m && zeros > 0 {
            m * (m / zeros as f64).ln()
        } else {
            raw
        };
        if est.is_finite() && est > 0.0 {
            est.round() as u64
        } else {
            0
        }
    }
}

#[cfg(test)]
#[path = "distinct_tests.rs"]
mod tests;

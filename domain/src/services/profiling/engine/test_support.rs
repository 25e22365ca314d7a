//! Helpers for the data profiler's unit tests. Every test writes its input files to its own
//! temporary directory, which is removed when the test ends.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use types::profiling::{ColumnProfile, Profile};

use super::{profile_file, ProfileError};

/// A directory under the system temp dir, unique per test, removed on drop.
pub(super) struct TempDir(PathBuf);

impl TempDir {
    pub(super) fn new(label: &str) -> Self {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let dir = std::env::temp_dir().join(format!(
            "dongne-profiling-{label}-{}-{n}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }

    pub(super) fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).expect("write test file");
        path
    }

    pub(super) fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Profiles `path`, recording every progress call.
pub(super) fn run(
    path: &Path,
    file_name: Option<&str>,
) -> (Result<Profile, ProfileError>, Vec<(u64, u64)>) {
    let mut calls = Vec::new();
    let result = profile_file(path, file_name, &mut |done, total| {
        calls.push((done, total))
    });
    (result, calls)
}

/// Checks the progress contract of a successful run: starts at 0, never goes backwards, the
/// total never changes and equals the file size, and the last call reports done == total.
pub(super) fn check_progress(calls: &[(u64, u64)], file_len: u64) {
    assert!(!calls.is_empty(), "progress was never called");
    assert_eq!(
        calls.first(),
        Some(&(0, file_len)),
        "first progress call: {calls:?}"
    );
    assert_eq!(
        calls.last(),
        Some(&(file_len, file_len)),
        "last progress call"
    );
    for w in calls.windows(2) {
        assert!(
            w[0].0 <= w[1].0,
            "progress went backwards: {:?} then {:?}",
            w[0],
            w[1]
        );
        assert_eq!(w[0].1, w[1].1, "total changed between progress calls");
    }
    for &(done, total) in calls {
        assert!(done <= total, "done {done} > total {total}");
    }
}

/// Writes `bytes` as `name` in a fresh temp dir and profiles it; panics on error.
pub(super) fn profile_bytes(name: &str, bytes: &[u8]) -> Profile {
    let dir = TempDir::new("ok");
    let path = dir.write(name, bytes);
    let (result, calls) = run(&path, Some(name));
    let profile = result.unwrap_or_else(|e| panic!("profiling {name} failed: {e:?}"));
    check_progress(&calls, bytes.len() as u64);
    profile
}

/// Writes `bytes` as `name` in a fresh temp dir and profiles it; panics if it succeeds.
pub(super) fn profile_error(name: &str, bytes: &[u8]) -> ProfileError {
    let dir = TempDir::new("err");
    let path = dir.write(name, bytes);
    let (result, calls) = run(&path, Some(name));
    for w in calls.windows(2) {
        assert!(w[0].0 <= w[1].0, "progress went backwards: {calls:?}");
    }
    match result {
        Ok(p) => panic!("profiling {name} should fail, got {p:#?}"),
        Err(e) => {
            assert!(
                !e.message_ko.is_empty() && !e.message_en.is_empty(),
                "{e:?}"
            );
            assert_eq!(
                e.to_string(),
                e.message_en,
                "Display shows the English message"
            );
            e
        }
    }
}

pub(super) fn col<'a>(p: &'a Profile, name: &str) -> &'a ColumnProfile {
    p.columns
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no column {name:?} in {:?}", names(p)))
}

pub(super) fn names(p: &Profile) -> Vec<&str> {
    p.columns.iter().map(|c| c.name.as_str()).collect()
}

pub(super) fn types(p: &Profile) -> Vec<(&str, &str)> {
    p.columns
        .iter()
        .map(|c| (c.name.as_str(), c.data_type.as_str()))
        .collect()
}

pub(super) fn s(v: &str) -> Option<String> {
    Some(v.to_string())
}

pub(super) fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

pub(super) fn approx(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

pub(super) fn assert_point(p: [f64; 2], lat: f64, lon: f64) {
    assert!(
        approx(p[0], lat) && approx(p[1], lon),
        "point {p:?} != [{lat}, {lon}]"
    );
}

pub(super) fn euc_kr(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::EUC_KR.encode(text);
    assert!(!unmappable, "test text is not representable in CP949");
    bytes.into_owned()
}

pub(super) fn assert_no_coordinates(p: &Profile) {
    assert_eq!(p.lat_column, None, "lat column falsely detected");
    assert_eq!(p.lon_column, None, "lon column falsely detected");
    assert!(p.points.is_empty(), "points: {:?}", p.points);
    assert_eq!(p.bounds, None);
}

/// Places in Korea, (lat, lon).
pub(super) const SEOUL: (f64, f64) = (37.5665, 126.978);
pub(super) const BUSAN: (f64, f64) = (35.1796, 129.0756);
pub(super) const JEJU: (f64, f64) = (33.4996, 126.5312);
pub(super) const GANGNEUNG: (f64, f64) = (37.7519, 128.8761);

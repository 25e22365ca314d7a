//! Request metrics in memory, exposed in Prometheus' text format by `GET /metrics`.
//! Latency histograms are labelled by route template (never the raw path, so the number of
//! series stays bounded), method and status class.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Upper bounds of the latency buckets, in seconds.
pub const BUCKETS: [f64; 12] = [
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Default)]
pub struct Histogram {
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    /// Sum of observations in microseconds.
    sum_micros: AtomicU64,
}

impl Histogram {
    pub fn observe(&self, d: Duration) {
        let secs = d.as_secs_f64();
        for (i, le) in BUCKETS.iter().enumerate() {
            if secs <= *le {
                self.buckets[i].fetch_add(1, Ordering::Relaxed);
            }
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_micros.fetch_add(
            d.as_micros().min(u64::MAX as u128) as u64,
            Ordering::Relaxed,
        );
    }
}

/// (route, method, status class)
type Key = (String, String, &'static str);

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<Key, Arc<Histogram>>>,
}

fn status_class(status: u16) -> &'static str {
    match status {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

/// A label value with `\`, `"` and newlines escaped.
fn label(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

impl Metrics {
    pub fn observe(&self, route: &str, method: &str, status: u16, took: Duration) {
        let key = (route.to_string(), method.to_string(), status_class(status));
        let h = match self.requests.lock() {
            Ok(mut m) => m.entry(key).or_default().clone(),
            Err(_) => return,
        };
        h.observe(took);
    }

    /// The request histograms and counters in Prometheus' text format.
    pub fn render_requests(&self, out: &mut String) {
        let _ = writeln!(
            out,
            "# HELP dongne_http_request_duration_seconds Time to the response head, by route template."
        );
        let _ = writeln!(out, "# TYPE dongne_http_request_duration_seconds histogram");
        let Ok(m) = self.requests.lock() else {
            return;
        };
        for ((route, method, class), h) in m.iter() {
            let labels = format!(
                "route=\"{}\",method=\"{}\",status=\"{class}\"",
                label(route),
                label(method)
            );
            for (i, le) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "dongne_http_request_duration_seconds_bucket{{{labels},le=\"{le}\"}} {}",
                    h.buckets[i].load(Ordering::Relaxed)
                );
            }
            let count = h.count.load(Ordering::Relaxed);
            let _ = writeln!(
                out,
                "dongne_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {count}"
            );
            let _ = writeln!(
                out,
                "dongne_http_request_duration_seconds_sum{{{labels}}} {}",
                h.sum_micros.load(Ordering::Relaxed) as f64 / 1e6
            );
            let _ = writeln!(
                out,
                "dongne_http_request_duration_seconds_count{{{labels}}} {count}"
            );
        }
    }
}

/// One gauge, with its help line.
pub fn gauge(out: &mut String, name: &str, help: &str, value: f64) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} gauge");
    let _ = writeln!(out, "{name} {value}");
}

/// This process's resident memory (Linux), in bytes.
pub fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histograms_are_cumulative_and_labelled_by_route() {
        let m = Metrics::default();
        m.observe(
            "/api/v1/datasets/{id}",
            "GET",
            200,
            Duration::from_millis(3),
        );
        m.observe(
            "/api/v1/datasets/{id}",
            "GET",
            204,
            Duration::from_millis(300),
        );
        m.observe(
            "/api/v1/datasets/{id}",
            "GET",
            404,
            Duration::from_millis(1),
        );
        let mut out = String::new();
        m.render_requests(&mut out);
        let l = "route=\"/api/v1/datasets/{id}\",method=\"GET\",status=\"2xx\"";
        assert!(
            out.contains(&format!(
                "dongne_http_request_duration_seconds_bucket{{{l},le=\"0.005\"}} 1"
            )),
            "{out}"
        );
        assert!(out.contains(&format!(
            "dongne_http_request_duration_seconds_bucket{{{l},le=\"0.5\"}} 2"
        )));
        assert!(out.contains(&format!(
            "dongne_http_request_duration_seconds_count{{{l}}} 2"
        )));
        assert!(out.contains("status=\"4xx\""));
        assert_eq!(label("a\"b\\c"), "a\\\"b\\\\c");
    }
}

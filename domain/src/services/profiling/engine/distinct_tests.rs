//! Unit tests for distinct counts (exact while small, estimated when large).

use std::fmt::Write as _;

use crate::services::profiling::engine::test_support::*;

// ---------------------------------------------------------------------------------------------
// Distinct counts
// ---------------------------------------------------------------------------------------------

#[test]
fn distinct_estimates_are_within_five_percent_for_large_cardinalities() {
    let mut csv = String::from("cat,uniq,repeated\n");
    for i in 0..50_000u32 {
        let _ = writeln!(csv, "c{},{},v{}", i % 10_000, i * 7 + 3, (i * 7919) % 2000);
    }
    let p = profile_bytes("distinct.csv", csv.as_bytes());
    assert_eq!(p.rows, 50_000);
    for (name, want) in [("cat", 10_000.0), ("uniq", 50_000.0), ("repeated", 2000.0)] {
        let got = col(&p, name).distinct_estimate as f64;
        let err = (got - want).abs() / want;
        assert!(
            err <= 0.05,
            "{name}: estimate {got} for {want} distinct ({:.1}%)",
            err * 100.0
        );
    }
}

#[test]
fn distinct_counts_are_exact_for_small_cardinalities() {
    let cards = [1u32, 2, 7, 100, 1000, 1024];
    let mut csv = cards
        .iter()
        .map(|c| format!("c{c}"))
        .collect::<Vec<_>>()
        .join(",");
    csv.push('\n');
    for i in 0..3000u32 {
        let row: Vec<String> = cards.iter().map(|c| format!("value-{}", i % c)).collect();
        let _ = writeln!(csv, "{}", row.join(","));
    }
    let p = profile_bytes("small.csv", csv.as_bytes());
    for c in cards {
        assert_eq!(
            col(&p, &format!("c{c}")).distinct_estimate,
            u64::from(c),
            "c{c}"
        );
    }
    // Nulls do not count as a value.
    let p = profile_bytes("n.csv", b"a\nx\n\nNULL\nx\ny\n");
    assert_eq!(col(&p, "a").distinct_estimate, 2);
}

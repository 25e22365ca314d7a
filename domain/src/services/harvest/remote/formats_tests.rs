//! Unit tests for formats, kinds and update cycles.

use super::*;

#[test]
fn update_cycles() {
    let cases = [
        (
            "http://publications.europa.eu/resource/authority/frequency/DAILY",
            "daily",
        ),
        (
            "http://publications.europa.eu/resource/authority/frequency/MONTHLY",
            "monthly",
        ),
        (
            "http://publications.europa.eu/resource/authority/frequency/QUARTERLY",
            "quarterly",
        ),
        (
            "http://publications.europa.eu/resource/authority/frequency/ANNUAL",
            "yearly",
        ),
        (
            "http://publications.europa.eu/resource/authority/frequency/WEEKLY",
            "weekly",
        ),
        (
            "http://publications.europa.eu/resource/authority/frequency/CONT",
            "realtime",
        ),
        (
            "http://publications.europa.eu/resource/authority/frequency/IRREG",
            "irregular",
        ),
        ("http://purl.org/cld/freq/annual", "yearly"),
        ("freq:bimonthly", "quarterly"),
        ("P1D", "daily"),
        ("P1W", "weekly"),
        ("P1M", "monthly"),
        ("P3M", "quarterly"),
        ("P1Y", "yearly"),
        ("PT1H", "realtime"),
        ("P2Y", "irregular"),
        ("실시간", "realtime"),
        ("일간", "daily"),
        ("매일", "daily"),
        ("주간", "weekly"),
        ("월간", "monthly"),
        ("매월", "monthly"),
        ("분기", "quarterly"),
        ("연간", "yearly"),
        ("매년", "yearly"),
        ("수시", "irregular"),
        ("Monthly", "monthly"),
        ("real-time", "realtime"),
    ];
    for (raw, want) in cases {
        assert_eq!(map_update_cycle(raw), Some(want), "{raw}");
    }
    for raw in ["", "기타", "P", "sometimes", "UNKNOWN"] {
        assert_eq!(map_update_cycle(raw), None, "{raw}");
    }
}

#[test]
fn formats_and_kinds() {
    assert_eq!(short_format("csv"), "CSV");
    assert_eq!(short_format(".xlsx"), "XLSX");
    assert_eq!(short_format("text/csv"), "CSV");
    assert_eq!(short_format("application/json"), "JSON");
    assert_eq!(
        short_format("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        "XLSX"
    );
    assert_eq!(short_format("application/geo+json"), "GEOJSON");
    assert_eq!(
        short_format("http://publications.europa.eu/resource/authority/file-type/CSV"),
        "CSV"
    );
    assert_eq!(
        short_format("https://www.iana.org/assignments/media-types/application/json"),
        "JSON"
    );
    assert_eq!(short_format("  "), "");
    assert_eq!(classify("CSV", "https://h/a.csv", false), "file");
    assert_eq!(classify("", "https://h/a.zip?dl=1", false), "file");
    assert_eq!(classify("OpenAPI", "https://h/x", false), "api");
    assert_eq!(classify("WFS", "https://h/geoserver/ows", false), "api");
    assert_eq!(classify("", "https://h/api/v1/items", false), "api");
    assert_eq!(classify("JSON", "https://h/items?page=1", false), "api");
    assert_eq!(
        classify("JSON", "https://h/items.json?page=1", false),
        "file"
    );
    assert_eq!(classify("", "https://h/about", false), "link");
    assert_eq!(classify("HTML", "https://h/about.html", false), "link");
    assert_eq!(classify("CSV", "https://h/x", true), "api");
}

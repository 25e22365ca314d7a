//! Unit tests for coordinates: lat/lon columns by name or value range, sampling and bounds.

use std::fmt::Write as _;

use crate::services::profiling::engine::test_support::*;

// ---------------------------------------------------------------------------------------------
// Coordinates
// ---------------------------------------------------------------------------------------------

#[test]
fn lat_lon_by_korean_header_names() {
    let csv = format!(
        "시설명,위도,경도,인원\n\
         시청,{},{},10\n\
         부산역,{},{},20\n\
         제주공항,{},{},30\n\
         강릉역,{},{},40\n\
         미상,,,50\n",
        SEOUL.0, SEOUL.1, BUSAN.0, BUSAN.1, JEJU.0, JEJU.1, GANGNEUNG.0, GANGNEUNG.1
    );
    let p = profile_bytes("places.csv", csv.as_bytes());
    assert_eq!(p.lat_column.as_deref(), Some("위도"));
    assert_eq!(p.lon_column.as_deref(), Some("경도"));
    assert_eq!(col(&p, "위도").data_type, "number");
    assert_eq!(p.points.len(), 4);
    for (point, want) in p.points.iter().zip([SEOUL, BUSAN, JEJU, GANGNEUNG]) {
        assert_point(*point, want.0, want.1);
    }
    assert_eq!(p.bounds, Some([[JEJU.0, JEJU.1], [GANGNEUNG.0, BUSAN.1]]));
}

#[test]
fn lat_lon_header_name_variants() {
    let variants = [
        ("lat", "lon"),
        ("LAT", "LNG"),
        ("Latitude", "Longitude"),
        ("latitude (WGS84)", "longitude (WGS84)"),
        ("위도[도]", "경도[도]"),
        ("lat", "long"),
        ("y", "x"),
        ("Y", "X"),
        ("ycoord", "xcoord"),
        ("Y_COORD", "X_COORD"),
        ("Y좌표", "X좌표"),
        ("좌표Y", "좌표X"),
    ];
    for (lat, lon) in variants {
        // Longitude first, and an unrelated numeric column in between.
        let csv = format!(
            "{lon},count,{lat}\n{},1,{}\n{},2,{}\n",
            SEOUL.1, SEOUL.0, BUSAN.1, BUSAN.0
        );
        let p = profile_bytes("v.csv", csv.as_bytes());
        assert_eq!(p.lat_column.as_deref(), Some(lat), "{lat}/{lon}");
        assert_eq!(p.lon_column.as_deref(), Some(lon), "{lat}/{lon}");
        assert_eq!(p.points.len(), 2, "{lat}/{lon}");
        assert_point(p.points[0], SEOUL.0, SEOUL.1);
        assert_eq!(
            p.bounds,
            Some([[BUSAN.0, SEOUL.1], [SEOUL.0, BUSAN.1]]),
            "{lat}/{lon}"
        );
    }
}

#[test]
fn named_lat_lon_are_preferred_over_x_y() {
    // x/y hold projected metres here; lat/lon hold degrees.
    let csv = format!(
        "x,y,lat,lon\n198000.5,451000.25,{},{}\n389000.1,186000.9,{},{}\n",
        SEOUL.0, SEOUL.1, BUSAN.0, BUSAN.1
    );
    let p = profile_bytes("both.csv", csv.as_bytes());
    assert_eq!(p.lat_column.as_deref(), Some("lat"));
    assert_eq!(p.lon_column.as_deref(), Some("lon"));
    assert_eq!(p.points.len(), 2);
}

#[test]
fn points_are_capped_at_1000_and_bounds_cover_every_row() {
    let mut csv = String::from("id,lat,lon\n");
    for i in 0..5000u32 {
        let lat = 34.0 + f64::from(i) * 0.0008; // 34.0000 ..= 37.9992, growing
        let lon = 127.0 + f64::from(i % 250) * 0.004; // 127.000 ..= 127.996
        let _ = writeln!(csv, "{i},{lat:.4},{lon:.3}");
    }
    // The extremes come late, after the reservoir is full.
    csv.push_str("5000,33.11,126.1\n5001,38.6,131.87\n");
    let p = profile_bytes("many.csv", csv.as_bytes());
    assert_eq!(p.rows, 5002);
    assert_eq!(p.lat_column.as_deref(), Some("lat"));
    assert_eq!(p.points.len(), 1000);
    for &[lat, lon] in &p.points {
        assert!(
            (33.11..=38.6).contains(&lat) && (126.1..=131.87).contains(&lon),
            "{lat},{lon}"
        );
    }
    // A uniform sample of all rows, not just the first 1000 (whose latitudes are < 34.8).
    let late = p.points.iter().filter(|&&[lat, _]| lat >= 34.8).count();
    assert!(
        late > 600,
        "only {late} of 1000 points come from rows after the first 1000"
    );
    assert_eq!(p.bounds, Some([[33.11, 126.1], [38.6, 131.87]]));
}

#[test]
fn invalid_and_null_island_coordinates_are_skipped() {
    let csv = format!(
        "lat,lon\n{},{}\n0,0\n{},{}\n,\n{},{}\n{},{}\n{},{}\n{},{}\n{},{}\n{},{}\n{},{}\n",
        SEOUL.0,
        SEOUL.1,
        BUSAN.0,
        BUSAN.1,
        JEJU.0,
        JEJU.1,
        SEOUL.0,
        SEOUL.1,
        BUSAN.0,
        BUSAN.1,
        JEJU.0,
        JEJU.1,
        SEOUL.0,
        SEOUL.1,
        BUSAN.0,
        BUSAN.1,
        GANGNEUNG.0,
        GANGNEUNG.1
    );
    let p = profile_bytes("island.csv", csv.as_bytes());
    assert_eq!(p.lat_column.as_deref(), Some("lat"));
    assert_eq!(p.points.len(), 9, "(0, 0) and the empty row are not points");
    assert!(p.points.iter().all(|&[lat, lon]| lat != 0.0 && lon != 0.0));
    assert_eq!(p.bounds, Some([[JEJU.0, JEJU.1], [GANGNEUNG.0, BUSAN.1]]));
}

#[test]
fn mostly_invalid_named_coordinates_are_not_used() {
    let mut csv = String::from("lat,lon\n");
    for _ in 0..8 {
        csv.push_str("0,0\n");
    }
    let _ = writeln!(csv, "{},{}", SEOUL.0, SEOUL.1);
    let p = profile_bytes("zeros.csv", csv.as_bytes());
    assert_no_coordinates(&p);
}

#[test]
fn projected_x_y_are_not_taken_for_wgs84() {
    // EPSG:5186 metres, as in many Korean public data sets.
    let csv = "명칭,X,Y\n가,198327.51,451721.33\n나,201522.87,447813.04\n다,386321.2,185912.8\n";
    let p = profile_bytes("tm.csv", csv.as_bytes());
    assert_eq!(col(&p, "X").data_type, "number");
    assert_no_coordinates(&p);
}

#[test]
fn ordinary_numeric_columns_are_not_coordinates() {
    let mut csv = String::from("연도,인구,면적,나이,금액,비율\n");
    for i in 0..200u32 {
        let _ = writeln!(
            csv,
            "{},{},{:.2},{},{},{:.3}",
            2000 + i % 25,
            10_000 + i * 37,
            12.5 + f64::from(i) * 0.3,
            20 + i % 60,
            1000 * (i + 1),
            f64::from(i) / 200.0
        );
    }
    let p = profile_bytes("stats.csv", csv.as_bytes());
    assert!(p
        .columns
        .iter()
        .all(|c| c.data_type == "integer" || c.data_type == "number"));
    assert_no_coordinates(&p);
}

#[test]
fn ordinary_x_y_columns_are_not_coordinates() {
    // A chart-like table: "x" and "y" are plain measurements, valid as degrees but nowhere
    // near Korea.
    let mut csv = String::from("x,y\n");
    for i in 1..=60u32 {
        let _ = writeln!(csv, "{i},{}", (i * 7) % 80 + 1);
    }
    let p = profile_bytes("chart.csv", csv.as_bytes());
    assert_eq!(types(&p), [("x", "integer"), ("y", "integer")]);
    assert_no_coordinates(&p);
}

#[test]
fn lat_lon_outside_korea_by_explicit_names_are_kept() {
    // Explicit latitude/longitude names are trusted anywhere in the world.
    let p = profile_bytes("nyc.csv", b"lat,lon\n40.7128,-74.006\n51.5072,-0.1276\n");
    assert_eq!(p.lat_column.as_deref(), Some("lat"));
    assert_eq!(p.bounds, Some([[40.7128, -74.006], [51.5072, -0.1276]]));
}

#[test]
fn unnamed_coordinates_inside_korea_are_found_by_value_range() {
    let mut csv = String::from("id,좌표1,좌표2,인구\n");
    for i in 0..3000u32 {
        let lat = 34.0 + f64::from(i % 400) * 0.01; // 34.00 ..= 37.99
        let lon = 126.0 + f64::from(i % 300) * 0.01; // 126.00 ..= 128.99
        let _ = writeln!(csv, "{i},{lat:.2},{lon:.2},{}", 1000 + i);
    }
    let p = profile_bytes("unnamed.csv", csv.as_bytes());
    assert_eq!(p.lat_column.as_deref(), Some("좌표1"));
    assert_eq!(p.lon_column.as_deref(), Some("좌표2"));
    assert_eq!(p.points.len(), 1000);
    for &[lat, lon] in &p.points {
        assert!((34.0..=37.99).contains(&lat) && (126.0..=128.99).contains(&lon));
    }
    assert_eq!(p.bounds, Some([[34.0, 126.0], [37.99, 128.99]]));
}

#[test]
fn swapped_lat_lon_headers_are_resolved_by_value_range() {
    // The columns are labelled the wrong way round.
    let csv = format!(
        "위도,경도\n{},{}\n{},{}\n{},{}\n",
        SEOUL.1, SEOUL.0, BUSAN.1, BUSAN.0, JEJU.1, JEJU.0
    );
    let p = profile_bytes("swapped.csv", csv.as_bytes());
    assert_eq!(p.lat_column.as_deref(), Some("경도"));
    assert_eq!(p.lon_column.as_deref(), Some("위도"));
    assert_eq!(p.points.len(), 3);
    assert_point(p.points[0], SEOUL.0, SEOUL.1);
    assert_eq!(p.bounds, Some([[JEJU.0, JEJU.1], [SEOUL.0, BUSAN.1]]));
}

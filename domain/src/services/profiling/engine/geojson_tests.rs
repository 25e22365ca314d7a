//! Unit tests for GeoJSON files.

use std::fmt::Write as _;

use crate::services::profiling::engine::test_support::*;

// ---------------------------------------------------------------------------------------------
// GeoJSON
// ---------------------------------------------------------------------------------------------

fn sample_geojson() -> serde_json::Value {
    serde_json::json!({
        "type": "FeatureCollection",
        "name": "facilities",
        "crs": { "type": "name", "properties": { "name": "urn:ogc:def:crs:OGC:1.3:CRS84" } },
        "features": [
            { "type": "Feature", "id": 1,
              "properties": { "name": "A", "pop": 100 },
              "geometry": { "type": "Point", "coordinates": [SEOUL.1, SEOUL.0] } },
            { "type": "Feature",
              "geometry": { "type": "Point", "coordinates": [BUSAN.1, BUSAN.0, 12.5] },
              "properties": { "name": "B", "pop": null, "area": 1.5 } },
            { "type": "Feature",
              "properties": { "name": "C", "pop": 300 },
              "geometry": { "type": "Polygon", "coordinates": [[
                  [127.0, 37.0], [127.2, 37.0], [127.2, 37.4], [127.0, 37.4], [127.0, 37.0]
              ]] } },
            { "type": "Feature", "properties": null, "geometry": null },
            { "type": "Feature",
              "properties": { "name": "E", "pop": 500, "open": true },
              "geometry": { "type": "GeometryCollection", "geometries": [
                  { "type": "Point", "coordinates": [126.5, 33.4] },
                  { "type": "LineString", "coordinates": [[126.5, 33.4], [126.6, 33.5]] }
              ] } }
        ]
    })
}

#[test]
fn geojson_points_polygons_properties_and_geometry_column() {
    let text = serde_json::to_string_pretty(&sample_geojson()).unwrap();
    let p = profile_bytes("facilities.geojson", text.as_bytes());
    assert_eq!(p.format, "geojson");
    assert_eq!(p.encoding, None);
    assert_eq!(p.rows, 5);
    assert_eq!(
        types(&p),
        [
            ("name", "text"),
            ("pop", "integer"),
            ("area", "number"),
            ("open", "boolean"),
            ("geometry", "geometry"),
        ]
    );
    let pop = col(&p, "pop");
    assert_eq!((pop.non_null, pop.nulls), (3, 2));
    assert!(approx(pop.null_ratio, 0.4));
    assert_eq!((pop.min.clone(), pop.max.clone()), (s("100"), s("500")));
    assert_eq!(col(&p, "name").samples, strings(&["A", "B", "C", "E"]));
    assert_eq!(col(&p, "area").nulls, 4);
    let geom = col(&p, "geometry");
    assert_eq!((geom.non_null, geom.nulls), (4, 1));
    assert_eq!(
        geom.samples,
        strings(&["Point", "Polygon", "GeometryCollection"])
    );
    assert_eq!((geom.min.clone(), geom.max.clone()), (None, None));
    assert_eq!(geom.distinct_estimate, 3);
    assert_eq!(
        p.preview,
        vec![
            strings(&["A", "100", "", "", "Point"]),
            strings(&["B", "", "1.5", "", "Point"]),
            strings(&["C", "300", "", "", "Polygon"]),
            strings(&["", "", "", "", ""]),
            strings(&["E", "500", "", "true", "GeometryCollection"]),
        ]
    );
    assert_eq!(p.lat_column.as_deref(), Some("geometry"));
    assert_eq!(p.lon_column.as_deref(), Some("geometry"));
    // One point per feature with a geometry: the centre of its bounding box.
    assert_eq!(p.points.len(), 4);
    assert_point(p.points[0], SEOUL.0, SEOUL.1);
    assert_point(p.points[1], BUSAN.0, BUSAN.1);
    assert_point(p.points[2], 37.2, 127.1);
    assert_point(p.points[3], 33.45, 126.55);
    let [[min_lat, min_lon], [max_lat, max_lon]] = p.bounds.expect("bounds");
    assert!(
        approx(min_lat, 33.45) && approx(min_lon, 126.55),
        "{:?}",
        p.bounds
    );
    assert!(
        approx(max_lat, SEOUL.0) && approx(max_lon, BUSAN.1),
        "{:?}",
        p.bounds
    );
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
}

#[test]
fn geojson_compact_with_bom_and_property_named_geometry() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(
        br#"{"features":[{"type":"Feature","properties":{"geometry":"wkt","v":1},"geometry":{"type":"Point","coordinates":[127,37.5]}}],"type":"FeatureCollection"}"#,
    );
    let p = profile_bytes("x.json", &bytes);
    assert_eq!(p.rows, 1);
    assert_eq!(names(&p), ["properties.geometry", "v", "geometry"]);
    assert_eq!(p.preview, vec![strings(&["wkt", "1", "Point"])]);
    assert_eq!(p.points, vec![[37.5, 127.0]]);
}

#[test]
fn geojson_many_features_cap_points_and_warn_about_projected_coordinates() {
    let mut text = String::from("{\"type\":\"FeatureCollection\",\"features\":[\n");
    for i in 0..1500u32 {
        let (x, y) = if i < 1495 {
            (
                126.0 + f64::from(i) * 0.001,
                35.0 + f64::from(i % 100) * 0.01,
            )
        } else {
            (198327.5 + f64::from(i), 451721.3) // projected metres
        };
        let sep = if i == 0 { "" } else { ",\n" };
        let _ = write!(
            text,
            "{sep}{{\"type\":\"Feature\",\"properties\":{{\"i\":{i}}},\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{x},{y}]}}}}"
        );
    }
    text.push_str("\n]}\n");
    let p = profile_bytes("many.geojson", text.as_bytes());
    assert_eq!(p.rows, 1500);
    assert_eq!(p.points.len(), 1000);
    assert!(p
        .points
        .iter()
        .all(|&[lat, lon]| (35.0..=35.99 + 1e-9).contains(&lat) && lon < 128.0));
    let [[min_lat, min_lon], [max_lat, max_lon]] = p.bounds.expect("bounds");
    assert!(approx(min_lat, 35.0) && approx(min_lon, 126.0));
    assert!(approx(max_lat, 35.99) && approx(max_lon, 126.0 + 1494.0 * 0.001));
    assert_eq!(p.warnings.len(), 1, "{:?}", p.warnings);
    assert!(p.warnings[0].starts_with("5 features"), "{:?}", p.warnings);
    let distinct = col(&p, "i").distinct_estimate as f64;
    assert!((distinct - 1500.0).abs() <= 75.0, "distinct {distinct}");
}

#[test]
fn geojson_truncated_file_names_the_line() {
    let full = serde_json::to_string_pretty(&sample_geojson()).unwrap();
    let cut = full.find("\"C\"").expect("feature C") + 2; // inside the string "C"
    let truncated = &full[..cut];
    let line = truncated.matches('\n').count() + 1;
    let e = profile_error("cut.geojson", truncated.as_bytes());
    assert!(
        e.message_en.contains(&format!("line {line}")),
        "{e:?} (line {line})"
    );
    assert!(e.message_en.contains("truncated"), "{e:?}");
    assert!(e.message_ko.contains(&format!("{line}행")), "{e:?}");

    // Cut right after a comma.
    let cut = full.find("\"name\": \"B\"").unwrap();
    let truncated = full[..cut].trim_end();
    let line = truncated.matches('\n').count() + 1;
    let e = profile_error("cut2.geojson", truncated.as_bytes());
    assert!(
        e.message_en.contains(&format!("line {line}")) && e.message_en.contains("truncated"),
        "{e:?}"
    );
}

#[test]
fn geojson_wrong_top_level_values_are_named() {
    let e = profile_error(
        "array.geojson",
        br#"[{"type":"Feature","properties":{},"geometry":null}]"#,
    );
    assert!(e.message_en.contains("a JSON array"), "{e:?}");
    assert!(e.message_ko.contains("배열"), "{e:?}");

    let e = profile_error(
        "feature.geojson",
        br#"{"type":"Feature","properties":{"a":1},"geometry":{"type":"Point","coordinates":[127,37]}}"#,
    );
    assert!(
        e.message_en.contains("not a GeoJSON FeatureCollection"),
        "{e:?}"
    );
    assert!(e.message_en.contains("\"Feature\""), "{e:?}");
    assert!(e.message_ko.contains("\"Feature\""), "{e:?}");

    // "type" after "features": detected once the whole object is read.
    let e = profile_error(
        "late-type.geojson",
        br#"{"features":[],"type":"GeometryCollection"}"#,
    );
    assert!(e.message_en.contains("\"GeometryCollection\""), "{e:?}");

    let e = profile_error("no-type.geojson", br#"{"features":[]}"#);
    assert!(e.message_en.contains("no \"type\""), "{e:?}");

    let e = profile_error("no-features.geojson", br#"{"type":"FeatureCollection"}"#);
    assert!(e.message_en.contains("no \"features\""), "{e:?}");

    let e = profile_error("str.json", br#""FeatureCollection""#);
    assert!(e.message_en.contains("a string"), "{e:?}");
}

#[test]
fn geojson_syntax_errors_name_line_and_column() {
    let text = "{\n  \"type\": \"FeatureCollection\",\n  \"features\": [\n    {\"type\": \"Feature\",, }\n  ]\n}\n";
    let e = profile_error("syntax.geojson", text.as_bytes());
    assert!(e.message_en.contains("line 4, column 24"), "{e:?}");
    assert!(e.message_ko.contains("4행 24열"), "{e:?}");

    let e = profile_error(
        "trailing.geojson",
        b"{\"type\":\"FeatureCollection\",\"features\":[]}\n{}",
    );
    assert!(e.message_en.contains("line 2"), "{e:?}");
}

#[test]
fn geojson_empty_collection_has_no_rows() {
    let p = profile_bytes(
        "none.geojson",
        br#"{"type":"FeatureCollection","features":[]}"#,
    );
    assert_eq!(p.rows, 0);
    assert!(p.columns.is_empty());
    assert_no_coordinates(&p);
}

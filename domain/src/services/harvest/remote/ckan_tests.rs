//! Unit tests for the CKAN parser, and whole-page errors.

use super::super::test_support::*;
use super::*;
use crate::services::harvest::remote::parse_dcat;

#[test]
fn ckan_page1_full_record() {
    let page = parse_ckan_search(CKAN_PAGE1.as_bytes(), 0).unwrap();
    assert_eq!(page.count, 5);
    assert_eq!(page.records.len(), 3);
    let d = ok(&page.records[0]);
    assert_eq!(d.key, "0a1b2c3d-0001-4000-8000-000000000001");
    assert_eq!(d.name.as_deref(), Some("seongdong-cctv-locations"));
    assert_eq!(d.title_ko, "성동구 CCTV 설치 현황");
    assert_eq!(
        d.title_en.as_deref(),
        Some("Seongdong-gu CCTV installations")
    );
    assert!(d.description_ko.starts_with("성동구 관내 방범용 CCTV"));
    assert!(d
        .description_en
        .as_deref()
        .unwrap()
        .starts_with("Locations"));
    assert_eq!(d.keywords, vec!["CCTV", "안전", "방범"]);
    assert_eq!(d.license.as_deref(), Some("공공누리 제1유형 (출처표시)"));
    assert_eq!(d.publisher.as_deref(), Some("서울특별시 성동구"));
    assert_eq!(d.modified, date(2024, 3, 1));
    assert_eq!(d.update_cycle, Some("monthly"));
    assert_eq!(d.contact_name.as_deref(), Some("김성동"));
    assert_eq!(d.contact_email.as_deref(), Some("data@sd.go.kr.example"));
    assert_eq!(
        d.landing_page.as_deref(),
        Some("https://www.sd.go.kr/main/contents.do?key=4290")
    );
    let dist = &d.distributions;
    assert_eq!(dist.len(), 3);
    assert_eq!(dist[0].title, "CCTV 설치 현황 (CSV)");
    assert_eq!(dist[0].format, "CSV");
    assert_eq!(dist[0].kind, "file");
    assert_eq!(dist[0].size_bytes, Some(48213));
    assert_eq!(dist[1].format, "XLSX");
    assert_eq!(dist[1].size_bytes, Some(102_400));
    assert_eq!(dist[1].kind, "file");
    assert_eq!(dist[2].format, "API");
    assert_eq!(dist[2].kind, "api");
    assert_eq!(dist[2].size_bytes, None);
}

#[test]
fn ckan_page1_sparse_and_unicode_records() {
    let page = parse_ckan_search(CKAN_PAGE1.as_bytes(), 0).unwrap();
    let sparse = ok(&page.records[1]);
    assert_eq!(sparse.title_ko, "성동구 공중화장실 현황");
    assert_eq!(sparse.description_ko, "");
    assert_eq!(sparse.description_en, None);
    assert!(sparse.keywords.is_empty());
    assert_eq!(sparse.license, None);
    assert_eq!(sparse.publisher, None);
    assert_eq!(sparse.contact_name, None);
    assert_eq!(sparse.contact_email, None);
    assert_eq!(sparse.landing_page, None);
    assert_eq!(sparse.update_cycle, None);
    assert_eq!(sparse.modified, date(2023, 11, 20));
    assert!(sparse.distributions.is_empty());

    let u = ok(&page.records[2]);
    assert_eq!(u.title_ko, "서울숲 문화행사 일정 🌳");
    assert_eq!(
        u.title_en.as_deref(),
        Some("Seoul Forest cultural events 🌳")
    );
    assert!(u.description_ko.contains("🎉"));
    // tags[].name empty → display_name
    assert_eq!(u.keywords, vec!["문화", "공원"]);
    // organization.title "" → organization.name
    assert_eq!(u.publisher.as_deref(), Some("seongdong-culture"));
    // maintainer "" → author
    assert_eq!(u.contact_name.as_deref(), Some("Seongdong-gu Office"));
    assert_eq!(u.contact_email.as_deref(), Some("open@sd.go.kr.example"));
    assert_eq!(u.landing_page, None);
    assert_eq!(u.update_cycle, Some("weekly"));
    let dist = &u.distributions;
    assert_eq!(dist[0].title, "GEOJSON");
    assert_eq!(dist[0].format, "GEOJSON");
    assert_eq!(dist[0].size_bytes, Some(2048));
    assert_eq!(dist[0].kind, "file");
    // no name: titled by its format; a JSON endpoint with a query → api
    assert_eq!(dist[1].title, "JSON");
    assert_eq!(dist[1].format, "JSON");
    assert_eq!(dist[1].kind, "api");
    // nothing at all: "resource N", a link
    assert_eq!(dist[2].title, "resource 3");
    assert_eq!(dist[2].format, "");
    assert_eq!(dist[2].kind, "link");
}

#[test]
fn ckan_page2_malformed_record_is_a_record_error() {
    let page = parse_ckan_search(CKAN_PAGE2.as_bytes(), 3).unwrap();
    assert_eq!(page.count, 5);
    assert_eq!(page.records.len(), 2);
    let d = ok(&page.records[0]);
    assert_eq!(d.key, "0a1b2c3d-0004-4000-8000-000000000004");
    assert_eq!(d.update_cycle, Some("quarterly"));
    assert_eq!(d.license.as_deref(), Some("KOGL-Type1"));
    assert_eq!(d.publisher.as_deref(), Some("seongdong-gu"));
    assert_eq!(d.distributions[0].format, "XLS");
    let e = page.records[1].as_ref().unwrap_err();
    assert_eq!(e.index, 4);
    assert_eq!(e.key, None);
    assert_eq!(e.reason, "record 4: id and name both missing");
}

#[test]
fn ckan_empty_last_page() {
    let page = parse_ckan_search(CKAN_EMPTY.as_bytes(), 5).unwrap();
    assert_eq!(page.count, 5);
    assert!(page.records.is_empty());
}

#[test]
fn ckan_show_and_error() {
    let d = parse_ckan_show(CKAN_SHOW.as_bytes()).unwrap();
    assert_eq!(d.key, "0a1b2c3d-0001-4000-8000-000000000001");
    assert_eq!(d.distributions.len(), 3);

    let e = parse_ckan_show(CKAN_ERROR.as_bytes()).unwrap_err();
    assert_eq!(
        e.0,
        "CKAN reported success=false: Not Found Error: Not found"
    );
    let e = parse_ckan_search(CKAN_ERROR.as_bytes(), 0).unwrap_err();
    assert!(e.to_string().contains("Not found"));
    // a search body is not a show body and vice versa
    assert!(parse_ckan_search(CKAN_SHOW.as_bytes(), 0).is_err());
    let e = parse_ckan_show(br#"{"success":true,"result":{"title":"x"}}"#).unwrap_err();
    assert!(e.0.contains("id and name both missing"), "{e}");
    let e = parse_ckan_search(
        br#"{"success":false,"error":{"__type":"Validation Error","rows":["Must be a natural number"]}}"#,
        0,
    )
    .unwrap_err();
    assert!(
        e.0.contains("Validation Error: rows: Must be a natural number"),
        "{e}"
    );
}

#[test]
fn ckan_odd_records() {
    let big = "가".repeat(350_000); // ~1 MB of UTF-8
    let body = serde_json::json!({
        "help": "h", "success": true,
        "result": {"count": 4, "results": [
            42,
            {"id": "a1", "name": "", "title": "   "},
            {"name": "only-name", "notes": big, "tags": null, "organization": null,
             "resources": null, "extras": null, "license_title": null,
             "metadata_modified": null},
            {"id": "x", "title": "T", "extras": {"frequency": "P1D"},
             "resources": [{"url": "https://h/wms?service=WMS&request=GetCapabilities", "format": "WMS", "size": "n/a"}, "junk"]}
        ]}
    })
    .to_string();
    let page = parse_ckan_search(body.as_bytes(), 10).unwrap();
    let e0 = page.records[0].as_ref().unwrap_err();
    assert_eq!(e0.reason, "record 10: not a JSON object");
    let e1 = page.records[1].as_ref().unwrap_err();
    assert_eq!(e1.reason, "record 11 (id a1): title missing");
    assert_eq!(e1.key.as_deref(), Some("a1"));
    let d = ok(&page.records[2]);
    assert_eq!(d.key, "only-name");
    assert_eq!(d.title_ko, "only-name");
    assert_eq!(d.description_ko.len(), big.len());
    assert_eq!(d.modified, None);
    let d = ok(&page.records[3]);
    assert_eq!(d.update_cycle, Some("daily"));
    assert_eq!(d.distributions.len(), 1);
    assert_eq!(d.distributions[0].kind, "api");
    assert_eq!(d.distributions[0].size_bytes, None);
}

#[test]
fn broken_bodies_are_page_errors() {
    let e = parse_ckan_search(BROKEN_TRUNCATED.as_bytes(), 0).unwrap_err();
    assert!(e.0.starts_with("not JSON at line "), "{e}");
    assert!(e.0.contains("column"), "{e}");
    let e = parse_ckan_search(BROKEN_HTML.as_bytes(), 0).unwrap_err();
    assert!(e.0.starts_with("not JSON at line 1 column 1"), "{e}");
    assert!(e.0.contains("HTML"), "{e}");
    assert!(parse_dcat(BROKEN_HTML.as_bytes(), DCAT_BASE).is_err());
    assert!(parse_dcat(BROKEN_TRUNCATED.as_bytes(), DCAT_BASE).is_err());
    assert!(parse_ckan_search(b"", 0)
        .unwrap_err()
        .0
        .contains("empty body"));
    assert!(parse_ckan_search(b"[1,2]", 0).is_err());
    assert!(parse_ckan_search(br#"{"success":true,"result":{"results":[]}}"#, 0).is_err());
    // a CKAN body handed to the DCAT parser
    assert!(parse_dcat(CKAN_PAGE1.as_bytes(), DCAT_BASE).is_err());
    assert!(parse_dcat(b"\"just a string\"", DCAT_BASE).is_err());
}

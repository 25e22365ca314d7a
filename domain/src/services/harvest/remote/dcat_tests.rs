//! Unit tests for the DCAT JSON-LD parser.

use super::super::test_support::*;
use super::*;

#[test]
fn dcat_graph_page1() {
    let page = parse_dcat(DCAT_PAGE1.as_bytes(), DCAT_BASE).unwrap();
    assert_eq!(
        page.next_page.as_deref(),
        Some("https://data.seongdong.example/catalog.jsonld?page=2")
    );
    assert_eq!(page.records.len(), 2);
    let d = ok(&page.records[0]);
    assert_eq!(d.key, "sd-air-quality-001");
    assert_eq!(d.name, None);
    assert_eq!(d.title_ko, "성동구 실시간 대기질 측정정보");
    assert_eq!(
        d.title_en.as_deref(),
        Some("Seongdong-gu real-time air quality")
    );
    assert!(d.description_ko.starts_with("성동구 도시대기측정소"));
    assert!(d.description_en.as_deref().unwrap().starts_with("PM10"));
    assert_eq!(d.keywords, vec!["대기질", "미세먼지", "PM2.5"]);
    assert_eq!(d.license.as_deref(), Some("공공누리 제1유형"));
    assert_eq!(d.publisher.as_deref(), Some("서울특별시 성동구"));
    assert_eq!(d.modified, date(2024, 3, 5));
    assert_eq!(d.update_cycle, Some("realtime"));
    assert_eq!(d.contact_name.as_deref(), Some("성동구청 환경과"));
    assert_eq!(d.contact_email.as_deref(), Some("env@sd.go.kr.example"));
    assert_eq!(
        d.landing_page.as_deref(),
        Some("https://www.sd.go.kr/main/air")
    );
    assert_eq!(
        d.distributions,
        vec![
            RemoteDistribution {
                title: "대기질 측정값 (CSV)".into(),
                format: "CSV".into(),
                url: "https://data.seongdong.example/files/air_quality_2024.csv".into(),
                kind: "file",
                size_bytes: Some(52311),
            },
            RemoteDistribution {
                title: "대기질 실시간 조회".into(),
                format: "JSON".into(),
                url: "https://openapi.seoul.example/api/airquality?gu=seongdong&type=json".into(),
                kind: "api",
                size_bytes: None,
            },
        ]
    );

    let b = ok(&page.records[1]);
    assert_eq!(b.key, "sd-bike-stations");
    assert_eq!(b.title_ko, "성동구 따릉이 대여소 현황");
    assert_eq!(
        b.title_en.as_deref(),
        Some("Seongdong-gu Ttareungyi bike stations")
    );
    assert_eq!(b.description_ko, "");
    assert_eq!(b.keywords, vec!["따릉이", "자전거"]);
    assert_eq!(b.modified, date(2024, 2, 29));
    assert_eq!(b.update_cycle, Some("quarterly"));
    assert_eq!(
        b.license.as_deref(),
        Some("http://creativecommons.org/licenses/by/4.0/")
    );
    assert_eq!(b.publisher.as_deref(), Some("서울특별시 성동구"));
    let x = &b.distributions[0];
    assert_eq!(x.format, "XLSX");
    assert_eq!(x.title, "XLSX");
    assert_eq!(
        x.url,
        "https://data.seongdong.example/files/bike_stations.xlsx"
    );
    assert_eq!(x.kind, "file");
    assert_eq!(x.size_bytes, Some(20480));
}

#[test]
fn dcat_graph_page2_last_page() {
    let base = "https://data.seongdong.example/catalog.jsonld?page=2";
    let page = parse_dcat(DCAT_PAGE2.as_bytes(), base).unwrap();
    assert_eq!(page.next_page, None);
    assert_eq!(page.records.len(), 2);
    let d = ok(&page.records[0]);
    assert_eq!(d.key, "sd-population-monthly");
    assert_eq!(d.title_ko, "성동구 주민등록 인구 통계");
    assert_eq!(d.title_en, None);
    assert_eq!(d.keywords, vec!["인구"]);
    assert_eq!(d.modified, date(2024, 1, 31));
    assert_eq!(d.update_cycle, Some("monthly"));
    assert_eq!(d.publisher.as_deref(), Some("서울특별시 성동구"));
    assert_eq!(d.distributions.len(), 1);
    assert_eq!(d.distributions[0].format, "CSV");
    assert_eq!(d.distributions[0].title, "CSV");
    let e = page.records[1].as_ref().unwrap_err();
    assert_eq!(e.key.as_deref(), Some("sd-untitled"));
    assert_eq!(e.reason, "record 1 (id sd-untitled): title missing");
}

#[test]
fn dcat_embedded_catalog_with_context() {
    let page = parse_dcat(
        DCAT_EMBEDDED.as_bytes(),
        "https://data.seongdong.example/catalog.jsonld",
    )
    .unwrap();
    assert_eq!(page.next_page, None);
    assert_eq!(page.records.len(), 3);
    let d = ok(&page.records[0]);
    assert_eq!(d.key, "sd-trash-schedule");
    assert_eq!(d.title_ko, "성동구 생활폐기물 배출 요일");
    assert_eq!(
        d.title_en.as_deref(),
        Some("Seongdong-gu waste collection days")
    );
    assert_eq!(d.keywords, vec!["생활폐기물", "재활용"]);
    assert_eq!(d.modified, date(2023, 12, 18));
    assert_eq!(d.update_cycle, Some("yearly"));
    assert_eq!(d.publisher.as_deref(), Some("성동구청 청소행정과"));
    assert_eq!(d.contact_name.as_deref(), Some("청소행정과 데이터 담당"));
    assert_eq!(d.contact_email.as_deref(), Some("clean@sd.go.kr.example"));
    assert_eq!(
        d.landing_page.as_deref(),
        Some("https://www.sd.go.kr/main/waste")
    );
    assert_eq!(
        d.license.as_deref(),
        Some("https://www.kogl.or.kr/info/licenseType1.do")
    );
    assert_eq!(d.distributions.len(), 2);
    assert_eq!(d.distributions[0].format, "XLSX");
    assert_eq!(d.distributions[0].size_bytes, Some(9216));
    assert_eq!(d.distributions[0].kind, "file");
    assert_eq!(d.distributions[1].format, "CSV");
    assert_eq!(d.distributions[1].kind, "file");
    assert_eq!(d.distributions[1].size_bytes, Some(4100));

    // untyped dataset listed by the catalog; key from its @id alias "id"
    let p = ok(&page.records[1]);
    assert_eq!(
        p.key,
        "https://data.seongdong.example/dataset/seongsu-popup-stores"
    );
    assert_eq!(p.update_cycle, Some("irregular"));
    assert_eq!(p.distributions[0].format, "HTML");
    assert_eq!(p.distributions[0].kind, "link");
    assert_eq!(p.distributions[0].url, "https://map.sd.go.kr.example/popup");

    let e = page.records[2].as_ref().unwrap_err();
    assert_eq!(e.index, 2);
    assert_eq!(e.key, None);
    assert_eq!(
        e.reason,
        "record 2: dataset has neither dct:identifier nor @id"
    );
}

#[test]
fn dcat_top_level_array_and_language_map() {
    let body = r#"[
      {"@id": "https://x/ds/1", "@type": "http://www.w3.org/ns/dcat#Dataset",
       "http://purl.org/dc/terms/title": {"en": "Parks", "ko": "공원"},
       "http://www.w3.org/ns/dcat#distribution": {"@id": "https://x/dist/1"},
       "http://purl.org/dc/terms/accrualPeriodicity": "http://purl.org/cld/freq/daily"},
      {"@id": "https://x/dist/1", "@type": "Distribution",
       "http://www.w3.org/ns/dcat#downloadURL": "https://x/f/parks.geojson",
       "http://www.w3.org/ns/dcat#mediaType": "application/geo+json"},
      {"@id": "https://x/view", "@type": ["hydra:PartialCollectionView"],
       "hydra:next": {"@id": "/catalog?page=3"}}
    ]"#;
    let page = parse_dcat(body.as_bytes(), "https://x/catalog?page=2").unwrap();
    assert_eq!(page.next_page.as_deref(), Some("https://x/catalog?page=3"));
    let d = ok(&page.records[0]);
    assert_eq!(d.key, "https://x/ds/1");
    assert_eq!(d.title_ko, "공원");
    assert_eq!(d.title_en.as_deref(), Some("Parks"));
    assert_eq!(d.update_cycle, Some("daily"));
    assert_eq!(d.distributions[0].format, "GEOJSON");
    assert_eq!(d.distributions[0].title, "GEOJSON");
    // an empty graph is a valid (empty) page
    let page = parse_dcat(br#"{"@context": {}, "@graph": []}"#, "https://x/").unwrap();
    assert!(page.records.is_empty());
}

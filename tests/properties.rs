//! Property tests on every parser of outside input: crowd feed answers and pushed readings,
//! import sheets, harvested catalog pages, problem reports and URL query strings. Whatever the
//! bytes, each answers `Ok` or an error naming the problem — never a panic — and well-formed
//! input keeps its meaning (round trips).

use app::feedback::FeedbackInput;
use app::search::{parse_query_string, SearchQuery, SearchSort, MAX_QUERY_CHARS};
use chrono::Utc;
use domain::services::crowd::{citydata, local};
use domain::services::harvest::remote;
use domain::services::transfer::sheet;
use proptest::prelude::*;

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(format!("{}/fixtures/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// A real recording with some bytes changed, some cut, or some added.
fn mutated(base: Vec<u8>) -> impl Strategy<Value = Vec<u8>> {
    let len = base.len();
    (
        proptest::collection::vec((0..len.max(1), any::<u8>()), 0..8),
        0..=len,
        proptest::collection::vec(any::<u8>(), 0..16),
    )
        .prop_map(move |(flips, cut, tail)| {
            let mut b = base.clone();
            for (i, v) in flips {
                if i < b.len() {
                    b[i] = v;
                }
            }
            b.truncate(cut);
            b.extend(tail);
            b
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn city_feed_answers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = citydata::parse(&bytes);
    }

    #[test]
    fn damaged_city_feed_recordings_never_panic(bytes in mutated(fixture("citydata/seongsu_cafe_street.json"))) {
        if let Ok(r) = citydata::parse(&bytes) {
            prop_assert!(r.population_min <= r.population_max);
        }
    }

    #[test]
    fn damaged_xml_feed_recordings_never_panic(bytes in mutated(fixture("citydata/xml_success.xml"))) {
        let _ = citydata::parse(&bytes);
    }

    #[test]
    fn pushed_readings_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..1024), json in any::<bool>()) {
        let _ = local::parse(&bytes, json, Utc::now());
    }

    #[test]
    fn well_formed_pushed_readings_are_read_back(
        rows in proptest::collection::vec((1i32..=4, 0i32..100_000, 0i32..1000), 1..20)
    ) {
        let body: Vec<serde_json::Value> = rows
            .iter()
            .map(|(level, min, extra)| serde_json::json!({
                "level": level, "population_min": min, "population_max": min + extra
            }))
            .collect();
        let parsed = local::parse(serde_json::to_string(&body).unwrap().as_bytes(), true, Utc::now()).unwrap();
        prop_assert_eq!(parsed.len(), rows.len());
        for (p, (level, min, extra)) in parsed.iter().zip(&rows) {
            prop_assert_eq!(p.level.number() as i32, *level);
            prop_assert_eq!((p.population_min, p.population_max), (*min, min + extra));
        }
    }

    #[test]
    fn import_sheets_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048), xlsx in any::<bool>()) {
        let name = if xlsx { "upload.xlsx" } else { "upload.csv" };
        let _ = sheet::read(Some(name), &bytes);
    }

    #[test]
    fn csv_sheets_in_any_text_never_panic(text in "\\PC{0,400}") {
        let _ = sheet::read(Some("upload.csv"), text.as_bytes());
    }

    #[test]
    fn harvested_ckan_pages_never_panic(
        search in mutated(fixture("harvest/ckan_search_page1.json")),
        show in mutated(fixture("harvest/ckan_show.json")),
    ) {
        let _ = remote::parse_ckan_search(&search, 0);
        let _ = remote::parse_ckan_show(&show);
    }

    #[test]
    fn harvested_dcat_pages_never_panic(bytes in mutated(fixture("harvest/dcat_graph_page1.jsonld"))) {
        let _ = remote::parse_dcat(&bytes, "http://127.0.0.1:1");
    }

    #[test]
    fn problem_reports_never_panic(kind in "\\PC{0,30}", body in "\\PC{0,2100}", contact in "\\PC{0,250}", website in "\\PC{0,5}") {
        let input = FeedbackInput { kind, body, contact, website };
        if let Ok(v) = input.validate() {
            prop_assert!(v.body.chars().count() >= 10 && v.body.chars().count() <= 2000);
        }
    }

    #[test]
    fn query_strings_never_panic(raw in "\\PC{0,300}") {
        let _ = SearchQuery::from_pairs(parse_query_string(&raw));
    }

    #[test]
    fn search_queries_survive_the_url(
        q in "\\PC{0,60}",
        themes in proptest::collection::btree_set("[a-z0-9_-]{1,12}", 0..4),
        sort in prop_oneof![Just(SearchSort::Relevance), Just(SearchSort::Updated), Just(SearchSort::Title)],
        page in 1u64..10_000,
        per_page in 1u64..=100,
    ) {
        // The search text is kept with its whitespace runs as single spaces.
        let q = q.split_whitespace().collect::<Vec<_>>().join(" ");
        prop_assume!(q.chars().count() <= MAX_QUERY_CHARS);
        let mut query = SearchQuery { q, sort, page, per_page, ..SearchQuery::default() };
        if !themes.is_empty() {
            query.filters.insert(app::search::FacetKey::Theme, themes.into_iter().collect());
        }
        let back = SearchQuery::from_pairs(parse_query_string(&query.to_query_string())).unwrap();
        prop_assert_eq!(back, query);
    }
}

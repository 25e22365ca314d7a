//! Fixtures and helpers for the remote catalog parsers' unit tests.

use chrono::NaiveDate;

use super::{RecordError, RemoteDataset};

pub(super) const CKAN_PAGE1: &str =
    include_str!("../../../../../tests/fixtures/harvest/ckan_search_page1.json");
pub(super) const CKAN_PAGE2: &str =
    include_str!("../../../../../tests/fixtures/harvest/ckan_search_page2.json");
pub(super) const CKAN_EMPTY: &str =
    include_str!("../../../../../tests/fixtures/harvest/ckan_search_empty.json");
pub(super) const CKAN_SHOW: &str =
    include_str!("../../../../../tests/fixtures/harvest/ckan_show.json");
pub(super) const CKAN_ERROR: &str =
    include_str!("../../../../../tests/fixtures/harvest/ckan_error.json");
pub(super) const DCAT_PAGE1: &str =
    include_str!("../../../../../tests/fixtures/harvest/dcat_graph_page1.jsonld");
pub(super) const DCAT_PAGE2: &str =
    include_str!("../../../../../tests/fixtures/harvest/dcat_graph_page2.jsonld");
pub(super) const DCAT_EMBEDDED: &str =
    include_str!("../../../../../tests/fixtures/harvest/dcat_embedded.jsonld");
pub(super) const BROKEN_TRUNCATED: &str =
    include_str!("../../../../../tests/fixtures/harvest/broken_truncated.json");
pub(super) const BROKEN_HTML: &str =
    include_str!("../../../../../tests/fixtures/harvest/broken_html.html");

pub(super) const DCAT_BASE: &str = "https://data.seongdong.example/catalog.jsonld?page=1";

pub(super) fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

pub(super) fn ok(r: &Result<RemoteDataset, RecordError>) -> &RemoteDataset {
    r.as_ref()
        .unwrap_or_else(|e| panic!("unexpected record error: {e:?}"))
}

//! Parsers for remote catalog responses (CKAN Action API and DCAT JSON-LD).
//!
//! Pure functions: no I/O. Every parser turns a response body into the neutral
//! [`RemoteDataset`] shape. Problems with a single record become a
//! [`RecordError`] next to the good records; problems with the whole page
//! (not JSON, wrong envelope, `success: false`) become a [`PageError`].

mod ckan;
mod dcat;
mod formats;
mod jsonld;
#[cfg(test)]
mod test_support;
mod url;
mod values;

pub use ckan::{parse_ckan_search, parse_ckan_show};
pub use dcat::parse_dcat;
pub use formats::map_update_cycle;
pub use url::resolve_url;
pub use values::slug_candidate;

use std::fmt;

use chrono::NaiveDate;

/// One dataset as described by a remote catalog, independent of its protocol.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteDataset {
    /// The source's stable identifier: CKAN `id` (fallback `name`); DCAT
    /// `dct:identifier` (fallback the node's `@id`).
    pub key: String,
    /// CKAN `name` (URL slug) if any; `None` for DCAT.
    pub name: Option<String>,
    pub title_ko: String,
    pub title_en: Option<String>,
    pub description_ko: String,
    pub description_en: Option<String>,
    pub keywords: Vec<String>,
    pub license: Option<String>,
    pub publisher: Option<String>,
    pub modified: Option<NaiveDate>,
    /// One of "realtime", "daily", "weekly", "monthly", "quarterly", "yearly", "irregular".
    pub update_cycle: Option<&'static str>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub landing_page: Option<String>,
    pub distributions: Vec<RemoteDistribution>,
}

/// One downloadable file, API or link of a remote dataset.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteDistribution {
    pub title: String,
    /// Upper-case short format ("CSV", "XLSX", "GEOJSON"...), or "" when unknown.
    pub format: String,
    pub url: String,
    /// "file", "api" or "link".
    pub kind: &'static str,
    pub size_bytes: Option<i64>,
}

/// One problem with one record; the rest of the page still counts.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordError {
    pub key: Option<String>,
    /// Absolute position of the record (CKAN: `start_index` + position in the page;
    /// DCAT: position among the datasets of the page). Also used in `reason`.
    pub index: usize,
    pub reason: String,
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for RecordError {}

/// A whole-page problem (not JSON, not the expected envelope, success=false...).
#[derive(Debug, Clone, PartialEq)]
pub struct PageError(pub String);

impl fmt::Display for PageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PageError {}

/// One page of a CKAN `package_search`.
#[derive(Debug)]
pub struct CkanPage {
    /// Total number of matching datasets on the remote side (all pages).
    pub count: u64,
    pub records: Vec<Result<RemoteDataset, RecordError>>,
}

/// One page of a DCAT catalog.
#[derive(Debug)]
pub struct DcatPage {
    pub records: Vec<Result<RemoteDataset, RecordError>>,
    /// Absolute URL of the next page (Hydra paging), if any.
    pub next_page: Option<String>,
}

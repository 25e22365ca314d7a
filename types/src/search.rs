//! Search requests and results, shared by the JSON API, the server functions and the UI.
//! The same parser validates URL parameters everywhere, naming the parameter that is wrong.

use crate::t;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::i18n::Lang;
use crate::model::DatasetSummary;

/// A classification a search can be narrowed by (the URL parameter name is `param()`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FacetKey {
    Theme,
    Department,
    Dong,
    Source,
    Type,
    Cycle,
    Format,
    Visibility,
    /// On time / due soon / overdue / no schedule, from the next due date (published datasets).
    Freshness,
}

impl FacetKey {
    pub const ALL: [FacetKey; 9] = [
        FacetKey::Theme,
        FacetKey::Department,
        FacetKey::Dong,
        FacetKey::Source,
        FacetKey::Type,
        FacetKey::Cycle,
        FacetKey::Format,
        FacetKey::Visibility,
        FacetKey::Freshness,
    ];

    /// URL parameter and JSON key.
    pub fn param(self) -> &'static str {
        match self {
            FacetKey::Theme => "theme",
            FacetKey::Department => "department",
            FacetKey::Dong => "dong",
            FacetKey::Source => "source",
            FacetKey::Type => "type",
            FacetKey::Cycle => "cycle",
            FacetKey::Format => "format",
            FacetKey::Visibility => "visibility",
            FacetKey::Freshness => "freshness",
        }
    }

    pub fn from_param(p: &str) -> Option<Self> {
        FacetKey::ALL.into_iter().find(|k| k.param() == p)
    }

    /// The classification scheme in the database behind this facet (format and visibility
    /// come from dataset fields instead).
    pub fn scheme(self) -> Option<&'static str> {
        match self {
            FacetKey::Theme => Some("theme"),
            FacetKey::Department => Some("department"),
            FacetKey::Dong => Some("dong"),
            FacetKey::Source => Some("source"),
            FacetKey::Type => Some("data_type"),
            FacetKey::Cycle => Some("update_cycle"),
            FacetKey::Format | FacetKey::Visibility | FacetKey::Freshness => None,
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            FacetKey::Theme => t!(lang, facet.theme),
            FacetKey::Department => t!(lang, facet.department),
            FacetKey::Dong => t!(lang, facet.administrative_dong),
            FacetKey::Source => t!(lang, facet.source_institution),
            FacetKey::Type => t!(lang, facet.data_type),
            FacetKey::Cycle => t!(lang, facet.update_cycle),
            FacetKey::Format => t!(lang, facet.format),
            FacetKey::Visibility => t!(lang, facet.visibility),
            FacetKey::Freshness => t!(lang, facet.freshness),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SearchSort {
    /// Best match first (most recently updated first when there is no text).
    #[default]
    Relevance,
    Updated,
    Title,
}

impl SearchSort {
    pub fn code(self) -> &'static str {
        match self {
            SearchSort::Relevance => "relevance",
            SearchSort::Updated => "updated",
            SearchSort::Title => "title",
        }
    }
}

pub const MAX_PER_PAGE: u64 = 100;
pub const DEFAULT_PER_PAGE: u64 = 20;
pub const MAX_QUERY_CHARS: usize = 200;
pub const MAX_PAGE: u64 = 10_000;
pub(crate) const MAX_VALUES_PER_FACET: usize = 50;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchQuery {
    pub q: String,
    /// Selected terms: OR within a facet, AND across facets.
    pub filters: BTreeMap<FacetKey, Vec<String>>,
    pub sort: SearchSort,
    pub page: u64,
    pub per_page: u64,
}

impl Default for SearchQuery {
    fn default() -> Self {
        SearchQuery {
            q: String::new(),
            filters: BTreeMap::new(),
            sort: SearchSort::Relevance,
            page: 1,
            per_page: DEFAULT_PER_PAGE,
        }
    }
}

fn bad(param: &str, ko: &str, en: &str) -> AppError {
    AppError::validation(param, &format!("{param}: {ko}"), &format!("{param}: {en}"))
}

fn is_code(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

impl SearchQuery {
    /// Parse URL parameters (repeated or comma-separated facet values). Unknown parameters
    /// are refused so that a typo is not silently ignored.
    pub fn from_pairs<K: AsRef<str>, V: AsRef<str>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Result<Self, AppError> {
        let mut out = SearchQuery::default();
        for (k, v) in pairs {
            let (k, v) = (k.as_ref(), v.as_ref().trim());
            match k {
                "q" => {
                    if v.chars().count() > MAX_QUERY_CHARS {
                        return Err(bad(
                            "q",
                            "검색어는 200자 이하로 입력하세요.",
                            "the search text must be at most 200 characters.",
                        ));
                    }
                    out.q = v.split_whitespace().collect::<Vec<_>>().join(" ");
                }
                "sort" => {
                    out.sort = match v {
                        "" | "relevance" => SearchSort::Relevance,
                        "updated" => SearchSort::Updated,
                        "title" => SearchSort::Title,
                        _ => {
                            return Err(bad(
                                "sort",
                                "relevance, updated, title 중 하나여야 합니다.",
                                "must be relevance, updated or title.",
                            ))
                        }
                    }
                }
                "page" | "per_page" => {
                    let max = if k == "page" { MAX_PAGE } else { MAX_PER_PAGE };
                    let n = match v {
                        "" => continue,
                        _ => v
                            .parse::<u64>()
                            .ok()
                            .filter(|n| (1..=max).contains(n))
                            .ok_or_else(|| {
                                bad(
                                    k,
                                    &format!("1부터 {max} 사이의 정수여야 합니다."),
                                    &format!("must be a whole number from 1 to {max}."),
                                )
                            })?,
                    };
                    if k == "page" {
                        out.page = n;
                    } else {
                        out.per_page = n;
                    }
                }
                _ => {
                    let key = FacetKey::from_param(k).ok_or_else(|| {
                        bad(k, "알 수 없는 매개변수입니다.", "unknown parameter.")
                    })?;
                    for value in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                        if !is_code(value) {
                            return Err(bad(
                                k,
                                "올바른 분류 코드가 아닙니다.",
                                "not a valid term code.",
                            ));
                        }
                        let list = out.filters.entry(key).or_default();
                        if !list.iter().any(|x| x == value) {
                            list.push(value.to_string());
                        }
                        if list.len() > MAX_VALUES_PER_FACET {
                            return Err(bad(k, "선택한 값이 너무 많습니다.", "too many values."));
                        }
                    }
                }
            }
        }
        Ok(out)
    }

    pub fn is_selected(&self, key: FacetKey, code: &str) -> bool {
        self.filters
            .get(&key)
            .is_some_and(|v| v.iter().any(|c| c == code))
    }

    /// The same query with one term switched on or off (back to page 1).
    pub fn toggled(&self, key: FacetKey, code: &str) -> SearchQuery {
        let mut next = self.clone();
        next.page = 1;
        let list = next.filters.entry(key).or_default();
        if let Some(i) = list.iter().position(|c| c == code) {
            list.remove(i);
        } else {
            list.push(code.to_string());
        }
        next.filters.retain(|_, v| !v.is_empty());
        next
    }

    pub fn with_page(&self, page: u64) -> SearchQuery {
        SearchQuery {
            page,
            ..self.clone()
        }
    }

    /// URL parameters for this query (stable order; defaults left out).
    pub fn to_query_string(&self) -> String {
        let mut parts = Vec::new();
        if !self.q.is_empty() {
            parts.push(format!("q={}", encode(&self.q)));
        }
        for (k, values) in &self.filters {
            for v in values {
                parts.push(format!("{}={}", k.param(), encode(v)));
            }
        }
        if self.sort != SearchSort::Relevance {
            parts.push(format!("sort={}", self.sort.code()));
        }
        if self.page > 1 {
            parts.push(format!("page={}", self.page));
        }
        if self.per_page != DEFAULT_PER_PAGE {
            parts.push(format!("per_page={}", self.per_page));
        }
        parts.join("&")
    }
}

/// Decode `a=1&b=x%20y` (with `+` as space) into pairs; invalid escapes are kept literally.
pub fn parse_query_string(s: &str) -> Vec<(String, String)> {
    fn decode(s: &str) -> String {
        let bytes = s.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            match (bytes[i], hex) {
                (b'+', _) => out.push(b' '),
                (b'%', Some(b)) => {
                    out.push(b);
                    i += 2;
                }
                (b, _) => out.push(b),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
    s.trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(p), String::new()),
        })
        .collect()
}

/// Percent-encode a URL query component.
pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A run of text, highlighted where it matched the query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Seg {
    pub text: String,
    pub hit: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchHit {
    pub dataset: DatasetSummary,
    /// The title in the reader's language with matches marked (empty when nothing matched).
    pub title_highlight: Vec<Seg>,
    /// A passage of the description with matches marked.
    pub snippet: Vec<Seg>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FacetValue {
    pub term: String,
    pub label: String,
    pub label_en: String,
    pub count: u64,
}

impl FacetValue {
    pub fn label(&self, lang: Lang) -> &str {
        lang.pick(&self.label, &self.label_en)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchResult {
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
    pub items: Vec<SearchHit>,
    pub facets: BTreeMap<FacetKey, Vec<FacetValue>>,
    /// True when nothing matched exactly and a typo-tolerant search found these.
    pub fuzzy: bool,
    pub took_ms: f64,
}

impl SearchResult {
    pub fn page_count(&self) -> u64 {
        self.total.div_ceil(self.per_page.max(1)).max(1)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Suggestion {
    pub slug: String,
    pub title_ko: String,
    pub title_en: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_repeated_and_comma_separated_values() {
        let q = SearchQuery::from_pairs([
            ("q", " 공원  wifi "),
            ("theme", "environment,transport"),
            ("theme", "health"),
            ("page", "2"),
        ])
        .unwrap();
        assert_eq!(q.q, "공원 wifi");
        assert_eq!(
            q.filters[&FacetKey::Theme],
            vec!["environment", "transport", "health"]
        );
        assert_eq!(q.page, 2);
        assert_eq!(
            SearchQuery::from_pairs(parse_query_string(&q.to_query_string())).unwrap(),
            q
        );
        assert_eq!(
            parse_query_string("?a=x+y&b=%ED%95%9C&c=%zz&d"),
            vec![
                ("a".to_string(), "x y".to_string()),
                ("b".to_string(), "한".to_string()),
                ("c".to_string(), "%zz".to_string()),
                ("d".to_string(), String::new()),
            ]
        );
    }

    #[test]
    fn errors_name_the_parameter() {
        for (k, v) in [
            ("page", "0"),
            ("per_page", "101"),
            ("sort", "best"),
            ("dong", "a b"),
            ("colour", "red"),
        ] {
            match SearchQuery::from_pairs([(k, v)]) {
                Err(AppError::Validation { field, .. }) => assert_eq!(field, k),
                other => panic!("{k}={v}: {other:?}"),
            }
        }
    }

    #[test]
    fn toggling_adds_and_removes() {
        let q = SearchQuery::default().toggled(FacetKey::Dong, "oksu");
        assert!(q.is_selected(FacetKey::Dong, "oksu"));
        assert!(q.toggled(FacetKey::Dong, "oksu").filters.is_empty());
    }
}

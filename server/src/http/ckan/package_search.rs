//! `package_search`: `q`, `fq` (`organization:`, `groups:`, `res_format:`, `tags:`, `name:`;
//! `dataset_type:dataset` and `state:active` accepted), `rows` (default 10, at most 1000),
//! `start`, `sort` (`score desc`, `metadata_modified desc|asc`, `title_string asc|desc`,
//! `name asc|desc`, `id asc|desc`), `facet.field` (a JSON list of `organization`, `groups`,
//! `res_format`, `tags`) and `facet.limit`.
//!
//! Matching runs through Dongne's search index (the same relevance, Korean and English, as the
//! site); the matches are then ordered and paged here, so `start` and `rows` need not line up.

use std::collections::{BTreeMap, HashMap};

use app::error::AppError;
use app::i18n::Lang;
use app::search::{FacetKey, SearchQuery, SearchSort, MAX_PAGE, MAX_PER_PAGE};
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{json, Value};

use super::{actor, answer, number, present};
use crate::http::AppState;
use domain::ops;

pub const MAX_ROWS: u64 = 1000;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Order {
    Score,
    Modified(bool),
    Title(bool),
    Name(bool),
    Id(bool),
}

fn bad(field: &str, en: &str) -> AppError {
    AppError::validation(field, &format!("{field}: {en}"), &format!("{field}: {en}"))
}

fn parse_sort(v: &str) -> Result<Order, AppError> {
    let mut it = v.split_whitespace();
    let field = it.next().unwrap_or("score");
    let asc = match it.next().map(str::to_ascii_lowercase).as_deref() {
        None | Some("asc") => true,
        Some("desc") => false,
        Some(_) => return Err(bad("sort", "the direction must be asc or desc.")),
    };
    Ok(match field {
        "score" | "rank" => Order::Score,
        "metadata_modified" => Order::Modified(asc),
        "title_string" | "title" => Order::Title(asc),
        "name" => Order::Name(asc),
        "id" => Order::Id(asc),
        _ => {
            return Err(bad(
                "sort",
                "sort by score, metadata_modified, title_string, name or id.",
            ))
        }
    })
}

/// `fq` terms: `field:value` or `field:"value with spaces"`, optionally prefixed with `+`.
fn parse_fq(fq: &str) -> Result<Vec<(String, String)>, AppError> {
    let mut out = Vec::new();
    let mut rest = fq.trim();
    while !rest.is_empty() {
        rest = rest.trim_start_matches('+');
        if let Some(r) = rest.strip_prefix("AND ") {
            rest = r.trim_start();
            continue;
        }
        let (field, after) = rest
            .split_once(':')
            .ok_or_else(|| bad("fq", "each filter must be field:value."))?;
        let (value, next) = if let Some(q) = after.strip_prefix('"') {
            let end = q
                .find('"')
                .ok_or_else(|| bad("fq", "a quoted value is not closed."))?;
            (&q[..end], &q[end + 1..])
        } else {
            let end = after.find(char::is_whitespace).unwrap_or(after.len());
            (&after[..end], &after[end..])
        };
        out.push((field.trim().to_string(), value.to_string()));
        rest = next.trim_start();
    }
    Ok(out)
}

pub async fn package_search(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    answer(&state, "package_search", search(&state, &headers, raw)).await
}

async fn search(
    state: &AppState,
    headers: &HeaderMap,
    raw: Option<String>,
) -> Result<Value, AppError> {
    let mut query = SearchQuery {
        per_page: MAX_PER_PAGE,
        sort: SearchSort::Relevance,
        ..Default::default()
    };
    let (mut rows, mut start, mut order) = (10u64, 0u64, Order::Score);
    let mut facet_fields: Vec<String> = Vec::new();
    let mut facet_limit = 50usize;
    let mut tag_filters: Vec<String> = Vec::new();
    let mut name_filter: Option<String> = None;
    for (k, v) in app::search::parse_query_string(raw.as_deref().unwrap_or("")) {
        match k.as_str() {
            "q" => {
                let v = v.trim();
                if v != "*:*" && v != "*" {
                    query = SearchQuery {
                        q: SearchQuery::from_pairs([("q", v)])?.q,
                        ..query
                    };
                }
            }
            "rows" => rows = number("rows", &v, 0, MAX_ROWS)?,
            "start" => start = number("start", &v, 0, MAX_PAGE * MAX_PER_PAGE)?,
            "sort" => order = parse_sort(&v)?,
            "fq" => {
                for (field, value) in parse_fq(&v)? {
                    let key = match field.as_str() {
                        "organization" | "owner_org" => Some(FacetKey::Department),
                        "groups" => Some(FacetKey::Theme),
                        "res_format" => Some(FacetKey::Format),
                        "tags" => {
                            tag_filters.push(value.clone());
                            None
                        }
                        "name" => {
                            name_filter = Some(value.clone());
                            None
                        }
                        "dataset_type" if value == "dataset" => None,
                        "state" if value == "active" => None,
                        "capacity" if value == "public" => None,
                        _ => {
                            return Err(bad(
                                "fq",
                                &format!("the filter {field}:{value} is not supported (organization, groups, res_format, tags, name)."),
                            ))
                        }
                    };
                    if let Some(key) = key {
                        let merged = SearchQuery::from_pairs([(key.param(), value.as_str())])?;
                        for (k, vals) in merged.filters {
                            query.filters.entry(k).or_default().extend(vals);
                        }
                    }
                }
            }
            "facet.field" => {
                let list: Vec<String> = serde_json::from_str(&v)
                    .map_err(|_| bad("facet.field", "must be a JSON list of field names."))?;
                for f in &list {
                    if !["organization", "groups", "res_format", "tags"].contains(&f.as_str()) {
                        return Err(bad(
                            "facet.field",
                            &format!(
                                "{f} is not a facet (organization, groups, res_format, tags)."
                            ),
                        ));
                    }
                }
                facet_fields = list;
            }
            "facet.limit" => facet_limit = number("facet.limit", &v, 1, 1000)? as usize,
            "facet" | "facet.mincount" | "include_private" | "include_drafts" | "defType" => {}
            other => return Err(crate::http::api_v1::unknown_param(other)),
        }
    }
    if order == Order::Modified(false) {
        query.sort = SearchSort::Updated;
    }
    let actor = actor(state, headers).await?;
    // Every match, in the index's order (relevance, or newest first).
    let mut hits = Vec::new();
    let mut facets = BTreeMap::new();
    loop {
        let page = ops::catalog::search(&state.services, &actor, &query, Lang::Ko)?;
        if query.page == 1 {
            facets = page.facets.clone();
        }
        let n = page.items.len();
        hits.extend(page.items.into_iter().map(|h| h.dataset));
        if n == 0 || hits.len() as u64 >= page.total || query.page >= MAX_PAGE {
            break;
        }
        query.page += 1;
    }
    // Keywords of the matches (for tag filters and the tags facet).
    let need_tags = !tag_filters.is_empty() || facet_fields.iter().any(|f| f == "tags");
    let keywords: HashMap<i32, Vec<String>> = if need_tags {
        let ids: Vec<i32> = hits.iter().map(|h| h.id).collect();
        ops::open_data::keywords_of(&state.services, &ids).await?
    } else {
        HashMap::new()
    };
    hits.retain(|h| {
        name_filter.as_ref().is_none_or(|n| &h.slug == n)
            && tag_filters
                .iter()
                .all(|t| keywords.get(&h.id).is_some_and(|k| k.contains(t)))
    });
    match order {
        Order::Score | Order::Modified(false) => {}
        Order::Modified(true) => hits.sort_by_key(|h| (h.updated_at, h.id)),
        Order::Title(asc) => {
            hits.sort_by(|a, b| a.title_ko.cmp(&b.title_ko).then(a.id.cmp(&b.id)));
            if !asc {
                hits.reverse();
            }
        }
        Order::Name(asc) => {
            hits.sort_by(|a, b| a.slug.cmp(&b.slug));
            if !asc {
                hits.reverse();
            }
        }
        Order::Id(asc) => {
            hits.sort_by_key(|h| h.id);
            if !asc {
                hits.reverse();
            }
        }
    }
    let count = hits.len();
    let mut results = Vec::new();
    let site = crate::http::discovery::site(state);
    for h in hits.iter().skip(start as usize).take(rows as usize) {
        let detail = ops::catalog::dataset(&state.services, &actor, &h.slug).await?;
        results.push(present::package(&detail, site));
    }
    // Facets: counts over every match (not only this page).
    let filtered = !tag_filters.is_empty() || name_filter.is_some();
    let mut facet_counts: BTreeMap<String, Vec<(String, String, u64)>> = BTreeMap::new();
    for f in &facet_fields {
        let items: Vec<(String, String, u64)> = match f.as_str() {
            "tags" => {
                let mut c: BTreeMap<String, u64> = BTreeMap::new();
                for h in &hits {
                    for k in keywords.get(&h.id).into_iter().flatten() {
                        *c.entry(k.clone()).or_default() += 1;
                    }
                }
                c.into_iter().map(|(k, n)| (k.clone(), k, n)).collect()
            }
            other => {
                let key = match other {
                    "organization" => FacetKey::Department,
                    "groups" => FacetKey::Theme,
                    _ => FacetKey::Format,
                };
                if filtered {
                    // The index's counts do not know the tag or name filter: count the matches.
                    let mut c: BTreeMap<String, (String, u64)> = BTreeMap::new();
                    for h in &hits {
                        let pairs: Vec<(String, String)> = match key {
                            FacetKey::Department => {
                                vec![(h.department.code.clone(), h.department.name_ko.clone())]
                            }
                            FacetKey::Theme => h
                                .themes
                                .iter()
                                .map(|t| (t.code.clone(), t.label_ko.clone()))
                                .collect(),
                            _ => Vec::new(),
                        };
                        for (code, label) in pairs {
                            c.entry(code).or_insert((label, 0)).1 += 1;
                        }
                    }
                    c.into_iter().map(|(k, (l, n))| (k, l, n)).collect()
                } else {
                    facets
                        .get(&key)
                        .into_iter()
                        .flatten()
                        .filter(|v| v.count > 0)
                        .map(|v| (v.term.clone(), v.label.clone(), v.count))
                        .collect()
                }
            }
        };
        let mut items = items;
        items.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
        items.truncate(facet_limit);
        facet_counts.insert(f.clone(), items);
    }
    let facets_json: serde_json::Map<String, Value> = facet_counts
        .iter()
        .map(|(f, items)| {
            (
                f.clone(),
                json!(items
                    .iter()
                    .map(|(k, _, n)| (k.clone(), json!(n)))
                    .collect::<serde_json::Map<String, Value>>()),
            )
        })
        .collect();
    let search_facets: serde_json::Map<String, Value> = facet_counts
        .iter()
        .map(|(f, items)| {
            (
                f.clone(),
                json!({
                    "title": f,
                    "items": items.iter().map(|(k, l, n)| json!({ "name": k, "display_name": l, "count": n })).collect::<Vec<_>>(),
                }),
            )
        })
        .collect();
    Ok(json!({
        "count": count,
        "sort": match order {
            Order::Score => "score desc".to_string(),
            Order::Modified(a) => format!("metadata_modified {}", if a { "asc" } else { "desc" }),
            Order::Title(a) => format!("title_string {}", if a { "asc" } else { "desc" }),
            Order::Name(a) => format!("name {}", if a { "asc" } else { "desc" }),
            Order::Id(a) => format!("id {}", if a { "asc" } else { "desc" }),
        },
        "facets": facets_json,
        "search_facets": search_facets,
        "results": results,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fq_and_sort_parse() {
        assert_eq!(
            parse_fq(r#"+organization:parks groups:"environment" AND tags:공원"#).unwrap(),
            vec![
                ("organization".into(), "parks".into()),
                ("groups".into(), "environment".into()),
                ("tags".into(), "공원".into())
            ]
        );
        assert!(parse_fq("nocolon").is_err());
        assert!(parse_fq(r#"tags:"open"#).is_err());
        assert_eq!(parse_sort("id asc").unwrap(), Order::Id(true));
        assert_eq!(
            parse_sort("metadata_modified desc").unwrap(),
            Order::Modified(false)
        );
        assert!(parse_sort("views desc").is_err());
        assert!(parse_sort("id sideways").is_err());
    }
}

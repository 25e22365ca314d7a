//! DCAT catalogs in JSON-LD: datasets, distributions and the next page.

use std::collections::HashMap;

use serde_json::Value;

use super::formats::{classify, map_update_cycle, short_format, url_file_format};
use super::jsonld::{lang_is, local, Doc, Lit, Node};
use super::url::resolve_url;
use super::values::{clean, parse_date, parse_json, parse_size, push_keyword, strip_mailto};
use super::{DcatPage, PageError, RecordError, RemoteDataset, RemoteDistribution};

/// Parse a DCAT catalog in JSON-LD. `base` is the URL the page came from (to
/// resolve a relative next-page link).
pub fn parse_dcat(body: &[u8], base: &str) -> Result<DcatPage, PageError> {
    let root = parse_json(body)?;
    if !root.is_object() && !root.is_array() {
        return Err(PageError(
            "DCAT JSON-LD: top level is neither an object nor an array".into(),
        ));
    }
    let doc = Doc::new(&root);

    // Walk every node in document order.
    let mut all: Vec<&Node> = Vec::new();
    collect_nodes(&root, &mut all);

    let mut datasets: Vec<&Node> = Vec::new();
    let is_new = |n: &Node, list: &[&Node]| {
        // Same node (by identity, or by @id) only once.
        !list.iter().any(|x| {
            std::ptr::eq(*x, n) || matches!((doc.id(x), doc.id(n)), (Some(a), Some(b)) if a == b)
        })
    };
    for n in &all {
        if doc.has_type(n, &["Dataset"]) && is_new(n, &datasets) {
            datasets.push(n);
        }
    }
    // Datasets listed by a catalog without an explicit @type.
    let mut is_catalog_doc = false;
    for n in &all {
        if doc.has_type(n, &["Catalog"]) {
            is_catalog_doc = true;
        }
        for v in doc.prop(n, "dataset") {
            is_catalog_doc = true;
            if let Some(d) = doc.node(v) {
                if is_new(d, &datasets) {
                    datasets.push(d);
                }
            }
        }
    }

    // Document order, whichever way each dataset was found.
    let position: HashMap<*const Node, usize> = all
        .iter()
        .enumerate()
        .map(|(i, n)| (*n as *const Node, i))
        .collect();
    datasets.sort_by_key(|d| {
        position
            .get(&(*d as *const Node))
            .copied()
            .unwrap_or(usize::MAX)
    });

    let next_page = find_next_page(&doc, &all).map(|u| resolve_url(base, &u));
    let next_page = next_page.filter(|u| u != base);

    let looks_like_jsonld = root
        .as_object()
        .is_some_and(|o| o.contains_key("@context") || o.contains_key("@graph"))
        || all.iter().any(|n| doc.keyword(n, "@type").is_some());
    if datasets.is_empty() && !is_catalog_doc && next_page.is_none() && !looks_like_jsonld {
        return Err(PageError(
            "DCAT JSON-LD: no dcat:Dataset, dcat:Catalog or @context found (not a DCAT JSON-LD document?)"
                .into(),
        ));
    }

    let records = datasets
        .iter()
        .enumerate()
        .map(|(i, d)| dcat_dataset(&doc, d, i))
        .collect();
    Ok(DcatPage { records, next_page })
}

fn collect_nodes<'a>(v: &'a Value, out: &mut Vec<&'a Node>) {
    match v {
        Value::Array(a) => a.iter().for_each(|x| collect_nodes(x, out)),
        Value::Object(o) => {
            if !o.contains_key("@value") {
                out.push(o);
            }
            for (k, x) in o {
                if k != "@context" {
                    collect_nodes(x, out);
                }
            }
        }
        _ => {}
    }
}

fn find_next_page(doc: &Doc<'_>, all: &[&Node]) -> Option<String> {
    let paging = ["PagedCollection", "PartialCollectionView", "Collection"];
    let next_of = |n: &Node| -> Option<String> {
        ["nextPage", "next"].iter().find_map(|p| {
            doc.prop(n, p).into_iter().find_map(|v| match v {
                Value::String(s) => clean(s),
                Value::Object(o) => doc
                    .id(o)
                    .or_else(|| doc.keyword(o, "@value").and_then(Value::as_str))
                    .and_then(clean),
                _ => None,
            })
        })
    };
    all.iter()
        .filter(|n| doc.has_type(n, &paging))
        .find_map(|n| next_of(n))
        .or_else(|| {
            // Untyped view nodes: accept an explicit hydra property.
            all.iter().find_map(|n| {
                n.iter()
                    .filter(|(k, _)| {
                        (k.starts_with("hydra:") || k.contains("/hydra/core#"))
                            && matches!(local(k), "nextPage" | "next")
                    })
                    .find_map(|(_, v)| match v {
                        Value::String(s) => clean(s),
                        Value::Object(o) => o.get("@id").and_then(Value::as_str).and_then(clean),
                        _ => None,
                    })
            })
        })
}

fn dcat_dataset<'a>(
    doc: &Doc<'a>,
    d: &'a Node,
    index: usize,
) -> Result<RemoteDataset, RecordError> {
    let node_id = doc.id(d).filter(|id| !id.starts_with("_:")).and_then(clean);
    let identifier = doc
        .lits_of(d, "identifier", true)
        .into_iter()
        .next()
        .map(|l| l.text);
    let Some(key) = identifier.or_else(|| node_id.clone()) else {
        return Err(RecordError {
            key: None,
            index,
            reason: format!("record {index}: dataset has neither dct:identifier nor @id"),
        });
    };
    let (title_ko, title_en) = doc.ko_en(d, "title");
    let Some(title_ko) = title_ko else {
        return Err(RecordError {
            key: Some(key.clone()),
            index,
            reason: format!("record {index} (id {key}): title missing"),
        });
    };
    let (description_ko, description_en) = doc.ko_en(d, "description");

    let kw_lits = doc.lits_of(d, "keyword", false);
    let mut keywords = Vec::new();
    let preferred: Vec<&Lit> = kw_lits
        .iter()
        .filter(|l| lang_is(l, "ko"))
        .chain(kw_lits.iter().filter(|l| l.lang.is_none()))
        .collect();
    let chosen: Vec<&Lit> = if preferred.is_empty() {
        kw_lits.iter().collect()
    } else {
        preferred
    };
    for l in chosen {
        push_keyword(&mut keywords, &l.text);
    }

    let dist_nodes: Vec<&Node> = doc
        .prop(d, "distribution")
        .into_iter()
        .filter_map(|v| doc.node(v))
        .collect();

    let license_of = |n: &Node| {
        doc.prop(n, "license")
            .into_iter()
            .find_map(|v| doc.label_of(v, &["title", "label", "prefLabel", "name"]))
    };
    let license = license_of(d).or_else(|| dist_nodes.iter().find_map(|n| license_of(n)));
    let publisher = doc
        .prop(d, "publisher")
        .into_iter()
        .find_map(|v| doc.label_of(v, &["name", "title", "label", "prefLabel"]));
    let modified = ["modified", "issued"].iter().find_map(|p| {
        doc.lits_of(d, p, false)
            .iter()
            .find_map(|l| parse_date(&l.text))
    });
    let update_cycle = doc.prop(d, "accrualPeriodicity").into_iter().find_map(|v| {
        let mut cands = Vec::new();
        doc.lits(v, true, &mut cands);
        if let Some(n) = doc.node(v) {
            for p in ["prefLabel", "label", "value"] {
                cands.extend(doc.lits_of(n, p, false));
            }
        }
        cands.iter().find_map(|l| map_update_cycle(&l.text))
    });

    let mut contact_name = None;
    let mut contact_email = None;
    for cp in doc.prop(d, "contactPoint") {
        let Some(n) = doc.node(cp) else { continue };
        if contact_name.is_none() {
            contact_name = doc.ko_en(n, "fn").0;
        }
        if contact_email.is_none() {
            contact_email = doc
                .first_text(n, &["hasEmail", "email"])
                .map(|e| strip_mailto(&e));
        }
    }
    let landing_page = doc.first_text(d, &["landingPage"]);

    let distributions = dist_nodes
        .iter()
        .enumerate()
        .map(|(n, dn)| dcat_distribution(doc, dn, n))
        .collect();

    Ok(RemoteDataset {
        key,
        name: None,
        title_ko,
        title_en,
        description_ko: description_ko.unwrap_or_default(),
        description_en,
        keywords,
        license,
        publisher,
        modified,
        update_cycle,
        contact_name,
        contact_email,
        landing_page,
        distributions,
    })
}

fn dcat_distribution<'a>(doc: &Doc<'a>, n: &'a Node, pos: usize) -> RemoteDistribution {
    let url = doc
        .first_text(n, &["downloadURL"])
        .or_else(|| doc.first_text(n, &["accessURL"]))
        .unwrap_or_default();
    let format_of = |prop: &str| -> Option<String> {
        doc.prop(n, prop).into_iter().find_map(|v| {
            let mut cands = Vec::new();
            if let Some(fnode) = doc.node(v) {
                // ckanext-dcat: {"@type": "dct:IMT", "rdf:value": "text/csv", "rdfs:label": "CSV"}
                for p in ["label", "value", "prefLabel"] {
                    cands.extend(doc.lits_of(fnode, p, false));
                }
            }
            doc.lits(v, true, &mut cands);
            cands
                .iter()
                .map(|l| short_format(&l.text))
                .find(|f| !f.is_empty())
        })
    };
    let format = format_of("format")
        .or_else(|| format_of("mediaType"))
        .or_else(|| url_file_format(&url))
        .unwrap_or_default();
    let title = doc
        .ko_en(n, "title")
        .0
        .or_else(|| (!format.is_empty()).then(|| format.clone()))
        .unwrap_or_else(|| format!("resource {}", pos + 1));
    let declared_api =
        doc.first_text(n, &["downloadURL"]).is_none() && !doc.prop(n, "accessService").is_empty();
    let kind = classify(&format, &url, declared_api);
    let size_bytes = doc.prop(n, "byteSize").into_iter().find_map(|v| match v {
        Value::Object(o) => doc.keyword(o, "@value").and_then(parse_size),
        other => parse_size(other),
    });
    RemoteDistribution {
        title,
        format,
        url,
        kind,
        size_bytes,
    }
}

#[cfg(test)]
#[path = "dcat_tests.rs"]
mod tests;

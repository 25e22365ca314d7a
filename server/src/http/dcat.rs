//! The DCAT-AP catalog export: `GET /catalog.jsonld?page=N` (JSON-LD) and
//! `GET /catalog.ttl?page=N` (Turtle), 100 public, published datasets per page by id, with
//! Hydra paging (`hydra:PartialCollectionView` with first/next/last and the total), so DCAT
//! harvesters (Dongne's own included) can follow it page by page. Only the public catalog,
//! whoever asks.

use app::error::AppError;
use app::model::{DatasetDetail, UpdateCycle};
use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use crate::http::discovery::site;
use crate::http::{ApiError, AppState};
use domain::ops;
use domain::ops::open_data::CatalogPage as Page;

pub const PER_PAGE: u64 = 100;

/// The EU frequency vocabulary's term for an update cycle.
fn frequency(c: UpdateCycle) -> &'static str {
    match c {
        UpdateCycle::RealTime => "CONT",
        UpdateCycle::Daily => "DAILY",
        UpdateCycle::Weekly => "WEEKLY",
        UpdateCycle::Monthly => "MONTHLY",
        UpdateCycle::Quarterly => "QUARTERLY",
        UpdateCycle::Yearly => "ANNUAL",
        UpdateCycle::Irregular => "IRREG",
    }
}

const FREQ: &str = "http://publications.europa.eu/resource/authority/frequency/";

async fn page_of(state: &AppState, raw: Option<String>) -> Result<Page, AppError> {
    let mut page = 1;
    for (k, v) in app::search::parse_query_string(raw.as_deref().unwrap_or("")) {
        match k.as_str() {
            "page" => {
                page = v.parse::<u64>().ok().filter(|p| *p >= 1).ok_or_else(|| {
                    AppError::validation(
                        "page",
                        "page: 1 이상의 정수여야 합니다.",
                        "page: must be a whole number, 1 or more.",
                    )
                })?
            }
            other => return Err(crate::http::api_v1::unknown_param(other)),
        }
    }
    ops::open_data::public_page(&state.services, page, PER_PAGE).await
}

fn lang_lits(ko: &str, en: &str) -> Value {
    let mut v = vec![json!({ "@language": "ko", "@value": ko })];
    if !en.trim().is_empty() {
        v.push(json!({ "@language": "en", "@value": en }));
    }
    json!(v)
}

fn dataset_node(d: &DatasetDetail, site: &str) -> Value {
    let s = &d.summary;
    let iri = format!("{site}/datasets/{}", app::search::encode(&s.slug));
    let distributions: Vec<Value> = d
        .distributions
        .iter()
        .enumerate()
        .map(|(n, r)| {
            let mut node = json!({
                "@id": format!("{iri}#distribution-{}", n + 1),
                "@type": "dcat:Distribution",
                "dct:title": r.title,
                "dct:format": r.format,
                "dcat:accessURL": { "@id": r.url },
            });
            if r.kind != "api" {
                node["dcat:downloadURL"] = json!({ "@id": r.url });
            }
            if let Some(b) = r.size_bytes {
                node["dcat:byteSize"] = json!(b);
            }
            node
        })
        .collect();
    let themes: Vec<Value> = d
        .terms
        .iter()
        .filter(|t| t.scheme == "theme")
        .map(|t| {
            json!({
                "@id": format!("{site}/datasets?theme={}", app::search::encode(&t.code)),
                "@type": "skos:Concept",
                "skos:prefLabel": lang_lits(&t.label_ko, &t.label_en),
            })
        })
        .collect();
    let mut node = json!({
        "@id": iri,
        "@type": "dcat:Dataset",
        "dct:identifier": s.id.to_string(),
        "dct:title": lang_lits(&s.title_ko, &s.title_en),
        "dct:description": lang_lits(&d.description_ko, &d.description_en),
        "dcat:keyword": d.keywords,
        "dcat:theme": themes,
        "dct:publisher": {
            "@type": "foaf:Agent",
            "foaf:name": lang_lits(&s.department.name_ko, &s.department.name_en),
        },
        "dct:issued": { "@type": "xsd:dateTime", "@value": d.created_at.to_rfc3339() },
        "dct:modified": { "@type": "xsd:dateTime", "@value": s.updated_at.to_rfc3339() },
        "dct:accrualPeriodicity": { "@id": format!("{FREQ}{}", frequency(s.update_cycle)) },
        "dct:license": d.license,
        "dcat:landingPage": { "@id": iri },
        "dcat:distribution": distributions,
    });
    if d.contact_name.is_some() || d.contact_email.is_some() {
        let mut c = json!({ "@type": "vcard:Kind" });
        if let Some(n) = &d.contact_name {
            c["vcard:fn"] = json!(n);
        }
        if let Some(e) = &d.contact_email {
            c["vcard:hasEmail"] = json!({ "@id": format!("mailto:{e}") });
        }
        node["dcat:contactPoint"] = c;
    }
    if let Some(sp) = &d.spatial_coverage {
        node["dct:spatial"] = json!(sp);
    }
    node
}

fn page_url(site: &str, ext: &str, page: u64) -> String {
    format!("{site}/catalog.{ext}?page={page}")
}

pub async fn jsonld(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let p = page_of(&state, raw).await?;
    let site = site(&state).to_string();
    let mut view = json!({
        "@id": page_url(&site, "jsonld", p.page),
        "@type": "hydra:PartialCollectionView",
        "hydra:first": page_url(&site, "jsonld", 1),
        "hydra:last": page_url(&site, "jsonld", p.last),
    });
    if p.page < p.last {
        view["hydra:next"] = json!(page_url(&site, "jsonld", p.page + 1));
    }
    if p.page > 1 {
        view["hydra:previous"] = json!(page_url(&site, "jsonld", p.page - 1));
    }
    let doc = json!({
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "vcard": "http://www.w3.org/2006/vcard/ns#",
            "skos": "http://www.w3.org/2004/02/skos/core#",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
            "hydra": "http://www.w3.org/ns/hydra/core#",
        },
        "@id": format!("{site}/catalog"),
        "@type": ["dcat:Catalog", "hydra:Collection"],
        "dct:title": lang_lits("성동구 동네 데이터", "Seongdong-gu district data"),
        "dct:publisher": { "@type": "foaf:Agent", "foaf:name": lang_lits("성동구", "Seongdong-gu") },
        "foaf:homepage": { "@id": format!("{site}/") },
        "hydra:totalItems": p.total,
        "hydra:view": view,
        "dcat:dataset": p.datasets.iter().map(|d| dataset_node(d, &site)).collect::<Vec<_>>(),
    });
    Ok((
        [
            (header::CONTENT_TYPE, "application/ld+json; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        doc.to_string(),
    )
        .into_response())
}

/// A Turtle string literal.
fn lit(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A Turtle IRI reference (characters Turtle forbids in IRIs percent-encoded).
fn iri(s: &str) -> String {
    let mut out = String::from("<");
    for c in s.chars() {
        match c {
            '<' | '>' | '"' | '{' | '}' | '|' | '^' | '`' | '\\' | ' ' => {
                out.push_str(&format!("%{:02X}", c as u32))
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("%{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('>');
    out
}

fn ko_en(pred: &str, ko: &str, en: &str) -> String {
    let mut s = format!("    {pred} {}@ko", lit(ko));
    if !en.trim().is_empty() {
        s.push_str(&format!(", {}@en", lit(en)));
    }
    s
}

pub async fn turtle(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let p = page_of(&state, raw).await?;
    let site = site(&state).to_string();
    let mut t = String::from(
        "@prefix dcat: <http://www.w3.org/ns/dcat#> .\n@prefix dct: <http://purl.org/dc/terms/> .\n@prefix foaf: <http://xmlns.com/foaf/0.1/> .\n@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n@prefix hydra: <http://www.w3.org/ns/hydra/core#> .\n\n",
    );
    let catalog = iri(&format!("{site}/catalog"));
    t.push_str(&format!(
        "{catalog} a dcat:Catalog, hydra:Collection ;\n{} ;\n    hydra:totalItems {} ;\n    hydra:view {} ",
        ko_en("dct:title", "성동구 동네 데이터", "Seongdong-gu district data"),
        p.total,
        iri(&page_url(&site, "ttl", p.page)),
    ));
    let ids: Vec<String> = p
        .datasets
        .iter()
        .map(|d| {
            iri(&format!(
                "{site}/datasets/{}",
                app::search::encode(&d.summary.slug)
            ))
        })
        .collect();
    if !ids.is_empty() {
        t.push_str(&format!(";\n    dcat:dataset {} ", ids.join(", ")));
    }
    t.push_str(".\n\n");
    t.push_str(&format!(
        "{} a hydra:PartialCollectionView ;\n    hydra:first {} ;\n    hydra:last {}",
        iri(&page_url(&site, "ttl", p.page)),
        iri(&page_url(&site, "ttl", 1)),
        iri(&page_url(&site, "ttl", p.last)),
    ));
    if p.page < p.last {
        t.push_str(&format!(
            " ;\n    hydra:next {}",
            iri(&page_url(&site, "ttl", p.page + 1))
        ));
    }
    t.push_str(" .\n");
    for (d, id) in p.datasets.iter().zip(&ids) {
        let s = &d.summary;
        let mut lines = vec![
            format!("    dct:identifier {}", lit(&s.id.to_string())),
            ko_en("dct:title", &s.title_ko, &s.title_en),
            ko_en("dct:description", &d.description_ko, &d.description_en),
            format!(
                "    dct:modified {}^^xsd:dateTime",
                lit(&s.updated_at.to_rfc3339())
            ),
            format!(
                "    dct:accrualPeriodicity {}",
                iri(&format!("{FREQ}{}", frequency(s.update_cycle)))
            ),
            format!(
                "    dct:publisher [ a foaf:Agent ; foaf:name {}@ko ]",
                lit(&s.department.name_ko)
            ),
            format!("    dcat:landingPage {id}"),
        ];
        if !d.keywords.is_empty() {
            let kws: Vec<String> = d.keywords.iter().map(|k| lit(k)).collect();
            lines.push(format!("    dcat:keyword {}", kws.join(", ")));
        }
        for r in &d.distributions {
            let mut dist = format!(
                "    dcat:distribution [ a dcat:Distribution ; dct:title {} ; dct:format {} ; dcat:accessURL {}",
                lit(&r.title),
                lit(&r.format),
                iri(&r.url)
            );
            if let Some(b) = r.size_bytes {
                dist.push_str(&format!(" ; dcat:byteSize {b}"));
            }
            dist.push_str(" ]");
            lines.push(dist);
        }
        t.push_str(&format!(
            "\n{id} a dcat:Dataset ;\n{} .\n",
            lines.join(" ;\n")
        ));
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/turtle; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        t,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turtle_literals_and_iris_are_escaped() {
        assert_eq!(lit("a \"b\"\n\\"), "\"a \\\"b\\\"\\n\\\\\"");
        assert_eq!(iri("http://x/a b<c>"), "<http://x/a%20b%3Cc%3E>");
        assert_eq!(frequency(UpdateCycle::Yearly), "ANNUAL");
    }
}

//! Datasets as CKAN package dictionaries (the shape CKAN's action API returns), so harvesters
//! written for CKAN read Dongne unchanged.

use app::model::{DatasetDetail, DepartmentRef, TermRef, Visibility};
use serde_json::{json, Value};

/// An organization (`is_organization`) or group dictionary, with its package count if known.
fn org_or_group(kind: &str, code: &str, ko: &str, en: &str, package_count: Option<u64>) -> Value {
    let mut o = json!({
        "id": code, "name": code, "title": ko, "display_name": ko,
        "title_translated": { "ko": ko, "en": en },
        "type": kind, "state": "active", "is_organization": kind == "organization",
    });
    if let Some(n) = package_count {
        o["package_count"] = json!(n);
    }
    o
}

pub fn organization(d: &DepartmentRef, package_count: Option<u64>) -> Value {
    org_or_group(
        "organization",
        &d.code,
        &d.name_ko,
        &d.name_en,
        package_count,
    )
}

pub fn group(t: &TermRef, package_count: Option<u64>) -> Value {
    org_or_group("group", &t.code, &t.label_ko, &t.label_en, package_count)
}

/// One dataset as a CKAN package; `site` is `scheme://host` for the landing page.
pub fn package(d: &DatasetDetail, site: &str) -> Value {
    let s = &d.summary;
    let id = s.id.to_string();
    let resources: Vec<Value> = d
        .distributions
        .iter()
        .enumerate()
        .map(|(n, r)| {
            json!({
                "id": format!("{id}-{}", n + 1),
                "package_id": id,
                "name": r.title,
                "url": r.url,
                "format": r.format,
                "size": r.size_bytes,
                "resource_type": if r.kind == "api" { Some("api") } else { None },
                "position": n,
            })
        })
        .collect();
    let groups: Vec<Value> = d
        .terms
        .iter()
        .filter(|t| t.scheme == "theme")
        .map(|t| group(t, None))
        .collect();
    let tags: Vec<Value> = d
        .keywords
        .iter()
        .map(|k| json!({ "name": k, "display_name": k, "state": "active" }))
        .collect();
    let mut extras = vec![
        json!({ "key": "update_cycle", "value": s.update_cycle.code() }),
        json!({ "key": "source_institution", "value": s.source_institution }),
        json!({ "key": "title_en", "value": s.title_en }),
    ];
    let optional = [
        ("spatial_coverage", d.spatial_coverage.clone()),
        ("temporal_start", d.temporal_start.map(|t| t.to_string())),
        ("temporal_end", d.temporal_end.map(|t| t.to_string())),
        ("last_updated", d.last_updated.map(|t| t.to_string())),
        ("next_due", d.next_due.map(|t| t.to_string())),
    ];
    for (k, v) in optional {
        if let Some(v) = v {
            extras.push(json!({ "key": k, "value": v }));
        }
    }
    // One extra per key (CKAN refuses duplicate keys): a scheme named like a fixed extra
    // (`update_cycle`) is already there.
    for t in d
        .terms
        .iter()
        .filter(|t| t.scheme != "theme" && t.scheme != "department")
    {
        if !extras.iter().any(|e| e["key"] == t.scheme.as_str()) {
            extras.push(json!({ "key": t.scheme, "value": t.code }));
        }
    }
    json!({
        "id": id,
        "name": s.slug,
        "type": "dataset",
        "state": "active",
        "private": s.visibility != Visibility::Public,
        "title": s.title_ko,
        "title_translated": { "ko": s.title_ko, "en": s.title_en },
        "notes": d.description_ko,
        "notes_translated": { "ko": d.description_ko, "en": d.description_en },
        "license_id": d.license,
        "license_title": d.license,
        "metadata_created": d.created_at.naive_utc().format("%Y-%m-%dT%H:%M:%S%.6f").to_string(),
        "metadata_modified": s.updated_at.naive_utc().format("%Y-%m-%dT%H:%M:%S%.6f").to_string(),
        "owner_org": s.department.code,
        "organization": organization(&s.department, None),
        "groups": groups,
        "tags": tags,
        "num_tags": d.keywords.len(),
        "resources": resources,
        "num_resources": d.distributions.len(),
        "extras": extras,
        "maintainer": d.contact_name,
        "maintainer_email": d.contact_email,
        "url": format!("{site}/datasets/{}", types::search::encode(&s.slug)),
        "version": d.version.to_string(),
    })
}

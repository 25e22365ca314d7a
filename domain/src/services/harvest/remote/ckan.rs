//! CKAN Action API: `package_search` pages and `package_show` records.

use serde_json::{Map, Value};

use super::formats::{classify, map_update_cycle, short_format, url_file_format};
use super::values::{
    clean, obj_str, parse_date, parse_json, parse_size, push_keyword, scalar_text, strip_mailto,
};
use super::{CkanPage, PageError, RecordError, RemoteDataset, RemoteDistribution};

/// Unwraps the CKAN envelope and returns `result`.
fn ckan_result(body: &[u8]) -> Result<Value, PageError> {
    let v = parse_json(body)?;
    let Value::Object(mut top) = v else {
        return Err(PageError(
            "CKAN response is not a JSON object (expected {\"success\":..,\"result\":..})".into(),
        ));
    };
    match top.get("success") {
        Some(Value::Bool(true)) => {}
        Some(Value::Bool(false)) => {
            let mut msg = String::from("CKAN reported success=false");
            if let Some(Value::Object(err)) = top.get("error") {
                let ty = obj_str(err, "__type");
                let message = obj_str(err, "message").or_else(|| {
                    // Validation errors: {"__type": "Validation Error", "name": ["..."]}
                    let parts: Vec<String> = err
                        .iter()
                        .filter(|(k, _)| k.as_str() != "__type")
                        .map(|(k, v)| match v {
                            Value::Array(a) => format!(
                                "{k}: {}",
                                a.iter()
                                    .filter_map(scalar_text)
                                    .collect::<Vec<_>>()
                                    .join("; ")
                            ),
                            other => format!("{k}: {}", scalar_text(other).unwrap_or_default()),
                        })
                        .collect();
                    (!parts.is_empty()).then(|| parts.join(", "))
                });
                match (ty, message) {
                    (Some(t), Some(m)) => msg.push_str(&format!(": {t}: {m}")),
                    (None, Some(m)) => msg.push_str(&format!(": {m}")),
                    (Some(t), None) => msg.push_str(&format!(": {t}")),
                    (None, None) => {}
                }
            }
            return Err(PageError(msg));
        }
        Some(_) => {
            return Err(PageError(
                "CKAN response: `success` is not a boolean".into(),
            ))
        }
        None if top.contains_key("result") => {}
        None => return Err(PageError(
            "CKAN response has neither `success` nor `result` (not a CKAN Action API response?)"
                .into(),
        )),
    }
    match top.remove("result") {
        Some(r @ Value::Object(_)) => Ok(r),
        Some(_) => Err(PageError("CKAN response: `result` is not an object".into())),
        None => Err(PageError("CKAN response: `result` missing".into())),
    }
}

/// Parse a CKAN `package_search` response body:
/// `{"help":..,"success":true,"result":{"count":N,"results":[...]}}`.
pub fn parse_ckan_search(body: &[u8], start_index: usize) -> Result<CkanPage, PageError> {
    let Value::Object(mut result) = ckan_result(body)? else {
        unreachable!("ckan_result returns an object")
    };
    let count = match result.get("count") {
        Some(Value::Number(n)) => n.as_u64().ok_or_else(|| {
            PageError(format!(
                "CKAN response: result.count is not a non-negative integer: {n}"
            ))
        })?,
        Some(Value::String(s)) => s.trim().parse().map_err(|_| {
            PageError(format!(
                "CKAN response: result.count is not a number: {s:?}"
            ))
        })?,
        Some(other) => {
            return Err(PageError(format!(
                "CKAN response: result.count is not a number: {other}"
            )))
        }
        None => return Err(PageError("CKAN response: result.count missing".into())),
    };
    let results = match result.remove("results") {
        Some(Value::Array(a)) => a,
        Some(Value::Null) | None => {
            return Err(PageError(
                "CKAN response: result.results missing (not a package_search response?)".into(),
            ))
        }
        Some(_) => {
            return Err(PageError(
                "CKAN response: result.results is not an array".into(),
            ))
        }
    };
    let records = results
        .iter()
        .enumerate()
        .map(|(i, rec)| ckan_package(rec, start_index + i))
        .collect();
    Ok(CkanPage { count, records })
}

/// Parse a CKAN `package_show` response body (`{"success":true,"result":{...package...}}`).
pub fn parse_ckan_show(body: &[u8]) -> Result<RemoteDataset, PageError> {
    let result = ckan_result(body)?;
    ckan_package(&result, 0).map_err(|e| PageError(format!("CKAN package_show: {}", e.reason)))
}

/// CKAN extras as (key, value) pairs: a list of {key, value} or an object.
fn ckan_extras(pkg: &Map<String, Value>) -> Vec<(String, String)> {
    match pkg.get("extras") {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|it| {
                let o = it.as_object()?;
                Some((obj_str(o, "key")?, o.get("value").and_then(scalar_text)?))
            })
            .collect(),
        Some(Value::Object(o)) => o
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), scalar_text(v)?)))
            .collect(),
        _ => Vec::new(),
    }
}

fn ckan_package(rec: &Value, index: usize) -> Result<RemoteDataset, RecordError> {
    let Some(pkg) = rec.as_object() else {
        return Err(RecordError {
            key: None,
            index,
            reason: format!("record {index}: not a JSON object"),
        });
    };
    let id = obj_str(pkg, "id");
    let name = obj_str(pkg, "name");
    let Some(key) = id.clone().or_else(|| name.clone()) else {
        return Err(RecordError {
            key: None,
            index,
            reason: format!("record {index}: id and name both missing"),
        });
    };
    let err = |what: &str| RecordError {
        key: Some(key.clone()),
        index,
        reason: format!(
            "record {index} ({} {key}): {what}",
            if id.is_some() { "id" } else { "name" }
        ),
    };

    let extras = ckan_extras(pkg);
    let extra = |names: &[&str]| -> Option<String> {
        names.iter().find_map(|n| {
            obj_str(pkg, n).or_else(|| {
                extras
                    .iter()
                    .find(|(k, _)| k.trim().eq_ignore_ascii_case(n))
                    .and_then(|(_, v)| clean(v))
            })
        })
    };
    let translated = |field: &str, lang: &str| -> Option<String> {
        pkg.get(field)
            .and_then(Value::as_object)
            .and_then(|o| obj_str(o, lang))
    };

    let title_ko = obj_str(pkg, "title")
        .or_else(|| translated("title_translated", "ko"))
        .or_else(|| name.clone())
        .ok_or_else(|| err("title missing"))?;
    let title_en = translated("title_translated", "en").or_else(|| extra(&["title_en"]));
    let description_ko = obj_str(pkg, "notes")
        .or_else(|| translated("notes_translated", "ko"))
        .unwrap_or_default();
    let description_en =
        translated("notes_translated", "en").or_else(|| extra(&["notes_en", "description_en"]));

    let mut keywords = Vec::new();
    if let Some(Value::Array(tags)) = pkg.get("tags") {
        for t in tags {
            match t {
                Value::Object(o) => {
                    if let Some(k) = obj_str(o, "name").or_else(|| obj_str(o, "display_name")) {
                        push_keyword(&mut keywords, &k);
                    }
                }
                Value::String(s) => push_keyword(&mut keywords, s),
                _ => {}
            }
        }
    }

    let license = obj_str(pkg, "license_title").or_else(|| obj_str(pkg, "license_id"));
    let publisher = pkg
        .get("organization")
        .and_then(Value::as_object)
        .and_then(|o| obj_str(o, "title").or_else(|| obj_str(o, "name")));
    let modified = obj_str(pkg, "metadata_modified").and_then(|s| parse_date(&s));
    let update_cycle = [
        "frequency",
        "accrual_periodicity",
        "update_cycle",
        "갱신주기",
    ]
    .iter()
    .filter_map(|n| extra(&[n]))
    .find_map(|v| map_update_cycle(&v));
    let contact_name = obj_str(pkg, "maintainer").or_else(|| obj_str(pkg, "author"));
    let contact_email = obj_str(pkg, "maintainer_email")
        .or_else(|| obj_str(pkg, "author_email"))
        .map(|e| strip_mailto(&e));
    let landing_page = obj_str(pkg, "url");

    let mut distributions = Vec::new();
    if let Some(Value::Array(resources)) = pkg.get("resources") {
        for (n, r) in resources.iter().enumerate() {
            let Some(r) = r.as_object() else { continue };
            let url = obj_str(r, "url").unwrap_or_default();
            let mut format = short_format(&obj_str(r, "format").unwrap_or_default());
            if format.is_empty() {
                format = obj_str(r, "mimetype")
                    .map(|m| short_format(&m))
                    .filter(|f| !f.is_empty())
                    .or_else(|| url_file_format(&url))
                    .unwrap_or_default();
            }
            let title = obj_str(r, "name")
                .or_else(|| (!format.is_empty()).then(|| format.clone()))
                .unwrap_or_else(|| format!("resource {}", n + 1));
            let declared_api =
                obj_str(r, "resource_type").is_some_and(|t| t.eq_ignore_ascii_case("api"));
            let kind = classify(&format, &url, declared_api);
            let size_bytes = r.get("size").and_then(parse_size);
            distributions.push(RemoteDistribution {
                title,
                format,
                url,
                kind,
                size_bytes,
            });
        }
    }

    Ok(RemoteDataset {
        key,
        name,
        title_ko,
        title_en,
        description_ko,
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

#[cfg(test)]
#[path = "ckan_tests.rs"]
mod tests;

//! The editable metadata of a dataset as one JSON object (stored with every revision), and the
//! field-level difference between two of them.

use serde_json::{json, Map, Value};
use types::editing::DatasetPatch;

use crate::entities::dataset;

/// Field name -> value, for the fields a [`DatasetPatch`] can change.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot(pub Map<String, Value>);

fn opt(v: &Option<String>) -> Value {
    v.as_ref().map_or(Value::Null, |s| Value::String(s.clone()))
}

impl Snapshot {
    pub fn of(d: &dataset::Model) -> Snapshot {
        let v = json!({
            "title_ko": d.title_ko,
            "title_en": d.title_en,
            "description_ko": d.description_ko,
            "description_en": d.description_en,
            "keywords": d.keywords,
            "license": d.license,
            "source_institution": d.source_institution,
            "update_cycle": d.update_cycle,
            "visibility": d.visibility,
            "status": d.status,
            "spatial_coverage": opt(&d.spatial_coverage),
            "contact_name": opt(&d.contact_name),
            "contact_phone": opt(&d.contact_phone),
            "contact_email": opt(&d.contact_email),
            "last_updated": d.last_updated.map_or(Value::Null, |x| Value::String(x.to_string())),
        });
        Snapshot(v.as_object().cloned().unwrap_or_default())
    }

    /// Every editable field, the lists included (terms, distributions, columns).
    pub async fn load<C: sea_orm::ConnectionTrait>(
        conn: &C,
        d: &dataset::Model,
    ) -> Result<Snapshot, types::error::AppError> {
        let mut s = Snapshot::of(d);
        for (k, v) in super::children::load(conn, d.id).await? {
            s.0.insert(k.to_string(), v);
        }
        Ok(s)
    }

    /// This snapshot with a patch applied (an empty optional text becomes null).
    pub fn apply(&self, p: &DatasetPatch) -> Snapshot {
        let mut m = self.0.clone();
        let mut set = |k: &str, v: Value| {
            m.insert(k.to_string(), v);
        };
        let text = |s: &String| Value::String(s.trim().to_string());
        let optional = |s: &String| {
            if s.trim().is_empty() {
                Value::Null
            } else {
                Value::String(s.trim().to_string())
            }
        };
        if let Some(v) = &p.title_ko {
            set("title_ko", text(v));
        }
        if let Some(v) = &p.title_en {
            set("title_en", text(v));
        }
        if let Some(v) = &p.description_ko {
            set("description_ko", Value::String(v.clone()));
        }
        if let Some(v) = &p.description_en {
            set("description_en", Value::String(v.clone()));
        }
        if let Some(words) = &p.keywords {
            set("keywords", Value::Array(words.iter().map(&text).collect()));
        }
        for (k, v) in [
            ("license", &p.license),
            ("source_institution", &p.source_institution),
            ("update_cycle", &p.update_cycle),
            ("visibility", &p.visibility),
            ("status", &p.status),
        ] {
            if let Some(v) = v {
                set(k, text(v));
            }
        }
        for (k, v) in [
            ("spatial_coverage", &p.spatial_coverage),
            ("contact_name", &p.contact_name),
            ("contact_phone", &p.contact_phone),
            ("contact_email", &p.contact_email),
            ("last_updated", &p.last_updated),
        ] {
            if let Some(v) = v {
                set(k, optional(v));
            }
        }
        if let Some(terms) = &p.terms {
            let mut t: Vec<String> = terms.iter().map(|x| x.trim().to_string()).collect();
            t.sort();
            t.dedup();
            set("terms", json!(t));
        }
        let blank = |s: &Option<String>| {
            s.as_ref()
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty())
        };
        if let Some(list) = &p.distributions {
            let list: Vec<types::model::Distribution> = list
                .iter()
                .map(|x| types::model::Distribution {
                    title: x.title.trim().to_string(),
                    kind: x.kind.clone(),
                    format: x.format.trim().to_string(),
                    url: x.url.trim().to_string(),
                    size_bytes: x.size_bytes,
                })
                .collect();
            set("distributions", json!(list));
        }
        if let Some(list) = &p.columns {
            let list: Vec<types::model::DataColumn> = list
                .iter()
                .map(|c| types::model::DataColumn {
                    name: c.name.trim().to_string(),
                    data_type: c.data_type.clone(),
                    description: blank(&c.description),
                    unit: blank(&c.unit),
                })
                .collect();
            set("columns", json!(list));
        }
        Snapshot(m)
    }

    /// `{ field: { "from": old, "to": new } }` for every field that differs.
    pub fn diff(&self, after: &Snapshot) -> Value {
        let mut out = Map::new();
        for (k, to) in &after.0 {
            let from = self.0.get(k).cloned().unwrap_or(Value::Null);
            if &from != to {
                out.insert(k.clone(), json!({ "from": from, "to": to }));
            }
        }
        Value::Object(out)
    }

    pub fn str(&self, k: &str) -> String {
        self.0
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    }

    pub fn opt_str(&self, k: &str) -> Option<String> {
        self.0.get(k).and_then(Value::as_str).map(str::to_string)
    }

    pub fn value(&self, k: &str) -> Value {
        self.0.get(k).cloned().unwrap_or(Value::Null)
    }

    /// The change that sets every field this snapshot records to its value (a null clears an
    /// optional field; fields it does not record are left out).
    pub fn to_patch(&self, message: String) -> DatasetPatch {
        let text = |k: &str| self.0.get(k).map(|_| self.opt_str(k).unwrap_or_default());
        DatasetPatch {
            title_ko: text("title_ko"),
            title_en: text("title_en"),
            description_ko: text("description_ko"),
            description_en: text("description_en"),
            keywords: self.0.get("keywords").and_then(|v| {
                v.as_array().map(|a| {
                    a.iter()
                        .filter_map(|w| w.as_str().map(str::to_string))
                        .collect()
                })
            }),
            license: text("license"),
            source_institution: text("source_institution"),
            update_cycle: text("update_cycle"),
            visibility: text("visibility"),
            status: text("status"),
            spatial_coverage: text("spatial_coverage"),
            contact_name: text("contact_name"),
            contact_phone: text("contact_phone"),
            contact_email: text("contact_email"),
            last_updated: text("last_updated"),
            terms: self
                .0
                .get("terms")
                .and_then(|v| serde_json::from_value(v.clone()).ok()),
            distributions: self
                .0
                .get("distributions")
                .and_then(|v| serde_json::from_value(v.clone()).ok()),
            columns: self
                .0
                .get("columns")
                .and_then(|v| serde_json::from_value(v.clone()).ok()),
            message: Some(message),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A dataset row for unit tests.
    pub(crate) fn model() -> dataset::Model {
        let t = chrono::DateTime::from_timestamp(1_767_225_600, 0).unwrap_or_default();
        dataset::Model {
            id: 1,
            slug: "parks".into(),
            title_ko: "공원".into(),
            title_en: "Parks".into(),
            description_ko: String::new(),
            description_en: String::new(),
            department_id: 1,
            source_institution: "성동구".into(),
            visibility: "public".into(),
            status: "published".into(),
            license: "KOGL".into(),
            update_cycle: "monthly".into(),
            last_updated: None,
            next_due: None,
            keywords: json!([]),
            spatial_coverage: None,
            temporal_start: None,
            temporal_end: None,
            contact_name: None,
            contact_phone: None,
            contact_email: None,
            version: 1,
            created_at: t,
            updated_at: t,
            harvest_source_id: None,
            harvest_key: None,
        }
    }

    #[test]
    fn diff_names_changed_fields_only() {
        let before = Snapshot(
            json!({"title_ko": "공원", "contact_email": null, "keywords": ["a"]})
                .as_object()
                .cloned()
                .unwrap(),
        );
        let after = before.apply(&DatasetPatch {
            title_ko: Some(" 공원 현황 ".into()),
            contact_email: Some("".into()),
            keywords: Some(vec!["a".into()]),
            ..Default::default()
        });
        let d = before.diff(&after);
        assert_eq!(
            d,
            json!({"title_ko": {"from": "공원", "to": "공원 현황"}}),
            "an unchanged value and an empty optional are not changes"
        );
    }
}

//! The edit form: its fields in order, the values as text, the patch of what changed, and the
//! three-way merge with what was saved meanwhile.

use serde::{Deserialize, Serialize};

use super::{DatasetPatch, EDITABLE_SCHEMES};

/// How a field is edited in the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Line,
    Text,
    /// Comma-separated words.
    List,
    /// A date, `YYYY-MM-DD`.
    Date,
    /// One of a fixed set of codes.
    Choice(&'static [(&'static str, &'static str, &'static str)]),
    /// Classification terms, picked per scheme (`scheme:code, …`).
    Terms,
    /// The distributions list (JSON in the form state).
    Distributions,
    /// The data dictionary (JSON in the form state).
    Columns,
}

/// The editable fields in form order: (name, Korean label, English label, kind).
pub const FIELDS: &[(&str, &str, &str, FieldKind)] = &[
    (
        "title_ko",
        "제목 (한국어)",
        "Title (Korean)",
        FieldKind::Line,
    ),
    (
        "title_en",
        "제목 (영어)",
        "Title (English)",
        FieldKind::Line,
    ),
    (
        "description_ko",
        "설명 (한국어, Markdown)",
        "Description (Korean, Markdown)",
        FieldKind::Text,
    ),
    (
        "description_en",
        "설명 (영어, Markdown)",
        "Description (English, Markdown)",
        FieldKind::Text,
    ),
    (
        "keywords",
        "키워드 (쉼표로 구분)",
        "Keywords (comma-separated)",
        FieldKind::List,
    ),
    (
        "source_institution",
        "제공 기관",
        "Source institution",
        FieldKind::Line,
    ),
    ("license", "이용 허락", "License", FieldKind::Line),
    (
        "update_cycle",
        "갱신 주기",
        "Update cycle",
        FieldKind::Choice(&[
            ("realtime", "실시간", "Real-time"),
            ("daily", "일간", "Daily"),
            ("weekly", "주간", "Weekly"),
            ("monthly", "월간", "Monthly"),
            ("quarterly", "분기", "Quarterly"),
            ("yearly", "연간", "Yearly"),
            ("irregular", "수시", "Irregular"),
        ]),
    ),
    (
        "visibility",
        "공개 범위",
        "Visibility",
        FieldKind::Choice(&[
            ("public", "공개", "Public"),
            ("internal", "내부", "Internal"),
        ]),
    ),
    (
        "status",
        "상태",
        "Status",
        FieldKind::Choice(&[
            ("draft", "초안", "Draft"),
            ("published", "게시", "Published"),
            ("archived", "보관", "Archived"),
        ]),
    ),
    (
        "spatial_coverage",
        "공간 범위",
        "Spatial coverage",
        FieldKind::Line,
    ),
    ("contact_name", "담당자", "Contact name", FieldKind::Line),
    ("contact_phone", "전화", "Contact phone", FieldKind::Line),
    ("contact_email", "이메일", "Contact email", FieldKind::Line),
    ("terms", "분류", "Classification", FieldKind::Terms),
    (
        "distributions",
        "제공 파일·API",
        "Distributions",
        FieldKind::Distributions,
    ),
    (
        "columns",
        "데이터 항목 정의",
        "Data dictionary",
        FieldKind::Columns,
    ),
];

/// The edit form's values, every field as text (keywords comma-separated), by field name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditFields(pub std::collections::BTreeMap<String, String>);

impl EditFields {
    pub fn of(d: &crate::model::DatasetDetail) -> EditFields {
        let s = &d.summary;
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        let pairs = [
            ("title_ko", s.title_ko.clone()),
            ("title_en", s.title_en.clone()),
            ("description_ko", d.description_ko.clone()),
            ("description_en", d.description_en.clone()),
            ("keywords", d.keywords.join(", ")),
            ("source_institution", s.source_institution.clone()),
            ("license", d.license.clone()),
            ("update_cycle", s.update_cycle.code().to_string()),
            ("visibility", s.visibility.code().to_string()),
            ("status", s.status.code().to_string()),
            (
                "last_updated",
                d.last_updated.map(|x| x.to_string()).unwrap_or_default(),
            ),
            ("spatial_coverage", opt(&d.spatial_coverage)),
            ("contact_name", opt(&d.contact_name)),
            ("contact_phone", opt(&d.contact_phone)),
            ("contact_email", opt(&d.contact_email)),
            ("terms", {
                let mut t: Vec<String> = d
                    .terms
                    .iter()
                    .filter(|t| EDITABLE_SCHEMES.contains(&t.scheme.as_str()))
                    .map(|t| format!("{}:{}", t.scheme, t.code))
                    .collect();
                t.sort();
                t.join(", ")
            }),
            (
                "distributions",
                serde_json::to_string(&d.distributions).unwrap_or_default(),
            ),
            (
                "columns",
                serde_json::to_string(&d.columns).unwrap_or_default(),
            ),
        ];
        EditFields(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }

    pub fn get(&self, field: &str) -> &str {
        self.0.get(field).map(String::as_str).unwrap_or_default()
    }

    pub fn set(&mut self, field: &str, value: String) {
        self.0.insert(field.to_string(), value);
    }

    /// Whether two values of `field` mean the same (keywords compare word by word).
    fn same(field: &str, a: &str, b: &str) -> bool {
        if field == "keywords" {
            split_keywords(a) == split_keywords(b)
        } else if field == "terms" {
            let mut x = split_keywords(a);
            let mut y = split_keywords(b);
            x.sort();
            y.sort();
            x == y
        } else if field == "distributions" || field == "columns" {
            let parse = |s: &str| serde_json::from_str::<serde_json::Value>(s).ok();
            parse(a) == parse(b)
        } else if field.starts_with("description") {
            a == b
        } else {
            a.trim() == b.trim()
        }
    }

    /// The fields whose values differ from `base`.
    pub fn changed_from(&self, base: &EditFields) -> Vec<&'static str> {
        FIELDS
            .iter()
            .map(|f| f.0)
            .filter(|f| !Self::same(f, self.get(f), base.get(f)))
            .collect()
    }

    /// The change from `base` to these values: only the fields that differ.
    pub fn patch_from(&self, base: &EditFields, message: &str) -> DatasetPatch {
        let mut p = DatasetPatch {
            message: Some(message.trim().to_string()).filter(|m| !m.is_empty()),
            ..Default::default()
        };
        for field in self.changed_from(base) {
            let v = self.get(field).to_string();
            match field {
                "title_ko" => p.title_ko = Some(v),
                "title_en" => p.title_en = Some(v),
                "description_ko" => p.description_ko = Some(v),
                "description_en" => p.description_en = Some(v),
                "keywords" => p.keywords = Some(split_keywords(&v)),
                "source_institution" => p.source_institution = Some(v),
                "license" => p.license = Some(v),
                "update_cycle" => p.update_cycle = Some(v),
                "visibility" => p.visibility = Some(v),
                "status" => p.status = Some(v),
                "spatial_coverage" => p.spatial_coverage = Some(v),
                "contact_name" => p.contact_name = Some(v),
                "contact_phone" => p.contact_phone = Some(v),
                "contact_email" => p.contact_email = Some(v),
                "last_updated" => p.last_updated = Some(v),
                "terms" => p.terms = Some(split_keywords(&v)),
                "distributions" => p.distributions = Some(list_of(&v)),
                "columns" => p.columns = Some(list_of(&v)),
                _ => {}
            }
        }
        p
    }
}

/// A list kept as JSON text in the form state (empty on bad JSON, which the form never writes).
pub fn list_of<T: serde::de::DeserializeOwned>(json: &str) -> Vec<T> {
    serde_json::from_str(json).unwrap_or_default()
}

/// Keywords typed as "a, b, c" (or one per line).
pub fn split_keywords(s: &str) -> Vec<String> {
    s.split([',', '\n'])
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// One field of a three-way merge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergeField {
    pub field: String,
    pub base: String,
    pub mine: String,
    pub theirs: String,
    /// Both sides changed it, differently: someone must choose.
    pub conflict: bool,
}

/// Merge my edit (from `base`) with what was saved meanwhile (`theirs`): fields only one side
/// changed take that side's value; fields both changed the same way agree; fields both changed
/// differently are conflicts, which start with my value in the result. Returns the result and
/// every field either side changed.
pub fn merge(
    base: &EditFields,
    mine: &EditFields,
    theirs: &EditFields,
) -> (EditFields, Vec<MergeField>) {
    let mut result = theirs.clone();
    let mut fields = Vec::new();
    for &(f, ..) in FIELDS {
        let (b, m, t) = (base.get(f), mine.get(f), theirs.get(f));
        let i_changed = !EditFields::same(f, m, b);
        let they_changed = !EditFields::same(f, t, b);
        if !i_changed && !they_changed {
            continue;
        }
        let conflict = i_changed && they_changed && !EditFields::same(f, m, t);
        if i_changed {
            result.set(f, m.to_string());
        }
        fields.push(MergeField {
            field: f.to_string(),
            base: b.to_string(),
            mine: m.to_string(),
            theirs: t.to_string(),
            conflict,
        });
    }
    (result, fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> EditFields {
        let mut f = EditFields::default();
        for (k, v) in pairs {
            f.set(k, v.to_string());
        }
        f
    }

    #[test]
    fn form_values_become_a_patch_of_the_changed_fields() {
        let base = fields(&[("title_ko", "공원"), ("keywords", "공원, park")]);
        let mine = fields(&[("title_ko", "공원 현황 "), ("keywords", "공원,park")]);
        let p = mine.patch_from(&base, " 제목 ");
        assert_eq!(p.title_ko.as_deref(), Some("공원 현황 "));
        assert_eq!(p.keywords, None, "same words, other spacing");
        assert_eq!(p.message.as_deref(), Some("제목"));
        assert!(
            fields(&[("keywords", "a,\n b,,")])
                .patch_from(&base, "")
                .keywords
                == Some(vec!["a".into(), "b".into()])
        );
    }

    #[test]
    fn three_way_merge() {
        let base = fields(&[
            ("title_ko", "공원"),
            ("title_en", "Parks"),
            ("license", "KOGL"),
        ]);
        let mine = fields(&[
            ("title_ko", "공원 현황"),
            ("title_en", "Parks"),
            ("license", "CC BY"),
        ]);
        let theirs = fields(&[
            ("title_ko", "공원 목록"),
            ("title_en", "Park list"),
            ("license", "CC BY"),
        ]);
        let (result, changed) = merge(&base, &mine, &theirs);
        let conflicts: Vec<&str> = changed
            .iter()
            .filter(|f| f.conflict)
            .map(|f| f.field.as_str())
            .collect();
        assert_eq!(conflicts, ["title_ko"]);
        assert_eq!(
            result.get("title_ko"),
            "공원 현황",
            "a conflict starts with mine"
        );
        assert_eq!(result.get("title_en"), "Park list", "only they changed it");
        assert_eq!(result.get("license"), "CC BY", "both made the same change");
        assert_eq!(changed.len(), 3);
    }
}

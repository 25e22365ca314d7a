//! Editing dataset metadata: the change a client sends ([`DatasetPatch`]) and the validation
//! rules, shared by the browser (instant feedback) and the server (the authority).

use serde::{Deserialize, Serialize};

use crate::model::{DataColumn, Distribution, Status, UpdateCycle, Visibility};

/// A change to a dataset's metadata: only the fields present change. `message` describes the
/// change in the revision history.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DatasetPatch {
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub title_ko: Option<String>,
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub title_en: Option<String>,
    #[cfg_attr(feature = "openapi", schema(max_length = 20000))]
    pub description_ko: Option<String>,
    #[cfg_attr(feature = "openapi", schema(max_length = 20000))]
    pub description_en: Option<String>,
    #[cfg_attr(feature = "openapi", schema(max_items = 30))]
    pub keywords: Option<Vec<String>>,
    pub license: Option<String>,
    pub source_institution: Option<String>,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::update_cycle_code))]
    pub update_cycle: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::model::Visibility>))]
    pub visibility: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::model::Status>))]
    pub status: Option<String>,
    pub spatial_coverage: Option<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
    /// When the data itself was last refreshed, `YYYY-MM-DD` (empty clears it). The next due
    /// date follows from it and the update cycle.
    pub last_updated: Option<String>,
    /// Classification terms as `scheme:code`, for the schemes people classify by hand
    /// ([`EDITABLE_SCHEMES`]); the department and update-cycle terms follow those fields.
    #[cfg_attr(feature = "openapi", schema(max_items = 50, example = json!(["theme:environment"])))]
    pub terms: Option<Vec<String>>,
    /// Files and APIs, in display order (replaces the list).
    #[cfg_attr(feature = "openapi", schema(max_items = 50))]
    pub distributions: Option<Vec<Distribution>>,
    /// The data dictionary, in column order (replaces the list).
    #[cfg_attr(feature = "openapi", schema(max_items = 500))]
    pub columns: Option<Vec<DataColumn>>,
    /// What changed, for the revision history.
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub message: Option<String>,
}

/// Schemes whose terms are chosen in the edit form.
pub const EDITABLE_SCHEMES: &[&str] = &["theme", "dong", "source", "data_type"];
pub const MAX_TERMS: usize = 50;
pub const MAX_DISTRIBUTIONS: usize = 50;
pub const MAX_COLUMNS: usize = 500;
pub const DISTRIBUTION_KINDS: &[(&str, &str, &str)] = &[
    ("file", "파일", "File"),
    ("api", "오픈API", "Open API"),
    ("link", "링크", "Link"),
];
pub const COLUMN_TYPES: &[&str] = &[
    "text", "integer", "number", "date", "datetime", "time", "boolean", "geometry",
];

/// One problem with one field, in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub field: String,
    pub message_ko: String,
    pub message_en: String,
}

pub const MAX_TITLE: usize = 200;
pub const MAX_DESCRIPTION: usize = 20_000;
pub const MAX_KEYWORDS: usize = 30;
pub const MAX_KEYWORD: usize = 50;
pub const MAX_SHORT: usize = 200;
pub const MAX_MESSAGE: usize = 500;

impl FieldError {
    pub fn new(field: &str, ko: impl Into<String>, en: impl Into<String>) -> FieldError {
        FieldError {
            field: field.to_string(),
            message_ko: ko.into(),
            message_en: en.into(),
        }
    }
}

fn err(field: &str, ko: String, en: String) -> FieldError {
    FieldError::new(field, ko, en)
}

/// A single-line text: length and no control characters.
fn line(errors: &mut Vec<FieldError>, field: &str, value: &str, max: usize, required: bool) {
    let n = value.chars().count();
    if required && value.trim().is_empty() {
        errors.push(err(
            field,
            format!("{field}: 비워 둘 수 없습니다."),
            format!("{field}: must not be empty."),
        ));
    } else if n > max {
        errors.push(err(
            field,
            format!("{field}: {max}자 이하로 입력하세요 (지금 {n}자)."),
            format!("{field}: at most {max} characters (now {n})."),
        ));
    } else if value.chars().any(char::is_control) {
        errors.push(err(
            field,
            format!("{field}: 줄바꿈이나 제어 문자는 쓸 수 없습니다."),
            format!("{field}: line breaks and control characters are not allowed."),
        ));
    }
}

fn code<T>(errors: &mut Vec<FieldError>, field: &str, value: &str, parse: fn(&str) -> Option<T>) {
    if parse(value).is_none() {
        errors.push(err(
            field,
            format!("{field}: 알 수 없는 값 '{value}'"),
            format!("{field}: unknown value '{value}'."),
        ));
    }
}

impl DatasetPatch {
    pub fn is_empty(&self) -> bool {
        DatasetPatch {
            message: None,
            ..self.clone()
        } == DatasetPatch::default()
    }

    /// For a full replacement (`PUT`): every metadata field must be present.
    pub fn missing_fields(&self) -> Vec<&'static str> {
        let present = [
            ("title_ko", self.title_ko.is_some()),
            ("title_en", self.title_en.is_some()),
            ("description_ko", self.description_ko.is_some()),
            ("description_en", self.description_en.is_some()),
            ("keywords", self.keywords.is_some()),
            ("license", self.license.is_some()),
            ("source_institution", self.source_institution.is_some()),
            ("update_cycle", self.update_cycle.is_some()),
            ("visibility", self.visibility.is_some()),
            ("status", self.status.is_some()),
            ("spatial_coverage", self.spatial_coverage.is_some()),
            ("contact_name", self.contact_name.is_some()),
            ("contact_phone", self.contact_phone.is_some()),
            ("contact_email", self.contact_email.is_some()),
            ("last_updated", self.last_updated.is_some()),
            ("terms", self.terms.is_some()),
            ("distributions", self.distributions.is_some()),
            ("columns", self.columns.is_some()),
        ];
        present
            .into_iter()
            .filter(|(_, p)| !p)
            .map(|(f, _)| f)
            .collect()
    }

    /// Every problem, field by field (empty: valid).
    pub fn validate(&self) -> Vec<FieldError> {
        let mut e = Vec::new();
        if let Some(v) = &self.title_ko {
            line(&mut e, "title_ko", v, MAX_TITLE, true);
        }
        if let Some(v) = &self.title_en {
            line(&mut e, "title_en", v, MAX_TITLE, false);
        }
        for (field, v) in [
            ("description_ko", &self.description_ko),
            ("description_en", &self.description_en),
        ] {
            if let Some(v) = v {
                let n = v.chars().count();
                if n > MAX_DESCRIPTION {
                    e.push(err(
                        field,
                        format!("{field}: {MAX_DESCRIPTION}자 이하로 입력하세요 (지금 {n}자)."),
                        format!("{field}: at most {MAX_DESCRIPTION} characters (now {n})."),
                    ));
                }
            }
        }
        if let Some(words) = &self.keywords {
            if words.len() > MAX_KEYWORDS {
                e.push(err(
                    "keywords",
                    format!("keywords: {MAX_KEYWORDS}개 이하"),
                    format!("keywords: at most {MAX_KEYWORDS}."),
                ));
            }
            for (i, w) in words.iter().enumerate() {
                let field = format!("keywords[{i}]");
                line(&mut e, &field, w, MAX_KEYWORD, true);
                if words[..i].iter().any(|x| x.trim() == w.trim()) {
                    e.push(err(
                        &field,
                        format!("{field}: '{w}' 키워드가 중복됩니다."),
                        format!("{field}: '{w}' is listed twice."),
                    ));
                }
            }
        }
        for (field, v) in [
            ("license", &self.license),
            ("source_institution", &self.source_institution),
            ("spatial_coverage", &self.spatial_coverage),
            ("contact_name", &self.contact_name),
        ] {
            if let Some(v) = v {
                line(&mut e, field, v, MAX_SHORT, field == "source_institution");
            }
        }
        if let Some(v) = &self.update_cycle {
            code(&mut e, "update_cycle", v, UpdateCycle::parse);
        }
        if let Some(v) = &self.visibility {
            code(&mut e, "visibility", v, Visibility::parse);
        }
        if let Some(v) = &self.status {
            code(&mut e, "status", v, Status::parse);
        }
        if let Some(v) = &self.contact_phone {
            let ok = v.chars().count() <= 30
                && v.chars().all(|c| c.is_ascii_digit() || " -+()".contains(c));
            if !ok {
                e.push(err(
                    "contact_phone",
                    "contact_phone: 숫자, 공백, - + ( ) 만 30자 이내로 쓰세요.".into(),
                    "contact_phone: digits, spaces and - + ( ) only, at most 30.".into(),
                ));
            }
        }
        if let Some(v) = &self.contact_email {
            let ok = v.is_empty()
                || (v.chars().count() <= MAX_SHORT
                    && !v.chars().any(|c| c.is_whitespace() || c.is_control())
                    && v.split_once('@').is_some_and(|(user, host)| {
                        !user.is_empty()
                            && host.contains('.')
                            && !host.starts_with('.')
                            && !host.ends_with('.')
                    }));
            if !ok {
                e.push(err(
                    "contact_email",
                    "contact_email: 올바른 이메일 주소가 아닙니다.".into(),
                    "contact_email: not an email address.".into(),
                ));
            }
        }
        if let Some(v) = self
            .last_updated
            .as_deref()
            .filter(|v| !v.trim().is_empty())
        {
            if chrono::NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").is_err() {
                e.push(err(
                    "last_updated",
                    format!("last_updated: '{v}'은(는) YYYY-MM-DD 날짜가 아닙니다."),
                    format!("last_updated: '{v}' is not a YYYY-MM-DD date."),
                ));
            }
        }
        if let Some(terms) = &self.terms {
            validate_terms(&mut e, terms);
        }
        if let Some(list) = &self.distributions {
            validate_distributions(&mut e, list);
        }
        if let Some(list) = &self.columns {
            validate_columns(&mut e, list);
        }
        if let Some(v) = &self.message {
            line(&mut e, "message", v, MAX_MESSAGE, false);
        }
        e
    }
}

impl DatasetPatch {
    /// The rules for a proposal: those of any change, and the status (publishing, archiving)
    /// stays the owning department's decision.
    pub fn validate_proposal(&self) -> Vec<FieldError> {
        let mut e = self.validate();
        if self.status.is_some() {
            e.push(err(
                "status",
                "status: 상태(게시/보관)는 제안으로 바꿀 수 없습니다.".into(),
                "status: publishing or archiving cannot be proposed.".into(),
            ));
        }
        e
    }
}

fn too_many(e: &mut Vec<FieldError>, field: &str, n: usize, max: usize) -> bool {
    if n > max {
        e.push(err(
            field,
            format!("{field}: {max}개 이하로 입력하세요 (지금 {n}개)."),
            format!("{field}: at most {max} (now {n})."),
        ));
    }
    n > max
}

fn validate_terms(e: &mut Vec<FieldError>, terms: &[String]) {
    if too_many(e, "terms", terms.len(), MAX_TERMS) {
        return;
    }
    for (i, t) in terms.iter().enumerate() {
        let field = format!("terms[{i}]");
        let ok = t.split_once(':').is_some_and(|(scheme, code)| {
            EDITABLE_SCHEMES.contains(&scheme)
                && !code.is_empty()
                && code.len() <= 64
                && code
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        });
        if !ok {
            e.push(err(
                &field,
                format!(
                    "{field}: '{t}'은(는) '분류체계:코드' 형식이 아닙니다 (분류체계: {}).",
                    EDITABLE_SCHEMES.join(", ")
                ),
                format!(
                    "{field}: '{t}' is not 'scheme:code' (schemes: {}).",
                    EDITABLE_SCHEMES.join(", ")
                ),
            ));
        } else if terms[..i].contains(t) {
            e.push(err(
                &field,
                format!("{field}: '{t}'이(가) 중복됩니다."),
                format!("{field}: '{t}' is listed twice."),
            ));
        }
    }
}

fn validate_distributions(e: &mut Vec<FieldError>, list: &[Distribution]) {
    if too_many(e, "distributions", list.len(), MAX_DISTRIBUTIONS) {
        return;
    }
    for (i, d) in list.iter().enumerate() {
        let at = |f: &str| format!("distributions[{i}].{f}");
        line(e, &at("title"), &d.title, MAX_SHORT, true);
        if !DISTRIBUTION_KINDS.iter().any(|k| k.0 == d.kind) {
            let f = at("kind");
            e.push(err(
                &f,
                format!("{f}: file, api, link 중 하나여야 합니다."),
                format!("{f}: must be file, api or link."),
            ));
        }
        let format = d.format.trim();
        let format_ok = !format.is_empty()
            && format.len() <= 20
            && format
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '+');
        if !format_ok {
            let f = at("format");
            e.push(err(
                &f,
                format!("{f}: CSV, JSON 같은 형식 이름(영문·숫자 20자 이내)을 쓰세요."),
                format!("{f}: a format name such as CSV or JSON (letters and digits, at most 20)."),
            ));
        }
        let url = d.url.trim();
        let url_ok = (url.starts_with("https://") || url.starts_with("http://"))
            && url.len() <= 2000
            && url.len() > "https://".len()
            && !url
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>');
        if !url_ok {
            let f = at("url");
            e.push(err(
                &f,
                format!("{f}: http:// 또는 https://로 시작하는 주소여야 합니다."),
                format!("{f}: must be an http:// or https:// address."),
            ));
        }
        if d.size_bytes.is_some_and(|n| n < 0) {
            let f = at("size_bytes");
            e.push(err(
                &f,
                format!("{f}: 0 이상이어야 합니다."),
                format!("{f}: must not be negative."),
            ));
        }
    }
}

fn validate_columns(e: &mut Vec<FieldError>, list: &[DataColumn]) {
    if too_many(e, "columns", list.len(), MAX_COLUMNS) {
        return;
    }
    for (i, c) in list.iter().enumerate() {
        let at = |f: &str| format!("columns[{i}].{f}");
        line(e, &at("name"), &c.name, 100, true);
        if list[..i]
            .iter()
            .any(|x| x.name.trim().eq_ignore_ascii_case(c.name.trim()))
        {
            let f = at("name");
            e.push(err(
                &f,
                format!("{f}: '{}' 항목명이 중복됩니다.", c.name),
                format!("{f}: '{}' is listed twice.", c.name),
            ));
        }
        if !COLUMN_TYPES.contains(&c.data_type.as_str()) {
            let f = at("data_type");
            e.push(err(
                &f,
                format!("{f}: {} 중 하나여야 합니다.", COLUMN_TYPES.join(", ")),
                format!("{f}: must be one of {}.", COLUMN_TYPES.join(", ")),
            ));
        }
        if let Some(d) = &c.description {
            line(e, &at("description"), d, 500, false);
        }
        if let Some(u) = &c.unit {
            line(e, &at("unit"), u, 50, false);
        }
    }
}

pub const MAX_COMMENT: usize = 2_000;

/// A comment on a dataset: plain text (shown escaped), 1 to 2,000 characters, no control
/// characters but line breaks and tabs.
pub fn validate_comment(body: &str) -> Vec<FieldError> {
    let n = body.trim().chars().count();
    if n == 0 {
        vec![err(
            "body",
            "body: 댓글 내용을 입력하세요.".into(),
            "body: write something.".into(),
        )]
    } else if n > MAX_COMMENT {
        vec![err(
            "body",
            format!("body: {MAX_COMMENT}자 이하로 입력하세요 (지금 {n}자)."),
            format!("body: at most {MAX_COMMENT} characters (now {n})."),
        )]
    } else if body
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
    {
        vec![err(
            "body",
            "body: 제어 문자는 쓸 수 없습니다.".into(),
            "body: control characters are not allowed.".into(),
        )]
    } else {
        Vec::new()
    }
}

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

    #[test]
    fn valid_and_invalid_changes() {
        let ok = DatasetPatch {
            title_ko: Some("성동구 공원 현황".into()),
            keywords: Some(vec!["공원".into(), "park".into()]),
            contact_email: Some("parks@sd.go.kr".into()),
            contact_phone: Some("02-2286-5114".into()),
            update_cycle: Some("monthly".into()),
            ..Default::default()
        };
        assert!(ok.validate().is_empty(), "{:?}", ok.validate());
        let bad = DatasetPatch {
            title_ko: Some("  ".into()),
            title_en: Some("a\nb".into()),
            keywords: Some(vec!["공원".into(), "공원".into()]),
            visibility: Some("secret".into()),
            contact_email: Some("nobody".into()),
            contact_phone: Some("call me".into()),
            description_ko: Some("가".repeat(MAX_DESCRIPTION + 1)),
            ..Default::default()
        };
        let fields: Vec<String> = bad.validate().into_iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "title_ko",
                "title_en",
                "description_ko",
                "keywords[1]",
                "visibility",
                "contact_phone",
                "contact_email"
            ]
        );
        assert!(DatasetPatch {
            message: Some("x".into()),
            ..Default::default()
        }
        .is_empty());
    }

    #[test]
    fn comments() {
        assert!(validate_comment("좋은 데이터입니다.\n감사합니다.").is_empty());
        assert_eq!(validate_comment("  ")[0].field, "body");
        assert!(!validate_comment(&"가".repeat(MAX_COMMENT + 1)).is_empty());
        assert!(!validate_comment("a\u{0}b").is_empty());
    }

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

    #[test]
    fn unknown_fields_are_refused() {
        let r: Result<DatasetPatch, _> = serde_json::from_str(r#"{"titel_ko":"x"}"#);
        assert!(r.is_err());
    }
}

//! The validation rules for a patch, a proposal and a comment, field by field in both
//! languages.

use super::{
    DatasetPatch, FieldError, COLUMN_TYPES, DISTRIBUTION_KINDS, EDITABLE_SCHEMES, MAX_COLUMNS,
    MAX_DESCRIPTION, MAX_DISTRIBUTIONS, MAX_KEYWORD, MAX_KEYWORDS, MAX_MESSAGE, MAX_SHORT,
    MAX_TERMS, MAX_TITLE,
};
use crate::model::{DataColumn, Distribution, Status, UpdateCycle, Visibility};

impl DatasetPatch {
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

    #[test]
    fn unknown_fields_are_refused() {
        let r: Result<DatasetPatch, _> = serde_json::from_str(r#"{"titel_ko":"x"}"#);
        assert!(r.is_err());
    }
}

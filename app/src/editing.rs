//! Editing dataset metadata: the change a client sends ([`DatasetPatch`]) and the validation
//! rules, shared by the browser (instant feedback) and the server (the authority).

use serde::{Deserialize, Serialize};

use crate::model::{Status, UpdateCycle, Visibility};

/// A change to a dataset's metadata: only the fields present change. `message` describes the
/// change in the revision history.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatasetPatch {
    pub title_ko: Option<String>,
    pub title_en: Option<String>,
    pub description_ko: Option<String>,
    pub description_en: Option<String>,
    pub keywords: Option<Vec<String>>,
    pub license: Option<String>,
    pub source_institution: Option<String>,
    pub update_cycle: Option<String>,
    pub visibility: Option<String>,
    pub status: Option<String>,
    pub spatial_coverage: Option<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
    pub message: Option<String>,
}

/// One problem with one field, in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

fn err(field: &str, ko: String, en: String) -> FieldError {
    FieldError {
        field: field.to_string(),
        message_ko: ko,
        message_en: en,
    }
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
        if let Some(v) = &self.message {
            line(&mut e, "message", v, MAX_MESSAGE, false);
        }
        e
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

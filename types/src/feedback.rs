//! "Report a problem": what residents send about a public dataset, and what the owning
//! department sees. Pure data and validation, shared by the server and the UI (compiles to wasm).

use crate::t;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::collab::DatasetRef;
use crate::editing::FieldError;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::model::coded_enum;

coded_enum!(
    FeedbackKind {
        WrongData = "wrong_data", feedback_kind.wrong_data;
        Outdated = "outdated", feedback_kind.outdated;
        BrokenLink = "broken_link", feedback_kind.broken_link;
        Other = "other", feedback_kind.other;
    }
);

coded_enum!(
    FeedbackStatus {
        Open = "open", feedback_status.open;
        Resolved = "resolved", feedback_status.resolved;
    }
);

pub const BODY_MIN_CHARS: usize = 10;
pub const BODY_MAX_CHARS: usize = 2000;
pub const CONTACT_MAX_CHARS: usize = 200;
/// More links than this in one report reads as spam.
pub const MAX_LINKS: usize = 2;

/// A report as submitted by the public form (`website` is a honeypot people never see).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackInput {
    pub kind: String,
    pub body: String,
    #[serde(default)]
    pub contact: String,
    #[serde(default)]
    pub website: String,
}

/// A validated report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFeedback {
    pub kind: FeedbackKind,
    pub body: String,
    pub contact: Option<String>,
}

impl FeedbackInput {
    /// Whether a robot filled the hidden field (such reports are dropped, silently).
    pub fn is_bot(&self) -> bool {
        !self.website.trim().is_empty()
    }

    /// Every problem at once, each naming its field.
    pub fn validate(&self) -> Result<NewFeedback, AppError> {
        let mut errors = Vec::new();
        let kind = FeedbackKind::parse(self.kind.trim());
        if kind.is_none() {
            errors.push(FieldError::new(
                "kind",
                "문제 유형을 고르세요.",
                "kind: choose what kind of problem it is.",
            ));
        }
        let body = self.body.trim().to_string();
        let n = body.chars().count();
        if n < BODY_MIN_CHARS {
            errors.push(FieldError::new(
                "body",
                format!("내용을 {BODY_MIN_CHARS}자 이상 써 주세요."),
                format!("body: write at least {BODY_MIN_CHARS} characters."),
            ));
        } else if n > BODY_MAX_CHARS {
            errors.push(FieldError::new(
                "body",
                format!("내용은 {BODY_MAX_CHARS}자 이하여야 합니다 (지금 {n}자)."),
                format!("body: at most {BODY_MAX_CHARS} characters (now {n})."),
            ));
        } else if link_count(&body) > MAX_LINKS {
            errors.push(FieldError::new(
                "body",
                format!("링크는 {MAX_LINKS}개까지 넣을 수 있습니다."),
                format!("body: at most {MAX_LINKS} links."),
            ));
        }
        let contact = self.contact.trim().to_string();
        if contact.chars().count() > CONTACT_MAX_CHARS {
            errors.push(FieldError::new(
                "contact",
                format!("연락처는 {CONTACT_MAX_CHARS}자 이하여야 합니다."),
                format!("contact: at most {CONTACT_MAX_CHARS} characters."),
            ));
        }
        // U+FFFD is what is left of bytes that were not UTF-8 (a CP949 form, say).
        if body.contains('\u{FFFD}') || contact.contains('\u{FFFD}') {
            errors.push(FieldError::new(
                "body",
                "글자를 읽을 수 없습니다 (UTF-8이 아닌 문자).",
                "body: the text is not UTF-8.",
            ));
        } else if body
            .chars()
            .chain(contact.chars())
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
        {
            errors.push(FieldError::new(
                "body",
                "보이지 않는 제어 문자는 쓸 수 없습니다.",
                "body: control characters are not allowed.",
            ));
        }
        match (kind, errors.is_empty()) {
            (Some(kind), true) => Ok(NewFeedback {
                kind,
                body,
                contact: (!contact.is_empty()).then_some(contact),
            }),
            _ => Err(AppError::InvalidFields { errors }),
        }
    }
}

fn link_count(text: &str) -> usize {
    let lower = text.to_ascii_lowercase();
    lower.matches("http://").count()
        + lower.matches("https://").count()
        + lower.matches("www.").count()
}

/// A report as its department sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeedbackInfo {
    pub id: i32,
    pub dataset: DatasetRef,
    pub kind: FeedbackKind,
    pub body: String,
    pub contact: Option<String>,
    pub status: FeedbackStatus,
    pub created_at: DateTime<Utc>,
    pub resolved_by: Option<String>,
    pub resolved_at: Option<DateTime<Utc>>,
}

/// What the form says after a report was sent (`?feedback=sent`) or refused.
pub fn sent_message(lang: Lang) -> &'static str {
    t!(lang, feedback.thank_you_your_report_went)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(kind: &str, body: &str) -> FeedbackInput {
        FeedbackInput {
            kind: kind.into(),
            body: body.into(),
            ..Default::default()
        }
    }

    #[test]
    fn validation_names_each_field() {
        let ok = input("outdated", "2025년 자료가 마지막입니다.")
            .validate()
            .unwrap();
        assert_eq!(ok.kind, FeedbackKind::Outdated);
        assert_eq!(ok.contact, None);
        let Err(AppError::InvalidFields { errors }) = input("nope", "짧음").validate() else {
            panic!("expected field errors")
        };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["kind", "body"]);
        let spam = input(
            "other",
            "buy http://a.example http://b.example www.c.example now",
        );
        assert!(spam.validate().is_err());
        let long = input("other", &"가".repeat(BODY_MAX_CHARS + 1));
        assert!(long.validate().is_err());
        let bot = FeedbackInput {
            website: "http://spam.example".into(),
            ..input("other", "perfectly normal text")
        };
        assert!(bot.is_bot());
    }
}

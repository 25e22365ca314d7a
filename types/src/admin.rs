//! What administrators send to manage departments, users and classification terms, with the
//! validation shared by the admin page and the server.

use serde::{Deserialize, Serialize};

use crate::editing::FieldError;
use crate::model::Role;

/// A code used in URLs: lowercase letters, digits, `-` and `_`.
fn code(e: &mut Vec<FieldError>, field: &str, v: &str, min: usize, max: usize) {
    let ok = (min..=max).contains(&v.len())
        && v.chars().all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_' || c == '.'
        });
    if !ok {
        e.push(FieldError::new(
            field,
            format!("{field}: 영문 소문자, 숫자, - _ . 로 {min}~{max}자"),
            format!("{field}: {min} to {max} lowercase letters, digits, - _ or ."),
        ));
    }
}

fn name(e: &mut Vec<FieldError>, field: &str, v: &str) {
    let n = v.trim().chars().count();
    if n == 0 || n > 100 || v.chars().any(char::is_control) {
        e.push(FieldError::new(
            field,
            format!("{field}: 1~100자 한 줄로 입력하세요."),
            format!("{field}: one line of 1 to 100 characters."),
        ));
    }
}

/// Create a department, or rename the one with this code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DepartmentInput {
    #[cfg_attr(feature = "openapi", schema(pattern = "^[a-z0-9._-]{2,40}$"))]
    pub code: String,
    pub name_ko: String,
    pub name_en: String,
}

impl DepartmentInput {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut e = Vec::new();
        code(&mut e, "code", &self.code, 2, 40);
        name(&mut e, "name_ko", &self.name_ko);
        name(&mut e, "name_en", &self.name_en);
        e
    }
}

pub const MIN_PASSWORD: usize = 10;

/// Create a user, or change the one with this username (a password left out is kept).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UserInput {
    #[cfg_attr(feature = "openapi", schema(pattern = "^[a-z0-9._-]{3,40}$"))]
    pub username: String,
    pub display_name: String,
    /// `admin`, `steward`, `editor` or `viewer`.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::model::Role))]
    pub role: String,
    /// The department's code; required for everyone but admins.
    #[serde(default)]
    pub department: Option<String>,
    /// Required for a new user; left out, the password is kept.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 10))]
    pub password: Option<String>,
    /// `false` signs the user out everywhere and refuses their logins.
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

impl UserInput {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut e = Vec::new();
        code(&mut e, "username", &self.username, 3, 40);
        name(&mut e, "display_name", &self.display_name);
        match Role::parse(&self.role) {
            None => e.push(FieldError::new(
                "role",
                "role: admin, steward, editor, viewer 중 하나",
                "role: one of admin, steward, editor, viewer.",
            )),
            Some(Role::Admin) => {}
            Some(_)
                if self
                    .department
                    .as_deref()
                    .is_none_or(|d| d.trim().is_empty()) =>
            {
                e.push(FieldError::new(
                    "department",
                    "department: 관리자가 아니면 부서가 필요합니다.",
                    "department: required for everyone but admins.",
                ))
            }
            Some(_) => {}
        }
        if let Some(p) = self.password.as_deref().filter(|p| !p.is_empty()) {
            if p.chars().count() < MIN_PASSWORD || p.chars().count() > 200 {
                e.push(FieldError::new(
                    "password",
                    format!("password: {MIN_PASSWORD}자 이상이어야 합니다."),
                    format!("password: at least {MIN_PASSWORD} characters."),
                ));
            }
        }
        e
    }
}

/// Add a term to a classification scheme, or relabel the term with this code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TermInput {
    pub scheme: String,
    pub code: String,
    pub label_ko: String,
    pub label_en: String,
}

impl TermInput {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut e = Vec::new();
        code(&mut e, "scheme", &self.scheme, 2, 40);
        code(&mut e, "code", &self.code, 1, 64);
        name(&mut e, "label_ko", &self.label_ko);
        name(&mut e, "label_en", &self.label_en);
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_name_their_bad_fields() {
        let d = DepartmentInput {
            code: "Parks Dept".into(),
            name_ko: "".into(),
            name_en: "Parks".into(),
        };
        let f: Vec<String> = d.validate().into_iter().map(|e| e.field).collect();
        assert_eq!(f, ["code", "name_ko"]);
        let u = UserInput {
            username: "kim".into(),
            display_name: "김".into(),
            role: "editor".into(),
            department: None,
            password: Some("short".into()),
            active: true,
        };
        let f: Vec<String> = u.validate().into_iter().map(|e| e.field).collect();
        assert_eq!(f, ["department", "password"]);
        let admin = UserInput {
            role: "admin".into(),
            password: None,
            ..u
        };
        assert!(admin.validate().is_empty());
    }
}

/// An API key as its owner sees it (the key itself is shown once, when made).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiKeyInfo {
    pub id: i32,
    pub name: String,
    /// The key's first characters, to tell keys apart.
    pub prefix: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub last_used_at: Option<chrono::DateTime<chrono::Utc>>,
    pub revoked: bool,
}

/// An API key with its owner, as administrators see every key.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OwnedApiKey {
    #[serde(flatten)]
    pub key: ApiKeyInfo,
    /// The owner's username.
    pub owner: String,
    pub owner_name: String,
    /// Whether the owner may sign in (a deactivated owner's keys are revoked).
    pub owner_active: bool,
}

/// A key just made: `secret` is the only time the key is shown.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewApiKey {
    pub key: ApiKeyInfo,
    pub secret: String,
}

/// A key's name: 1 to 100 characters, no control characters.
pub fn validate_key_name(name: &str) -> Result<String, crate::error::AppError> {
    let name = name.trim();
    let n = name.chars().count();
    if n == 0 || n > 100 || name.chars().any(char::is_control) {
        return Err(crate::error::AppError::invalid_field(
            "name",
            "키 이름은 1~100자여야 합니다.",
            "name: 1 to 100 characters, e.g. the system that uses the key.",
        ));
    }
    Ok(name.to_string())
}

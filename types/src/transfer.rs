//! The spreadsheet shape of the catalog, shared by import and export: one row a dataset, one
//! column a field. Headers may be the field names or their Korean/English labels.

use serde::{Deserialize, Serialize};

/// (field, Korean header, English header), in export order. `slug` identifies a dataset.
pub const COLUMNS: &[(&str, &str, &str)] = &[
    ("slug", "식별자", "Identifier"),
    ("title_ko", "제목", "Title (Korean)"),
    ("title_en", "영문 제목", "Title (English)"),
    ("department", "담당 부서", "Department"),
    ("source_institution", "제공 기관", "Source institution"),
    ("description_ko", "설명", "Description (Korean)"),
    ("description_en", "영문 설명", "Description (English)"),
    ("keywords", "키워드", "Keywords"),
    ("terms", "분류", "Classification"),
    ("license", "이용 허락", "License"),
    ("update_cycle", "갱신 주기", "Update cycle"),
    ("visibility", "공개 범위", "Visibility"),
    ("status", "상태", "Status"),
    ("last_updated", "최종 갱신일", "Last updated"),
    ("spatial_coverage", "공간 범위", "Spatial coverage"),
    ("contact_name", "담당자", "Contact name"),
    ("contact_phone", "전화", "Contact phone"),
    ("contact_email", "이메일", "Contact email"),
];

/// The field a header names (case, spaces and the `_` in field names are not significant).
pub fn field_for_header(header: &str) -> Option<&'static str> {
    let norm = |s: &str| {
        s.chars()
            .filter(|c| !c.is_whitespace() && *c != '_' && *c != '(' && *c != ')')
            .collect::<String>()
            .to_lowercase()
    };
    let h = norm(header.trim_start_matches('\u{feff}'));
    COLUMNS
        .iter()
        .find(|(f, ko, en)| norm(f) == h || norm(ko) == h || norm(en) == h)
        .map(|c| c.0)
}

/// What an import did (or, in a dry run, would do) with each row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RowAction {
    Create,
    Update,
    Unchanged,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RowOutcome {
    /// The spreadsheet row (the header is row 1).
    pub row: usize,
    pub slug: String,
    pub action: RowAction,
    pub changed_fields: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportReport {
    pub dry_run: bool,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub rows: Vec<RowOutcome>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_in_either_language() {
        assert_eq!(field_for_header("title_ko"), Some("title_ko"));
        assert_eq!(field_for_header("\u{feff}식별자"), Some("slug"));
        assert_eq!(field_for_header("Title (English)"), Some("title_en"));
        assert_eq!(field_for_header(" 갱신 주기 "), Some("update_cycle"));
        assert_eq!(field_for_header("colour"), None);
    }
}

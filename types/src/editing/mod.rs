//! Editing dataset metadata: the change a client sends ([`DatasetPatch`]) and the validation
//! rules, shared by the browser (instant feedback) and the server (the authority).

mod form;
mod validate;

pub use form::{list_of, merge, split_keywords, EditFields, FieldKind, MergeField, FIELDS};
pub use validate::{validate_comment, MAX_COMMENT};

use serde::{Deserialize, Serialize};

use crate::model::{DataColumn, Distribution};

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
pub use crate::codes::{COLUMN_TYPES, DISTRIBUTION_KINDS};
pub use crate::error::FieldError;

pub const MAX_TITLE: usize = 200;
pub const MAX_DESCRIPTION: usize = 20_000;
pub const MAX_KEYWORDS: usize = 30;
pub const MAX_KEYWORD: usize = 50;
pub const MAX_SHORT: usize = 200;
pub const MAX_MESSAGE: usize = 500;

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
}

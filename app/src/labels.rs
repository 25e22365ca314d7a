//! The labels of the edit form's fields and choices (the table is `editing::FIELDS`, the text
//! is in the locale files).

use types::t;

use crate::i18n::Lang;
use crate::model::{Status, UpdateCycle, Visibility};

/// A field's label, by its name in `editing::FIELDS`.
pub fn field(name: &str, lang: Lang) -> Option<&'static str> {
    Some(match name {
        "title_ko" => t!(lang, field.title_ko),
        "title_en" => t!(lang, field.title_en),
        "description_ko" => t!(lang, field.description_ko),
        "description_en" => t!(lang, field.description_en),
        "keywords" => t!(lang, field.keywords),
        "source_institution" => t!(lang, field.source_institution),
        "license" => t!(lang, field.license),
        "update_cycle" => t!(lang, field.update_cycle),
        "visibility" => t!(lang, field.visibility),
        "status" => t!(lang, field.status),
        "spatial_coverage" => t!(lang, field.spatial_coverage),
        "contact_name" => t!(lang, field.contact_name),
        "contact_phone" => t!(lang, field.contact_phone),
        "contact_email" => t!(lang, field.contact_email),
        "terms" => t!(lang, field.terms),
        "distributions" => t!(lang, field.distributions),
        "columns" => t!(lang, field.columns),
        _ => return None,
    })
}

/// The label of a choice field's option (`update_cycle`, `visibility`, `status`).
pub fn option(field: &str, code: &str, lang: Lang) -> Option<&'static str> {
    match field {
        "update_cycle" => UpdateCycle::parse(code).map(|c| c.label(lang)),
        "visibility" => Visibility::parse(code).map(|v| v.label(lang)),
        "status" => Status::parse(code).map(|s| s.label(lang)),
        _ => None,
    }
}

/// A distribution kind's label, by its code in `editing::DISTRIBUTION_KINDS`.
pub fn distribution_kind(code: &str, lang: Lang) -> &'static str {
    match code {
        "file" => t!(lang, distribution_kind.file),
        "api" => t!(lang, distribution_kind.api),
        "link" => t!(lang, distribution_kind.link),
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::editing::{FieldKind, DISTRIBUTION_KINDS, FIELDS};

    /// Every field and option of the table has its label in the locale files, and the same text.
    #[test]
    fn every_field_and_option_has_a_label() {
        for &(name, ko, en, kind) in FIELDS {
            assert_eq!(field(name, Lang::Ko), Some(ko), "{name}");
            assert_eq!(field(name, Lang::En), Some(en), "{name}");
            if let FieldKind::Choice(options) = kind {
                for &(code, ko, en) in options {
                    assert_eq!(option(name, code, Lang::Ko), Some(ko), "{name}.{code}");
                    assert_eq!(option(name, code, Lang::En), Some(en), "{name}.{code}");
                }
            }
        }
        for &(code, ko, en) in DISTRIBUTION_KINDS {
            assert_eq!(distribution_kind(code, Lang::Ko), ko);
            assert_eq!(distribution_kind(code, Lang::En), en);
        }
    }
}

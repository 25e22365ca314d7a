//! Revert a dataset to an earlier revision: a new revision that restores that revision's values
//! (history is never rewritten).

use app::editing::DatasetPatch;
use app::error::AppError;
use app::model::{SessionUser, Viewer};
use sea_orm::DatabaseConnection;

use super::update::{update, Updated};
use super::Snapshot;
use crate::search::SearchIndex;

/// The change that sets every field the snapshot recorded back to its value.
fn patch_from(s: &Snapshot, message: String) -> DatasetPatch {
    let text = |k: &str| s.0.get(k).map(|_| s.opt_str(k).unwrap_or_default());
    DatasetPatch {
        title_ko: text("title_ko"),
        title_en: text("title_en"),
        description_ko: text("description_ko"),
        description_en: text("description_en"),
        keywords: s.0.get("keywords").and_then(|v| {
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
        message: Some(message),
    }
}

pub async fn revert(
    db: &DatabaseConnection,
    search: &SearchIndex,
    user: &SessionUser,
    id_or_slug: &str,
    expected_version: i32,
    to_version: i32,
) -> Result<Updated, AppError> {
    let viewer = Viewer::Staff(user.clone());
    let s = super::history::snapshot(db, &viewer, id_or_slug, to_version).await?;
    let patch = patch_from(
        &s,
        format!("버전 {to_version}(으)로 되돌림 / reverted to version {to_version}"),
    );
    update(db, search, user, id_or_slug, expected_version, &patch).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_recorded_fields_are_restored() {
        let s = Snapshot(
            json!({"title_ko": "공원", "contact_email": null, "keywords": ["a", "b"]})
                .as_object()
                .cloned()
                .unwrap(),
        );
        let p = patch_from(&s, "m".into());
        assert_eq!(p.title_ko.as_deref(), Some("공원"));
        assert_eq!(
            p.contact_email.as_deref(),
            Some(""),
            "null clears the field"
        );
        assert_eq!(p.keywords, Some(vec!["a".to_string(), "b".to_string()]));
        assert_eq!(p.title_en, None, "not recorded: left as it is");
    }
}

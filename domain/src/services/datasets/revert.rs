//! Revert a dataset to an earlier revision: a new revision that restores that revision's values
//! (history is never rewritten).

use sea_orm::DatabaseConnection;
use types::error::AppError;
use types::model::{SessionUser, Viewer};

use super::update::{update, Updated};
use crate::search::SearchIndex;

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
    let patch = s.to_patch(format!(
        "버전 {to_version}(으)로 되돌림 / reverted to version {to_version}"
    ));
    update(db, search, user, id_or_slug, expected_version, &patch).await
}

#[cfg(test)]
mod tests {
    use super::super::Snapshot;
    use serde_json::json;

    #[test]
    fn only_recorded_fields_are_restored() {
        let s = Snapshot(
            json!({"title_ko": "공원", "contact_email": null, "keywords": ["a", "b"]})
                .as_object()
                .cloned()
                .unwrap(),
        );
        let p = s.to_patch("m".into());
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

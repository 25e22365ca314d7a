//! One dataset with everything its page shows: terms, distributions, columns, profiles, and
//! (for staff) its recent revisions.

use sea_orm::*;
use types::error::AppError;
use types::model::*;

use super::{department_ref, find_visible, summary, unknown_department, THEME_SCHEME};
use crate::entities::{dataset_term, department, revision, scheme, term, user};
use crate::services::{profiling, OrInternal};

/// A dataset's classification terms, in scheme and term order (one query).
async fn terms_of(db: &DatabaseConnection, dataset_id: i32) -> Result<Vec<TermRef>, AppError> {
    #[derive(FromQueryResult)]
    struct Row {
        scheme: String,
        code: String,
        label_ko: String,
        label_en: String,
    }
    Ok(term::Entity::find()
        .select_only()
        .column_as(scheme::Column::Code, "scheme")
        .columns([
            term::Column::Code,
            term::Column::LabelKo,
            term::Column::LabelEn,
        ])
        .join(
            JoinType::InnerJoin,
            term::Entity::belongs_to(scheme::Entity)
                .from(term::Column::SchemeId)
                .to(scheme::Column::Id)
                .into(),
        )
        .join_rev(
            JoinType::InnerJoin,
            dataset_term::Entity::belongs_to(term::Entity)
                .from(dataset_term::Column::TermId)
                .to(term::Column::Id)
                .into(),
        )
        .filter(dataset_term::Column::DatasetId.eq(dataset_id))
        .order_by_asc(scheme::Column::Position)
        .order_by_asc(term::Column::Position)
        .order_by_asc(term::Column::Id)
        .into_model::<Row>()
        .all(db)
        .await
        .or_internal()?
        .into_iter()
        .map(|r| TermRef {
            scheme: r.scheme,
            code: r.code,
            label_ko: r.label_ko,
            label_en: r.label_en,
        })
        .collect())
}

/// A dataset's latest revisions with their authors' names, without the snapshots (a whole copy
/// of the dataset each): only what the summary shows (one query).
async fn recent_revisions(
    db: &DatabaseConnection,
    dataset_id: i32,
    limit: u64,
) -> Result<Vec<RevisionSummary>, AppError> {
    #[derive(FromQueryResult)]
    struct Row {
        version: i32,
        author: Option<String>,
        created_at: chrono::DateTime<chrono::Utc>,
        message: String,
        diff: serde_json::Value,
    }
    Ok(revision::Entity::find()
        .select_only()
        .columns([
            revision::Column::Version,
            revision::Column::CreatedAt,
            revision::Column::Message,
            revision::Column::Diff,
        ])
        .column_as(user::Column::DisplayName, "author")
        .join(
            JoinType::LeftJoin,
            revision::Entity::belongs_to(user::Entity)
                .from(revision::Column::AuthorId)
                .to(user::Column::Id)
                .into(),
        )
        .filter(revision::Column::DatasetId.eq(dataset_id))
        .order_by_desc(revision::Column::Version)
        .limit(limit)
        .into_model::<Row>()
        .all(db)
        .await
        .or_internal()?
        .into_iter()
        .map(|r| RevisionSummary {
            version: r.version,
            author: r.author,
            created_at: r.created_at,
            message: r.message,
            changed_fields: r
                .diff
                .as_object()
                .map(|o| o.keys().cloned().collect())
                .unwrap_or_default(),
        })
        .collect())
}

pub async fn detail(
    db: &DatabaseConnection,
    viewer: &Viewer,
    slug_or_id: &str,
) -> Result<DatasetDetail, AppError> {
    let d = find_visible(db, viewer, slug_or_id).await?;
    let can_edit = match viewer {
        Viewer::Staff(u) => u.can_edit(
            d.department_id,
            Status::parse(&d.status).unwrap_or(Status::Draft),
        ),
        Viewer::Public => false,
    };
    let department = department::Entity::find_by_id(d.department_id)
        .one(db)
        .await
        .or_internal()?
        .map(department_ref)
        .ok_or_else(|| unknown_department(d.id))?;
    let terms = terms_of(db, d.id).await?;
    let distributions = crate::services::datasets::children::distributions(db, d.id).await?;
    let columns = crate::services::datasets::children::columns(db, d.id).await?;
    let revision_count = revision::Entity::find()
        .filter(revision::Column::DatasetId.eq(d.id))
        .count(db)
        .await
        .or_internal()?;
    // Who changed what, and why, is for staff (the history itself is staff-only).
    let revisions = match viewer {
        Viewer::Staff(_) => recent_revisions(db, d.id, 5).await?,
        Viewer::Public => Vec::new(),
    };
    let keywords = d
        .keywords
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let themes = terms
        .iter()
        .filter(|t| t.scheme == THEME_SCHEME)
        .cloned()
        .collect();
    let summary = summary(&d, department, themes);
    let profiles = profiling::latest(db, d.id).await?;
    Ok(DatasetDetail {
        summary,
        description_ko: d.description_ko,
        description_en: d.description_en,
        license: d.license,
        last_updated: d.last_updated,
        next_due: d.next_due,
        keywords,
        spatial_coverage: d.spatial_coverage,
        temporal_start: d.temporal_start,
        temporal_end: d.temporal_end,
        contact_name: d.contact_name,
        contact_phone: d.contact_phone,
        contact_email: d.contact_email,
        version: d.version,
        created_at: d.created_at,
        terms,
        distributions,
        columns,
        revisions,
        revision_count,
        can_edit,
        profiles,
    })
}

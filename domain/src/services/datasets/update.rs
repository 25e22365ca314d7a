//! Apply a change to a dataset's metadata, guarded by its version.
//!
//! SQLite: the write transaction starts with `BEGIN IMMEDIATE`, so writers queue and each sees the
//! version the previous one left. PostgreSQL: the `UPDATE … WHERE version = expected` re-checks the
//! version after waiting for a concurrent writer's row lock; zero rows means someone else won.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::*;
use types::editing::DatasetPatch;
use types::error::AppError;
use types::model::{SessionUser, Status, UpdateCycle, Viewer};

use super::Snapshot;
use crate::db::begin_write;
use crate::entities::{dataset, revision};
use crate::search::SearchIndex;
use crate::services::catalog::find_visible;
use crate::services::OrInternal;

/// The outcome of an accepted change.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Updated {
    pub id: i32,
    /// The dataset's version now (unchanged when the change changed nothing).
    pub version: i32,
    pub changed_fields: Vec<String>,
}

pub async fn update(
    db: &DatabaseConnection,
    search: &SearchIndex,
    user: &SessionUser,
    id_or_slug: &str,
    expected_version: i32,
    patch: &DatasetPatch,
) -> Result<Updated, AppError> {
    let errors = patch.validate();
    if !errors.is_empty() {
        return Err(AppError::InvalidFields { errors });
    }
    let txn = begin_write(db).await.or_internal()?;
    let d = find_visible(&txn, &Viewer::Staff(user.clone()), id_or_slug).await?;
    let status = Status::parse(&d.status).unwrap_or(Status::Draft);
    if !user.can_edit(d.department_id, status) {
        return Err(AppError::Forbidden);
    }
    if d.version != expected_version {
        return Err(AppError::Conflict {
            current_version: d.version,
        });
    }
    let updated = apply(db, &txn, user, &d, expected_version, patch, None).await?;
    txn.commit().await.or_internal()?;
    if !updated.changed_fields.is_empty() {
        search.refresh(db, &[d.id]).await?;
    }
    Ok(updated)
}

/// Write `patch` over dataset `d` inside the write transaction `txn`, guarded by
/// `expected_version`, and record the revision (by `author`, applying `proposal_id` if any).
/// Nothing is written when the patch changes nothing. The caller commits (or drops `txn`).
pub(crate) async fn apply(
    db: &DatabaseConnection,
    txn: &DatabaseTransaction,
    author: &SessionUser,
    d: &dataset::Model,
    expected_version: i32,
    patch: &DatasetPatch,
    proposal_id: Option<i32>,
) -> Result<Updated, AppError> {
    if let Some(terms) = &patch.terms {
        let errors = super::children::unknown_terms(txn, terms).await?;
        if !errors.is_empty() {
            return Err(AppError::InvalidFields { errors });
        }
    }
    let before = Snapshot::load(txn, d).await?;
    let after = before.apply(patch);
    let diff = before.diff(&after);
    let changed_fields: Vec<String> = diff
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    if changed_fields.is_empty() {
        return Ok(Updated {
            id: d.id,
            version: d.version,
            changed_fields,
        });
    }
    if changed_fields.iter().any(|f| f == "status") && !author.can_publish(d.department_id) {
        return Err(AppError::Forbidden);
    }
    let now = Utc::now();
    let next = expected_version + 1;
    let last_updated = after
        .opt_str("last_updated")
        .and_then(|s| chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok());
    let next_due =
        UpdateCycle::parse(&after.str("update_cycle")).and_then(|c| c.next_due(last_updated));
    let result = dataset::Entity::update_many()
        .col_expr(dataset::Column::TitleKo, Expr::value(after.str("title_ko")))
        .col_expr(dataset::Column::TitleEn, Expr::value(after.str("title_en")))
        .col_expr(
            dataset::Column::DescriptionKo,
            Expr::value(after.str("description_ko")),
        )
        .col_expr(
            dataset::Column::DescriptionEn,
            Expr::value(after.str("description_en")),
        )
        .col_expr(
            dataset::Column::Keywords,
            Expr::value(after.value("keywords")),
        )
        .col_expr(dataset::Column::License, Expr::value(after.str("license")))
        .col_expr(
            dataset::Column::SourceInstitution,
            Expr::value(after.str("source_institution")),
        )
        .col_expr(
            dataset::Column::UpdateCycle,
            Expr::value(after.str("update_cycle")),
        )
        .col_expr(
            dataset::Column::Visibility,
            Expr::value(after.str("visibility")),
        )
        .col_expr(dataset::Column::Status, Expr::value(after.str("status")))
        .col_expr(
            dataset::Column::SpatialCoverage,
            Expr::value(after.opt_str("spatial_coverage")),
        )
        .col_expr(
            dataset::Column::ContactName,
            Expr::value(after.opt_str("contact_name")),
        )
        .col_expr(
            dataset::Column::ContactPhone,
            Expr::value(after.opt_str("contact_phone")),
        )
        .col_expr(
            dataset::Column::ContactEmail,
            Expr::value(after.opt_str("contact_email")),
        )
        .col_expr(dataset::Column::LastUpdated, Expr::value(last_updated))
        .col_expr(dataset::Column::NextDue, Expr::value(next_due))
        .col_expr(dataset::Column::Version, Expr::value(next))
        .col_expr(dataset::Column::UpdatedAt, Expr::value(now))
        .filter(dataset::Column::Id.eq(d.id))
        .filter(dataset::Column::Version.eq(expected_version))
        .exec(txn)
        .await
        .or_internal()?;
    if result.rows_affected != 1 {
        // A concurrent writer committed first (PostgreSQL): report where it left the dataset.
        // The caller drops the transaction, which rolls it back.
        let current = dataset::Entity::find_by_id(d.id)
            .one(db)
            .await
            .or_internal()?
            .map(|x| x.version)
            .unwrap_or(next);
        return Err(AppError::Conflict {
            current_version: current,
        });
    }
    super::children::write(txn, d, &after, &changed_fields).await?;
    let message = patch
        .message
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| format!("수정: {}", changed_fields.join(", ")));
    revision::ActiveModel {
        dataset_id: Set(d.id),
        version: Set(next),
        author_id: Set(Some(author.id)),
        created_at: Set(now),
        message: Set(message),
        diff: Set(diff),
        snapshot: Set(serde_json::Value::Object(after.0.clone())),
        proposal_id: Set(proposal_id),
        ..Default::default()
    }
    .insert(txn)
    .await
    .or_internal()?;
    Ok(Updated {
        id: d.id,
        version: next,
        changed_fields,
    })
}

//! Propose a change to a dataset: editors and stewards of any department (and admins). The
//! proposal is based on the version the proposer saw, which must be the current one.

use chrono::Utc;
use sea_orm::*;
use types::collab::{NotificationKind, ProposalInfo, ProposalStatus};
use types::editing::DatasetPatch;
use types::error::AppError;
use types::model::{Role, SessionUser, Viewer};

use crate::db::begin_write;
use crate::entities::proposal;
use crate::services::catalog::find_visible;
use crate::services::datasets::Snapshot;
use crate::services::notifications::{department_members, notify, Event};
use crate::services::OrInternal;

pub async fn create(
    db: &DatabaseConnection,
    user: &SessionUser,
    id_or_slug: &str,
    base_version: i32,
    patch: &DatasetPatch,
) -> Result<ProposalInfo, AppError> {
    if user.role == Role::Viewer {
        return Err(AppError::Forbidden);
    }
    let errors = patch.validate_proposal();
    if !errors.is_empty() {
        return Err(AppError::InvalidFields { errors });
    }
    let txn = begin_write(db).await.or_internal()?;
    let d = find_visible(&txn, &Viewer::Staff(user.clone()), id_or_slug).await?;
    if d.version != base_version {
        return Err(AppError::Conflict {
            current_version: d.version,
        });
    }
    if let Some(terms) = &patch.terms {
        let errors = crate::services::datasets::unknown_terms(&txn, terms).await?;
        if !errors.is_empty() {
            return Err(AppError::InvalidFields { errors });
        }
    }
    let before = Snapshot::load(&txn, &d).await?;
    let diff = before.diff(&before.apply(patch));
    if diff.as_object().is_none_or(|m| m.is_empty()) {
        return Err(AppError::validation(
            "body",
            "본문: 지금 값과 다른 항목이 없습니다.",
            "body: the proposal changes nothing.",
        ));
    }
    let message = patch
        .message
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .unwrap_or("변경 제안")
        .to_string();
    let saved = proposal::ActiveModel {
        dataset_id: Set(d.id),
        proposer_id: Set(Some(user.id)),
        base_version: Set(base_version),
        patch: Set(diff),
        message: Set(message),
        status: Set(ProposalStatus::Open.code().to_string()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .or_internal()?;
    let stewards = department_members(&txn, d.department_id, &[Role::Steward]).await?;
    notify(
        &txn,
        stewards,
        &Event {
            kind: NotificationKind::ProposalReceived,
            dataset_id: d.id,
            actor_id: Some(user.id),
            proposal_id: Some(saved.id),
        },
    )
    .await?;
    let info = super::infos(&txn, user, vec![saved]).await?;
    txn.commit().await.or_internal()?;
    info.into_iter()
        .next()
        .ok_or_else(|| AppError::not_found("proposal"))
}

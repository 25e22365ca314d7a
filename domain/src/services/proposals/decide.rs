//! Decide a proposal: accept (applied as a revision by the reviewer, crediting the proposer),
//! reject with a reason, or withdraw (the proposer). Each tells the other side.

use chrono::Utc;
use sea_orm::*;
use serde_json::{Map, Value};
use types::collab::{NotificationKind, ProposalInfo, ProposalStatus};
use types::error::AppError;
use types::model::{SessionUser, Viewer};

use crate::db::begin_write;
use crate::entities::{dataset, proposal};
use crate::search::SearchIndex;
use crate::services::catalog::find_visible;
use crate::services::datasets::{update::apply, Snapshot};
use crate::services::notifications::{notify, Event};
use crate::services::OrInternal;

pub const MAX_REASON: usize = 500;

/// The open proposal and its dataset, locked for writing; the user must be a reviewer.
async fn open_for_review(
    txn: &DatabaseTransaction,
    user: &SessionUser,
    id: i32,
) -> Result<(proposal::Model, dataset::Model), AppError> {
    let p = proposal::Entity::find_by_id(id)
        .one(txn)
        .await
        .or_internal()?
        .ok_or_else(|| AppError::not_found(&format!("proposal {id}")))?;
    let d = find_visible(txn, &Viewer::Staff(user.clone()), &p.dataset_id.to_string()).await?;
    if !user.can_publish(d.department_id) {
        return Err(AppError::Forbidden);
    }
    if p.status != ProposalStatus::Open.code() {
        return Err(AppError::ProposalClosed { status: p.status });
    }
    Ok((p, d))
}

async fn close(
    txn: &DatabaseTransaction,
    user: &SessionUser,
    p: proposal::Model,
    status: ProposalStatus,
    reason: Option<String>,
    applied_version: Option<i32>,
) -> Result<proposal::Model, AppError> {
    let (dataset_id, proposer) = (p.dataset_id, p.proposer_id);
    let mut a: proposal::ActiveModel = p.into();
    a.status = Set(status.code().to_string());
    a.reason = Set(reason);
    a.decided_by = Set(Some(user.id));
    a.decided_at = Set(Some(Utc::now()));
    a.applied_version = Set(applied_version);
    let saved = a.update(txn).await.or_internal()?;
    let kind = match status {
        ProposalStatus::Accepted => Some(NotificationKind::ProposalAccepted),
        ProposalStatus::Rejected => Some(NotificationKind::ProposalRejected),
        _ => None,
    };
    if let Some(kind) = kind {
        notify(
            txn,
            proposer,
            &Event {
                kind,
                dataset_id,
                actor_id: Some(user.id),
                proposal_id: Some(saved.id),
            },
        )
        .await?;
    }
    Ok(saved)
}

async fn finish(
    txn: DatabaseTransaction,
    user: &SessionUser,
    saved: proposal::Model,
) -> Result<ProposalInfo, AppError> {
    let info = super::infos(&txn, user, vec![saved]).await?;
    txn.commit().await.or_internal()?;
    info.into_iter()
        .next()
        .ok_or_else(|| AppError::not_found("proposal"))
}

/// Accept proposal `id` against dataset version `expected_version` (what the reviewer saw).
/// Fields that changed since the proposal to something else must be settled in `resolution`
/// (`{ field: value }`, the value to keep); `resolution` may also adjust other proposed fields.
pub async fn accept(
    db: &DatabaseConnection,
    search: &SearchIndex,
    user: &SessionUser,
    id: i32,
    expected_version: i32,
    resolution: &Map<String, Value>,
) -> Result<ProposalInfo, AppError> {
    let txn = begin_write(db).await.or_internal()?;
    let (p, d) = open_for_review(&txn, user, id).await?;
    if d.version != expected_version {
        return Err(AppError::Conflict {
            current_version: d.version,
        });
    }
    let now = Snapshot::load(&txn, &d).await?;
    let rebase = super::rebase(&p.patch, p.base_version, &now, d.version);
    if let Some(field) = resolution
        .keys()
        .find(|k| !rebase.fields.iter().any(|f| &f.field == *k))
    {
        return Err(AppError::validation(
            &format!("resolution.{field}"),
            &format!("resolution.{field}: 이 제안에 없는 항목입니다."),
            &format!("resolution.{field}: not a field of this proposal."),
        ));
    }
    let unsettled: Vec<String> = rebase
        .conflicts()
        .into_iter()
        .filter(|f| !resolution.contains_key(*f))
        .map(str::to_string)
        .collect();
    if !unsettled.is_empty() {
        return Err(AppError::ProposalConflict { fields: unsettled });
    }
    let values: Map<String, Value> = rebase
        .fields
        .iter()
        .map(|f| {
            let v = resolution.get(&f.field).unwrap_or(&f.proposed);
            (f.field.clone(), v.clone())
        })
        .collect();
    let patch = Snapshot(values).to_patch(format!("제안 #{id} 반영: {}", p.message));
    let errors = patch.validate();
    if !errors.is_empty() {
        return Err(AppError::InvalidFields { errors });
    }
    let updated = apply(db, &txn, user, &d, expected_version, &patch, Some(id)).await?;
    let saved = close(
        &txn,
        user,
        p,
        ProposalStatus::Accepted,
        None,
        Some(updated.version),
    )
    .await?;
    let info = finish(txn, user, saved).await?;
    if !updated.changed_fields.is_empty() {
        search.refresh(db, &[d.id]).await?;
    }
    Ok(info)
}

/// Reject proposal `id`, saying why (1 to 500 characters).
pub async fn reject(
    db: &DatabaseConnection,
    user: &SessionUser,
    id: i32,
    reason: &str,
) -> Result<ProposalInfo, AppError> {
    let reason = reason.trim();
    let n = reason.chars().count();
    if n == 0 || n > MAX_REASON || reason.chars().any(|c| c.is_control() && c != '\n') {
        return Err(AppError::validation(
            "reason",
            &format!("reason: 반려 사유를 {MAX_REASON}자 이내로 쓰세요."),
            &format!("reason: say why, in 1 to {MAX_REASON} characters."),
        ));
    }
    let txn = begin_write(db).await.or_internal()?;
    let (p, _) = open_for_review(&txn, user, id).await?;
    let saved = close(
        &txn,
        user,
        p,
        ProposalStatus::Rejected,
        Some(reason.to_string()),
        None,
    )
    .await?;
    finish(txn, user, saved).await
}

/// The proposer takes back an open proposal.
pub async fn withdraw(
    db: &DatabaseConnection,
    user: &SessionUser,
    id: i32,
) -> Result<ProposalInfo, AppError> {
    let txn = begin_write(db).await.or_internal()?;
    let p = proposal::Entity::find_by_id(id)
        .one(&txn)
        .await
        .or_internal()?
        .filter(|p| p.proposer_id == Some(user.id))
        .ok_or_else(|| AppError::not_found(&format!("proposal {id}")))?;
    if p.status != ProposalStatus::Open.code() {
        return Err(AppError::ProposalClosed { status: p.status });
    }
    let saved = close(&txn, user, p, ProposalStatus::Withdrawn, None, None).await?;
    finish(txn, user, saved).await
}

//! In-app notifications: stored when something happens to someone's dataset or proposal (in the
//! same transaction as the event), plus computed notices for overdue datasets. One file per action.

pub mod list;
pub mod read;

use chrono::Utc;
use sea_orm::*;
use types::collab::NotificationKind;
use types::error::AppError;
use types::model::Role;

use crate::entities::{notification, user};
use crate::services::OrInternal;

/// Active users of a department with one of these roles.
pub async fn department_members<C: ConnectionTrait>(
    conn: &C,
    department_id: i32,
    roles: &[Role],
) -> Result<Vec<i32>, AppError> {
    Ok(user::Entity::find()
        .filter(user::Column::DepartmentId.eq(department_id))
        .filter(user::Column::Active.eq(true))
        .filter(user::Column::Role.is_in(roles.iter().map(|r| r.code())))
        .all(conn)
        .await
        .or_internal()?
        .into_iter()
        .map(|u| u.id)
        .collect())
}

/// What happened, to whom it is told.
pub struct Event {
    pub kind: NotificationKind,
    pub dataset_id: i32,
    /// Who did it (`None` for residents, who have no account).
    pub actor_id: Option<i32>,
    pub proposal_id: Option<i32>,
}

/// Tell each of `recipients` (but never the actor) about `event`.
pub async fn notify<C: ConnectionTrait>(
    conn: &C,
    recipients: impl IntoIterator<Item = i32>,
    event: &Event,
) -> Result<(), AppError> {
    let now = Utc::now();
    let mut ids: Vec<i32> = recipients
        .into_iter()
        .filter(|id| Some(*id) != event.actor_id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(());
    }
    notification::Entity::insert_many(ids.into_iter().map(|user_id| notification::ActiveModel {
        user_id: Set(user_id),
        kind: Set(event.kind.code().to_string()),
        dataset_id: Set(Some(event.dataset_id)),
        actor_id: Set(event.actor_id),
        proposal_id: Set(event.proposal_id),
        created_at: Set(now),
        read_at: Set(None),
        ..Default::default()
    }))
    .exec(conn)
    .await
    .or_internal()?;
    Ok(())
}

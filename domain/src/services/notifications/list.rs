//! A user's notifications, newest first, with overdue datasets of their department on top.

use chrono::{NaiveTime, Utc};
use sea_orm::*;
use types::collab::{NotificationInfo, NotificationKind, Notifications};
use types::error::AppError;
use types::model::{Role, SessionUser, Status};

use crate::entities::{dataset, notification};
use crate::services::people::{dataset_ref, datasets, user_names};
use crate::services::OrInternal;

pub const LIMIT: u64 = 50;
const OVERDUE_LIMIT: u64 = 20;

pub async fn list(db: &DatabaseConnection, user: &SessionUser) -> Result<Notifications, AppError> {
    let stored = notification::Entity::find()
        .filter(notification::Column::UserId.eq(user.id))
        .order_by_desc(notification::Column::CreatedAt)
        .order_by_desc(notification::Column::Id)
        .limit(LIMIT)
        .all(db)
        .await
        .or_internal()?;
    let unread = notification::Entity::find()
        .filter(notification::Column::UserId.eq(user.id))
        .filter(notification::Column::ReadAt.is_null())
        .count(db)
        .await
        .or_internal()?;
    let sets = datasets(db, stored.iter().filter_map(|n| n.dataset_id).collect()).await?;
    let names = user_names(db, stored.iter().filter_map(|n| n.actor_id).collect()).await?;
    let mut items = overdue(db, user).await?;
    items.extend(stored.into_iter().filter_map(|n| {
        Some(NotificationInfo {
            id: n.id,
            kind: NotificationKind::parse(&n.kind)?,
            dataset: n.dataset_id.and_then(|d| sets.get(&d)).map(dataset_ref),
            actor: n.actor_id.and_then(|a| names.get(&a).cloned()),
            proposal_id: n.proposal_id,
            created_at: n.created_at,
            read: n.read_at.is_some(),
        })
    }));
    Ok(Notifications { unread, items })
}

/// Published datasets of the user's department whose next update date has passed (for the
/// department's stewards and editors, who keep them fresh).
async fn overdue(
    db: &DatabaseConnection,
    user: &SessionUser,
) -> Result<Vec<NotificationInfo>, AppError> {
    let Some(department) = user.department_id() else {
        return Ok(Vec::new());
    };
    if !matches!(user.role, Role::Steward | Role::Editor) {
        return Ok(Vec::new());
    }
    let today = Utc::now().date_naive();
    let late = dataset::Entity::find()
        .filter(dataset::Column::DepartmentId.eq(department))
        .filter(dataset::Column::Status.eq(Status::Published.code()))
        .filter(dataset::Column::NextDue.lt(today))
        .order_by_asc(dataset::Column::NextDue)
        .limit(OVERDUE_LIMIT)
        .all(db)
        .await
        .or_internal()?;
    Ok(late
        .iter()
        .map(|d| NotificationInfo {
            id: 0,
            kind: NotificationKind::Overdue,
            dataset: Some(dataset_ref(d)),
            actor: None,
            proposal_id: None,
            created_at: d
                .next_due
                .map(|due| due.and_time(NaiveTime::MIN).and_utc())
                .unwrap_or(d.updated_at),
            read: false,
        })
        .collect())
}

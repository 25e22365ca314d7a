//! A resident reports a problem with a public dataset.

use chrono::{Duration, Utc};
use sea_orm::*;
use types::collab::NotificationKind;
use types::error::AppError;
use types::feedback::{FeedbackStatus, NewFeedback};
use types::model::{Role, Viewer};

use crate::db::begin_write;
use crate::entities::feedback;
use crate::services::catalog::find_visible;
use crate::services::notifications::{department_members, notify, Event};
use crate::services::OrInternal;

/// What became of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Stored and the department told.
    Stored(i32),
    /// The same text about the same dataset came in during the last day: not stored again.
    Duplicate,
    /// The hidden field was filled: a robot; dropped without saying so.
    Dropped,
}

/// Store a validated report (see [`types::feedback::FeedbackInput::validate`]) about `id_or_slug` (a dataset
/// `viewer` can see) and notify its department; `bot`: the hidden field was filled.
pub async fn create(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id_or_slug: &str,
    new: NewFeedback,
    bot: bool,
) -> Result<Outcome, AppError> {
    let d = find_visible(db, viewer, id_or_slug).await?;
    if bot {
        tracing::info!(dataset = d.id, "report dropped: honeypot filled");
        return Ok(Outcome::Dropped);
    }
    let now = Utc::now();
    let txn = begin_write(db).await.or_internal()?;
    let duplicate = feedback::Entity::find()
        .filter(feedback::Column::DatasetId.eq(d.id))
        .filter(feedback::Column::Body.eq(new.body.as_str()))
        .filter(feedback::Column::CreatedAt.gt(now - Duration::days(1)))
        .one(&txn)
        .await
        .or_internal()?;
    if duplicate.is_some() {
        return Ok(Outcome::Duplicate);
    }
    let saved = feedback::ActiveModel {
        dataset_id: Set(d.id),
        department_id: Set(d.department_id),
        kind: Set(new.kind.code().to_string()),
        body: Set(new.body),
        contact: Set(new.contact),
        status: Set(FeedbackStatus::Open.code().to_string()),
        created_at: Set(now),
        resolved_by: Set(None),
        resolved_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .or_internal()?;
    let owners = department_members(&txn, d.department_id, &[Role::Steward, Role::Editor]).await?;
    notify(
        &txn,
        owners,
        &Event {
            kind: NotificationKind::Feedback,
            dataset_id: d.id,
            actor_id: None,
            proposal_id: None,
        },
    )
    .await?;
    txn.commit().await.or_internal()?;
    Ok(Outcome::Stored(saved.id))
}

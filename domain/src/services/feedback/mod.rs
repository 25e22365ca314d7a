//! Residents' "report a problem" on public datasets: stored for the owning department, whose
//! stewards and editors are notified. One file per action.

pub mod create;
pub mod list;
pub mod resolve;

use types::collab::DatasetRef;
use types::error::AppError;
use types::feedback::{FeedbackInfo, FeedbackKind, FeedbackStatus};
use types::model::{Role, SessionUser};

use crate::entities::feedback;

/// Reports carry what residents wrote (and maybe how to reach them): the owning department's
/// stewards and editors, and administrators, read them; nobody else.
pub fn may_read(user: &SessionUser, department_id: i32) -> bool {
    match user.role {
        Role::Admin => true,
        Role::Steward | Role::Editor => user.department_id() == Some(department_id),
        Role::Viewer => false,
    }
}

pub(crate) fn require_reader(user: &SessionUser) -> Result<(), AppError> {
    match user.role {
        Role::Admin | Role::Steward | Role::Editor => Ok(()),
        Role::Viewer => Err(AppError::Forbidden),
    }
}

pub(crate) fn info(
    f: feedback::Model,
    dataset: DatasetRef,
    resolved_by: Option<String>,
) -> FeedbackInfo {
    FeedbackInfo {
        id: f.id,
        dataset,
        kind: FeedbackKind::parse(&f.kind).unwrap_or(FeedbackKind::Other),
        body: f.body,
        contact: f.contact,
        status: FeedbackStatus::parse(&f.status).unwrap_or(FeedbackStatus::Open),
        created_at: f.created_at,
        resolved_by,
        resolved_at: f.resolved_at,
    }
}

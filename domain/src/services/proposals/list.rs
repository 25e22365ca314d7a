//! Lists of proposals: a reviewer's queue, a proposer's own, one dataset's, or one proposal.

use sea_orm::*;
use types::collab::{ProposalInfo, ProposalStatus};
use types::error::AppError;
use types::model::{Role, SessionUser, Viewer};

use crate::entities::{dataset, proposal};
use crate::services::catalog::find_visible;
use crate::services::OrInternal;

pub const LIMIT: u64 = 100;

pub use types::collab::ProposalScope as Scope;

pub async fn list(
    db: &DatabaseConnection,
    user: &SessionUser,
    scope: Scope,
) -> Result<Vec<ProposalInfo>, AppError> {
    let q = proposal::Entity::find();
    let q = match scope {
        Scope::Review => {
            let q = q.filter(proposal::Column::Status.eq(ProposalStatus::Open.code()));
            match (user.role, user.department_id()) {
                (Role::Admin, _) => q,
                (Role::Steward, Some(dep)) => q.filter(
                    proposal::Column::DatasetId.in_subquery(
                        dataset::Entity::find()
                            .select_only()
                            .column(dataset::Column::Id)
                            .filter(dataset::Column::DepartmentId.eq(dep))
                            .into_query(),
                    ),
                ),
                _ => return Ok(Vec::new()),
            }
        }
        Scope::Mine => q.filter(proposal::Column::ProposerId.eq(user.id)),
        Scope::Dataset(slug) => {
            let d = find_visible(db, &Viewer::Staff(user.clone()), &slug).await?;
            q.filter(proposal::Column::DatasetId.eq(d.id))
        }
    };
    let rows = q
        .order_by_desc(proposal::Column::CreatedAt)
        .order_by_desc(proposal::Column::Id)
        .limit(LIMIT)
        .all(db)
        .await
        .or_internal()?;
    super::infos(db, user, rows).await
}

/// One proposal, if its dataset is visible to the user.
pub async fn get(
    db: &DatabaseConnection,
    user: &SessionUser,
    id: i32,
) -> Result<ProposalInfo, AppError> {
    let p = proposal::Entity::find_by_id(id)
        .one(db)
        .await
        .or_internal()?
        .ok_or_else(|| AppError::not_found(&format!("proposal {id}")))?;
    find_visible(db, &Viewer::Staff(user.clone()), &p.dataset_id.to_string()).await?;
    super::infos(db, user, vec![p])
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| AppError::not_found(&format!("proposal {id}")))
}

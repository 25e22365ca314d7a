//! Activity feeds (signed-in staff): what happened on a dataset, on a department's datasets, or
//! what the user did — revisions, comments and proposals, newest first.

use chrono::{DateTime, Utc};
use sea_orm::*;
use types::collab::{ActivityItem, ActivityKind, FeedScope, ProposalStatus};
use types::error::AppError;
use types::model::{SessionUser, Viewer};

use crate::entities::{comment, dataset, department, proposal, revision};
use crate::services::catalog::{find_visible, is_visible, visible};
use crate::services::people::{dataset_ref, datasets, user_names};
use crate::services::OrInternal;

pub const LIMIT: u64 = 50;

/// (kind, at, actor, dataset, reference, text)
type Row = (ActivityKind, DateTime<Utc>, Option<i32>, i32, i32, String);

/// Which rows a feed takes: those on these datasets, or those by this user.
enum Filter {
    Datasets(Vec<i32>),
    By(i32),
}

pub async fn feed(
    db: &DatabaseConnection,
    user: &SessionUser,
    scope: &FeedScope,
) -> Result<Vec<ActivityItem>, AppError> {
    let viewer = Viewer::Staff(user.clone());
    let filter = match scope {
        FeedScope::Dataset(slug) => {
            Filter::Datasets(vec![find_visible(db, &viewer, slug).await?.id])
        }
        FeedScope::MyDepartment if user.department_id().is_none() => return Ok(Vec::new()),
        FeedScope::Department(_) | FeedScope::MyDepartment => {
            let by = match scope {
                FeedScope::Department(code) => department::Column::Code.eq(code.as_str()),
                _ => department::Column::Id.eq(user.department_id().unwrap_or(-1)),
            };
            let dep = department::Entity::find()
                .filter(by)
                .one(db)
                .await
                .or_internal()?
                .ok_or_else(|| AppError::not_found("department"))?;
            let ids = dataset::Entity::find()
                .select_only()
                .column(dataset::Column::Id)
                .filter(dataset::Column::DepartmentId.eq(dep.id))
                .filter(visible(&viewer))
                .into_tuple::<i32>()
                .all(db)
                .await
                .or_internal()?;
            Filter::Datasets(ids)
        }
        FeedScope::Me => Filter::By(user.id),
    };
    let mut rows: Vec<Row> = Vec::new();

    let mut q = revision::Entity::find();
    q = match &filter {
        Filter::Datasets(ids) => q.filter(revision::Column::DatasetId.is_in(ids.clone())),
        Filter::By(u) => q.filter(revision::Column::AuthorId.eq(*u)),
    };
    for r in q
        .order_by_desc(revision::Column::CreatedAt)
        .limit(LIMIT)
        .all(db)
        .await
        .or_internal()?
    {
        rows.push((
            ActivityKind::Revision,
            r.created_at,
            r.author_id,
            r.dataset_id,
            r.version,
            r.message,
        ));
    }

    let mut q = comment::Entity::find();
    q = match &filter {
        Filter::Datasets(ids) => q.filter(comment::Column::DatasetId.is_in(ids.clone())),
        Filter::By(u) => q.filter(comment::Column::AuthorId.eq(*u)),
    };
    for c in q
        .order_by_desc(comment::Column::CreatedAt)
        .limit(LIMIT)
        .all(db)
        .await
        .or_internal()?
    {
        let text: String = c.body.chars().take(200).collect();
        rows.push((
            ActivityKind::Comment,
            c.created_at,
            c.author_id,
            c.dataset_id,
            c.id,
            text,
        ));
    }

    let mut q = proposal::Entity::find();
    q = match &filter {
        Filter::Datasets(ids) => q.filter(proposal::Column::DatasetId.is_in(ids.clone())),
        Filter::By(u) => q.filter(
            Condition::any()
                .add(proposal::Column::ProposerId.eq(*u))
                .add(proposal::Column::DecidedBy.eq(*u)),
        ),
    };
    for p in q
        .order_by_desc(proposal::Column::CreatedAt)
        .limit(LIMIT)
        .all(db)
        .await
        .or_internal()?
    {
        let mine = |who: Option<i32>| match &filter {
            Filter::By(u) => who == Some(*u),
            Filter::Datasets(_) => true,
        };
        if mine(p.proposer_id) {
            rows.push((
                ActivityKind::ProposalOpened,
                p.created_at,
                p.proposer_id,
                p.dataset_id,
                p.id,
                p.message.clone(),
            ));
        }
        let decided = match ProposalStatus::parse(&p.status) {
            Some(ProposalStatus::Accepted) => Some(ActivityKind::ProposalAccepted),
            Some(ProposalStatus::Rejected) => Some(ActivityKind::ProposalRejected),
            _ => None,
        };
        if let (Some(kind), Some(at)) = (decided, p.decided_at) {
            if mine(p.decided_by) {
                rows.push((
                    kind,
                    at,
                    p.decided_by,
                    p.dataset_id,
                    p.id,
                    p.reason.unwrap_or(p.message),
                ));
            }
        }
    }

    rows.sort_by(|a, b| b.1.cmp(&a.1).then(b.4.cmp(&a.4)));
    rows.truncate(LIMIT as usize);
    // A user's own feed may mention datasets they can no longer see (a draft of another
    // department after a move): keep only visible ones.
    let sets = datasets(db, rows.iter().map(|r| r.3).collect()).await?;
    let names = user_names(db, rows.iter().filter_map(|r| r.2).collect()).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(kind, at, actor, dataset_id, reference, text)| {
            let d = sets.get(&dataset_id).filter(|d| is_visible(&viewer, d))?;
            Some(ActivityItem {
                kind,
                at,
                actor: actor.and_then(|a| names.get(&a).cloned()),
                dataset: dataset_ref(d),
                reference,
                text,
            })
        })
        .collect())
}

//! Proposals: a change set on a dataset the proposer may not edit, reviewed by the stewards of
//! the owning department. A proposal stores, for each field it changes, the value it was based on
//! and the value it proposes, so it can be rebased on whatever the dataset became meanwhile.
//! One file per action.

pub mod create;
pub mod decide;
pub mod list;

use std::collections::HashMap;

use sea_orm::*;
use serde_json::{Map, Value};
use types::collab::{FieldChange, ProposalInfo, ProposalStatus, Rebase};
use types::error::AppError;
use types::model::SessionUser;

use crate::entities::{proposal, user};
use crate::services::datasets::Snapshot;
use crate::services::people::{dataset_ref, user_names};
use crate::services::OrInternal;

/// The proposal's fields against the dataset now: a field conflicts when it changed since the
/// proposal's base and not to the proposed value.
pub fn rebase(stored: &Value, base_version: i32, now: &Snapshot, current_version: i32) -> Rebase {
    let fields = stored
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(field, change)| {
                    let base = change.get("from").cloned().unwrap_or(Value::Null);
                    let proposed = change.get("to").cloned().unwrap_or(Value::Null);
                    let current = now.value(field);
                    FieldChange {
                        conflict: current != base && current != proposed,
                        field: field.clone(),
                        base,
                        current,
                        proposed,
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    Rebase {
        base_version,
        current_version,
        fields,
    }
}

/// The proposed values alone: `{ field: value }`.
pub fn proposed_values(stored: &Value) -> Value {
    let m: Map<String, Value> = stored
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, c)| (k.clone(), c.get("to").cloned().unwrap_or(Value::Null)))
                .collect()
        })
        .unwrap_or_default();
    Value::Object(m)
}

/// Proposals as the reader sees them (names resolved, open ones rebased on the current version).
pub async fn infos<C: ConnectionTrait>(
    conn: &C,
    reader: &SessionUser,
    proposals: Vec<proposal::Model>,
) -> Result<Vec<ProposalInfo>, AppError> {
    let sets =
        crate::services::people::datasets(conn, proposals.iter().map(|p| p.dataset_id).collect())
            .await?;
    let people = proposals
        .iter()
        .flat_map(|p| [p.proposer_id, p.decided_by])
        .flatten();
    let names = user_names(conn, people.collect()).await?;
    let proposer_ids: Vec<i32> = proposals.iter().filter_map(|p| p.proposer_id).collect();
    let departments_of: HashMap<i32, i32> = user::Entity::find()
        .filter(user::Column::Id.is_in(proposer_ids))
        .all(conn)
        .await
        .or_internal()?
        .into_iter()
        .filter_map(|u| Some((u.id, u.department_id?)))
        .collect();
    let department_names = crate::services::catalog::departments(conn).await?;
    let mut now: HashMap<i32, Snapshot> = HashMap::new();
    for p in proposals
        .iter()
        .filter(|p| p.status == ProposalStatus::Open.code())
    {
        if let (Some(d), false) = (sets.get(&p.dataset_id), now.contains_key(&p.dataset_id)) {
            now.insert(d.id, Snapshot::load(conn, d).await?);
        }
    }
    Ok(proposals
        .into_iter()
        .filter_map(|p| {
            let d = sets.get(&p.dataset_id)?;
            let status = ProposalStatus::parse(&p.status).unwrap_or(ProposalStatus::Open);
            let rebased = match (status, now.get(&d.id)) {
                (ProposalStatus::Open, Some(s)) => {
                    Some(rebase(&p.patch, p.base_version, s, d.version))
                }
                _ => None,
            };
            Some(ProposalInfo {
                id: p.id,
                dataset: dataset_ref(d),
                department_id: d.department_id,
                proposer: p.proposer_id.and_then(|u| names.get(&u).cloned()),
                proposer_department: p
                    .proposer_id
                    .and_then(|u| departments_of.get(&u))
                    .and_then(|d| department_names.get(d))
                    .map(|d| d.name_ko.clone()),
                base_version: p.base_version,
                patch: proposed_values(&p.patch),
                message: p.message,
                status,
                reason: p.reason,
                decided_by: p.decided_by.and_then(|u| names.get(&u).cloned()),
                decided_at: p.decided_at,
                applied_version: p.applied_version,
                created_at: p.created_at,
                rebase: rebased,
                can_review: status == ProposalStatus::Open && reader.can_publish(d.department_id),
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn conflicts_are_fields_changed_to_something_else() {
        let mut d = crate::services::datasets::snapshot::tests::model();
        d.title_en = "Parks (edited)".into();
        d.license = "CC BY".into();
        let now = Snapshot::of(&d);
        let stored = json!({
            "title_en": { "from": "Parks", "to": "Parks and green spaces" },
            "license": { "from": "KOGL", "to": "CC BY" },
            "title_ko": { "from": "공원", "to": "공원 현황" }
        });
        let r = rebase(&stored, 2, &now, 4);
        assert_eq!(r.current_version, 4);
        assert_eq!(r.conflicts(), ["title_en"], "{r:?}");
        assert_eq!(
            proposed_values(&stored)["title_ko"],
            json!("공원 현황"),
            "the proposed values alone"
        );
    }
}

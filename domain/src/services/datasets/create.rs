//! Register a new dataset (version 1) from a change set: the row, its terms (the chosen ones,
//! the department's and the update cycle's), distributions and columns, and its first revision.
//! Used by imports and harvests; the caller checks permissions and commits.

use chrono::Utc;
use sea_orm::*;
use types::editing::DatasetPatch;
use types::error::AppError;
use types::model::{Status, UpdateCycle, Visibility};

use super::{children, Snapshot};
use crate::entities::{dataset, department, revision};
use crate::services::OrInternal;

pub const DEFAULT_LICENSE: &str = "공공누리 제1유형 (출처표시)";

pub struct NewDataset<'a> {
    pub slug: &'a str,
    pub department_id: i32,
    pub patch: &'a DatasetPatch,
    pub author_id: i32,
    pub message: &'a str,
    /// The harvest source and the record's identifier there.
    pub harvested: Option<(i32, String)>,
}

pub async fn create(
    txn: &DatabaseTransaction,
    n: NewDataset<'_>,
) -> Result<dataset::Model, AppError> {
    let p = n.patch;
    let now = Utc::now();
    let blank = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
    let cycle = p
        .update_cycle
        .clone()
        .unwrap_or_else(|| UpdateCycle::Irregular.code().into());
    let last_updated = p
        .last_updated
        .as_deref()
        .and_then(|s| chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok());
    let (harvest_source_id, harvest_key) = match n.harvested {
        Some((s, k)) => (Some(s), Some(k)),
        None => (None, None),
    };
    let d = dataset::ActiveModel {
        slug: Set(n.slug.to_string()),
        title_ko: Set(p.title_ko.clone().unwrap_or_default()),
        title_en: Set(p.title_en.clone().unwrap_or_default()),
        description_ko: Set(p.description_ko.clone().unwrap_or_default()),
        description_en: Set(p.description_en.clone().unwrap_or_default()),
        department_id: Set(n.department_id),
        source_institution: Set(p.source_institution.clone().unwrap_or_default()),
        visibility: Set(p
            .visibility
            .clone()
            .unwrap_or_else(|| Visibility::Internal.code().into())),
        status: Set(p
            .status
            .clone()
            .unwrap_or_else(|| Status::Draft.code().into())),
        license: Set(p
            .license
            .clone()
            .filter(|l| !l.is_empty())
            .unwrap_or_else(|| DEFAULT_LICENSE.into())),
        update_cycle: Set(cycle.clone()),
        last_updated: Set(last_updated),
        next_due: Set(UpdateCycle::parse(&cycle).and_then(|c| c.next_due(last_updated))),
        keywords: Set(serde_json::json!(p.keywords.clone().unwrap_or_default())),
        spatial_coverage: Set(blank(&p.spatial_coverage)),
        temporal_start: Set(None),
        temporal_end: Set(None),
        contact_name: Set(blank(&p.contact_name)),
        contact_phone: Set(blank(&p.contact_phone)),
        contact_email: Set(blank(&p.contact_email)),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        harvest_source_id: Set(harvest_source_id),
        harvest_key: Set(harvest_key),
        ..Default::default()
    }
    .insert(txn)
    .await
    .or_internal()?;
    let department_code = department::Entity::find_by_id(n.department_id)
        .one(txn)
        .await
        .or_internal()?
        .map(|x| x.code)
        .unwrap_or_default();
    let mut s = Snapshot::of(&d);
    let mut lists = vec!["terms".to_string(), "update_cycle".to_string()];
    s.0.insert(
        "terms".into(),
        serde_json::json!(p.terms.clone().unwrap_or_default()),
    );
    if let Some(list) = &p.distributions {
        s.0.insert("distributions".into(), serde_json::json!(list));
        lists.push("distributions".into());
    }
    if let Some(list) = &p.columns {
        s.0.insert("columns".into(), serde_json::json!(list));
        lists.push("columns".into());
    }
    children::write(txn, &d, &s, &lists).await?;
    children::link_department(txn, d.id, &department_code).await?;
    let snapshot = Snapshot::load(txn, &d).await?;
    revision::ActiveModel {
        dataset_id: Set(d.id),
        version: Set(1),
        author_id: Set(Some(n.author_id)),
        created_at: Set(now),
        message: Set(n.message.to_string()),
        diff: Set(serde_json::json!({})),
        snapshot: Set(serde_json::Value::Object(snapshot.0)),
        proposal_id: Set(None),
        ..Default::default()
    }
    .insert(txn)
    .await
    .or_internal()?;
    Ok(d)
}

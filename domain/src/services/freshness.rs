//! The district's freshness dashboard: per department, how many published datasets are on time,
//! due soon, overdue or without a schedule, and which are overdue.

use std::collections::BTreeMap;

use chrono::Utc;
use sea_orm::*;
use types::error::AppError;
use types::freshness::{Counts, DepartmentFreshness, Freshness, FreshnessReport, LateDataset};
use types::model::{Status, Viewer};

use crate::entities::dataset;
use crate::services::catalog::{departments, visible};
use crate::services::people::dataset_ref;
use crate::services::OrInternal;

pub const MAX_OVERDUE: usize = 200;

pub async fn report(db: &DatabaseConnection, viewer: &Viewer) -> Result<FreshnessReport, AppError> {
    let today = Utc::now().date_naive();
    let departments = departments(db).await?;
    let sets = dataset::Entity::find()
        .filter(visible(viewer))
        .filter(dataset::Column::Status.eq(Status::Published.code()))
        .all(db)
        .await
        .or_internal()?;
    let mut total = Counts::default();
    let mut per: BTreeMap<i32, Counts> = BTreeMap::new();
    let mut overdue = Vec::new();
    for d in &sets {
        let f = Freshness::of(d.next_due, today);
        total.add(f);
        per.entry(d.department_id).or_default().add(f);
        if let (Freshness::Overdue, Some(due), Some(dep)) =
            (f, d.next_due, departments.get(&d.department_id))
        {
            overdue.push(LateDataset {
                dataset: dataset_ref(d),
                department: dep.clone(),
                next_due: due,
                days_late: (today - due).num_days(),
            });
        }
    }
    overdue.sort_by(|a, b| {
        b.days_late
            .cmp(&a.days_late)
            .then(a.dataset.slug.cmp(&b.dataset.slug))
    });
    overdue.truncate(MAX_OVERDUE);
    let mut rows: Vec<DepartmentFreshness> = per
        .into_iter()
        .filter_map(|(id, counts)| {
            Some(DepartmentFreshness {
                department: departments.get(&id)?.clone(),
                counts,
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        b.counts
            .overdue
            .cmp(&a.counts.overdue)
            .then(a.department.name_ko.cmp(&b.department.name_ko))
    });
    Ok(FreshnessReport {
        today,
        total,
        departments: rows,
        overdue,
    })
}

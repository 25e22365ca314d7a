//! Create or change a harvest source (administrators).

use chrono::Utc;
use sea_orm::*;
use types::error::AppError;
use types::jobs::{HarvestSourceInfo, HarvestSourceInput};

use crate::entities::{department, harvest_source};
use crate::services::datasets::unknown_terms;
use crate::services::OrInternal;

pub async fn save_source(
    db: &DatabaseConnection,
    input: &HarvestSourceInput,
) -> Result<HarvestSourceInfo, AppError> {
    let mut errors = input.validate();
    let department = department::Entity::find()
        .filter(department::Column::Code.eq(input.department.trim()))
        .one(db)
        .await
        .or_internal()?;
    if department.is_none() && !input.department.trim().is_empty() {
        errors.push(types::editing::FieldError::new(
            "department",
            format!("'{}' 부서가 없습니다.", input.department),
            format!("department: there is no department '{}'.", input.department),
        ));
    }
    let mut terms: Vec<String> = input
        .default_terms
        .iter()
        .map(|t| t.trim().to_string())
        .collect();
    if errors.is_empty() {
        // Checked in the input's order, so that each error names the input's position.
        for e in unknown_terms(db, &terms).await? {
            let named = |m: &str| m.replacen("terms[", "default_terms[", 1);
            errors.push(types::editing::FieldError::new(
                &named(&e.field),
                named(&e.message_ko),
                named(&e.message_en),
            ));
        }
    }
    terms.sort();
    terms.dedup();
    let Some(department) = department.filter(|_| errors.is_empty()) else {
        return Err(AppError::InvalidFields { errors });
    };
    let mut a = match input.id {
        Some(id) => super::find(db, id).await?.into_active_model(),
        None => harvest_source::ActiveModel {
            created_at: Set(Utc::now()),
            ..Default::default()
        },
    };
    a.name = Set(input.name.trim().to_string());
    a.kind = Set(input.kind.clone());
    a.url = Set(input.url.trim().to_string());
    a.department_id = Set(department.id);
    a.source_institution = Set(input.source_institution.trim().to_string());
    a.default_terms = Set(serde_json::json!(terms));
    a.visibility = Set(input.visibility.clone());
    a.interval_minutes = Set(input.interval_minutes);
    a.enabled = Set(input.enabled);
    // A new or changed schedule starts now (the scheduler runs the source on its next tick).
    a.next_run_at = Set(None);
    let saved = a.save(db).await.or_internal()?;
    let s = harvest_source::Model::try_from(saved).or_internal()?;
    super::info(db, s).await
}

//! Create a department, or rename the one with the same code.

use chrono::Utc;
use sea_orm::*;
use types::admin::DepartmentInput;
use types::error::AppError;
use types::model::DepartmentRef;

use crate::db::begin_write;
use crate::entities::department;
use crate::services::OrInternal;

pub async fn save_department(
    db: &DatabaseConnection,
    input: &DepartmentInput,
) -> Result<DepartmentRef, AppError> {
    let errors = input.validate();
    if !errors.is_empty() {
        return Err(AppError::InvalidFields { errors });
    }
    let txn = begin_write(db).await.or_internal()?;
    let existing = department::Entity::find()
        .filter(department::Column::Code.eq(input.code.as_str()))
        .one(&txn)
        .await
        .or_internal()?;
    let saved = match existing {
        Some(d) => {
            let mut a: department::ActiveModel = d.into();
            a.name_ko = Set(input.name_ko.trim().to_string());
            a.name_en = Set(input.name_en.trim().to_string());
            a.update(&txn).await.or_internal()?
        }
        None => department::ActiveModel {
            code: Set(input.code.clone()),
            name_ko: Set(input.name_ko.trim().to_string()),
            name_en: Set(input.name_en.trim().to_string()),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .or_internal()?,
    };
    txn.commit().await.or_internal()?;
    Ok(crate::services::catalog::department_ref(saved))
}

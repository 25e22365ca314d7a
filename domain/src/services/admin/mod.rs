//! Administration (admins only): the overview, and managing departments, users and
//! classification terms, one file per action.

pub mod create_first_admin;
pub mod save_department;
pub mod save_term;
pub mod save_user;

use std::collections::HashMap;

use sea_orm::*;
use types::error::AppError;
use types::model::*;

use super::OrInternal;
use crate::entities::{dataset, department, scheme, term, user};

pub async fn overview(db: &DatabaseConnection) -> Result<AdminOverview, AppError> {
    let depts = department::Entity::find()
        .order_by_asc(department::Column::NameKo)
        .all(db)
        .await
        .or_internal()?;
    let users = user::Entity::find()
        .order_by_asc(user::Column::Username)
        .all(db)
        .await
        .or_internal()?;
    let datasets: Vec<i32> = dataset::Entity::find()
        .select_only()
        .column(dataset::Column::DepartmentId)
        .into_tuple()
        .all(db)
        .await
        .or_internal()?;
    let mut dataset_counts: HashMap<i32, u64> = HashMap::new();
    for d in datasets {
        *dataset_counts.entry(d).or_default() += 1;
    }
    let mut user_counts: HashMap<i32, u64> = HashMap::new();
    for u in &users {
        if let Some(d) = u.department_id {
            *user_counts.entry(d).or_default() += 1;
        }
    }
    let names: HashMap<i32, String> = depts.iter().map(|d| (d.id, d.name_ko.clone())).collect();
    let terms = term::Entity::find().all(db).await.or_internal()?;
    let mut term_counts: HashMap<i32, u64> = HashMap::new();
    for t in terms {
        *term_counts.entry(t.scheme_id).or_default() += 1;
    }
    let schemes = scheme::Entity::find()
        .order_by_asc(scheme::Column::Position)
        .all(db)
        .await
        .or_internal()?;
    Ok(AdminOverview {
        departments: depts
            .into_iter()
            .map(|d| DepartmentOverview {
                user_count: user_counts.get(&d.id).copied().unwrap_or(0),
                dataset_count: dataset_counts.get(&d.id).copied().unwrap_or(0),
                department: super::catalog::department_ref(d),
            })
            .collect(),
        users: users
            .into_iter()
            .map(|u| UserRow {
                department: u.department_id.and_then(|id| names.get(&id).cloned()),
                username: u.username,
                display_name: u.display_name,
                role: Role::parse(&u.role).unwrap_or(Role::Viewer),
            })
            .collect(),
        schemes: schemes
            .into_iter()
            .map(|s| {
                let n = term_counts.get(&s.id).copied().unwrap_or(0);
                (
                    SchemeInfo {
                        code: s.code,
                        name_ko: s.name_ko,
                        name_en: s.name_en,
                    },
                    n,
                )
            })
            .collect(),
    })
}

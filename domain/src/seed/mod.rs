//! The demo catalog: shaped like Seongdong-gu's (733 datasets across its departments, themes,
//! administrative dongs and source institutions), the city's crowd hot spots, and demo users.
//! Synthetic but deterministic: the same data on every machine. Loaded into an empty database.

mod insert;
mod plan;
mod topics;
mod vocab;

pub use insert::insert_planned;
pub(crate) use plan::mix;
pub use plan::{synthetic_plan, Planned};
pub use vocab::{Coded, DATA_TYPES, DEPARTMENTS, DONGS, SOURCES, THEMES};

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait, PaginatorTrait,
    Set,
};
use types::model::{Role, UpdateCycle};

use crate::entities::*;
use plan::plan;

pub const DEMO_PASSWORD: &str = "dongne-demo";
pub const DATASET_COUNT: usize = 733;

fn term_rows(scheme_id: i32, rows: &[(&str, &str, &str)]) -> Vec<term::ActiveModel> {
    rows.iter()
        .enumerate()
        .map(|(i, (code, ko, en))| term::ActiveModel {
            scheme_id: Set(scheme_id),
            code: Set(code.to_string()),
            label_ko: Set(ko.to_string()),
            label_en: Set(en.to_string()),
            position: Set(i as i32),
            ..Default::default()
        })
        .collect()
}

/// Load the demo data into an empty database, in one transaction. Returns false when the
/// database already holds data (nothing is touched).
pub async fn seed_if_empty(db: &DatabaseConnection) -> Result<bool, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    if department::Entity::find().count(&txn).await? > 0 {
        txn.rollback().await?;
        return Ok(false);
    }
    seed(&txn).await?;
    txn.commit().await?;
    Ok(true)
}

async fn seed(txn: &DatabaseTransaction) -> Result<(), DbErr> {
    let now = Utc::now();
    let mut dept_ids = Vec::new();
    for (code, ko, en) in DEPARTMENTS {
        let d = department::ActiveModel {
            code: Set(code.to_string()),
            name_ko: Set(ko.to_string()),
            name_en: Set(en.to_string()),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        dept_ids.push((code.to_string(), d.id));
    }
    let dept_id = |code: &str| {
        dept_ids
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, id)| *id)
            .expect("known department")
    };

    // Demo users: one hash for the shared demo password (argon2 is deliberately slow).
    let hash = crate::services::auth::hash_password(DEMO_PASSWORD)
        .map_err(|e| DbErr::Custom(e.to_string()))?;
    let mut users = vec![
        ("admin", "관리자 김성동", Role::Admin, None),
        (
            "viewer",
            "열람자 이열람",
            Role::Viewer,
            Some("general-affairs"),
        ),
    ];
    let family = [
        "김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오", "서", "신", "권",
        "황",
    ];
    let mut user_names = Vec::new();
    for (i, (code, ko, _)) in DEPARTMENTS.iter().enumerate() {
        user_names.push((
            format!("{code}-steward"),
            format!("{}{} ({ko} 관리책임자)", family[i % family.len()], "주무관"),
            Role::Steward,
            *code,
        ));
        user_names.push((
            format!("{code}-editor"),
            format!(
                "{}{} ({ko} 편집자)",
                family[(i + 5) % family.len()],
                "주무관"
            ),
            Role::Editor,
            *code,
        ));
    }
    for (username, name, role, dept) in users
        .drain(..)
        .map(|(u, n, r, d)| (u.to_string(), n.to_string(), r, d))
        .chain(
            user_names
                .into_iter()
                .map(|(u, n, r, d)| (u, n, r, Some(d))),
        )
    {
        user::ActiveModel {
            username: Set(username),
            display_name: Set(name),
            password_hash: Set(hash.clone()),
            role: Set(role.code().to_string()),
            department_id: Set(dept.map(dept_id)),
            active: Set(true),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }

    // Classification schemes and their terms.
    let cycles: Vec<(&str, &str, &str)> = UpdateCycle::ALL
        .iter()
        .map(|c| {
            (
                c.code(),
                c.label(types::i18n::Lang::Ko),
                c.label(types::i18n::Lang::En),
            )
        })
        .collect();
    let schemes: [(&str, &str, &str, &[Coded]); 6] = [
        ("theme", "분야", "Theme", THEMES),
        ("department", "부서", "Department", DEPARTMENTS),
        ("dong", "행정동", "Administrative dong", DONGS),
        ("source", "제공 기관", "Source institution", SOURCES),
        ("data_type", "데이터 유형", "Data type", DATA_TYPES),
        ("update_cycle", "갱신 주기", "Update cycle", &cycles),
    ];
    for (pos, (code, ko, en, terms)) in schemes.iter().enumerate() {
        let s = scheme::ActiveModel {
            code: Set(code.to_string()),
            name_ko: Set(ko.to_string()),
            name_en: Set(en.to_string()),
            position: Set(pos as i32),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        term::Entity::insert_many(term_rows(s.id, terms))
            .exec(txn)
            .await?;
    }
    insert_planned(txn, plan(), 0).await?;
    seed_views(txn).await
}

/// A month of plausible page views for some public datasets, so "most viewed" has something
/// to show in the demo (a few popular datasets, a long tail).
async fn seed_views(txn: &DatabaseTransaction) -> Result<(), DbErr> {
    use crate::entities::{dataset, dataset_view};
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder, QuerySelect};
    let ids: Vec<i32> = dataset::Entity::find()
        .select_only()
        .column(dataset::Column::Id)
        .filter(dataset::Column::Visibility.eq("public"))
        .filter(dataset::Column::Status.eq("published"))
        .order_by_asc(dataset::Column::Id)
        .limit(40)
        .into_tuple()
        .all(txn)
        .await?;
    let today = Utc::now().date_naive();
    let mut rows = Vec::new();
    for (rank, id) in ids.iter().enumerate() {
        // Roughly Zipf: the 1st gets about 60 a day, the 40th one or two.
        let daily = 60.0 / (rank as f64 * 0.7 + 1.0);
        for day in 0..30i64 {
            let wobble = ((*id as i64 * 31 + day * 17) % 7) as f64 / 7.0 + 0.6;
            let views = (daily * wobble).round() as i64;
            if views > 0 {
                rows.push(dataset_view::ActiveModel {
                    dataset_id: Set(*id),
                    day: Set(today - chrono::Duration::days(day)),
                    views: Set(views),
                });
            }
        }
    }
    for chunk in rows.chunks(500) {
        dataset_view::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

//! Reading the catalog: listing with filters, the home page, one dataset. Visibility is part of
//! every query ([`visible`]), so internal datasets never reach the public, not even as counts.
//! The home page is in [`home`], one dataset's page in [`detail`].

pub mod detail;
pub mod home;

use std::collections::HashMap;

use sea_orm::*;
use types::error::AppError;
use types::model::*;

use super::OrInternal;
use crate::entities::{dataset, dataset_term, department, scheme, term};

pub const THEME_SCHEME: &str = "theme";

/// The datasets a viewer may see.
pub fn visible(viewer: &Viewer) -> Condition {
    match viewer {
        Viewer::Public => Condition::all()
            .add(dataset::Column::Visibility.eq(Visibility::Public.code()))
            .add(dataset::Column::Status.eq(Status::Published.code())),
        Viewer::Staff(u) if u.is_admin() => Condition::all(),
        // Staff read everything published or archived, and the drafts of their own department.
        Viewer::Staff(u) => Condition::any()
            .add(dataset::Column::Status.ne(Status::Draft.code()))
            .add(dataset::Column::DepartmentId.eq(u.department_id().unwrap_or(-1))),
    }
}

/// The same rule as [`visible`], for a row already loaded.
pub fn is_visible(viewer: &Viewer, d: &dataset::Model) -> bool {
    match viewer {
        Viewer::Public => {
            d.visibility == Visibility::Public.code() && d.status == Status::Published.code()
        }
        Viewer::Staff(u) if u.is_admin() => true,
        Viewer::Staff(u) => {
            d.status != Status::Draft.code() || u.department_id() == Some(d.department_id)
        }
    }
}

pub(crate) async fn scheme_id(
    db: &DatabaseConnection,
    code: &str,
) -> Result<Option<i32>, AppError> {
    Ok(scheme::Entity::find()
        .filter(scheme::Column::Code.eq(code))
        .one(db)
        .await
        .or_internal()?
        .map(|s| s.id))
}

pub fn department_ref(d: department::Model) -> DepartmentRef {
    DepartmentRef {
        id: d.id,
        code: d.code,
        name_ko: d.name_ko,
        name_en: d.name_en,
    }
}

/// Every department by id.
pub async fn departments<C: ConnectionTrait>(
    db: &C,
) -> Result<HashMap<i32, DepartmentRef>, AppError> {
    Ok(department::Entity::find()
        .all(db)
        .await
        .or_internal()?
        .into_iter()
        .map(|d| (d.id, department_ref(d)))
        .collect())
}

/// The schemes people classify by hand, with their terms in order.
pub async fn vocabulary(
    db: &DatabaseConnection,
) -> Result<Vec<types::collab::SchemeTerms>, AppError> {
    let schemes = scheme::Entity::find()
        .filter(scheme::Column::Code.is_in(types::editing::EDITABLE_SCHEMES.iter().copied()))
        .order_by_asc(scheme::Column::Position)
        .all(db)
        .await
        .or_internal()?;
    let mut out = Vec::with_capacity(schemes.len());
    for s in schemes {
        let terms = term::Entity::find()
            .filter(term::Column::SchemeId.eq(s.id))
            .order_by_asc(term::Column::Position)
            .all(db)
            .await
            .or_internal()?
            .into_iter()
            .map(|t| TermRef {
                scheme: s.code.clone(),
                code: t.code,
                label_ko: t.label_ko,
                label_en: t.label_en,
            })
            .collect();
        out.push(types::collab::SchemeTerms {
            scheme: SchemeInfo {
                code: s.code,
                name_ko: s.name_ko,
                name_en: s.name_en,
            },
            terms,
        });
    }
    Ok(out)
}

/// Every classification scheme's code by id.
pub async fn scheme_codes(db: &DatabaseConnection) -> Result<HashMap<i32, String>, AppError> {
    Ok(scheme::Entity::find()
        .all(db)
        .await
        .or_internal()?
        .into_iter()
        .map(|s| (s.id, s.code))
        .collect())
}

/// The first 140 characters of a description, for lists and search results.
pub fn summary_of(text: &str) -> String {
    let mut out: String = text.chars().take(140).collect();
    if text.chars().count() > 140 {
        out.push('…');
    }
    out
}

/// Turn dataset rows into summaries (departments and themes attached in two queries).
pub(crate) async fn summaries(
    db: &DatabaseConnection,
    rows: Vec<dataset::Model>,
) -> Result<Vec<DatasetSummary>, AppError> {
    let depts = departments(db).await?;
    let ids: Vec<i32> = rows.iter().map(|d| d.id).collect();
    let mut themes: HashMap<i32, Vec<TermRef>> = HashMap::new();
    if let Some(theme_id) = scheme_id(db, THEME_SCHEME).await? {
        let links = dataset_term::Entity::find()
            .filter(dataset_term::Column::DatasetId.is_in(ids.clone()))
            .all(db)
            .await
            .or_internal()?;
        let term_ids: Vec<i32> = links.iter().map(|l| l.term_id).collect();
        let terms: HashMap<i32, term::Model> = term::Entity::find()
            .filter(term::Column::Id.is_in(term_ids))
            .filter(term::Column::SchemeId.eq(theme_id))
            .all(db)
            .await
            .or_internal()?
            .into_iter()
            .map(|t| (t.id, t))
            .collect();
        for l in links {
            if let Some(t) = terms.get(&l.term_id) {
                themes.entry(l.dataset_id).or_default().push(TermRef {
                    scheme: THEME_SCHEME.into(),
                    code: t.code.clone(),
                    label_ko: t.label_ko.clone(),
                    label_en: t.label_en.clone(),
                });
            }
        }
    }
    rows.into_iter()
        .map(|d| {
            let department = depts
                .get(&d.department_id)
                .cloned()
                .ok_or_else(|| unknown_department(d.id))?;
            let themes = themes.remove(&d.id).unwrap_or_default();
            Ok(summary(&d, department, themes))
        })
        .collect()
}

/// A dataset whose department row is missing (the foreign key forbids it): an internal error.
pub(crate) fn unknown_department(dataset_id: i32) -> AppError {
    super::internal(format!("dataset {dataset_id} has unknown department"))
}

/// A dataset row as a summary, with its department and themes.
pub(crate) fn summary(
    d: &dataset::Model,
    department: DepartmentRef,
    themes: Vec<TermRef>,
) -> DatasetSummary {
    DatasetSummary {
        id: d.id,
        summary_ko: summary_of(&d.description_ko),
        summary_en: summary_of(&d.description_en),
        themes,
        slug: d.slug.clone(),
        title_ko: d.title_ko.clone(),
        title_en: d.title_en.clone(),
        department,
        source_institution: d.source_institution.clone(),
        visibility: Visibility::parse(&d.visibility).unwrap_or(Visibility::Internal),
        status: Status::parse(&d.status).unwrap_or(Status::Draft),
        update_cycle: UpdateCycle::parse(&d.update_cycle).unwrap_or(UpdateCycle::Irregular),
        updated_at: d.updated_at,
    }
}

/// A dataset the viewer may see, by numeric id or slug. An invisible dataset is "not found", so
/// its existence is not revealed.
pub async fn find_visible<C: ConnectionTrait>(
    conn: &C,
    viewer: &Viewer,
    slug_or_id: &str,
) -> Result<dataset::Model, AppError> {
    let by = match slug_or_id.parse::<i32>() {
        Ok(id) => dataset::Column::Id.eq(id),
        Err(_) => dataset::Column::Slug.eq(slug_or_id),
    };
    dataset::Entity::find()
        .filter(by)
        .filter(visible(viewer))
        .one(conn)
        .await
        .or_internal()?
        .ok_or_else(|| AppError::not_found(slug_or_id))
}

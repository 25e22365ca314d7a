//! Reading the catalog: listing with filters, the home page, one dataset. Visibility is part of
//! every query ([`visible`]), so internal datasets never reach the public, not even as counts.

use std::collections::HashMap;

use sea_orm::sea_query::{Expr, Query};
use sea_orm::*;
use types::error::AppError;
use types::model::*;

use super::OrInternal;
use crate::entities::{dataset, dataset_term, department, revision, scheme, term, user};

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

async fn scheme_id(db: &DatabaseConnection, code: &str) -> Result<Option<i32>, AppError> {
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

#[derive(Debug, FromQueryResult)]
struct TermCountRow {
    code: String,
    label_ko: String,
    label_en: String,
    n: i64,
}

/// Counts per theme among the visible datasets matching `cond`.
async fn theme_counts(
    db: &DatabaseConnection,
    scheme_id: Option<i32>,
    cond: Condition,
) -> Result<Vec<TermCount>, AppError> {
    let Some(scheme_id) = scheme_id else {
        return Ok(Vec::new());
    };
    let stmt = Query::select()
        .column((term::Entity, term::Column::Code))
        .column((term::Entity, term::Column::LabelKo))
        .column((term::Entity, term::Column::LabelEn))
        .expr_as(
            Expr::col((dataset_term::Entity, dataset_term::Column::DatasetId)).count(),
            "n",
        )
        .from(dataset_term::Entity)
        .inner_join(
            term::Entity,
            Expr::col((term::Entity, term::Column::Id))
                .equals((dataset_term::Entity, dataset_term::Column::TermId)),
        )
        .inner_join(
            dataset::Entity,
            Expr::col((dataset::Entity, dataset::Column::Id))
                .equals((dataset_term::Entity, dataset_term::Column::DatasetId)),
        )
        .and_where(Expr::col((term::Entity, term::Column::SchemeId)).eq(scheme_id))
        .cond_where(cond)
        .group_by_col((term::Entity, term::Column::Id))
        .group_by_col((term::Entity, term::Column::Code))
        .group_by_col((term::Entity, term::Column::LabelKo))
        .group_by_col((term::Entity, term::Column::LabelEn))
        .group_by_col((term::Entity, term::Column::Position))
        .order_by((term::Entity, term::Column::Position), Order::Asc)
        .to_owned();
    let rows = TermCountRow::find_by_statement(db.get_database_backend().build(&stmt))
        .all(db)
        .await
        .or_internal()?;
    Ok(rows
        .into_iter()
        .map(|r| TermCount {
            term: TermRef {
                scheme: THEME_SCHEME.into(),
                code: r.code,
                label_ko: r.label_ko,
                label_en: r.label_en,
            },
            count: u64::try_from(r.n).unwrap_or(0),
        })
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
fn summary(d: &dataset::Model, department: DepartmentRef, themes: Vec<TermRef>) -> DatasetSummary {
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

/// The home page's data; `crowd` is the current status of every place (the shared snapshot,
/// so a page view does not query the readings), of which the district's own are shown.
pub async fn home(
    db: &DatabaseConnection,
    viewer: &Viewer,
    crowd: &[types::model::HotSpotStatus],
) -> Result<HomeData, AppError> {
    let theme_id = scheme_id(db, THEME_SCHEME).await?;
    let dataset_count = dataset::Entity::find()
        .filter(visible(viewer))
        .count(db)
        .await
        .or_internal()?;
    let department_count = department::Entity::find().count(db).await.or_internal()?;
    let recent = dataset::Entity::find()
        .filter(visible(viewer))
        .order_by_desc(dataset::Column::UpdatedAt)
        .order_by_asc(dataset::Column::Id)
        .limit(6)
        .all(db)
        .await
        .or_internal()?;
    Ok(HomeData {
        dataset_count,
        department_count,
        recent: summaries(db, recent).await?,
        popular: super::popular::popular(db, viewer, 6).await?,
        themes: theme_counts(db, theme_id, visible(viewer)).await?,
        // The district's own places; the crowd page has the whole city.
        crowd: crowd.iter().filter(|h| h.is_local).cloned().collect(),
    })
}

/// A dataset's classification terms, in scheme and term order (one query).
async fn terms_of(db: &DatabaseConnection, dataset_id: i32) -> Result<Vec<TermRef>, AppError> {
    #[derive(FromQueryResult)]
    struct Row {
        scheme: String,
        code: String,
        label_ko: String,
        label_en: String,
    }
    Ok(term::Entity::find()
        .select_only()
        .column_as(scheme::Column::Code, "scheme")
        .columns([
            term::Column::Code,
            term::Column::LabelKo,
            term::Column::LabelEn,
        ])
        .join(
            JoinType::InnerJoin,
            term::Entity::belongs_to(scheme::Entity)
                .from(term::Column::SchemeId)
                .to(scheme::Column::Id)
                .into(),
        )
        .join_rev(
            JoinType::InnerJoin,
            dataset_term::Entity::belongs_to(term::Entity)
                .from(dataset_term::Column::TermId)
                .to(term::Column::Id)
                .into(),
        )
        .filter(dataset_term::Column::DatasetId.eq(dataset_id))
        .order_by_asc(scheme::Column::Position)
        .order_by_asc(term::Column::Position)
        .order_by_asc(term::Column::Id)
        .into_model::<Row>()
        .all(db)
        .await
        .or_internal()?
        .into_iter()
        .map(|r| TermRef {
            scheme: r.scheme,
            code: r.code,
            label_ko: r.label_ko,
            label_en: r.label_en,
        })
        .collect())
}

/// A dataset's latest revisions with their authors' names, without the snapshots (a whole copy
/// of the dataset each): only what the summary shows (one query).
async fn recent_revisions(
    db: &DatabaseConnection,
    dataset_id: i32,
    limit: u64,
) -> Result<Vec<RevisionSummary>, AppError> {
    #[derive(FromQueryResult)]
    struct Row {
        version: i32,
        author: Option<String>,
        created_at: chrono::DateTime<chrono::Utc>,
        message: String,
        diff: serde_json::Value,
    }
    Ok(revision::Entity::find()
        .select_only()
        .columns([
            revision::Column::Version,
            revision::Column::CreatedAt,
            revision::Column::Message,
            revision::Column::Diff,
        ])
        .column_as(user::Column::DisplayName, "author")
        .join(
            JoinType::LeftJoin,
            revision::Entity::belongs_to(user::Entity)
                .from(revision::Column::AuthorId)
                .to(user::Column::Id)
                .into(),
        )
        .filter(revision::Column::DatasetId.eq(dataset_id))
        .order_by_desc(revision::Column::Version)
        .limit(limit)
        .into_model::<Row>()
        .all(db)
        .await
        .or_internal()?
        .into_iter()
        .map(|r| RevisionSummary {
            version: r.version,
            author: r.author,
            created_at: r.created_at,
            message: r.message,
            changed_fields: r
                .diff
                .as_object()
                .map(|o| o.keys().cloned().collect())
                .unwrap_or_default(),
        })
        .collect())
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

pub async fn detail(
    db: &DatabaseConnection,
    viewer: &Viewer,
    slug_or_id: &str,
) -> Result<DatasetDetail, AppError> {
    let d = find_visible(db, viewer, slug_or_id).await?;
    let can_edit = match viewer {
        Viewer::Staff(u) => u.can_edit(
            d.department_id,
            Status::parse(&d.status).unwrap_or(Status::Draft),
        ),
        Viewer::Public => false,
    };
    let department = department::Entity::find_by_id(d.department_id)
        .one(db)
        .await
        .or_internal()?
        .map(department_ref)
        .ok_or_else(|| unknown_department(d.id))?;
    let terms = terms_of(db, d.id).await?;
    let distributions = crate::services::datasets::children::distributions(db, d.id).await?;
    let columns = crate::services::datasets::children::columns(db, d.id).await?;
    let revision_count = revision::Entity::find()
        .filter(revision::Column::DatasetId.eq(d.id))
        .count(db)
        .await
        .or_internal()?;
    // Who changed what, and why, is for staff (the history itself is staff-only).
    let revisions = match viewer {
        Viewer::Staff(_) => recent_revisions(db, d.id, 5).await?,
        Viewer::Public => Vec::new(),
    };
    let keywords = d
        .keywords
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let themes = terms
        .iter()
        .filter(|t| t.scheme == THEME_SCHEME)
        .cloned()
        .collect();
    let summary = summary(&d, department, themes);
    let profiles = crate::services::profiling::latest(db, d.id).await?;
    Ok(DatasetDetail {
        summary,
        description_ko: d.description_ko,
        description_en: d.description_en,
        license: d.license,
        last_updated: d.last_updated,
        next_due: d.next_due,
        keywords,
        spatial_coverage: d.spatial_coverage,
        temporal_start: d.temporal_start,
        temporal_end: d.temporal_end,
        contact_name: d.contact_name,
        contact_phone: d.contact_phone,
        contact_email: d.contact_email,
        version: d.version,
        created_at: d.created_at,
        terms,
        distributions,
        columns,
        revisions,
        revision_count,
        can_edit,
        profiles,
    })
}

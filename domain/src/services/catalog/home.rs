//! The home page: the newest and the most viewed datasets, and how many there are per theme.

use sea_orm::sea_query::{Expr, Query};
use sea_orm::*;
use types::error::AppError;
use types::model::*;

use super::{scheme_id, summaries, visible, THEME_SCHEME};
use crate::entities::{dataset, dataset_term, department, term};
use crate::services::{popular, OrInternal};

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
        popular: popular::popular(db, viewer, 6).await?,
        themes: theme_counts(db, theme_id, visible(viewer)).await?,
        // The district's own places; the crowd page has the whole city.
        crowd: crowd.iter().filter(|h| h.is_local).cloned().collect(),
    })
}

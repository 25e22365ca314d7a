//! What the open-data interfaces read (the CKAN action API, DCAT, the sitemap): plain domain
//! values, which the HTTP layer presents in each standard's shape.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use sea_orm::*;
use serde_json::Value;
use types::error::AppError;
use types::model::{DatasetDetail, DepartmentRef, TermRef, Viewer};

use super::{Actor, Ctx};
use crate::entities::{dataset, dataset_term, department, scheme, term};
use crate::services::{catalog, OrInternal};

/// A dataset as lists name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub id: i32,
    pub slug: String,
    pub department_id: i32,
    pub updated_at: DateTime<Utc>,
}

/// Every dataset the actor may see, by name.
pub async fn listed(ctx: &Ctx, actor: &Actor) -> Result<Vec<Listed>, AppError> {
    let rows: Vec<(i32, String, i32, DateTime<Utc>)> = dataset::Entity::find()
        .select_only()
        .column(dataset::Column::Id)
        .column(dataset::Column::Slug)
        .column(dataset::Column::DepartmentId)
        .column(dataset::Column::UpdatedAt)
        .filter(catalog::visible(&actor.viewer()))
        .order_by_asc(dataset::Column::Slug)
        .into_tuple()
        .all(&ctx.db)
        .await
        .or_internal()?;
    Ok(rows
        .into_iter()
        .map(|(id, slug, department_id, updated_at)| Listed {
            id,
            slug,
            department_id,
            updated_at,
        })
        .collect())
}

/// Every department (by code), with how many datasets the actor may see in each.
pub async fn organizations(
    ctx: &Ctx,
    actor: &Actor,
) -> Result<Vec<(DepartmentRef, u64)>, AppError> {
    let mut counts: BTreeMap<i32, u64> = BTreeMap::new();
    for d in listed(ctx, actor).await? {
        *counts.entry(d.department_id).or_default() += 1;
    }
    let departments = department::Entity::find()
        .order_by_asc(department::Column::Code)
        .all(&ctx.db)
        .await
        .or_internal()?;
    Ok(departments
        .into_iter()
        .map(|d| {
            let n = counts.get(&d.id).copied().unwrap_or(0);
            (catalog::department_ref(d), n)
        })
        .collect())
}

/// Every term of the theme scheme (by code), with how many datasets the actor may see under
/// each. Empty when there is no theme scheme.
pub async fn themes(ctx: &Ctx, actor: &Actor) -> Result<Vec<(TermRef, u64)>, AppError> {
    let db = &ctx.db;
    let Some(theme) = scheme::Entity::find()
        .filter(scheme::Column::Code.eq("theme"))
        .one(db)
        .await
        .or_internal()?
    else {
        return Ok(Vec::new());
    };
    let terms = term::Entity::find()
        .filter(term::Column::SchemeId.eq(theme.id))
        .order_by_asc(term::Column::Code)
        .all(db)
        .await
        .or_internal()?;
    let ids: Vec<i32> = listed(ctx, actor)
        .await?
        .into_iter()
        .map(|d| d.id)
        .collect();
    let mut counts: BTreeMap<i32, u64> = BTreeMap::new();
    for chunk in ids.chunks(500) {
        for link in dataset_term::Entity::find()
            .filter(dataset_term::Column::DatasetId.is_in(chunk.to_vec()))
            .all(db)
            .await
            .or_internal()?
        {
            *counts.entry(link.term_id).or_default() += 1;
        }
    }
    Ok(terms
        .into_iter()
        .map(|t| {
            let n = counts.get(&t.id).copied().unwrap_or(0);
            let r = TermRef {
                scheme: "theme".into(),
                code: t.code,
                label_ko: t.label_ko,
                label_en: t.label_en,
            };
            (r, n)
        })
        .collect())
}

fn keyword_list(kw: &Value) -> impl Iterator<Item = &str> {
    kw.as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
}

/// Every keyword of a dataset the actor may see, containing `query` (any case; empty: all).
pub async fn tags(ctx: &Ctx, actor: &Actor, query: &str) -> Result<BTreeSet<String>, AppError> {
    let q = query.to_lowercase();
    let rows: Vec<Value> = dataset::Entity::find()
        .select_only()
        .column(dataset::Column::Keywords)
        .filter(catalog::visible(&actor.viewer()))
        .into_tuple()
        .all(&ctx.db)
        .await
        .or_internal()?;
    let mut tags = BTreeSet::new();
    for kw in &rows {
        for k in keyword_list(kw) {
            if q.is_empty() || k.to_lowercase().contains(&q) {
                tags.insert(k.to_string());
            }
        }
    }
    Ok(tags)
}

/// The keywords of these datasets (found by a search the actor made: ids it may see).
pub async fn keywords_of(ctx: &Ctx, ids: &[i32]) -> Result<HashMap<i32, Vec<String>>, AppError> {
    let mut keywords = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<(i32, Value)> = dataset::Entity::find()
            .select_only()
            .column(dataset::Column::Id)
            .column(dataset::Column::Keywords)
            .filter(dataset::Column::Id.is_in(chunk.to_vec()))
            .into_tuple()
            .all(&ctx.db)
            .await
            .or_internal()?;
        for (id, kw) in rows {
            keywords.insert(id, keyword_list(&kw).map(str::to_string).collect());
        }
    }
    Ok(keywords)
}

/// One page of the public catalog in id order, for whole-catalog exports (DCAT).
pub struct CatalogPage {
    pub page: u64,
    pub last: u64,
    pub total: u64,
    pub datasets: Vec<DatasetDetail>,
}

/// Page `page` (from 1) of `per_page` public datasets; a page past the last is an error.
pub async fn public_page(ctx: &Ctx, page: u64, per_page: u64) -> Result<CatalogPage, AppError> {
    let db = &ctx.db;
    let query = dataset::Entity::find()
        .filter(catalog::visible(&Viewer::Public))
        .order_by_asc(dataset::Column::Id);
    let total = query.clone().count(db).await.or_internal()?;
    let last = std::cmp::max(total.div_ceil(per_page), 1);
    if page > last {
        return Err(AppError::validation(
            "page",
            &format!("page: 마지막 쪽은 {last}입니다."),
            &format!("page: the last page is {last}."),
        ));
    }
    let slugs: Vec<String> = query
        .select_only()
        .column(dataset::Column::Slug)
        .offset((page - 1) * per_page)
        .limit(per_page)
        .into_tuple()
        .all(db)
        .await
        .or_internal()?;
    let mut datasets = Vec::with_capacity(slugs.len());
    for s in slugs {
        datasets.push(catalog::detail::detail(db, &Viewer::Public, &s).await?);
    }
    Ok(CatalogPage {
        page,
        last,
        total,
        datasets,
    })
}

//! A dataset's lists: classification terms (the hand-picked schemes), distributions and data
//! dictionary columns — read into a snapshot, and written back when a change replaces them.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::*;
use serde_json::{json, Value};
use types::editing::{FieldError, EDITABLE_SCHEMES};
use types::error::AppError;
use types::model::{DataColumn, Distribution};

use crate::entities::{data_column, dataset, dataset_term, distribution, scheme, term};
use crate::services::OrInternal;

/// Every term of the given schemes: `scheme:code` -> term id.
pub(crate) async fn term_index<C: ConnectionTrait>(
    conn: &C,
    schemes: &[&str],
) -> Result<HashMap<String, i32>, AppError> {
    let scheme_ids: HashMap<i32, String> = scheme::Entity::find()
        .filter(scheme::Column::Code.is_in(schemes.iter().copied()))
        .all(conn)
        .await
        .or_internal()?
        .into_iter()
        .map(|s| (s.id, s.code))
        .collect();
    Ok(term::Entity::find()
        .filter(term::Column::SchemeId.is_in(scheme_ids.keys().copied().collect::<Vec<_>>()))
        .all(conn)
        .await
        .or_internal()?
        .into_iter()
        .filter_map(|t| {
            Some((
                format!("{}:{}", scheme_ids.get(&t.scheme_id)?, t.code),
                t.id,
            ))
        })
        .collect())
}

/// The lists as snapshot values: `terms` (sorted `scheme:code`), `distributions`, `columns`.
pub async fn load<C: ConnectionTrait>(
    conn: &C,
    dataset_id: i32,
) -> Result<[(&'static str, Value); 3], AppError> {
    let index = term_index(conn, EDITABLE_SCHEMES).await?;
    let by_id: HashMap<i32, &String> = index.iter().map(|(k, v)| (*v, k)).collect();
    let mut terms: Vec<String> = dataset_term::Entity::find()
        .filter(dataset_term::Column::DatasetId.eq(dataset_id))
        .all(conn)
        .await
        .or_internal()?
        .into_iter()
        .filter_map(|l| by_id.get(&l.term_id).map(|s| s.to_string()))
        .collect();
    terms.sort();
    let distributions = distributions(conn, dataset_id).await?;
    let columns = columns(conn, dataset_id).await?;
    Ok([
        ("terms", json!(terms)),
        ("distributions", json!(distributions)),
        ("columns", json!(columns)),
    ])
}

/// A dataset's distributions, in order.
pub async fn distributions<C: ConnectionTrait>(
    conn: &C,
    dataset_id: i32,
) -> Result<Vec<Distribution>, AppError> {
    Ok(distribution::Entity::find()
        .filter(distribution::Column::DatasetId.eq(dataset_id))
        .order_by_asc(distribution::Column::Position)
        .all(conn)
        .await
        .or_internal()?
        .into_iter()
        .map(|x| Distribution {
            title: x.title,
            kind: x.kind,
            format: x.format,
            url: x.url,
            size_bytes: x.size_bytes,
        })
        .collect())
}

/// A dataset's data dictionary, in column order.
pub async fn columns<C: ConnectionTrait>(
    conn: &C,
    dataset_id: i32,
) -> Result<Vec<DataColumn>, AppError> {
    Ok(data_column::Entity::find()
        .filter(data_column::Column::DatasetId.eq(dataset_id))
        .order_by_asc(data_column::Column::Position)
        .all(conn)
        .await
        .or_internal()?
        .into_iter()
        .map(|c| DataColumn {
            name: c.name,
            data_type: c.data_type,
            description: c.description,
            unit: c.unit,
        })
        .collect())
}

/// Term codes that do not exist, as field errors (checked before anything is written).
pub async fn unknown_terms<C: ConnectionTrait>(
    conn: &C,
    terms: &[String],
) -> Result<Vec<FieldError>, AppError> {
    let index = term_index(conn, EDITABLE_SCHEMES).await?;
    Ok(terms
        .iter()
        .enumerate()
        .filter(|(_, t)| !index.contains_key(*t))
        .map(|(i, t)| {
            FieldError::new(
                &format!("terms[{i}]"),
                format!("terms[{i}]: '{t}' 분류 항목이 없습니다."),
                format!("terms[{i}]: there is no term '{t}'."),
            )
        })
        .collect())
}

/// Link a new dataset to its department's term (the department scheme mirrors the owner).
pub async fn link_department(
    txn: &DatabaseTransaction,
    dataset_id: i32,
    department_code: &str,
) -> Result<(), AppError> {
    let index = term_index(txn, &["department"]).await?;
    if let Some(&term_id) = index.get(&format!("department:{department_code}")) {
        dataset_term::ActiveModel {
            dataset_id: Set(dataset_id),
            term_id: Set(term_id),
        }
        .insert(txn)
        .await
        .or_internal()?;
    }
    Ok(())
}

/// Write the lists that `changed` names (and the update-cycle term when the cycle changed) from
/// the snapshot `after`, inside the caller's transaction.
pub async fn write(
    txn: &DatabaseTransaction,
    d: &dataset::Model,
    after: &super::Snapshot,
    changed: &[String],
) -> Result<(), AppError> {
    let has = |f: &str| changed.iter().any(|c| c == f);
    let mut relink: Vec<(&[&str], Vec<String>)> = Vec::new();
    if has("terms") {
        let wanted: Vec<String> = serde_json::from_value(after.value("terms")).unwrap_or_default();
        relink.push((EDITABLE_SCHEMES, wanted));
    }
    if has("update_cycle") {
        relink.push((
            &["update_cycle"],
            vec![format!("update_cycle:{}", after.str("update_cycle"))],
        ));
    }
    for (schemes, wanted) in relink {
        let index = term_index(txn, schemes).await?;
        let all: Vec<i32> = index.values().copied().collect();
        dataset_term::Entity::delete_many()
            .filter(dataset_term::Column::DatasetId.eq(d.id))
            .filter(dataset_term::Column::TermId.is_in(all))
            .exec(txn)
            .await
            .or_internal()?;
        let links: Vec<dataset_term::ActiveModel> = wanted
            .iter()
            .filter_map(|w| index.get(w))
            .map(|&term_id| dataset_term::ActiveModel {
                dataset_id: Set(d.id),
                term_id: Set(term_id),
            })
            .collect();
        if !links.is_empty() {
            dataset_term::Entity::insert_many(links)
                .exec(txn)
                .await
                .or_internal()?;
        }
    }
    if has("distributions") {
        let list: Vec<Distribution> =
            serde_json::from_value(after.value("distributions")).unwrap_or_default();
        distribution::Entity::delete_many()
            .filter(distribution::Column::DatasetId.eq(d.id))
            .exec(txn)
            .await
            .or_internal()?;
        let now = Utc::now();
        let rows: Vec<distribution::ActiveModel> = list
            .into_iter()
            .enumerate()
            .map(|(i, x)| distribution::ActiveModel {
                dataset_id: Set(d.id),
                position: Set(i as i32),
                title: Set(x.title),
                kind: Set(x.kind),
                format: Set(x.format),
                url: Set(x.url),
                size_bytes: Set(x.size_bytes),
                created_at: Set(now),
                ..Default::default()
            })
            .collect();
        if !rows.is_empty() {
            distribution::Entity::insert_many(rows)
                .exec(txn)
                .await
                .or_internal()?;
        }
    }
    if has("columns") {
        let list: Vec<DataColumn> =
            serde_json::from_value(after.value("columns")).unwrap_or_default();
        data_column::Entity::delete_many()
            .filter(data_column::Column::DatasetId.eq(d.id))
            .exec(txn)
            .await
            .or_internal()?;
        let rows: Vec<data_column::ActiveModel> = list
            .into_iter()
            .enumerate()
            .map(|(i, c)| data_column::ActiveModel {
                dataset_id: Set(d.id),
                position: Set(i as i32),
                name: Set(c.name),
                data_type: Set(c.data_type),
                description: Set(c.description),
                unit: Set(c.unit),
                ..Default::default()
            })
            .collect();
        if !rows.is_empty() {
            data_column::Entity::insert_many(rows)
                .exec(txn)
                .await
                .or_internal()?;
        }
    }
    Ok(())
}

//! Reading what the index needs from the database (the source of truth), in bulk.

use std::collections::HashMap;

use sea_orm::*;
use types::error::AppError;
use types::model::*;

use crate::entities::{data_column, dataset, dataset_term, distribution, term};
use crate::services::OrInternal;

/// Terms, formats and column names of one dataset.
type Extras = (Vec<(String, TermRef)>, Vec<String>, Vec<String>);

/// One dataset with everything the index holds about it.
pub struct DocSource {
    pub dataset: dataset::Model,
    pub department: DepartmentRef,
    /// (scheme code, term)
    pub terms: Vec<(String, TermRef)>,
    pub formats: Vec<String>,
    pub columns: Vec<String>,
}

/// Load `ids` (or every dataset when `None`), in chunks so huge catalogs stay within limits.
pub async fn load(
    db: &DatabaseConnection,
    ids: Option<&[i32]>,
) -> Result<Vec<DocSource>, AppError> {
    let departments = crate::services::catalog::departments(db).await?;
    let schemes = crate::services::catalog::scheme_codes(db).await?;
    let terms: HashMap<i32, (String, TermRef)> = term::Entity::find()
        .all(db)
        .await
        .or_internal()?
        .into_iter()
        .filter_map(|t| {
            let scheme = schemes.get(&t.scheme_id)?.clone();
            Some((
                t.id,
                (
                    scheme.clone(),
                    TermRef {
                        scheme,
                        code: t.code,
                        label_ko: t.label_ko,
                        label_en: t.label_en,
                    },
                ),
            ))
        })
        .collect();

    let datasets = match ids {
        Some(ids) => {
            let mut out = Vec::new();
            for chunk in ids.chunks(500) {
                out.extend(
                    dataset::Entity::find()
                        .filter(dataset::Column::Id.is_in(chunk.to_vec()))
                        .all(db)
                        .await
                        .or_internal()?,
                );
            }
            out
        }
        None => dataset::Entity::find()
            .order_by_asc(dataset::Column::Id)
            .all(db)
            .await
            .or_internal()?,
    };
    let mut out = Vec::with_capacity(datasets.len());
    for chunk in datasets.chunks(2000) {
        let chunk_ids: Vec<i32> = chunk.iter().map(|d| d.id).collect();
        let mut by_id: HashMap<i32, Extras> = HashMap::new();
        for link in dataset_term::Entity::find()
            .filter(dataset_term::Column::DatasetId.is_in(chunk_ids.clone()))
            .all(db)
            .await
            .or_internal()?
        {
            if let Some(t) = terms.get(&link.term_id) {
                by_id.entry(link.dataset_id).or_default().0.push(t.clone());
            }
        }
        let formats: Vec<(i32, String)> = distribution::Entity::find()
            .select_only()
            .column(distribution::Column::DatasetId)
            .column(distribution::Column::Format)
            .filter(distribution::Column::DatasetId.is_in(chunk_ids.clone()))
            .into_tuple()
            .all(db)
            .await
            .or_internal()?;
        for (id, f) in formats {
            let f = f.to_lowercase();
            let entry = &mut by_id.entry(id).or_default().1;
            if !entry.contains(&f) {
                entry.push(f);
            }
        }
        let columns: Vec<(i32, String)> = data_column::Entity::find()
            .select_only()
            .column(data_column::Column::DatasetId)
            .column(data_column::Column::Name)
            .filter(data_column::Column::DatasetId.is_in(chunk_ids))
            .order_by_asc(data_column::Column::Position)
            .into_tuple()
            .all(db)
            .await
            .or_internal()?;
        for (id, name) in columns {
            by_id.entry(id).or_default().2.push(name);
        }
        for d in chunk {
            let (terms, formats, columns) = by_id.remove(&d.id).unwrap_or_default();
            let department = departments
                .get(&d.department_id)
                .cloned()
                .ok_or_else(|| crate::services::catalog::unknown_department(d.id))?;
            out.push(DocSource {
                dataset: d.clone(),
                department,
                terms,
                formats,
                columns,
            });
        }
    }
    Ok(out)
}

//! Export the catalog the reader may see as CSV, XLSX or JSON, with the import's columns, so that
//! export -> edit in a spreadsheet -> import is a round trip.

use std::collections::{BTreeMap, HashMap};

use sea_orm::*;
use types::editing::EDITABLE_SCHEMES;
use types::error::AppError;
use types::model::Viewer;
use types::transfer::COLUMNS;

use crate::entities::{dataset, dataset_term};
use crate::services::catalog::{departments, visible};
use crate::services::datasets::children::term_index;
use crate::services::OrInternal;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
    Json,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "csv" => Some(Format::Csv),
            "xlsx" => Some(Format::Xlsx),
            "json" => Some(Format::Json),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Json => "application/json",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Json => "json",
        }
    }
}

/// The datasets of a search, in its order (every page of it), as the viewer sees them.
pub fn search_ids(
    search: &crate::search::SearchIndex,
    viewer: &Viewer,
    query: &types::search::SearchQuery,
) -> Result<Vec<i32>, AppError> {
    let mut q = query.clone();
    q.per_page = types::search::MAX_PER_PAGE;
    q.page = 1;
    let mut ids = Vec::new();
    loop {
        let r = search.search(viewer, &q, types::i18n::Lang::Ko)?;
        ids.extend(r.items.iter().map(|i| i.dataset.id));
        if r.items.is_empty() || ids.len() as u64 >= r.total || q.page >= types::search::MAX_PAGE {
            return Ok(ids);
        }
        q.page += 1;
    }
}

/// Every visible dataset (of one department, or of a search's results, if given) as rows of
/// cells in [`COLUMNS`] order (a search's order for its results, else by identifier).
pub async fn rows(
    db: &DatabaseConnection,
    viewer: &Viewer,
    department_code: Option<&str>,
    only: Option<&[i32]>,
) -> Result<Vec<Vec<String>>, AppError> {
    let departments: HashMap<i32, String> = departments(db)
        .await?
        .into_iter()
        .map(|(id, d)| (id, d.code))
        .collect();
    let mut q = dataset::Entity::find().filter(visible(viewer));
    if let Some(code) = department_code {
        let id = departments
            .iter()
            .find(|(_, c)| c.as_str() == code)
            .map(|(id, _)| *id)
            .ok_or_else(|| AppError::not_found(&format!("department {code}")))?;
        q = q.filter(dataset::Column::DepartmentId.eq(id));
    }
    let sets = match only {
        None => q
            .order_by_asc(dataset::Column::Slug)
            .all(db)
            .await
            .or_internal()?,
        Some(ids) => {
            let mut found: HashMap<i32, dataset::Model> = HashMap::new();
            for chunk in ids.chunks(2000) {
                for d in q
                    .clone()
                    .filter(dataset::Column::Id.is_in(chunk.to_vec()))
                    .all(db)
                    .await
                    .or_internal()?
                {
                    found.insert(d.id, d);
                }
            }
            ids.iter().filter_map(|id| found.remove(id)).collect()
        }
    };
    let term_keys: HashMap<i32, String> = term_index(db, EDITABLE_SCHEMES)
        .await?
        .into_iter()
        .map(|(key, id)| (id, key))
        .collect();
    let mut terms: BTreeMap<i32, Vec<String>> = BTreeMap::new();
    let ids: Vec<i32> = sets.iter().map(|d| d.id).collect();
    for chunk in ids.chunks(2000) {
        for link in dataset_term::Entity::find()
            .filter(dataset_term::Column::DatasetId.is_in(chunk.to_vec()))
            .all(db)
            .await
            .or_internal()?
        {
            if let Some(k) = term_keys.get(&link.term_id) {
                terms.entry(link.dataset_id).or_default().push(k.clone());
            }
        }
    }
    Ok(sets
        .into_iter()
        .map(|d| {
            let mut t = terms.remove(&d.id).unwrap_or_default();
            t.sort();
            let keywords: Vec<String> =
                serde_json::from_value(d.keywords.clone()).unwrap_or_default();
            COLUMNS
                .iter()
                .map(|(f, ..)| match *f {
                    "slug" => d.slug.clone(),
                    "title_ko" => d.title_ko.clone(),
                    "title_en" => d.title_en.clone(),
                    "department" => departments
                        .get(&d.department_id)
                        .cloned()
                        .unwrap_or_default(),
                    "source_institution" => d.source_institution.clone(),
                    "description_ko" => d.description_ko.clone(),
                    "description_en" => d.description_en.clone(),
                    "keywords" => keywords.join(", "),
                    "terms" => t.join("; "),
                    "license" => d.license.clone(),
                    "update_cycle" => d.update_cycle.clone(),
                    "visibility" => d.visibility.clone(),
                    "status" => d.status.clone(),
                    "last_updated" => d.last_updated.map(|x| x.to_string()).unwrap_or_default(),
                    "spatial_coverage" => d.spatial_coverage.clone().unwrap_or_default(),
                    "contact_name" => d.contact_name.clone().unwrap_or_default(),
                    "contact_phone" => d.contact_phone.clone().unwrap_or_default(),
                    "contact_email" => d.contact_email.clone().unwrap_or_default(),
                    _ => String::new(),
                })
                .collect()
        })
        .collect())
}

/// The rows in a file of this format (headers are the field names).
pub fn encode(format: Format, rows: &[Vec<String>]) -> Result<Vec<u8>, AppError> {
    let header: Vec<&str> = COLUMNS.iter().map(|c| c.0).collect();
    match format {
        Format::Csv => crate::services::csv_safe::write(&header, rows).or_internal(),
        Format::Json => {
            let list: Vec<BTreeMap<&str, &String>> = rows
                .iter()
                .map(|r| header.iter().copied().zip(r).collect())
                .collect();
            serde_json::to_vec_pretty(&list).or_internal()
        }
        Format::Xlsx => {
            let mut book = rust_xlsxwriter::Workbook::new();
            let sheet = book.add_worksheet();
            for (c, h) in header.iter().enumerate() {
                sheet.write_string(0, c as u16, *h).or_internal()?;
            }
            for (i, r) in rows.iter().enumerate() {
                for (c, v) in r.iter().enumerate() {
                    sheet
                        .write_string(i as u32 + 1, c as u16, v.as_str())
                        .or_internal()?;
                }
            }
            book.save_to_buffer().or_internal()
        }
    }
}

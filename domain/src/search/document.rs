//! What is indexed: the schema's fields and their weights, facet paths, and the document built
//! for a dataset.

use tantivy::schema::*;
use tantivy::TantivyDocument;
use types::error::AppError;
use types::model::*;
use types::search::*;

use super::collect::{FACET_VALUES, OWNER, STATUS, TITLE_SORT, UPDATED, VISIBILITY};
use super::{collect, DocSource, SearchIndex};
use crate::services::{internal, OrInternal};

#[derive(Clone, Copy)]
pub(super) struct Fields {
    pub(super) id: Field,
    pub(super) title_ko: Field,
    pub(super) title_en: Field,
    keywords: Field,
    pub(super) description_ko: Field,
    pub(super) description_en: Field,
    columns: Field,
    department: Field,
    pub(super) facets: Field,
    facet_values: Field,
    status_code: Field,
    visibility_code: Field,
    owner: Field,
    updated: Field,
    next_due: Field,
    title_sort: Field,
    pub(super) prefix: Field,
    pub(super) summary: Field,
}

/// Field weights: title > keywords > description > data dictionary columns > department.
type FieldOf = fn(&Fields) -> Field;

pub(super) const WEIGHTS: [(FieldOf, f32); 7] = [
    (|f| f.title_ko, 5.0),
    (|f| f.title_en, 5.0),
    (|f| f.keywords, 3.0),
    (|f| f.description_ko, 2.0),
    (|f| f.description_en, 2.0),
    (|f| f.columns, 1.5),
    (|f| f.department, 1.0),
];

pub(super) fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |stored: bool| {
        let o = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("koen")
                .set_index_option(IndexRecordOption::WithFreqs),
        );
        if stored {
            o.set_stored()
        } else {
            o
        }
    };
    let f = Fields {
        id: b.add_u64_field("id", INDEXED | STORED | FAST),
        title_ko: b.add_text_field("title_ko", text(true)),
        title_en: b.add_text_field("title_en", text(true)),
        keywords: b.add_text_field("keywords", text(false)),
        description_ko: b.add_text_field("description_ko", text(true)),
        description_en: b.add_text_field("description_en", text(true)),
        columns: b.add_text_field("columns", text(false)),
        department: b.add_text_field("department", text(false)),
        facets: b.add_facet_field("facets", FacetOptions::default()),
        facet_values: b.add_u64_field(FACET_VALUES, FAST),
        status_code: b.add_u64_field(STATUS, FAST),
        visibility_code: b.add_u64_field(VISIBILITY, FAST),
        owner: b.add_u64_field(OWNER, FAST),
        updated: b.add_i64_field(UPDATED, FAST),
        next_due: b.add_i64_field(collect::NEXT_DUE, FAST),
        title_sort: b.add_text_field(TITLE_SORT, STRING | FAST),
        prefix: b.add_text_field(
            "prefix",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer("prefix")
                    .set_index_option(IndexRecordOption::WithFreqs),
            ),
        ),
        summary: b.add_text_field("summary", STORED),
    };
    (b.build(), f)
}

pub(super) fn facet_path(key: FacetKey, code: &str) -> Facet {
    Facet::from_path([key.param(), code])
}

pub(super) fn status_facet(code: &str) -> Facet {
    Facet::from_path(["status", code])
}

/// Which facet a classification scheme feeds.
pub(super) fn facet_for_scheme(scheme: &str) -> Option<FacetKey> {
    FacetKey::ALL
        .into_iter()
        .find(|k| k.scheme() == Some(scheme))
}

impl SearchIndex {
    pub(super) fn document(&self, d: &DocSource) -> Result<TantivyDocument, AppError> {
        let f = &self.f;
        let ds = &d.dataset;
        let mut doc = TantivyDocument::default();
        doc.add_u64(f.id, ds.id as u64);
        doc.add_text(f.title_ko, &ds.title_ko);
        doc.add_text(f.title_en, &ds.title_en);
        doc.add_text(f.description_ko, &ds.description_ko);
        doc.add_text(f.description_en, &ds.description_en);
        if let Some(words) = ds.keywords.as_array() {
            for w in words.iter().filter_map(|w| w.as_str()) {
                doc.add_text(f.keywords, w);
            }
        }
        doc.add_text(f.columns, d.columns.join(" "));
        doc.add_text(
            f.department,
            format!("{} {}", d.department.name_ko, d.department.name_en),
        );
        doc.add_text(f.prefix, format!("{} {}", ds.title_ko, ds.title_en));
        doc.add_text(f.title_sort, &ds.title_ko);
        doc.add_i64(f.updated, ds.updated_at.timestamp_millis());
        doc.add_i64(
            f.next_due,
            ds.next_due
                .map(|d| (d - chrono::NaiveDate::default()).num_days())
                .unwrap_or(collect::NO_DUE),
        );
        // Facet values for counting and filtering: dense ids in a fast field.
        let pairs: Vec<(FacetKey, &str)> = d
            .terms
            .iter()
            .filter_map(|(scheme, t)| Some((facet_for_scheme(scheme)?, t.code.as_str())))
            .chain(d.formats.iter().map(|x| (FacetKey::Format, x.as_str())))
            .chain([(FacetKey::Visibility, ds.visibility.as_str())])
            .collect();
        let mut values: Vec<u32> = {
            let mut ids = self.facet_ids.write().map_err(internal)?;
            pairs.into_iter().map(|(k, c)| ids.id(k, c)).collect()
        };
        values.sort_unstable();
        values.dedup();
        for v in values {
            doc.add_u64(f.facet_values, u64::from(v));
        }
        // What a viewer may see: fast fields for the collector (see `collect::Access`), and
        // query terms for type-ahead (see `visibility_clause`).
        doc.add_u64(
            f.status_code,
            if ds.status == Status::Published.code() {
                collect::STATUS_PUBLISHED
            } else if ds.status == Status::Archived.code() {
                collect::STATUS_ARCHIVED
            } else {
                0
            },
        );
        doc.add_u64(
            f.visibility_code,
            if ds.visibility == Visibility::Public.code() {
                collect::VISIBILITY_PUBLIC
            } else {
                0
            },
        );
        doc.add_u64(f.owner, ds.department_id.max(0) as u64);
        doc.add_facet(f.facets, facet_path(FacetKey::Visibility, &ds.visibility));
        doc.add_facet(f.facets, status_facet(&ds.status));
        // The department facet is also the ownership key used for draft visibility.
        doc.add_facet(
            f.facets,
            Facet::from_path(["owner", d.department.code.as_str()]),
        );
        let summary = DatasetSummary {
            id: ds.id,
            slug: ds.slug.clone(),
            title_ko: ds.title_ko.clone(),
            title_en: ds.title_en.clone(),
            summary_ko: crate::services::catalog::summary_of(&ds.description_ko),
            summary_en: crate::services::catalog::summary_of(&ds.description_en),
            department: d.department.clone(),
            source_institution: ds.source_institution.clone(),
            visibility: Visibility::parse(&ds.visibility).unwrap_or(Visibility::Internal),
            status: Status::parse(&ds.status).unwrap_or(Status::Draft),
            update_cycle: UpdateCycle::parse(&ds.update_cycle).unwrap_or(UpdateCycle::Irregular),
            updated_at: ds.updated_at,
            themes: d
                .terms
                .iter()
                .filter(|(s, _)| s == "theme")
                .map(|(_, t)| t.clone())
                .collect(),
        };
        doc.add_text(f.summary, serde_json::to_string(&summary).or_internal()?);
        Ok(doc)
    }
}

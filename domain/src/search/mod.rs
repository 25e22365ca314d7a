//! The in-process search index (tantivy). The database is the source of truth: the index is
//! built from it at start ([`SearchIndex::build`]), rebuilt on demand (`server reindex`), and
//! updated within the request that changes a dataset ([`SearchIndex::refresh`]).

mod collect;
mod source;
pub mod tokenizer;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

use sea_orm::DatabaseConnection;
use tantivy::collector::TopDocs;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, DisjunctionMaxQuery, EmptyQuery, FuzzyTermQuery, Occur,
    Query, RegexQuery, TermQuery,
};
use tantivy::schema::*;
use tantivy::snippet::SnippetGenerator;
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term,
};
use types::error::AppError;
use types::i18n::Lang;
use types::model::*;
use types::search::*;

use collect::{
    Access, CatalogCollector, FacetIds, Flat, Flats, Plan, FACET_VALUES, OWNER, STATUS, TITLE_SORT,
    UPDATED, VISIBILITY,
};

pub use source::DocSource;
use tokenizer::{koen_tokens, prefix_tokens, query_terms, FnTokenizer, QueryTerm};

use crate::services::{internal, OrInternal};

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    title_ko: Field,
    title_en: Field,
    keywords: Field,
    description_ko: Field,
    description_en: Field,
    columns: Field,
    department: Field,
    facets: Field,
    facet_values: Field,
    status_code: Field,
    visibility_code: Field,
    owner: Field,
    updated: Field,
    next_due: Field,
    title_sort: Field,
    prefix: Field,
    summary: Field,
}

/// Field weights: title > keywords > description > data dictionary columns > department.
type FieldOf = fn(&Fields) -> Field;

const WEIGHTS: [(FieldOf, f32); 7] = [
    (|f| f.title_ko, 5.0),
    (|f| f.title_en, 5.0),
    (|f| f.keywords, 3.0),
    (|f| f.description_ko, 2.0),
    (|f| f.description_en, 2.0),
    (|f| f.columns, 1.5),
    (|f| f.department, 1.0),
];

pub struct SearchIndex {
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    f: Fields,
    /// (facet, code) -> (Korean label, English label), from the database's terms.
    labels: RwLock<HashMap<(FacetKey, String), (String, String)>>,
    /// Dense ids of the facet values in the `facet_values` fast field.
    facet_ids: RwLock<FacetIds>,
    /// Per-segment flat arrays for the collector, warmed after every reload.
    flats: Mutex<Flats>,
    /// Other instances on the same database, told of every refresh.
    peers: std::sync::OnceLock<Arc<crate::cluster::Peers>>,
}

fn schema() -> (Schema, Fields) {
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

fn facet_path(key: FacetKey, code: &str) -> Facet {
    Facet::from_path([key.param(), code])
}

fn status_facet(code: &str) -> Facet {
    Facet::from_path(["status", code])
}

/// Which facet a classification scheme feeds.
fn facet_for_scheme(scheme: &str) -> Option<FacetKey> {
    FacetKey::ALL
        .into_iter()
        .find(|k| k.scheme() == Some(scheme))
}

fn to_segments(fragment: &str, highlighted: &[std::ops::Range<usize>]) -> Vec<Seg> {
    // Overlapping matches (the trigrams of one word) become one highlighted run.
    let mut ranges: Vec<std::ops::Range<usize>> = highlighted.to_vec();
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<std::ops::Range<usize>> = Vec::new();
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    let mut out = Vec::new();
    let mut at = 0;
    for r in &merged {
        if r.start < at
            || r.end > fragment.len()
            || !fragment.is_char_boundary(r.start)
            || !fragment.is_char_boundary(r.end)
        {
            continue;
        }
        if r.start > at {
            out.push(Seg {
                text: fragment[at..r.start].to_string(),
                hit: false,
            });
        }
        out.push(Seg {
            text: fragment[r.start..r.end].to_string(),
            hit: true,
        });
        at = r.end;
    }
    if at < fragment.len() {
        out.push(Seg {
            text: fragment[at..].to_string(),
            hit: false,
        });
    }
    out
}

/// Run index writing (CPU-bound, and waiting for the writer's lock and its indexing threads) on
/// this thread while the runtime moves its other tasks elsewhere, so pages and searches are not
/// held up behind it. On a single-threaded runtime (unit tests) it simply runs.
fn blocking<T>(f: impl FnOnce() -> T) -> T {
    use tokio::runtime::{Handle, RuntimeFlavor};
    match Handle::try_current() {
        Ok(h) if h.runtime_flavor() == RuntimeFlavor::MultiThread => tokio::task::block_in_place(f),
        _ => f(),
    }
}

impl SearchIndex {
    /// An empty index (in memory: it is always derived from the database).
    pub fn empty() -> Result<SearchIndex, AppError> {
        let (schema, f) = schema();
        // Searched on the calling thread: a catalog's segments are few and small, and a search
        // thread pool would add a hand-off per search and compete with the request threads.
        let index = Index::create_in_ram(schema);
        index
            .tokenizers()
            .register("koen", FnTokenizer(koen_tokens));
        index
            .tokenizers()
            .register("prefix", FnTokenizer(prefix_tokens));
        let writer = index.writer_with_num_threads(2, 80_000_000).or_internal()?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .or_internal()?;
        Ok(SearchIndex {
            reader,
            writer: Mutex::new(writer),
            f,
            labels: RwLock::new(HashMap::new()),
            facet_ids: RwLock::new(FacetIds::new()),
            flats: Mutex::new(Flats::new()),
            peers: std::sync::OnceLock::new(),
        })
    }

    /// Build the index from the whole database.
    pub async fn build(db: &DatabaseConnection) -> Result<SearchIndex, AppError> {
        let index = SearchIndex::empty()?;
        index.rebuild(db).await?;
        Ok(index)
    }

    /// Drop everything and index the database again.
    pub async fn rebuild(&self, db: &DatabaseConnection) -> Result<usize, AppError> {
        use crate::entities::dataset;
        use sea_orm::{EntityTrait, QueryOrder, QuerySelect};
        self.reload_labels(db).await?;
        let ids: Vec<i32> = dataset::Entity::find()
            .select_only()
            .column(dataset::Column::Id)
            .order_by_asc(dataset::Column::Id)
            .into_tuple()
            .all(db)
            .await
            .or_internal()?;
        self.writer
            .lock()
            .map_err(internal)?
            .delete_all_documents()
            .or_internal()?;
        // A chunk at a time, so a large catalog never sits in memory whole.
        for chunk in ids.chunks(2000) {
            let docs = source::load(db, Some(chunk)).await?;
            blocking(|| {
                let writer = self.writer.lock().map_err(internal)?;
                for d in &docs {
                    writer.add_document(self.document(d)?).or_internal()?;
                }
                Ok::<_, AppError>(())
            })?;
        }
        blocking(|| {
            self.writer
                .lock()
                .map_err(internal)?
                .commit()
                .or_internal()?;
            self.reload()
        })?;
        Ok(ids.len())
    }

    pub async fn reload_labels(&self, db: &DatabaseConnection) -> Result<(), AppError> {
        use crate::entities::term;
        use sea_orm::EntityTrait;
        let schemes = crate::services::catalog::scheme_codes(db).await?;
        let mut labels = HashMap::new();
        for t in term::Entity::find().all(db).await.or_internal()? {
            if let Some(key) = schemes.get(&t.scheme_id).and_then(|s| facet_for_scheme(s)) {
                labels.insert((key, t.code), (t.label_ko, t.label_en));
            }
        }
        for v in Visibility::ALL {
            labels.insert(
                (FacetKey::Visibility, v.code().to_string()),
                (v.label(Lang::Ko).into(), v.label(Lang::En).into()),
            );
        }
        for f in types::freshness::Freshness::ALL {
            labels.insert(
                (FacetKey::Freshness, f.code().to_string()),
                (f.label(Lang::Ko).into(), f.label(Lang::En).into()),
            );
        }
        *self.labels.write().map_err(internal)? = labels;
        Ok(())
    }

    /// Re-read these datasets from the database and replace (or, if gone, remove) their
    /// documents; visible to searches as soon as this returns.
    /// Tell these instances of every change (set once, when the services start).
    pub fn set_peers(&self, peers: Arc<crate::cluster::Peers>) {
        let _ = self.peers.set(peers);
    }

    /// Re-index these datasets from the database, and tell the other instances to do the same.
    pub async fn refresh(&self, db: &DatabaseConnection, ids: &[i32]) -> Result<(), AppError> {
        self.refresh_local(db, ids).await?;
        if let Some(p) = self.peers.get() {
            p.datasets_changed(ids).await;
        }
        Ok(())
    }

    /// Classification labels changed: re-read them, and tell the other instances.
    pub async fn labels_changed(&self, db: &DatabaseConnection) -> Result<(), AppError> {
        self.reload_labels(db).await?;
        if let Some(p) = self.peers.get() {
            p.labels_changed().await;
        }
        Ok(())
    }

    /// Re-index these datasets from the database (this instance only).
    pub async fn refresh_local(
        &self,
        db: &DatabaseConnection,
        ids: &[i32],
    ) -> Result<(), AppError> {
        let docs = source::load(db, Some(ids)).await?;
        blocking(|| {
            let mut writer = self.writer.lock().map_err(internal)?;
            for id in ids {
                writer.delete_term(Term::from_field_u64(self.f.id, *id as u64));
            }
            for d in &docs {
                writer.add_document(self.document(d)?).or_internal()?;
            }
            writer.commit().or_internal()?;
            drop(writer);
            self.reload()
        })
    }

    /// Make committed changes visible, and build the flat arrays of new segments.
    fn reload(&self) -> Result<(), AppError> {
        self.reader.reload().or_internal()?;
        self.flats_for(&self.reader.searcher()).map(|_| ())
    }

    /// The flat arrays of a searcher's segments (building missing ones, dropping old ones).
    fn flats_for(&self, searcher: &Searcher) -> Result<Flats, AppError> {
        let mut cache = self.flats.lock().map_err(internal)?;
        let live: Vec<_> = searcher
            .segment_readers()
            .iter()
            .map(|r| r.segment_id())
            .collect();
        cache.retain(|id, _| live.contains(id));
        for r in searcher.segment_readers() {
            if let std::collections::hash_map::Entry::Vacant(slot) = cache.entry(r.segment_id()) {
                slot.insert(std::sync::Arc::new(Flat::load(r).or_internal()?));
            }
        }
        Ok(cache.clone())
    }

    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn num_segments(&self) -> usize {
        self.reader.searcher().segment_readers().len()
    }

    fn document(&self, d: &DocSource) -> Result<TantivyDocument, AppError> {
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

    fn facet_term(&self, facet: &Facet) -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_facet(self.f.facets, facet),
            IndexRecordOption::Basic,
        ))
    }

    /// What this viewer may see, as a query clause (`None`: everything).
    fn visibility_clause(&self, viewer: &Viewer) -> Option<Box<dyn Query>> {
        match viewer {
            Viewer::Public => Some(Box::new(BooleanQuery::new(vec![
                (
                    Occur::Must,
                    self.facet_term(&facet_path(FacetKey::Visibility, Visibility::Public.code())),
                ),
                (
                    Occur::Must,
                    self.facet_term(&status_facet(Status::Published.code())),
                ),
            ]))),
            Viewer::Staff(u) if u.is_admin() => None,
            Viewer::Staff(u) => {
                let mut any = vec![
                    (
                        Occur::Should,
                        self.facet_term(&status_facet(Status::Published.code())),
                    ),
                    (
                        Occur::Should,
                        self.facet_term(&status_facet(Status::Archived.code())),
                    ),
                ];
                if let Some(d) = &u.department {
                    any.push((
                        Occur::Should,
                        self.facet_term(&Facet::from_path(["owner", d.code.as_str()])),
                    ));
                }
                Some(Box::new(BooleanQuery::new(any)))
            }
        }
    }

    /// The text part of a query: every word must match (in some field). A word matches in a
    /// field when all its [`query_terms`] do: Hangul bigrams and trigrams, a lone syllable as
    /// any bigram around it, Latin words exactly or, with `fuzzy`, within one or two edits when
    /// they have 5+ letters.
    fn text_clause(&self, q: &str, fuzzy: bool) -> Option<Box<dyn Query>> {
        let mut words: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for word in q.split_whitespace() {
            let terms = query_terms(word);
            if terms.is_empty() {
                continue;
            }
            let mut per_field: Vec<Box<dyn Query>> = Vec::new();
            for (field_of, weight) in WEIGHTS {
                let field = field_of(&self.f);
                let mut all: Vec<(Occur, Box<dyn Query>)> = Vec::new();
                for term in &terms {
                    let q: Box<dyn Query> = match term {
                        QueryTerm::Syllable(t) => {
                            let escaped = regex_escape(t);
                            match RegexQuery::from_pattern(
                                &format!("{escaped}.|.{escaped}|{escaped}"),
                                field,
                            ) {
                                Ok(r) => Box::new(r),
                                Err(_) => Box::new(EmptyQuery),
                            }
                        }
                        QueryTerm::Exact(t) if fuzzy && t.chars().count() >= 5 && t.is_ascii() => {
                            let distance = if t.len() >= 8 { 2 } else { 1 };
                            Box::new(FuzzyTermQuery::new(
                                Term::from_field_text(field, t),
                                distance,
                                true,
                            ))
                        }
                        QueryTerm::Exact(t) => Box::new(TermQuery::new(
                            Term::from_field_text(field, t),
                            IndexRecordOption::WithFreqs,
                        )),
                    };
                    all.push((Occur::Must, q));
                }
                let q: Box<dyn Query> = if all.len() == 1 {
                    all.pop()
                        .map(|(_, q)| q)
                        .unwrap_or_else(|| Box::new(EmptyQuery))
                } else {
                    Box::new(BooleanQuery::new(all))
                };
                per_field.push(Box::new(BoostQuery::new(q, weight)));
            }
            words.push((
                Occur::Must,
                Box::new(DisjunctionMaxQuery::with_tie_breaker(per_field, 0.2)),
            ));
        }
        if words.is_empty() {
            // Text without any searchable character (say "%%") matches nothing, not everything.
            (!q.trim().is_empty()).then(|| Box::new(EmptyQuery) as Box<dyn Query>)
        } else {
            Some(Box::new(BooleanQuery::new(words)))
        }
    }

    pub fn search(
        &self,
        viewer: &Viewer,
        query: &SearchQuery,
        lang: Lang,
    ) -> Result<SearchResult, AppError> {
        let started = Instant::now();
        let searcher = self.reader.searcher();
        let mut fuzzy = false;
        let mut text = self.text_clause(&query.q, false);
        let mut result = self.run(&searcher, text.as_deref(), viewer, query)?;
        if result.0 == 0 && text.is_some() {
            let typo_tolerant = self.text_clause(&query.q, true);
            let retry = self.run(&searcher, typo_tolerant.as_deref(), viewer, query)?;
            if retry.0 > 0 {
                fuzzy = true;
                text = typo_tolerant;
                result = retry;
            }
        }
        let (total, hits, facets) = result;
        let items = self.hits(&searcher, text.as_deref(), &hits, lang)?;
        Ok(SearchResult {
            total,
            page: query.page,
            per_page: query.per_page,
            items,
            facets,
            fuzzy,
            took_ms: started.elapsed().as_secs_f64() * 1000.0,
        })
    }

    #[allow(clippy::type_complexity)]
    fn run(
        &self,
        searcher: &Searcher,
        text: Option<&dyn Query>,
        viewer: &Viewer,
        query: &SearchQuery,
    ) -> Result<(u64, Vec<DocAddress>, BTreeMap<FacetKey, Vec<FacetValue>>), AppError> {
        let keys: Vec<FacetKey> = FacetKey::ALL
            .into_iter()
            .filter(|k| *k != FacetKey::Visibility || matches!(viewer, Viewer::Staff(_)))
            .collect();
        let per_page = query.per_page.clamp(1, types::search::MAX_PER_PAGE) as usize;
        let offset = (query.page.saturating_sub(1) as usize).saturating_mul(per_page);
        let order = match query.sort {
            SearchSort::Relevance if text.is_some() => collect::Order::Score,
            SearchSort::Relevance | SearchSort::Updated => collect::Order::UpdatedDesc,
            SearchSort::Title => collect::Order::TitleAsc,
        };
        // Every filter applies (within what the viewer may see anyway); only the facets shown
        // to this viewer are reported.
        let filters: Vec<(FacetKey, Vec<String>)> = query
            .filters
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (*k, v.clone()))
            .collect();
        // What the viewer may see is checked by the collector, document by document.
        let access = match viewer {
            Viewer::Public => Access::Public,
            Viewer::Staff(u) if u.is_admin() => Access::Everything,
            Viewer::Staff(u) => Access::Staff {
                department: u.department.as_ref().map(|d| d.id.max(0) as u32),
            },
        };
        let flats = self.flats_for(searcher)?;
        let (plan, values) = {
            let ids = self.facet_ids.read().map_err(internal)?;
            let plan = Plan::new(
                &ids,
                &filters,
                order,
                offset.saturating_add(per_page),
                access,
                flats,
                (chrono::Utc::now().date_naive() - chrono::NaiveDate::default()).num_days() as i32,
            );
            (plan, ids.values().to_vec())
        };
        let everything = AllQuery;
        let fruit = searcher
            .search(
                text.unwrap_or(&everything),
                &CatalogCollector(std::sync::Arc::new(plan)),
            )
            .or_internal()?;
        let hits: Vec<DocAddress> = fruit.top.iter().skip(offset).map(|r| r.address).collect();

        let labels = self.labels.read().map_err(internal)?;
        let label = |key: FacetKey, code: &str| {
            labels
                .get(&(key, code.to_string()))
                .cloned()
                .unwrap_or_else(|| (code.to_uppercase(), code.to_uppercase()))
        };
        let mut facets: BTreeMap<FacetKey, Vec<FacetValue>> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for ((key, code), count) in values.iter().zip(&fruit.counts) {
            if *count == 0 {
                continue;
            }
            if let Some(list) = facets.get_mut(key) {
                let (ko, en) = label(*key, code);
                list.push(FacetValue {
                    term: code.clone(),
                    label: ko,
                    label_en: en,
                    count: *count,
                });
            }
        }
        // A selected value always shows, with its count even when nothing has it.
        for (key, codes) in &filters {
            let Some(list) = facets.get_mut(key) else {
                continue;
            };
            for code in codes {
                if !list.iter().any(|v| &v.term == code) {
                    let (ko, en) = label(*key, code);
                    list.push(FacetValue {
                        term: code.clone(),
                        label: ko,
                        label_en: en,
                        count: 0,
                    });
                }
            }
        }
        for list in facets.values_mut() {
            list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
        }
        Ok((fruit.total, hits, facets))
    }

    fn hits(
        &self,
        searcher: &Searcher,
        text: Option<&dyn Query>,
        hits: &[DocAddress],
        lang: Lang,
    ) -> Result<Vec<SearchHit>, AppError> {
        let (title_field, desc_field) = match lang {
            Lang::Ko => (self.f.title_ko, self.f.description_ko),
            Lang::En => (self.f.title_en, self.f.description_en),
        };
        let generators = match text {
            Some(q) => {
                let mut title = SnippetGenerator::create(searcher, q, title_field).or_internal()?;
                title.set_max_num_chars(300);
                let mut desc = SnippetGenerator::create(searcher, q, desc_field).or_internal()?;
                desc.set_max_num_chars(160);
                Some((title, desc))
            }
            None => None,
        };
        let mut out = Vec::with_capacity(hits.len());
        for addr in hits {
            let doc: TantivyDocument = searcher.doc(*addr).or_internal()?;
            let summary = doc
                .get_first(self.f.summary)
                .and_then(|v| v.as_str())
                .and_then(|s| serde_json::from_str::<DatasetSummary>(s).ok())
                .ok_or_else(|| internal("search document without summary"))?;
            let (title_highlight, snippet) = match &generators {
                Some((t, d)) => {
                    let ts = t.snippet_from_doc(&doc);
                    let ds = d.snippet_from_doc(&doc);
                    let title = if ts.highlighted().is_empty() {
                        Vec::new()
                    } else {
                        to_segments(ts.fragment(), ts.highlighted())
                    };
                    let desc = if ds.highlighted().is_empty() {
                        Vec::new()
                    } else {
                        to_segments(ds.fragment(), ds.highlighted())
                    };
                    (title, desc)
                }
                None => (Vec::new(), Vec::new()),
            };
            out.push(SearchHit {
                dataset: summary,
                title_highlight,
                snippet,
            });
        }
        Ok(out)
    }

    /// Type-ahead: titles with a word starting with what was typed (after one Hangul syllable
    /// or two letters).
    pub fn suggest(
        &self,
        viewer: &Viewer,
        q: &str,
        limit: usize,
    ) -> Result<Vec<Suggestion>, AppError> {
        let words = tokenizer::words(q);
        let Some((_, _, last)) = words.last() else {
            return Ok(Vec::new());
        };
        let long_enough = !last.is_ascii() || last.chars().count() >= 2;
        if !long_enough {
            return Ok(Vec::new());
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = words
            .iter()
            .map(|(_, _, w)| {
                let prefix: String = w.chars().take(tokenizer::MAX_PREFIX_CHARS).collect();
                (
                    Occur::Must,
                    Box::new(TermQuery::new(
                        Term::from_field_text(self.f.prefix, &prefix),
                        IndexRecordOption::WithFreqs,
                    )) as Box<dyn Query>,
                )
            })
            .collect();
        if let Some(v) = self.visibility_clause(viewer) {
            clauses.push((Occur::Must, v));
        }
        let searcher = self.reader.searcher();
        let top = searcher
            .search(
                &BooleanQuery::new(clauses),
                &TopDocs::with_limit(limit).order_by_score(),
            )
            .or_internal()?;
        let mut out = Vec::new();
        for (_, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr).or_internal()?;
            if let Some(s) = doc
                .get_first(self.f.summary)
                .and_then(|v| v.as_str())
                .and_then(|s| serde_json::from_str::<DatasetSummary>(s).ok())
            {
                out.push(Suggestion {
                    slug: s.slug,
                    title_ko: s.title_ko,
                    title_en: s.title_en,
                });
            }
        }
        Ok(out)
    }
}

fn regex_escape(s: &str) -> String {
    s.chars()
        .map(|c| {
            if "\\.+*?()|[]{}^$#&-~\"".contains(c) {
                format!("\\{c}")
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_highlights_merge() {
        let text = "공공와이파이 설치";
        // 와이파 and 이파이 overlap: one run.
        let segs = to_segments(text, &[6..15, 9..18]);
        assert_eq!(segs.len(), 3);
        assert_eq!(segs[1].text, "와이파이");
        assert!(segs[1].hit && !segs[0].hit && !segs[2].hit);
    }
}

//! The in-process search index (tantivy). The database is the source of truth: the index is
//! built from it at start ([`SearchIndex::build`]), rebuilt on demand (`server reindex`), and
//! updated within the request that changes a dataset ([`SearchIndex::refresh`]).

mod collect;
mod document;
mod highlight;
mod query;
mod source;
pub mod tokenizer;

pub use source::DocSource;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use sea_orm::DatabaseConnection;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, Term};
use types::error::AppError;
use types::i18n::Lang;
use types::model::*;
use types::search::*;

use crate::services::{internal, OrInternal};
use collect::{FacetIds, Flat, Flats};
use document::{facet_for_scheme, schema, Fields};
use tokenizer::{koen_tokens, prefix_tokens, FnTokenizer};

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
}

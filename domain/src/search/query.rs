//! Answering queries: the visibility and text clauses, search with facets (and its typo-tolerant
//! retry), and type-ahead suggestions.

use std::collections::BTreeMap;
use std::time::Instant;

use tantivy::collector::TopDocs;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, DisjunctionMaxQuery, EmptyQuery, FuzzyTermQuery, Occur,
    Query, RegexQuery, TermQuery,
};
use tantivy::schema::*;
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};
use types::error::AppError;
use types::i18n::Lang;
use types::model::*;
use types::search::*;

use super::collect::{Access, CatalogCollector, Plan};
use super::document::{facet_path, status_facet, WEIGHTS};
use super::tokenizer::{query_terms, QueryTerm};
use super::{collect, tokenizer, SearchIndex};
use crate::services::{internal, OrInternal};

impl SearchIndex {
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

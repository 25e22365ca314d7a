//! Hits as the client sees them: summaries with highlighted titles and snippets.

use tantivy::query::Query;
use tantivy::schema::*;
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Searcher, TantivyDocument};
use types::error::AppError;
use types::i18n::Lang;
use types::model::*;
use types::search::*;

use super::SearchIndex;
use crate::services::{internal, OrInternal};

impl SearchIndex {
    pub(super) fn hits(
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

//! One pass over the documents a query matches: the total, one page of hits in the requested
//! order, and facet counts for every scheme, with filters applied "sideways": a facet with a
//! selection is counted as if its own filter were off, so its other values show what a wider
//! (OR) selection would give. Facet values are dense ids (see [`FacetIds`]) kept per segment
//! in flat arrays ([`Flat`], built once when a segment first appears), so counting is an array
//! increment per value. What the viewer may see is checked here too, for every document, before
//! anything else ([`Access`]).

use std::collections::HashMap;
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::index::SegmentId;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};
use types::freshness::Freshness;
use types::search::FacetKey;

/// Fast fields the collector reads.
pub(super) const FACET_VALUES: &str = "facet_values";
pub(super) const UPDATED: &str = "updated";
pub(super) const TITLE_SORT: &str = "title_sort";
pub(super) const STATUS: &str = "status_code";
pub(super) const VISIBILITY: &str = "visibility_code";
pub(super) const OWNER: &str = "owner";
/// The next due date as days since 1970-01-01 (`NO_DUE` when there is none).
pub(super) const NEXT_DUE: &str = "next_due";
pub(super) const NO_DUE: i64 = i64::MAX;

/// Codes in the `status_code` and `visibility_code` fast fields; anything else is 0, which
/// only admins and the owning department see.
pub(super) const STATUS_PUBLISHED: u64 = 1;
pub(super) const STATUS_ARCHIVED: u64 = 2;
pub(super) const VISIBILITY_PUBLIC: u64 = 1;

/// One segment's per-document values, flat.
pub(super) struct Flat {
    /// Facet ids of document `d`: `values[offsets[d]..offsets[d + 1]]`.
    offsets: Vec<u32>,
    values: Vec<u32>,
    updated: Vec<i64>,
    status: Vec<u8>,
    visibility: Vec<u8>,
    owner: Vec<u32>,
    /// Next due day (days since 1970-01-01), `i32::MAX` when none.
    due: Vec<i32>,
}

impl Flat {
    pub fn load(reader: &SegmentReader) -> tantivy::Result<Flat> {
        let fast = reader.fast_fields();
        let values_col = fast.u64(FACET_VALUES)?;
        let updated_col = fast.i64(UPDATED)?;
        let status_col = fast.u64(STATUS)?;
        let visibility_col = fast.u64(VISIBILITY)?;
        let owner_col = fast.u64(OWNER)?;
        let due_col = fast.i64(NEXT_DUE)?;
        let n = reader.max_doc() as usize;
        let mut flat = Flat {
            offsets: Vec::with_capacity(n + 1),
            values: Vec::with_capacity(n * 10),
            updated: Vec::with_capacity(n),
            status: Vec::with_capacity(n),
            visibility: Vec::with_capacity(n),
            owner: Vec::with_capacity(n),
            due: Vec::with_capacity(n),
        };
        flat.offsets.push(0);
        for doc in 0..reader.max_doc() {
            flat.values
                .extend(values_col.values_for_doc(doc).map(|v| v as u32));
            flat.offsets.push(flat.values.len() as u32);
            flat.updated
                .push(updated_col.first(doc).unwrap_or(i64::MIN));
            flat.status.push(status_col.first(doc).unwrap_or(0) as u8);
            flat.visibility
                .push(visibility_col.first(doc).unwrap_or(0) as u8);
            flat.owner.push(owner_col.first(doc).unwrap_or(0) as u32);
            flat.due.push(
                due_col
                    .first(doc)
                    .unwrap_or(NO_DUE)
                    .clamp(i32::MIN as i64, i32::MAX as i64) as i32,
            );
        }
        Ok(flat)
    }

    fn values(&self, doc: DocId) -> &[u32] {
        let d = doc as usize;
        match (self.offsets.get(d), self.offsets.get(d + 1)) {
            (Some(&a), Some(&b)) => self.values.get(a as usize..b as usize).unwrap_or(&[]),
            _ => &[],
        }
    }
}

/// Flat arrays of the segments of the current searcher.
pub(super) type Flats = HashMap<SegmentId, Arc<Flat>>;

/// What a viewer may see.
#[derive(Clone, Copy)]
pub(super) enum Access {
    Everything,
    /// Published public datasets.
    Public,
    /// Published and archived datasets of every department, and anything of one's own.
    Staff {
        department: Option<u32>,
    },
}

impl Access {
    fn allows(self, flat: &Flat, doc: DocId) -> bool {
        let d = doc as usize;
        let status = flat.status.get(d).copied().unwrap_or(0) as u64;
        match self {
            Access::Everything => true,
            Access::Public => {
                status == STATUS_PUBLISHED
                    && flat.visibility.get(d).copied().unwrap_or(0) as u64 == VISIBILITY_PUBLIC
            }
            Access::Staff { department } => {
                status == STATUS_PUBLISHED
                    || status == STATUS_ARCHIVED
                    || (department.is_some() && flat.owner.get(d).copied() == department)
            }
        }
    }
}

/// Dense ids for (facet, code) pairs, assigned as documents are indexed.
#[derive(Default)]
pub(super) struct FacetIds {
    ids: HashMap<(FacetKey, String), u32>,
    values: Vec<(FacetKey, String)>,
}

impl FacetIds {
    /// Ids with the freshness values registered first (they are computed per search, not
    /// indexed): ids 0..4 in `Freshness::ALL` order.
    pub fn new() -> FacetIds {
        let mut ids = FacetIds::default();
        for f in Freshness::ALL {
            ids.id(FacetKey::Freshness, f.code());
        }
        ids
    }

    pub fn id(&mut self, key: FacetKey, code: &str) -> u32 {
        if let Some(id) = self.ids.get(&(key, code.to_string())) {
            return *id;
        }
        let id = self.values.len() as u32;
        self.values.push((key, code.to_string()));
        self.ids.insert((key, code.to_string()), id);
        id
    }

    pub fn values(&self) -> &[(FacetKey, String)] {
        &self.values
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Order {
    Score,
    UpdatedDesc,
    TitleAsc,
}

/// What one search asks of the pass.
pub(super) struct Plan {
    /// Per facet id: the filter slots (bits) a document with this value satisfies.
    satisfies: Vec<u32>,
    /// Per facet id: the filter slot of its facet, if that facet has a selection.
    slot: Vec<Option<u8>>,
    /// Every slot's bit.
    all: u32,
    order: Order,
    /// Hits wanted from the start: the page's offset plus its size.
    wanted: usize,
    access: Access,
    flats: Flats,
    /// Today as days since 1970-01-01, for the freshness facet.
    today: i32,
}

impl Plan {
    /// `filters`: per facet with a selection, the selected codes. Codes never indexed simply
    /// satisfy nothing.
    pub fn new(
        ids: &FacetIds,
        filters: &[(FacetKey, Vec<String>)],
        order: Order,
        wanted: usize,
        access: Access,
        flats: Flats,
        today: i32,
    ) -> Plan {
        let n = ids.values().len();
        let mut satisfies = vec![0u32; n];
        let mut slot = vec![None; n];
        for (i, (key, codes)) in filters.iter().enumerate() {
            for (id, (k, code)) in ids.values().iter().enumerate() {
                if k == key {
                    slot[id] = Some(i as u8);
                    if codes.contains(code) {
                        satisfies[id] |= 1 << i;
                    }
                }
            }
        }
        Plan {
            satisfies,
            slot,
            all: if filters.is_empty() {
                0
            } else {
                u32::MAX >> (32 - filters.len())
            },
            order,
            wanted,
            access,
            flats,
            today,
        }
    }

    /// The freshness facet id of a document (ids 0..4, see [`FacetIds::new`]): only published
    /// datasets have a schedule that counts.
    fn freshness(&self, flat: &Flat, doc: DocId) -> u32 {
        let d = doc as usize;
        let published = flat.status.get(d).copied().unwrap_or(0) as u64 == STATUS_PUBLISHED;
        let due = flat.due.get(d).copied().unwrap_or(i32::MAX);
        let f = if !published || due == i32::MAX {
            Freshness::NoSchedule
        } else if due < self.today {
            Freshness::Overdue
        } else if i64::from(due) - i64::from(self.today) <= types::freshness::DUE_SOON_DAYS {
            Freshness::DueSoon
        } else {
            Freshness::OnTime
        };
        Freshness::ALL.iter().position(|x| *x == f).unwrap_or(3) as u32
    }
}

pub(super) struct CatalogCollector(pub Arc<Plan>);

#[derive(Default)]
pub(super) struct Fruit {
    pub total: u64,
    /// Per facet id.
    pub counts: Vec<u64>,
    /// The best `wanted` hits, best first.
    pub top: Vec<Ranked>,
}

/// A hit with its sort key: `key` ascending is better; `text` (title order) compares first.
pub(super) struct Ranked {
    key: u64,
    text: Option<String>,
    pub address: DocAddress,
}

fn rank_cmp(a: &Ranked, b: &Ranked) -> std::cmp::Ordering {
    a.text
        .cmp(&b.text)
        .then(a.key.cmp(&b.key))
        .then(a.address.cmp(&b.address))
}

impl Collector for CatalogCollector {
    type Fruit = Fruit;
    type Child = SegmentCatalog;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentCatalog> {
        let plan = self.0.clone();
        let flat = match plan.flats.get(&reader.segment_id()) {
            Some(f) => f.clone(),
            None => Arc::new(Flat::load(reader)?),
        };
        Ok(SegmentCatalog {
            segment,
            flat,
            title: match plan.order {
                Order::TitleAsc => reader.fast_fields().str(TITLE_SORT)?,
                _ => None,
            },
            counts: vec![0; plan.satisfies.len()],
            total: 0,
            top: Vec::with_capacity(plan.wanted * 2 + 1),
            threshold: u64::MAX,
            plan,
        })
    }

    fn requires_scoring(&self) -> bool {
        self.0.order == Order::Score
    }

    fn merge_fruits(&self, fruits: Vec<Fruit>) -> tantivy::Result<Fruit> {
        let mut out = Fruit {
            counts: vec![0; self.0.satisfies.len()],
            ..Fruit::default()
        };
        for f in fruits {
            out.total += f.total;
            for (c, n) in out.counts.iter_mut().zip(f.counts) {
                *c += n;
            }
            out.top.extend(f.top);
        }
        out.top.sort_by(rank_cmp);
        out.top.truncate(self.0.wanted);
        Ok(out)
    }
}

pub(super) struct SegmentCatalog {
    plan: Arc<Plan>,
    segment: SegmentOrdinal,
    flat: Arc<Flat>,
    title: Option<StrColumn>,
    counts: Vec<u64>,
    total: u64,
    /// Candidates (key, doc); once `wanted` are kept, only keys below `threshold` enter.
    top: Vec<(u64, DocId)>,
    threshold: u64,
}

/// Order-preserving maps into u64 where smaller is better.
fn better_score(s: Score) -> u64 {
    let bits = s.to_bits();
    let ascending = if bits >> 31 == 0 {
        bits | 0x8000_0000
    } else {
        !bits
    };
    u64::from(!ascending)
}

fn better_newer(millis: i64) -> u64 {
    !((millis as u64) ^ (1 << 63))
}

impl SegmentCatalog {
    fn offer(&mut self, doc: DocId, score: Score) {
        let wanted = self.plan.wanted;
        if wanted == 0 {
            return;
        }
        let key = match self.plan.order {
            Order::Score => better_score(score),
            Order::UpdatedDesc => self
                .flat
                .updated
                .get(doc as usize)
                .map(|u| better_newer(*u))
                .unwrap_or(u64::MAX),
            Order::TitleAsc => self
                .title
                .as_ref()
                .and_then(|c| c.ords().first(doc))
                .unwrap_or(u64::MAX),
        };
        // Documents come in ascending order, so a tie with the worst kept one loses.
        if key >= self.threshold {
            return;
        }
        self.top.push((key, doc));
        if self.top.len() >= wanted * 2 {
            self.top.select_nth_unstable(wanted - 1);
            self.top.truncate(wanted);
            self.threshold = self.top.iter().map(|(k, _)| *k).max().unwrap_or(u64::MAX);
        }
    }
}

impl SegmentCollector for SegmentCatalog {
    type Fruit = Fruit;

    fn collect(&mut self, doc: DocId, score: Score) {
        let plan = &*self.plan;
        if !plan.access.allows(&self.flat, doc) {
            return;
        }
        let flat = self.flat.clone();
        // Ids assigned after this search began are beyond the plan: ignored.
        let known = plan.satisfies.len() as u32;
        let fresh = plan.freshness(&flat, doc);
        let values = || {
            flat.values(doc)
                .iter()
                .copied()
                .chain(std::iter::once(fresh))
        };
        let mut met = 0u32;
        for v in values() {
            if v < known {
                met |= plan.satisfies[v as usize];
            }
        }
        if met == plan.all {
            self.total += 1;
            for v in values() {
                if v < known {
                    self.counts[v as usize] += 1;
                }
            }
            self.offer(doc, score);
        } else {
            let missing = plan.all & !met;
            if missing.is_power_of_two() {
                let slot = missing.trailing_zeros() as u8;
                for v in values() {
                    if v < known && plan.slot[v as usize] == Some(slot) {
                        self.counts[v as usize] += 1;
                    }
                }
            }
        }
    }

    fn harvest(mut self) -> Fruit {
        self.top.sort_unstable();
        self.top.truncate(self.plan.wanted);
        let title = self.title.take();
        let segment = self.segment;
        let top = self
            .top
            .into_iter()
            .map(|(key, doc)| Ranked {
                key,
                text: title.as_ref().map(|c| {
                    let mut s = String::new();
                    let _ = c.ord_to_str(key, &mut s);
                    s
                }),
                address: DocAddress::new(segment, doc),
            })
            .collect();
        Fruit {
            total: self.total,
            counts: self.counts,
            top,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_keys_preserve_order() {
        assert!(better_score(3.5) < better_score(1.0));
        assert!(better_score(1.0) < better_score(0.0));
        assert!(better_newer(2_000) < better_newer(1_000));
        assert!(better_newer(0) < better_newer(-5));
    }

    #[test]
    fn plan_marks_selected_values() {
        let mut ids = FacetIds::default();
        let a = ids.id(FacetKey::Theme, "a");
        let b = ids.id(FacetKey::Theme, "b");
        let x = ids.id(FacetKey::Dong, "x");
        assert_eq!(ids.id(FacetKey::Theme, "a"), a);
        let plan = Plan::new(
            &ids,
            &[
                (FacetKey::Dong, vec!["x".into()]),
                (FacetKey::Theme, vec!["b".into()]),
            ],
            Order::Score,
            10,
            Access::Public,
            Flats::new(),
            0,
        );
        assert_eq!(plan.all, 0b11);
        assert_eq!(plan.satisfies[x as usize], 0b01);
        assert_eq!(plan.satisfies[b as usize], 0b10);
        assert_eq!(plan.satisfies[a as usize], 0);
        assert_eq!(plan.slot[a as usize], Some(1));
    }
}

#[cfg(test)]
mod access_tests {
    use super::*;

    fn flat(status: u8, visibility: u8, owner: u32) -> Flat {
        Flat {
            offsets: vec![0, 0],
            values: vec![],
            updated: vec![0],
            status: vec![status],
            visibility: vec![visibility],
            owner: vec![owner],
            due: vec![i32::MAX],
        }
    }

    #[test]
    fn freshness_of_a_document() {
        let today = 20_000;
        let plan = Plan::new(
            &FacetIds::new(),
            &[],
            Order::Score,
            1,
            Access::Everything,
            Flats::new(),
            today,
        );
        let mut f = flat(STATUS_PUBLISHED as u8, 1, 1);
        let id = |f: &Flat| Freshness::ALL[plan.freshness(f, 0) as usize];
        assert_eq!(id(&f), Freshness::NoSchedule);
        f.due = vec![today - 1];
        assert_eq!(id(&f), Freshness::Overdue);
        f.due = vec![today + 3];
        assert_eq!(id(&f), Freshness::DueSoon);
        f.due = vec![today + 100];
        assert_eq!(id(&f), Freshness::OnTime);
        f.status = vec![0];
        assert_eq!(
            id(&f),
            Freshness::NoSchedule,
            "drafts have no schedule that counts"
        );
    }

    #[test]
    fn access_rules() {
        let published = STATUS_PUBLISHED as u8;
        let public = VISIBILITY_PUBLIC as u8;
        let public_doc = flat(published, public, 7);
        let internal_doc = flat(published, 0, 7);
        let public_draft = flat(0, public, 7);
        let archived = flat(STATUS_ARCHIVED as u8, 0, 7);
        assert!(Access::Public.allows(&public_doc, 0));
        assert!(!Access::Public.allows(&internal_doc, 0));
        assert!(!Access::Public.allows(&public_draft, 0));
        assert!(!Access::Public.allows(&archived, 0));
        let other = Access::Staff {
            department: Some(8),
        };
        let own = Access::Staff {
            department: Some(7),
        };
        let none = Access::Staff { department: None };
        assert!(other.allows(&internal_doc, 0) && other.allows(&archived, 0));
        assert!(!other.allows(&public_draft, 0) && !none.allows(&public_draft, 0));
        assert!(own.allows(&public_draft, 0));
        assert!(Access::Everything.allows(&public_draft, 0));
        // A document beyond the arrays is never shown.
        assert!(!Access::Public.allows(&public_doc, 5));
    }
}

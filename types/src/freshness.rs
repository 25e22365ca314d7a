//! Freshness: whether each published dataset was refreshed on its update cycle.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::collab::DatasetRef;
use crate::i18n::Lang;
use crate::model::{coded_enum, DepartmentRef};

/// Datasets due within this many days are "due soon".
pub const DUE_SOON_DAYS: i64 = 14;

coded_enum!(
    Freshness {
        OnTime = "on_time", freshness_label.on_time;
        DueSoon = "due_soon", freshness_label.due_soon;
        Overdue = "overdue", freshness_label.overdue;
        NoSchedule = "no_schedule", freshness_label.no_schedule;
    }
);

impl Freshness {
    pub fn of(next_due: Option<NaiveDate>, today: NaiveDate) -> Freshness {
        match next_due {
            None => Freshness::NoSchedule,
            Some(d) if d < today => Freshness::Overdue,
            Some(d) if (d - today).num_days() <= DUE_SOON_DAYS => Freshness::DueSoon,
            Some(_) => Freshness::OnTime,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Counts {
    pub on_time: u64,
    pub due_soon: u64,
    pub overdue: u64,
    pub no_schedule: u64,
}

impl Counts {
    pub fn add(&mut self, f: Freshness) {
        match f {
            Freshness::OnTime => self.on_time += 1,
            Freshness::DueSoon => self.due_soon += 1,
            Freshness::Overdue => self.overdue += 1,
            Freshness::NoSchedule => self.no_schedule += 1,
        }
    }

    pub fn total(&self) -> u64 {
        self.on_time + self.due_soon + self.overdue + self.no_schedule
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DepartmentFreshness {
    pub department: DepartmentRef,
    pub counts: Counts,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LateDataset {
    pub dataset: DatasetRef,
    pub department: DepartmentRef,
    pub next_due: NaiveDate,
    pub days_late: i64,
}

/// The district's freshness (published datasets the reader can see).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FreshnessReport {
    pub today: NaiveDate,
    pub total: Counts,
    pub departments: Vec<DepartmentFreshness>,
    /// Overdue datasets, the latest first (at most 200).
    pub overdue: Vec<LateDataset>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_from_the_due_date() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let d = |n: i64| Some(today + chrono::Duration::days(n));
        assert_eq!(Freshness::of(None, today), Freshness::NoSchedule);
        assert_eq!(Freshness::of(d(-1), today), Freshness::Overdue);
        assert_eq!(Freshness::of(d(0), today), Freshness::DueSoon);
        assert_eq!(Freshness::of(d(DUE_SOON_DAYS), today), Freshness::DueSoon);
        assert_eq!(
            Freshness::of(d(DUE_SOON_DAYS + 1), today),
            Freshness::OnTime
        );
    }
}

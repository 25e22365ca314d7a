//! Changing datasets: one file per action. Every applied change is a revision with its author,
//! message and a field-level diff; writes are guarded by the dataset's version so that no edit is
//! ever silently lost.

pub(crate) mod children;
pub mod create;
pub mod history;
pub mod revert;
pub(crate) mod snapshot;
pub mod update;

pub use children::unknown_terms;
pub use snapshot::Snapshot;

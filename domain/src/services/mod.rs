//! Domain services: plain async functions over a `DatabaseConnection`, testable without Leptos.
//! They return `AppError` domain variants; database failures become `Internal` with a logged
//! reference, never a leaked message.

pub mod activity;
pub mod admin;
pub mod api_keys;
pub mod auth;
pub mod catalog;
pub mod comments;
pub mod crowd;
pub mod csv_safe;
pub mod datasets;
pub mod feedback;
pub mod freshness;
pub mod harvest;
pub mod jobs;
pub mod login_throttle;
pub mod notifications;
pub mod people;
pub mod popular;
pub mod profiling;
pub mod proposals;
pub mod transfer;
pub mod xlsx;

use std::fmt::Display;

use types::error::AppError;

/// Log the real cause and return an opaque error with a reference to it; a full disk under the
/// database is told as such ([`AppError::StorageFull`]: the transaction was rolled back).
pub fn internal(err: impl Display) -> AppError {
    let err = err.to_string();
    if storage_full(&err) {
        tracing::error!(error = %err, "the database's storage is full: a write was refused");
        return AppError::StorageFull;
    }
    let reference = format!("{:08x}", rand::random::<u32>());
    tracing::error!(%reference, error = %err, "internal error");
    AppError::Internal { reference }
}

/// SQLite's SQLITE_FULL (code 13), PostgreSQL's disk_full (53100) or ENOSPC from either.
fn storage_full(err: &str) -> bool {
    err.contains("database or disk is full")
        || err.contains("(code: 13)")
        || err.contains("53100")
        || err.contains("No space left on device")
}

pub trait OrInternal<T> {
    fn or_internal(self) -> Result<T, AppError>;
}

impl<T, E: Display> OrInternal<T> for Result<T, E> {
    fn or_internal(self) -> Result<T, AppError> {
        self.map_err(internal)
    }
}

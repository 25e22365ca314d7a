//! Discussion on a dataset (signed-in staff): one file per action.

pub mod create;
pub mod list;

use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct CommentInfo {
    pub id: i32,
    pub author: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Plain text: clients show it escaped.
    pub body: String,
}

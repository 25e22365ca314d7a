//! Discussion on a dataset (signed-in staff): one file per action.

pub mod create;
pub mod list;

pub use types::collab::CommentInfo;

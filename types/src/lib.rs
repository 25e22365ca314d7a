//! The types the browser and the server share: what pages show and send, what domain operations
//! take and return, and [`error::AppError`]. Plain data and validation, no database and no view:
//! compiled into the wasm as well as the server.

pub mod admin;
pub mod codes;
pub mod collab;
pub mod crowd;
pub mod editing;
pub mod error;
pub mod feedback;
pub mod freshness;
pub mod i18n;
pub mod jobs;
pub mod model;
#[cfg(feature = "openapi")]
pub mod openapi;
pub mod profiling;
pub mod search;
pub mod transfer;

pub use locales::t;

//! Dongne's domain core: the entities, database access, the search index, the job queue, live
//! channels, and every operation both front doors (the pages' server functions and the JSON
//! APIs) call.
//!
//! Error policy: operations return [`types::error::AppError`] domain errors; database failures
//! become `Internal` with a logged reference ([`services::internal`]), never a leaked message.

pub mod actor;
pub mod cluster;
pub mod ctx;
pub mod db;
pub mod entities;
pub mod live;
pub mod net;
pub mod ops;
pub mod rate_limit;
pub mod search;
pub mod seed;
pub mod services;

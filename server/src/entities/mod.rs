//! SeaORM entities, one file per table. They never leave the server crate: `app` holds the DTOs.
pub mod comment;
pub mod crowd_reading;
pub mod data_column;
pub mod dataset;
pub mod dataset_term;
pub mod department;
pub mod distribution;
pub mod hot_spot;
pub mod notification;
pub mod proposal;
pub mod revision;
pub mod scheme;
pub mod session;
pub mod term;
pub mod user;

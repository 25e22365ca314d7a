//! Moving the catalog in and out as spreadsheets (CSV, XLSX) and JSON: one file per action.

pub mod export;
pub mod import;
pub mod job;
pub mod sheet;

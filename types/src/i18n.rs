//! The UI languages and text: the `locales` crate (one JSON file per language), re-exported here
//! under the path the pages have always used.

pub use locales::{t, Lang};

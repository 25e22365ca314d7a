pub mod common;
pub mod editors;
pub mod layout;
pub mod live;
pub mod profile;

pub mod common;
pub mod layout;

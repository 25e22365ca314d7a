pub mod common;
pub mod layout;
pub mod live;

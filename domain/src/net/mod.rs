//! Requests to other machines: the address classifier, the administrator's allowlist
//! (`DONGNE_FETCH_ALLOW`) and the one guarded HTTP client every outbound fetch goes through.

pub mod address;
pub mod allow;
pub mod cidr;
pub mod outbound;

#[cfg(test)]
mod tests;

pub use address::{classify, Forbidden};
pub use allow::FetchAllow;
pub use cidr::Cidr;
pub use outbound::{Outbound, Refusal};

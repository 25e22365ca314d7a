//! Dongne's integration tests, one binary: each module is one area, run through the real router
//! on SQLite and PostgreSQL. Run one area with `cargo test -p dongne-tests -- crowd::`.
mod admin;
mod ckan;
mod cluster;
mod collaboration;
mod crowd;
mod editing;
mod freshness;
mod hardening;
mod harvest;
mod hostile;
mod http;
mod jobs;
mod login;
mod openapi;
mod outbound;
mod portal;
mod properties;
mod proxy;
mod rbac;
mod search;
mod shapes;
mod transfer;
mod xss;

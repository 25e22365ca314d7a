//! Integration tests through the real router over real HTTP, on SQLite and on PostgreSQL.
//! Every test runs once per database, each time on a database of its own.
//!
//! - [`catalog`]: the demo catalog served as pages, what the public may see, parameters,
//!   languages, the sitemap and the pages' metadata;
//! - [`sessions`]: signing in and out, the session cookie, role checks, cross-site writes;
//! - [`protocol`]: cross-origin reads, request ids and metrics, the content security policy,
//!   hostile input.

mod catalog;
mod protocol;
mod sessions;

use dongne_tests::{Backend, TestApp};

const PASSWORD: &str = domain::seed::DEMO_PASSWORD;

async fn app(backend: Backend) -> Option<TestApp> {
    TestApp::start(backend).await
}

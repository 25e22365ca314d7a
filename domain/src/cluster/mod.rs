//! Several instances on one PostgreSQL, with no clustering of our own: PostgreSQL is the
//! coordinator.
//!
//! - Fan-out: an instance that changed something announces it with `NOTIFY` on a channel,
//!   carrying ids only; every other instance (`LISTEN`) reads the new state from the database:
//!   crowd levels and alerts are published to its own live streams, changed datasets are
//!   re-indexed in its own search index, and whoever has one of them open here gets the "saved
//!   by X" notice, as from a save on this instance. After a lost listening connection an instance catches
//!   up in full (notifications sent meanwhile are gone).
//! - The crowd feed is polled by one leader: whoever holds a session-level advisory lock on a
//!   connection of its own. When the leader dies its connection closes, the lock is free, and
//!   another instance takes it at its next check.
//!
//! On SQLite (one instance) announcing does nothing and the single instance always leads.
//! Listening is in [`listener`].

pub mod listener;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sea_orm::sqlx::{self, PgConnection};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection};
use serde::{Deserialize, Serialize};

pub const CROWD: &str = "dongne_crowd";
pub const ALERTS: &str = "dongne_alerts";
pub const CATALOG: &str = "dongne_catalog";
/// The advisory lock whose holder polls the crowd feed.
pub const FEED_LOCK: i64 = 0x646f_6e67_6e65_0001;
/// How often a follower asks for the feed lock (and the leader checks it still holds it).
pub const LEADER_CHECK: Duration = Duration::from_secs(5);
/// Ids per notification (PostgreSQL payloads are limited to 8000 bytes).
const IDS_PER_MESSAGE: usize = 500;

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Message {
    /// The announcing instance (it has already applied the change itself).
    pub(crate) from: u64,
    #[serde(default)]
    pub(crate) ids: Vec<i32>,
    /// Classification labels changed: re-read them (and re-index everything).
    #[serde(default)]
    pub(crate) labels: bool,
}

/// This instance's side of the fan-out.
pub struct Peers {
    pub instance: u64,
    db: Option<DatabaseConnection>,
}

impl Peers {
    /// Announcing over `db` when it is PostgreSQL; a no-op otherwise.
    pub fn new(db: &DatabaseConnection) -> Peers {
        Peers {
            instance: rand::random(),
            db: (db.get_database_backend() == DatabaseBackend::Postgres).then(|| db.clone()),
        }
    }

    async fn send(&self, channel: &str, message: &Message) {
        let Some(db) = &self.db else {
            return;
        };
        let payload = serde_json::to_string(message).unwrap_or_default();
        let stmt = sea_orm::Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT pg_notify($1, $2)",
            [channel.into(), payload.into()],
        );
        // Best effort: a peer that misses it catches up when its listener reconnects.
        if let Err(e) = db.execute_raw(stmt).await {
            tracing::warn!(channel, error = %e, "could not tell other instances");
        }
    }

    /// Tell other instances that these datasets changed.
    pub async fn datasets_changed(&self, ids: &[i32]) {
        for chunk in ids.chunks(IDS_PER_MESSAGE) {
            let m = Message {
                from: self.instance,
                ids: chunk.to_vec(),
                labels: false,
            };
            self.send(CATALOG, &m).await;
        }
    }

    /// Tell other instances that classification labels changed.
    pub async fn labels_changed(&self) {
        let m = Message {
            from: self.instance,
            ids: Vec::new(),
            labels: true,
        };
        self.send(CATALOG, &m).await;
    }

    /// Tell other instances that new crowd readings (or alerts) are in the database.
    pub async fn crowd_changed(&self, alerts: bool) {
        let m = Message {
            from: self.instance,
            ids: Vec::new(),
            labels: false,
        };
        self.send(if alerts { ALERTS } else { CROWD }, &m).await;
    }
}

/// The crowd feed's leadership, as seen by one instance.
pub struct Leadership {
    pool: Option<sqlx::PgPool>,
    /// A connection of our own (not the pool's): the lock lives and dies with it.
    conn: Option<PgConnection>,
    leading: bool,
    /// Shared with `/metrics` and the tests.
    flag: Arc<AtomicBool>,
}

impl Leadership {
    pub fn new(db: &DatabaseConnection, flag: Arc<AtomicBool>) -> Leadership {
        let pool = (db.get_database_backend() == DatabaseBackend::Postgres)
            .then(|| db.get_postgres_connection_pool().clone());
        Leadership {
            pool,
            conn: None,
            leading: false,
            flag,
        }
    }

    /// Whether this instance leads now: it takes the lock when free, and notices when its
    /// connection (and so the lock) was lost.
    pub async fn check(&mut self) -> bool {
        let leading = match &self.pool {
            None => true,
            Some(pool) => self.check_pg(pool.clone()).await,
        };
        if leading != self.leading {
            tracing::info!(leading, "crowd feed leadership changed");
        }
        self.leading = leading;
        self.flag.store(leading, Ordering::Relaxed);
        leading
    }

    async fn check_pg(&mut self, pool: sqlx::PgPool) -> bool {
        if self.conn.is_none() {
            match pool.acquire().await {
                Ok(c) => self.conn = Some(c.detach()),
                Err(e) => {
                    tracing::warn!(error = %e, "no connection for the feed lock");
                    return false;
                }
            }
        }
        let Some(conn) = self.conn.as_mut() else {
            return false;
        };
        let result = if self.leading {
            // Still connected means still holding it.
            sqlx::query_scalar::<_, i32>("SELECT 1")
                .fetch_one(&mut *conn)
                .await
                .map(|_| true)
        } else {
            sqlx::query_scalar::<_, bool>("SELECT pg_try_advisory_lock($1)")
                .bind(FEED_LOCK)
                .fetch_one(&mut *conn)
                .await
        };
        match result {
            Ok(leading) => leading,
            Err(e) => {
                tracing::warn!(error = %e, "feed lock connection lost");
                self.conn = None;
                false
            }
        }
    }
}

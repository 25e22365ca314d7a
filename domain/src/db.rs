//! One connection pool per process; migrations at start; SQLite tuned for concurrent use.

use std::time::Duration;

use migrations::MigratorTrait;
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::sqlx::Error as SqlxError;
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DatabaseTransaction, DbErr,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

pub async fn connect(url: &str, max_connections: u32) -> Result<DatabaseConnection, DbErr> {
    if let Some(path) = sqlite_file(url) {
        if let Some(parent) = std::path::Path::new(&path).parent() {
            if !parent.as_os_str().is_empty() {
                std::fs::create_dir_all(parent).map_err(|e| {
                    DbErr::Custom(format!("cannot create directory {}: {e}", parent.display()))
                })?;
            }
        }
    }
    let mut opt = ConnectOptions::new(url.to_string());
    opt.max_connections(max_connections)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
        })
        .map_sqlx_sqlite_pool_opts(|o| o.after_release(|conn, _| Box::pin(sqlite_reusable(conn))));
    Database::connect(opt).await
}

/// Whether a SQLite connection given back to the pool may serve again: only when it is out of
/// any transaction.
///
/// SQLite rolls a whole transaction back by itself after some errors (a full disk, an I/O
/// error), and the driver does not notice: its `ROLLBACK` then fails, and it still counts the
/// connection as inside a transaction. On such a connection the next transaction would start
/// with `SAVEPOINT` (a real, deferred transaction) that a later `ROLLBACK TO` leaves open, so
/// every write after it, acknowledged, would be rolled back when the connection closes. The
/// pool closes such a connection instead (a new one replaces it).
async fn sqlite_reusable(conn: &mut sea_orm::sqlx::SqliteConnection) -> Result<bool, SqlxError> {
    use sea_orm::sqlx::Connection;
    if !conn.is_in_transaction() {
        return Ok(true);
    }
    // A dropped transaction queues its rollback: let it run, then look again.
    conn.ping().await?;
    let reusable = !conn.is_in_transaction();
    if !reusable {
        tracing::warn!("closing a database connection left inside a failed transaction");
    }
    Ok(reusable)
}

/// The file behind a `sqlite://path?…` URL (none for in-memory databases).
fn sqlite_file(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or("");
    (!path.is_empty() && path != ":memory:").then(|| path.to_string())
}

pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    migrations::Migrator::up(db, None).await
}

/// Start a write transaction. On SQLite it is `BEGIN IMMEDIATE`, so a transaction that reads
/// before it writes waits for the lock (busy_timeout) instead of failing with SQLITE_BUSY.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

#[cfg(test)]
mod tests {
    #[test]
    fn sqlite_file_from_url() {
        assert_eq!(
            super::sqlite_file("sqlite://data/x.db?mode=rwc").as_deref(),
            Some("data/x.db")
        );
        assert_eq!(super::sqlite_file("sqlite::memory:"), None);
        assert_eq!(super::sqlite_file("postgres://h/db"), None);
    }

    /// A transaction that SQLite rolled back by itself (the disk was full) must not leave its
    /// connection serving later writes: every acknowledged write is in the file afterwards.
    #[tokio::test]
    async fn writes_after_a_full_disk_are_kept() {
        use sea_orm::{ConnectionTrait, Statement, TransactionTrait};
        let path =
            std::env::temp_dir().join(format!("dongne-full-{:016x}.db", rand::random::<u64>()));
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let count = |db: &sea_orm::DatabaseConnection, what: &'static str| {
            let db = db.clone();
            async move {
                let row = db
                    .query_one_raw(Statement::from_string(
                        db.get_database_backend(),
                        format!("SELECT COUNT(*) AS n FROM t WHERE x = '{what}'"),
                    ))
                    .await
                    .unwrap()
                    .unwrap();
                row.try_get::<i64>("", "n").unwrap()
            }
        };
        {
            // One connection, so every step below uses the one that met the full disk.
            let db = super::connect(&url, 1).await.unwrap();
            db.execute_unprepared("CREATE TABLE t (x TEXT UNIQUE)")
                .await
                .unwrap();
            db.execute_unprepared("INSERT INTO t VALUES ('seed')")
                .await
                .unwrap();
            let full = db
                .query_one_raw(Statement::from_string(
                    db.get_database_backend(),
                    "PRAGMA page_count",
                ))
                .await
                .unwrap()
                .unwrap()
                .try_get_by_index::<i64>(0)
                .unwrap();
            db.execute_unprepared(&format!("PRAGMA max_page_count = {}", full + 2))
                .await
                .unwrap();
            // The disk fills in the middle of a transaction: SQLite rolls it back itself.
            let txn = super::begin_write(&db).await.unwrap();
            let mut err = None;
            for i in 0..100 {
                if let Err(e) = txn
                    .execute_unprepared(&format!(
                        "INSERT INTO t VALUES ('{i}' || hex(randomblob(2000)))"
                    ))
                    .await
                {
                    err = Some(e);
                    break;
                }
            }
            assert!(err.expect("the disk filled").to_string().contains("full"));
            drop(txn);
            // Room again (on a new connection the limit is gone anyway).
            db.execute_unprepared("PRAGMA max_page_count = 1073741823")
                .await
                .unwrap();
            // A transaction whose statement fails (a duplicate) is dropped; then writes go on.
            let txn = db.begin().await.unwrap();
            assert!(txn
                .execute_unprepared("INSERT INTO t VALUES ('seed')")
                .await
                .is_err());
            drop(txn);
            db.execute_unprepared("INSERT INTO t VALUES ('after')")
                .await
                .unwrap();
            let txn = super::begin_write(&db).await.unwrap();
            txn.execute_unprepared("INSERT INTO t VALUES ('in-txn')")
                .await
                .unwrap();
            txn.commit().await.unwrap();
            db.close().await.unwrap();
        }
        let db = super::connect(&url, 1).await.unwrap();
        assert_eq!(
            count(&db, "after").await,
            1,
            "an acknowledged write was lost"
        );
        assert_eq!(
            count(&db, "in-txn").await,
            1,
            "an acknowledged transaction was lost"
        );
        db.close().await.unwrap();
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
}

//! Listening for other instances' announcements (PostgreSQL `LISTEN`) and applying them here:
//! crowd streams republished, changed datasets re-indexed, their open editors told.

use std::time::Duration;

use sea_orm::sqlx;
use sea_orm::sqlx::postgres::PgListener;
use sea_orm::DatabaseBackend;
use types::error::AppError;

use super::{Message, ALERTS, CATALOG, CROWD};
use crate::ctx::Services;
use crate::services::OrInternal;

/// Apply what another instance announced.
async fn apply(services: &Services, channel: &str, payload: &str) {
    let Ok(m) = serde_json::from_str::<Message>(payload) else {
        tracing::warn!(channel, "ignoring a malformed notification");
        return;
    };
    if m.from == services.peers.instance {
        return;
    }
    let db = &services.db;
    let result = match channel {
        CROWD => services.crowd_live.publish(db).await.map(|_| ()),
        ALERTS => services.crowd_live.publish_alerts(db).await.map(|_| ()),
        CATALOG if m.labels => services.search.rebuild(db).await.map(|_| ()),
        CATALOG => match services.search.refresh_local(db, &m.ids).await {
            Ok(()) => announce_saved(services, &m.ids).await,
            Err(e) => Err(e),
        },
        _ => Ok(()),
    };
    if let Err(e) = result {
        tracing::warn!(channel, error = %e, "applying another instance's change failed");
    }
}

/// Another instance saved these datasets: tell those who have one open here, with the version
/// and author of its latest revision.
async fn announce_saved(services: &Services, ids: &[i32]) -> Result<(), AppError> {
    use crate::entities::{revision, user};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    for id in services.live.watched(ids) {
        let Some(latest) = revision::Entity::find()
            .filter(revision::Column::DatasetId.eq(id))
            .order_by_desc(revision::Column::Version)
            .one(&services.db)
            .await
            .or_internal()?
        else {
            continue;
        };
        let author = match latest.author_id {
            Some(a) => user::Entity::find_by_id(a)
                .one(&services.db)
                .await
                .or_internal()?,
            None => None,
        };
        let (by_id, by) = author.map_or((0, String::new()), |u| (u.id, u.display_name));
        services.live.changed_by(id, latest.version, by_id, by);
    }
    Ok(())
}

/// After (re)connecting: what was announced meanwhile is lost, so read everything again.
async fn catch_up(services: &Services) {
    let db = &services.db;
    let _ = services.crowd_live.publish(db).await;
    let _ = services.crowd_live.publish_alerts(db).await;
    if let Err(e) = services.search.rebuild(db).await {
        tracing::warn!(error = %e, "re-indexing after a lost connection failed");
    }
}

/// Listen for other instances' announcements until the server stops (PostgreSQL only).
pub fn spawn_listener(services: Services) -> Option<tokio::task::JoinHandle<()>> {
    if services.db.get_database_backend() != DatabaseBackend::Postgres {
        return None;
    }
    Some(tokio::spawn(async move {
        let pool = services.db.get_postgres_connection_pool().clone();
        let mut closing = services.live.closing();
        let mut first = true;
        while !*closing.borrow() {
            let listener = async {
                let mut l = PgListener::connect_with(&pool).await?;
                l.listen_all([CROWD, ALERTS, CATALOG]).await?;
                Ok::<_, sqlx::Error>(l)
            };
            let mut l = match listener.await {
                Ok(l) => l,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot listen for other instances; retrying");
                    tokio::select! {
                        _ = tokio::time::sleep(Duration::from_secs(2)) => continue,
                        _ = closing.changed() => break,
                    }
                }
            };
            if !first {
                catch_up(&services).await;
            }
            first = false;
            loop {
                tokio::select! {
                    n = l.try_recv() => match n {
                        Ok(Some(n)) => apply(&services, n.channel(), n.payload()).await,
                        // The connection dropped (and is back): catch up.
                        Ok(None) => catch_up(&services).await,
                        Err(e) => {
                            tracing::warn!(error = %e, "listening for other instances failed");
                            break;
                        }
                    },
                    _ = closing.changed() => return,
                }
            }
        }
    }))
}

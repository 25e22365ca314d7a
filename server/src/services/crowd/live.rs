//! The crowd state for live subscribers: after each poll that stored something, every hot
//! spot's status is serialized once and shared by all open streams (a `watch` channel: a
//! subscriber always gets the newest whole state, a slow one skips what it missed, and a
//! reconnecting one starts from the current snapshot).

use std::sync::Arc;

use app::error::AppError;
use sea_orm::DatabaseConnection;
use tokio::sync::watch;

/// One published state: its sequence number and its JSON (`[HotSpotStatus]`).
#[derive(Debug, Clone)]
pub struct CrowdFrame {
    pub seq: u64,
    pub json: Arc<str>,
}

pub struct CrowdLive {
    tx: watch::Sender<Option<CrowdFrame>>,
}

impl Default for CrowdLive {
    fn default() -> Self {
        CrowdLive {
            tx: watch::channel(None).0,
        }
    }
}

impl CrowdLive {
    pub fn subscribe(&self) -> watch::Receiver<Option<CrowdFrame>> {
        self.tx.subscribe()
    }

    pub fn current(&self) -> Option<CrowdFrame> {
        self.tx.borrow().clone()
    }

    /// Serialize the current status from the database once and hand it to every subscriber.
    pub async fn publish(&self, db: &DatabaseConnection) -> Result<CrowdFrame, AppError> {
        let status = super::status(db).await?;
        let json: Arc<str> = serde_json::to_string(&status)
            .map_err(crate::services::internal)?
            .into();
        let mut frame = None;
        self.tx.send_modify(|cur| {
            let seq = cur.as_ref().map_or(1, |f| f.seq + 1);
            let f = CrowdFrame { seq, json };
            frame = Some(f.clone());
            *cur = Some(f);
        });
        Ok(frame.expect("send_modify ran"))
    }

    /// The current frame, publishing one first if nothing was published yet.
    pub async fn snapshot(&self, db: &DatabaseConnection) -> Result<CrowdFrame, AppError> {
        match self.current() {
            Some(f) => Ok(f),
            None => self.publish(db).await,
        }
    }

    /// Open streams (for the benchmark's memory report).
    pub fn subscribers(&self) -> usize {
        self.tx.receiver_count()
    }
}

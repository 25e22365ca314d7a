//! The crowd state for live subscribers, in two channels: every hot spot's status (after each
//! poll or push that stored something) and the public alerts with emergency mode (after each
//! change). Each state is serialized once and shared by all open streams through a `watch`
//! channel: a subscriber always gets the newest whole state, a slow one skips what it missed,
//! and a reconnecting one starts from the current snapshot.

use std::sync::Arc;

use sea_orm::DatabaseConnection;
use serde::Serialize;
use tokio::sync::watch;
use types::crowd::PublicAlerts;
use types::error::AppError;
use types::model::HotSpotStatus;

/// One published state: its sequence number, its JSON, the whole Server-Sent Event ready to
/// write (`event: …\nid: …\ndata: …\n\n`, shared by every stream without a copy) and the value.
#[derive(Debug)]
pub struct Frame<T> {
    pub seq: u64,
    pub json: Arc<str>,
    pub sse: bytes::Bytes,
    pub value: Arc<T>,
}

impl<T> Clone for Frame<T> {
    fn clone(&self) -> Self {
        Frame {
            seq: self.seq,
            json: self.json.clone(),
            sse: self.sse.clone(),
            value: self.value.clone(),
        }
    }
}

/// Every hot spot's status (`[HotSpotStatus]`).
pub type CrowdFrame = Frame<Vec<HotSpotStatus>>;
/// Open alerts and emergency mode (`PublicAlerts`).
pub type AlertsFrame = Frame<PublicAlerts>;

pub struct Channel<T> {
    /// The Server-Sent Events name of this channel's frames.
    event: &'static str,
    tx: watch::Sender<Option<Frame<T>>>,
}

impl<T: Serialize> Channel<T> {
    pub fn named(event: &'static str) -> Channel<T> {
        Channel {
            event,
            tx: watch::channel(None).0,
        }
    }

    pub fn subscribe(&self) -> watch::Receiver<Option<Frame<T>>> {
        self.tx.subscribe()
    }

    pub fn current(&self) -> Option<Frame<T>> {
        self.tx.borrow().clone()
    }

    /// Serialize `value` once and hand it to every subscriber.
    pub fn send(&self, value: T) -> Result<Frame<T>, AppError> {
        let json: Arc<str> = serde_json::to_string(&value)
            .map_err(crate::services::internal)?
            .into();
        let value = Arc::new(value);
        let mut frame = None;
        let event = self.event;
        self.tx.send_modify(|cur| {
            let seq = cur.as_ref().map_or(1, |f| f.seq + 1);
            // Compact JSON has no line breaks: one `data:` line.
            let sse = format!("event: {event}\nid: {seq}\ndata: {json}\n\n").into();
            let f = Frame {
                seq,
                json,
                sse,
                value,
            };
            frame = Some(f.clone());
            *cur = Some(f);
        });
        Ok(frame.expect("send_modify ran"))
    }

    pub fn receivers(&self) -> usize {
        self.tx.receiver_count()
    }
}

pub struct CrowdLive {
    pub spots: Channel<Vec<HotSpotStatus>>,
    pub alerts: Channel<PublicAlerts>,
}

impl Default for CrowdLive {
    fn default() -> Self {
        CrowdLive {
            spots: Channel::named("crowd"),
            alerts: Channel::named("alerts"),
        }
    }
}

impl CrowdLive {
    /// Read every hot spot's status from the database and publish it.
    pub async fn publish(&self, db: &DatabaseConnection) -> Result<CrowdFrame, AppError> {
        self.spots.send(super::status(db).await?)
    }

    /// Read the open alerts and emergency mode from the database and publish them.
    pub async fn publish_alerts(&self, db: &DatabaseConnection) -> Result<AlertsFrame, AppError> {
        self.alerts.send(super::alerts::public(db).await?)
    }

    /// The current status, publishing one first if nothing was published yet.
    pub async fn snapshot(&self, db: &DatabaseConnection) -> Result<CrowdFrame, AppError> {
        match self.spots.current() {
            Some(f) => Ok(f),
            None => self.publish(db).await,
        }
    }

    /// The current alerts, publishing them first if they were not published yet.
    pub async fn alerts_snapshot(&self, db: &DatabaseConnection) -> Result<AlertsFrame, AppError> {
        match self.alerts.current() {
            Some(f) => Ok(f),
            None => self.publish_alerts(db).await,
        }
    }

    /// Open streams (for the benchmark's memory report).
    pub fn subscribers(&self) -> usize {
        self.spots.receivers()
    }
}

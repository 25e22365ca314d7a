//! Live presence and change notices per dataset, for Server-Sent Events.
//!
//! In memory, per server process: people connected to this instance see each other. Changes
//! saved through this instance are announced here directly; changes saved through another
//! instance arrive by PostgreSQL NOTIFY (`crate::cluster`) and are announced for the datasets
//! someone here has open ([`Live::watched`]).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::{broadcast, watch};
use types::collab::{LiveMessage, Present};
use types::model::SessionUser;

struct Connection {
    id: u64,
    present: Present,
}

pub struct Live {
    open: Mutex<HashMap<i32, Vec<Connection>>>,
    tx: broadcast::Sender<LiveMessage>,
    next: AtomicU64,
    closing: watch::Sender<bool>,
}

impl Default for Live {
    fn default() -> Self {
        Live {
            open: Mutex::new(HashMap::new()),
            tx: broadcast::channel(1024).0,
            next: AtomicU64::new(1),
            closing: watch::channel(false).0,
        }
    }
}

/// One open stream; dropping it (the reader went away) updates everyone's presence.
pub struct Attendance {
    live: Arc<Live>,
    dataset_id: i32,
    id: u64,
    pub messages: broadcast::Receiver<LiveMessage>,
    pub closing: watch::Receiver<bool>,
}

impl Attendance {
    pub fn dataset_id(&self) -> i32 {
        self.dataset_id
    }
}

impl Drop for Attendance {
    fn drop(&mut self) {
        if let Ok(mut open) = self.live.open.lock() {
            if let Some(list) = open.get_mut(&self.dataset_id) {
                list.retain(|c| c.id != self.id);
                if list.is_empty() {
                    open.remove(&self.dataset_id);
                }
            }
        }
        self.live.announce(self.dataset_id);
    }
}

impl Live {
    /// `user` opened dataset `dataset_id` (reading or editing).
    pub fn join(
        self: &Arc<Self>,
        dataset_id: i32,
        user: &SessionUser,
        editing: bool,
    ) -> Attendance {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let messages = self.tx.subscribe();
        if let Ok(mut open) = self.open.lock() {
            open.entry(dataset_id).or_default().push(Connection {
                id,
                present: Present {
                    user_id: user.id,
                    name: user.display_name.clone(),
                    editing,
                },
            });
        }
        self.announce(dataset_id);
        Attendance {
            live: self.clone(),
            dataset_id,
            id,
            messages,
            closing: self.closing.subscribe(),
        }
    }

    /// Who has the dataset open: one entry per person (editing wins over reading).
    pub fn present(&self, dataset_id: i32) -> Vec<Present> {
        let mut people: Vec<Present> = Vec::new();
        if let Ok(open) = self.open.lock() {
            for c in open.get(&dataset_id).into_iter().flatten() {
                match people.iter_mut().find(|p| p.user_id == c.present.user_id) {
                    Some(p) => p.editing |= c.present.editing,
                    None => people.push(c.present.clone()),
                }
            }
        }
        people.sort_by(|a, b| a.name.cmp(&b.name));
        people
    }

    fn announce(&self, dataset_id: i32) {
        let _ = self.tx.send(LiveMessage::Presence {
            dataset_id,
            people: self.present(dataset_id),
        });
    }

    /// A change to the dataset was saved.
    pub fn changed(&self, dataset_id: i32, version: i32, by: &SessionUser) {
        self.changed_by(dataset_id, version, by.id, by.display_name.clone());
    }

    /// A change saved by user `by_id` (named `by`), e.g. through another instance.
    pub fn changed_by(&self, dataset_id: i32, version: i32, by_id: i32, by: String) {
        let _ = self.tx.send(LiveMessage::Changed {
            dataset_id,
            version,
            by_id,
            by,
        });
    }

    /// Those of `ids` that someone connected to this instance has open.
    pub fn watched(&self, ids: &[i32]) -> Vec<i32> {
        match self.open.lock() {
            Ok(open) => ids
                .iter()
                .copied()
                .filter(|id| open.contains_key(id))
                .collect(),
            Err(_) => Vec::new(),
        }
    }

    /// Turns true when the server is stopping (background work ends then too).
    pub fn closing(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }

    /// The server is stopping: end every stream so the shutdown does not wait on them.
    pub fn close(&self) {
        let _ = self.closing.send(true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use types::model::Role;

    fn user(id: i32) -> SessionUser {
        SessionUser {
            id,
            username: format!("u{id}"),
            display_name: format!("User {id}"),
            role: Role::Viewer,
            department: None,
        }
    }

    #[test]
    fn presence_follows_connections() {
        let live = Arc::new(Live::default());
        let a = live.join(7, &user(1), false);
        let b = live.join(7, &user(2), true);
        let a2 = live.join(7, &user(1), true);
        let _other = live.join(8, &user(3), false);
        let p = live.present(7);
        assert_eq!(p.len(), 2, "one entry per person");
        assert!(p.iter().all(|x| x.editing));
        drop(a2);
        drop(b);
        assert_eq!(
            live.present(7),
            [Present {
                user_id: 1,
                name: "User 1".into(),
                editing: false
            }]
        );
        assert_eq!(live.watched(&[6, 7, 8]), [7, 8]);
        drop(a);
        assert!(live.present(7).is_empty());
        assert_eq!(live.present(8).len(), 1);
        assert_eq!(live.watched(&[7, 8]), [8]);
    }
}

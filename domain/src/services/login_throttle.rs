//! Login throttling (ASVS 2.2.1): growing delays between failed attempts instead of a lock-out
//! anyone could trigger, decided in the database before the password is checked.
//!
//! Every attempt is keyed twice, by the *normalised username as typed* (trimmed, lowercased,
//! whether or not such a user exists, so unknown and real accounts behave identically):
//!
//! - **account and client address** ([`PAIR`]): 5 attempts free, then 1 s, 2 s, 4 s … up to
//!   15 minutes between attempts. This is what slows a guesser down.
//! - **the account as a whole** ([`ACCOUNT`], client `*`): 25 free per hour, then 1 s, 2 s …
//!   up to 1 minute, so guessing spread over many addresses stays under 100 per hour (25 + 6
//!   while the delay grows + 59 at one a minute = 90).
//!
//! Why two keys: a per-account lock is a denial of service anyone can trigger (guess wrong five
//! times, the administrator is locked out). Here an attacker at one address only slows down
//! *their own* pair: the pair's delays let one address make 17 failures in its first hour and
//! 4 an hour after that (at most 19 in any hour, when its day-long window starts again), below
//! the account's free 25, so the real administrator signing in
//! from another address is never delayed at all. Only an attacker with many addresses reaches
//! the account ceiling, and even then the administrator waits at most a minute for the next
//! admitted attempt: never a lock.
//!
//! An attempt is *admitted* in one write transaction (SQLite `BEGIN IMMEDIATE`; PostgreSQL
//! `SELECT … FOR UPDATE` on both rows, always account first) that checks both rows' next
//! admitted time and, when both allow it, counts the attempt as a failure at once and moves the
//! next admitted time on. Parallel guesses therefore queue on the rows: of a burst, only as
//! many as the free allowance are judged, the others are refused without their password being
//! looked at. A success then takes back what it proved: on its pair, the failures counted up to
//! and including itself ("a success resets"; attempts admitted after it keep their delay); on
//! the account, only its own count, so the real user signing in does not give a distributed
//! guesser a new free allowance.
//!
//! A refusal is `429` with `Retry-After` (the seconds until the next admitted attempt), the same
//! for every username, existing or not.

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::*;
use types::error::AppError;

use super::OrInternal;
use crate::db::begin_write;
use crate::entities::login_throttle;

/// One kind of throttle record.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Failures without any delay.
    pub free: i32,
    /// The longest delay between attempts, in seconds.
    pub max_delay_secs: i64,
    /// Failures older than this (counted from the window's first) are forgotten.
    pub window: Duration,
}

impl Rule {
    /// The wait before the next attempt after `failures`: none within the free allowance, then
    /// 1 s doubling up to the cap.
    pub fn delay(&self, failures: i32) -> Duration {
        if failures < self.free {
            return Duration::zero();
        }
        let doublings = Ord::min(failures - self.free, 30) as u32;
        Duration::seconds(Ord::min(1i64 << doublings, self.max_delay_secs))
    }
}

/// Per account and client address.
pub const PAIR: Rule = Rule {
    free: 5,
    max_delay_secs: 15 * 60,
    window: Duration::hours(24),
};

/// Per account, from every address together.
pub const ACCOUNT: Rule = Rule {
    free: 25,
    max_delay_secs: 60,
    window: Duration::hours(1),
};

/// The `client` of an account's own record.
const ANY_CLIENT: &str = "*";

/// The throttle key for a username as typed: the same however it is spelled in case or spaces.
pub fn username_key(username: &str) -> String {
    username.trim().to_lowercase()
}

/// The throttle key for a client address: the rate limits' bucket ([`crate::rate_limit::key`]:
/// IPv4 as is, IPv6 by its /64), written out; unknown as `unknown`.
pub fn client_key(client: Option<IpAddr>) -> String {
    match client.map(crate::rate_limit::key) {
        Some(IpAddr::V4(v4)) => v4.to_string(),
        Some(IpAddr::V6(net)) => format!("{net}/64"),
        None => "unknown".into(),
    }
}

/// An admitted attempt: what it counted, to be taken back if it succeeds.
#[derive(Debug, Clone)]
pub struct Admitted {
    username: String,
    client: String,
    /// The pair's failure count with this attempt.
    pair_count: i32,
}

/// Admit one attempt for `username` from `client`, or refuse it: `Err(RateLimited)` with the
/// seconds until the next one would be admitted.
pub async fn admit(
    db: &DatabaseConnection,
    username: &str,
    client: Option<IpAddr>,
) -> Result<Admitted, AppError> {
    let username = username_key(username);
    let client = client_key(client);
    let now = Utc::now();
    let txn = begin_write(db).await.or_internal()?;
    // Always the account first, then the pair: concurrent attempts lock in the same order.
    let keys = [(ANY_CLIENT, ACCOUNT), (client.as_str(), PAIR)];
    let mut rows = Vec::with_capacity(2);
    for (c, rule) in keys {
        login_throttle::Entity::insert(login_throttle::ActiveModel {
            username: Set(username.clone()),
            client: Set(c.to_string()),
            failures: Set(0),
            window_start: Set(now),
            next_attempt_at: Set(now),
        })
        .on_conflict(
            OnConflict::columns([
                login_throttle::Column::Username,
                login_throttle::Column::Client,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(&txn)
        .await
        .or_internal()?;
        let mut row = login_throttle::Entity::find_by_id((username.clone(), c.to_string()))
            .lock_exclusive()
            .one(&txn)
            .await
            .or_internal()?
            .ok_or_else(|| crate::services::internal("login throttle row vanished"))?;
        if now - row.window_start >= rule.window {
            row.failures = 0;
            row.window_start = now;
        }
        rows.push((row, rule));
    }
    let wait = rows
        .iter()
        .map(|(r, _)| r.next_attempt_at - now)
        .max()
        .unwrap_or_else(Duration::zero);
    if wait > Duration::zero() {
        txn.rollback().await.or_internal()?;
        return Err(AppError::RateLimited {
            retry_after: seconds_up(wait),
        });
    }
    let mut pair_count = 0;
    for (row, rule) in rows {
        let failures = row.failures + 1;
        if row.client != ANY_CLIENT {
            pair_count = failures;
        }
        save(&txn, row, failures, now + rule.delay(failures)).await?;
    }
    txn.commit().await.or_internal()?;
    Ok(Admitted {
        username,
        client,
        pair_count,
    })
}

/// The admitted attempt had the right password: the pair forgets the failures up to and
/// including it, the account only this attempt's own count.
pub async fn succeeded(db: &DatabaseConnection, a: &Admitted) -> Result<(), AppError> {
    let now = Utc::now();
    let txn = begin_write(db).await.or_internal()?;
    for (c, undo) in [(ANY_CLIENT, 1), (a.client.as_str(), a.pair_count)] {
        let Some(row) = login_throttle::Entity::find_by_id((a.username.clone(), c.to_string()))
            .lock_exclusive()
            .one(&txn)
            .await
            .or_internal()?
        else {
            continue;
        };
        let failures = Ord::max(row.failures - undo, 0);
        // The pair starts afresh, unless attempts admitted after this one are still in flight
        // (a burst): then the delay they set stands, so the burst gains no attempts from this
        // success. The account's delay (at most a minute) stands either way.
        let next = if c != ANY_CLIENT && row.failures == a.pair_count {
            Ord::min(now, row.next_attempt_at)
        } else {
            row.next_attempt_at
        };
        save(&txn, row, failures, next).await?;
    }
    // Housekeeping: records whose windows are long over go away as people sign in.
    login_throttle::Entity::delete_many()
        .filter(login_throttle::Column::WindowStart.lt(now - PAIR.window - ACCOUNT.window))
        .filter(login_throttle::Column::NextAttemptAt.lt(now))
        .exec(&txn)
        .await
        .or_internal()?;
    txn.commit().await.or_internal()
}

/// Forget every record of a username (an administrator set a new password).
pub async fn clear<C: ConnectionTrait>(db: &C, username: &str) -> Result<(), AppError> {
    login_throttle::Entity::delete_many()
        .filter(login_throttle::Column::Username.eq(username_key(username)))
        .exec(db)
        .await
        .or_internal()?;
    Ok(())
}

async fn save(
    txn: &DatabaseTransaction,
    row: login_throttle::Model,
    failures: i32,
    next: DateTime<Utc>,
) -> Result<(), AppError> {
    let window_start = row.window_start;
    let mut a: login_throttle::ActiveModel = row.into();
    a.failures = Set(failures);
    a.window_start = Set(window_start);
    a.next_attempt_at = Set(next);
    a.update(txn).await.or_internal()?;
    Ok(())
}

/// Whole seconds, rounded up, at least 1.
fn seconds_up(d: Duration) -> u64 {
    let ms = Ord::max(d.num_milliseconds(), 1);
    ((ms + 999) / 1000) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_after_the_free_attempts_up_to_the_cap() {
        let secs = |n| PAIR.delay(n).num_seconds();
        assert_eq!((1..=4).map(secs).collect::<Vec<_>>(), [0, 0, 0, 0]);
        assert_eq!((5..=9).map(secs).collect::<Vec<_>>(), [1, 2, 4, 8, 16]);
        assert_eq!(secs(20), 900);
        assert_eq!(secs(i32::MAX), 900);
        assert_eq!(ACCOUNT.delay(24).num_seconds(), 0);
        assert_eq!(ACCOUNT.delay(40).num_seconds(), 60);
    }

    #[test]
    fn keys_are_normalised() {
        assert_eq!(username_key("  Admin "), "admin");
        assert_eq!(client_key(None), "unknown");
        assert_eq!(client_key(Some("10.0.0.1".parse().unwrap())), "10.0.0.1");
        assert_eq!(
            client_key(Some("::ffff:10.0.0.1".parse().unwrap())),
            "10.0.0.1"
        );
        assert_eq!(
            client_key(Some("2001:db8:1:2:3:4:5:6".parse().unwrap())),
            "2001:db8:1:2::/64"
        );
    }

    #[test]
    fn waits_round_up() {
        assert_eq!(seconds_up(Duration::milliseconds(1)), 1);
        assert_eq!(seconds_up(Duration::milliseconds(1001)), 2);
        assert_eq!(seconds_up(Duration::seconds(900)), 900);
    }
}

//! Login throttling through the real router on SQLite and PostgreSQL: attempts are admitted in
//! the database before the password is checked, so a burst of parallel guesses gets only the
//! free allowance judged; unknown and real usernames are answered alike; a guesser at one
//! address cannot lock the real user out; the per-address limit still holds.

use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use dongne_tests::{both_databases, Backend, TestApp, REQUEST_TIMEOUT};
use reqwest::StatusCode;

both_databases!(
    parallel_guesses_are_judged_at_most_the_free_allowance,
    unknown_and_real_users_are_answered_alike_with_growing_delays,
    a_guesser_at_one_address_cannot_lock_out_the_real_user,
    one_address_is_limited_whoever_it_names,
);

const PASSWORD: &str = domain::seed::DEMO_PASSWORD;
/// Wrong passwords an account may get from one address before the delays start
/// (`domain::services::login_throttle::PAIR`).
const FREE: usize = 5;

/// What a login attempt got: its status, `Retry-After` and body.
#[derive(Debug)]
struct Answer {
    status: StatusCode,
    retry_after: Option<u64>,
    body: String,
}

impl Answer {
    fn judged(&self) -> bool {
        self.status == StatusCode::UNAUTHORIZED || self.signed_in()
    }
    fn signed_in(&self) -> bool {
        self.status.is_success() || self.status.is_redirection()
    }
    /// What a client can tell apart, with the number of seconds left out of the body.
    fn shape(&self) -> (StatusCode, bool, String) {
        let body = self.body.replace(|c: char| c.is_ascii_digit(), "");
        (self.status, self.retry_after.is_some(), body)
    }
}

/// Sign in as `username` from 127.0.0.`from`.
async fn attempt(app: &TestApp, from: u8, username: &str, password: &str) -> Answer {
    let c = reqwest::Client::builder()
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, from)))
        .redirect(reqwest::redirect::Policy::none())
        .timeout(REQUEST_TIMEOUT)
        .build()
        .unwrap();
    let r = c
        .post(app.url("/api/login"))
        .header("accept", "application/json")
        .form(&[("username", username), ("password", password)])
        .send()
        .await
        .unwrap();
    let status = r.status();
    let retry_after = r
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().parse().unwrap());
    let body = r.text().await.unwrap();
    assert!(
        status == StatusCode::UNAUTHORIZED
            || status == StatusCode::TOO_MANY_REQUESTS
            || status.is_success()
            || status.is_redirection(),
        "{status} {body}"
    );
    if status == StatusCode::TOO_MANY_REQUESTS {
        assert!(
            retry_after.is_some_and(|s| s >= 1),
            "429 without Retry-After"
        );
    }
    Answer {
        status,
        retry_after,
        body,
    }
}

/// 60 guesses at once (the right password among them) from one address: only the free
/// allowance is judged; the others are refused before their password is looked at.
async fn parallel_guesses_are_judged_at_most_the_free_allowance(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let app = std::sync::Arc::new(app);
    let started = Instant::now();
    let guesses: Vec<_> = (0..60)
        .map(|i| {
            let app = app.clone();
            let password = if i == 37 { PASSWORD } else { "wrong-password" };
            tokio::spawn(async move { attempt(&app, 50, "viewer", password).await })
        })
        .collect();
    let mut answers = Vec::new();
    for g in guesses {
        answers.push(g.await.unwrap());
    }
    let elapsed = started.elapsed();
    let judged = answers.iter().filter(|a| a.judged()).count();
    let refused = answers
        .iter()
        .filter(|a| a.status == StatusCode::TOO_MANY_REQUESTS)
        .count();
    // Within the first second after the free attempts nothing more is admitted. On a slow
    // machine the burst may outlast that second: then one more per doubling delay, and (if the
    // right password was admitted) the attempts its success freed.
    eprintln!("{judged} of 60 parallel guesses judged in {elapsed:?}");
    let free = FREE;
    let allowed = if elapsed < Duration::from_secs(1) {
        free
    } else {
        2 * free + (elapsed.as_secs_f64() + 1.0).log2().ceil() as usize
    };
    assert!(
        (1..=allowed).contains(&judged),
        "{judged} of 60 judged in {elapsed:?} (allowed {allowed}); statuses: {:?}",
        answers
            .iter()
            .map(|a| a.status.as_u16())
            .collect::<Vec<_>>()
    );
    assert_eq!(judged + refused, 60);
    // The real user, at another address, signs in at once.
    let r = attempt(&app, 51, "viewer", PASSWORD).await;
    assert!(r.signed_in(), "{r:?}");
}

/// The same wrong guesses against a real and an unknown username get the same answers: first
/// "wrong username or password", then refusals with growing waits, never a lock: after the
/// wait the right password works.
async fn unknown_and_real_users_are_answered_alike_with_growing_delays(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    // Both in step, so that each gets the same timing.
    let users = [("viewer", 60), ("nobody-here", 61)];
    let mut seen: Vec<Vec<(StatusCode, bool, String)>> = vec![Vec::new(), Vec::new()];
    for _ in 0..8 {
        for (i, (username, from)) in users.iter().enumerate() {
            seen[i].push(
                attempt(&app, *from, username, "wrong-password")
                    .await
                    .shape(),
            );
        }
    }
    assert_eq!(
        seen[0], seen[1],
        "an unknown username is answered like a real one"
    );
    assert!(seen[0][..FREE]
        .iter()
        .all(|s| s.0 == StatusCode::UNAUTHORIZED));
    assert!(seen[0][FREE..]
        .iter()
        .all(|s| s.0 == StatusCode::TOO_MANY_REQUESTS && s.1));
    // After each wait one more guess is judged, and the next wait is longer: 1 s, then 2 s.
    let mut waits: Vec<Vec<u64>> = vec![Vec::new(), Vec::new()];
    for step in 1..=2 {
        for (i, (username, from)) in users.iter().enumerate() {
            let refused = attempt(&app, *from, username, "wrong-password").await;
            assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS, "{username}");
            waits[i].push(refused.retry_after.unwrap());
        }
        let longest = waits.iter().map(|w| w[step - 1]).max().unwrap();
        assert!(longest <= 2 * step as u64, "{waits:?}");
        tokio::time::sleep(Duration::from_secs(longest)).await;
        for (username, from) in users {
            let judged = attempt(&app, from, username, "wrong-password").await;
            assert_eq!(judged.status, StatusCode::UNAUTHORIZED, "{username}");
        }
    }
    assert!(waits.iter().all(|w| w[1] > w[0]), "{waits:?}");
    // A delay, not a lock: after the wait the right password works.
    let refused = attempt(&app, 60, "viewer", PASSWORD).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.retry_after.unwrap() <= 4, "{refused:?}");
    tokio::time::sleep(Duration::from_secs(refused.retry_after.unwrap())).await;
    let r = attempt(&app, 60, "viewer", PASSWORD).await;
    assert!(r.signed_in(), "{r:?}");
    // A success resets the pair: the next mistake is judged at once.
    let r = attempt(&app, 60, "viewer", "wrong-password").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

/// Guessing `admin`'s password from one address, in any number, leaves the administrator
/// signing in from another address undisturbed.
async fn a_guesser_at_one_address_cannot_lock_out_the_real_user(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    for _ in 0..30 {
        attempt(&app, 70, "admin", "wrong-password").await;
    }
    for spelling in ["admin", " Admin "] {
        let r = attempt(&app, 70, spelling, PASSWORD).await;
        assert_eq!(
            r.status,
            StatusCode::TOO_MANY_REQUESTS,
            "the guesser's address waits, however the name is spelled"
        );
    }
    let r = attempt(&app, 71, "admin", PASSWORD).await;
    assert!(r.signed_in(), "the administrator elsewhere: {r:?}");
}

/// One address may try 8 times per 10 minutes (configured), whatever usernames it names.
async fn one_address_is_limited_whoever_it_names(backend: Backend) {
    let Some(app) = TestApp::start_with(backend, &[("DONGNE_LOGIN_ATTEMPTS", "8")]).await else {
        return;
    };
    for i in 0..8 {
        let r = attempt(&app, 30, &format!("nobody-{i}"), "wrong-password").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    let r = attempt(&app, 30, "admin", PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    let r = attempt(&app, 31, "admin", PASSWORD).await;
    assert!(r.signed_in(), "{r:?}");
}

//! The connector: the request URL for an area and the fetch with its retries (the key redacted
//! from errors).

use super::parse::parse;
use super::{CityFetchError, CityReading, DEFAULT_BASE, SERVICE};
use crate::services::harvest::fetch::{self, FetchError, FetchPolicy};

/// The request URL for one area (a `POI…` code or the Korean area name), rows 1 to 5; the key
/// and the area are percent-encoded path segments. An empty `base` means [`DEFAULT_BASE`].
pub fn area_url(base: &str, key: &str, area: &str) -> String {
    let base = base.trim().trim_end_matches('/');
    let base = if base.is_empty() { DEFAULT_BASE } else { base };
    format!(
        "{base}/{}/json/{SERVICE}/1/5/{}",
        types::search::encode(key.trim()),
        types::search::encode(area.trim())
    )
}

/// `e` with the key's path segment in its URL replaced by "<key>": fetch errors are logged and
/// shown to administrators.
fn redact(mut e: FetchError, key: &str) -> FetchError {
    let segment = format!("/{}/json/", types::search::encode(key.trim()));
    e.url = e.url.replacen(&segment, "/<key>/json/", 1);
    e.reason = e.reason.replace(&segment, "/<key>/json/");
    e
}

/// The current reading of one area (a `POI…` code or the Korean area name). The HTTP side
/// (timeouts, retries with backoff, body limit) is [`fetch::get`] with `policy`; an answer the
/// city marks as a passing server fault (ERROR-5xx/6xx) is asked once more after
/// `policy.backoff` when the policy allows retries. The API key never appears in the errors.
pub async fn fetch(
    client: &crate::net::Outbound,
    base: &str,
    key: &str,
    area: &str,
    policy: &FetchPolicy,
) -> Result<CityReading, CityFetchError> {
    let url = area_url(base, key, area);
    let mut second_chance = policy.retries > 0;
    loop {
        let body = fetch::get(client, &url, policy)
            .await
            .map_err(|e| CityFetchError::Fetch(redact(e, key)))?;
        match parse(&body) {
            Ok(reading) => return Ok(reading),
            Err(error) if error.retryable() && second_chance => {
                second_chance = false;
                tracing::warn!(area, reason = %error, "citydata_ppltn answered a server fault; asking once more");
                tokio::time::sleep(policy.backoff).await;
            }
            Err(error) => {
                return Err(CityFetchError::City {
                    area: area.trim().to_string(),
                    error,
                })
            }
        }
    }
}

#[cfg(test)]
#[path = "client_tests.rs"]
mod tests;

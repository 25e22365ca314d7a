//! Typed configuration from the environment, read once at start and passed down (no globals).

use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone)]
pub struct Config {
    /// `DATABASE_URL`: `sqlite://…` (embedded default) or `postgres://…`.
    pub database_url: String,
    /// `DONGNE_ADDR` (or cargo-leptos' `LEPTOS_SITE_ADDR`): where to listen.
    pub addr: SocketAddr,
    /// `LEPTOS_SITE_ROOT`: the built site (wasm, JS, CSS, vendor assets).
    pub site_root: PathBuf,
    /// `LEPTOS_SITE_PKG_DIR`, `LEPTOS_OUTPUT_NAME`: set by cargo-leptos; defaults match the build.
    pub site_pkg_dir: String,
    pub output_name: String,
    /// `DONGNE_DEMO_DATA`: load the demo catalog and demo accounts into an empty database, and
    /// show a demo banner on every page (default false: a production start never creates
    /// accounts with a known password).
    pub demo_data: bool,
    /// `DONGNE_SECURE_COOKIES`: `auto` (Secure when the request came over TLS), `true`, `false`.
    pub secure_cookies: Option<bool>,
    /// `DONGNE_DB_MAX_CONNECTIONS` (default 10).
    pub db_max_connections: u32,
    /// `DONGNE_LOG_FORMAT`: `text` (default) or `json`.
    pub log_format: LogFormat,
    /// `DONGNE_DATA_DIR` (default `data`): files that must outlive a restart, such as data
    /// files waiting for their profiling job (under `uploads/`).
    pub data_dir: PathBuf,
    /// `DONGNE_CITYDATA_KEY`: the city's open API key for real-time crowd data; without it the
    /// crowd feed is simulated.
    pub citydata_key: Option<String>,
    /// `DONGNE_CITYDATA_URL` (default `http://openapi.seoul.go.kr:8088`): the city API's base.
    pub citydata_url: String,
    /// `DONGNE_MAP_TILES`: the tile URL template for maps (`{z}`, `{x}`, `{y}`; default
    /// OpenStreetMap's), or `none` to draw maps from the built-in outline and places only.
    pub map_tiles: String,
    /// `DONGNE_API_RATE_LIMIT`: requests per minute per client address for anonymous use of
    /// the catalog APIs (`/api/v1` except crowd data, `/api/3`, the DCAT catalog); default
    /// 300, `0` for no limit. Staff sessions and API keys are not limited.
    pub api_rate_limit: u32,
    /// `DONGNE_FEEDBACK_PER_HOUR`: problem reports per hour per client address (default 5).
    pub feedback_per_hour: u32,
    /// `DONGNE_PAGE_CACHE_MS`: how long a page rendered for anonymous readers is shared by
    /// everyone asking for it (default 1000 ms; `0` turns the cache off). See `http::page_cache`.
    pub page_cache_ms: u32,
    /// `DONGNE_LOGIN_ATTEMPTS`: login attempts per ten minutes per client address (default 20,
    /// `0` for no limit); besides, each account is throttled with growing delays, per address
    /// and as a whole (see `services::login_throttle`).
    pub login_attempts: u32,
    /// `DONGNE_FETCH_ALLOW`: internal networks (CIDRs) and host names that outbound requests
    /// (harvests, the city API) may reach; by default none (loopback, private, link-local and
    /// metadata addresses are refused).
    pub fetch_allow: domain::net::FetchAllow,
    /// `DONGNE_TRUSTED_PROXIES`: the reverse proxies' addresses or CIDR blocks (commas or
    /// spaces between them). Only from these are `X-Forwarded-For` and `X-Forwarded-Proto`
    /// believed: the client is the rightmost forwarded address not in the set (see
    /// [`crate::proxy`]). Empty (the default): forwarding headers are ignored.
    pub trusted_proxies: Vec<domain::net::Cidr>,
    /// `DONGNE_METRICS_TOKEN`: scrapers send `Authorization: Bearer <token>` for `/metrics`
    /// (without it, only direct connections from this machine and administrators may read it).
    pub metrics_token: Option<String>,
    /// `DONGNE_PUBLIC_URL`: the site's address as readers reach it (`https://data.example.kr`),
    /// without a trailing slash; every absolute address the site writes starts with it.
    /// Default `http://` + the listen address (`localhost` for an unspecified one).
    pub public_url: String,
}

#[derive(Debug, thiserror::Error)]
#[error("configuration {var}: {message}")]
pub struct ConfigError {
    pub var: &'static str,
    pub message: String,
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// Build from any key lookup (tests pass a map instead of touching the process environment).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |k: &str| {
            get(k)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let bool_var = |var: &'static str, default: bool| -> Result<bool, ConfigError> {
            match get(var).as_deref() {
                None => Ok(default),
                Some("1" | "true" | "yes" | "on") => Ok(true),
                Some("0" | "false" | "no" | "off") => Ok(false),
                Some(other) => Err(ConfigError {
                    var,
                    message: format!("expected true or false, got {other:?}"),
                }),
            }
        };
        let database_url =
            get("DATABASE_URL").unwrap_or_else(|| "sqlite://data/dongne.db?mode=rwc".to_string());
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            return Err(ConfigError {
                var: "DATABASE_URL",
                message: "must start with sqlite: or postgres://".into(),
            });
        }
        let addr_raw = get("DONGNE_ADDR")
            .or_else(|| get("LEPTOS_SITE_ADDR"))
            .unwrap_or_else(|| "127.0.0.1:3000".into());
        let addr = addr_raw.parse().map_err(|_| ConfigError {
            var: "DONGNE_ADDR",
            message: format!("{addr_raw:?} is not an address like 127.0.0.1:3000"),
        })?;
        let secure_cookies = match get("DONGNE_SECURE_COOKIES").as_deref() {
            None | Some("auto") => None,
            Some("true" | "1") => Some(true),
            Some("false" | "0") => Some(false),
            Some(other) => {
                return Err(ConfigError {
                    var: "DONGNE_SECURE_COOKIES",
                    message: format!("expected auto, true or false, got {other:?}"),
                })
            }
        };
        let db_max_connections = match get("DONGNE_DB_MAX_CONNECTIONS") {
            None => 10,
            Some(v) => v
                .parse()
                .ok()
                .filter(|n| (1..=1000).contains(n))
                .ok_or(ConfigError {
                    var: "DONGNE_DB_MAX_CONNECTIONS",
                    message: format!("expected a number from 1 to 1000, got {v:?}"),
                })?,
        };
        let log_format = match get("DONGNE_LOG_FORMAT").as_deref() {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(ConfigError {
                    var: "DONGNE_LOG_FORMAT",
                    message: format!("expected text or json, got {other:?}"),
                })
            }
        };
        let citydata_url =
            get("DONGNE_CITYDATA_URL").unwrap_or_else(|| "http://openapi.seoul.go.kr:8088".into());
        if !(citydata_url.starts_with("http://") || citydata_url.starts_with("https://")) {
            return Err(ConfigError {
                var: "DONGNE_CITYDATA_URL",
                message: format!("expected an http(s) address, got {citydata_url:?}"),
            });
        }
        let map_tiles =
            get("DONGNE_MAP_TILES").unwrap_or_else(|| app::crowd::DEFAULT_MAP_TILES.into());
        if !(map_tiles == "none"
            || ((map_tiles.starts_with("https://")
                || map_tiles.starts_with("http://")
                || map_tiles.starts_with('/'))
                && ["{z}", "{x}", "{y}"].iter().all(|p| map_tiles.contains(p))))
        {
            return Err(ConfigError {
                var: "DONGNE_MAP_TILES",
                message: format!(
                    "expected `none` or a tile URL with {{z}}, {{x}} and {{y}}, got {map_tiles:?}"
                ),
            });
        }
        let count_var = |var: &'static str, default: u32| -> Result<u32, ConfigError> {
            match get(var) {
                None => Ok(default),
                Some(v) => v
                    .parse()
                    .ok()
                    .filter(|n| *n <= 1_000_000)
                    .ok_or(ConfigError {
                        var,
                        message: format!("expected a number from 0 to 1000000, got {v:?}"),
                    }),
            }
        };
        let fetch_allow =
            domain::net::FetchAllow::parse(&get("DONGNE_FETCH_ALLOW").unwrap_or_default())
                .map_err(|message| ConfigError {
                    var: "DONGNE_FETCH_ALLOW",
                    message,
                })?;
        if bool_var("DONGNE_TRUST_FORWARDED", false)? {
            return Err(ConfigError {
                var: "DONGNE_TRUST_FORWARDED",
                message:
                    "is no longer supported: list the reverse proxies' addresses in \
                          DONGNE_TRUSTED_PROXIES instead (e.g. DONGNE_TRUSTED_PROXIES=127.0.0.1/32)"
                        .into(),
            });
        }
        let trusted_proxies = crate::proxy::parse_list(
            &get("DONGNE_TRUSTED_PROXIES").unwrap_or_default(),
        )
        .map_err(|message| ConfigError {
            var: "DONGNE_TRUSTED_PROXIES",
            message,
        })?;
        let metrics_token = get("DONGNE_METRICS_TOKEN");
        if metrics_token
            .as_ref()
            .is_some_and(|t| t.len() < 16 || t.chars().any(|c| c.is_whitespace()))
        {
            return Err(ConfigError {
                var: "DONGNE_METRICS_TOKEN",
                message: "expected at least 16 characters without spaces".into(),
            });
        }
        let public_url = match get("DONGNE_PUBLIC_URL") {
            Some(u) => public_url(&u).ok_or_else(|| ConfigError {
                var: "DONGNE_PUBLIC_URL",
                message: format!(
                    "expected an http(s) address without path, query or fragment, like \
                     https://data.example.kr, got {u:?}"
                ),
            })?,
            None => default_public_url(addr),
        };
        Ok(Config {
            fetch_allow,
            api_rate_limit: count_var("DONGNE_API_RATE_LIMIT", 300)?,
            feedback_per_hour: count_var("DONGNE_FEEDBACK_PER_HOUR", 5)?,
            page_cache_ms: count_var("DONGNE_PAGE_CACHE_MS", 1000)?,
            login_attempts: count_var("DONGNE_LOGIN_ATTEMPTS", 20)?,
            trusted_proxies,
            metrics_token,
            public_url,
            map_tiles,
            database_url,
            addr,
            site_root: get("LEPTOS_SITE_ROOT")
                .unwrap_or_else(|| "target/site".into())
                .into(),
            site_pkg_dir: get("LEPTOS_SITE_PKG_DIR").unwrap_or_else(|| "pkg".into()),
            output_name: get("LEPTOS_OUTPUT_NAME").unwrap_or_else(|| "dongne".into()),
            demo_data: bool_var("DONGNE_DEMO_DATA", false)?,
            secure_cookies,
            db_max_connections,
            log_format,
            data_dir: get("DONGNE_DATA_DIR")
                .unwrap_or_else(|| "data".into())
                .into(),
            citydata_key: get("DONGNE_CITYDATA_KEY"),
            citydata_url,
        })
    }

    pub fn is_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
    }
}

/// `scheme://host[:port]` from a `DONGNE_PUBLIC_URL` (a trailing slash dropped), or `None`.
fn public_url(raw: &str) -> Option<String> {
    let (scheme, rest) = raw.split_once("://")?;
    if !(scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")) {
        return None;
    }
    let host = rest.strip_suffix('/').unwrap_or(rest);
    let ok = !host.is_empty()
        && host.len() <= 253
        && !host.starts_with([':', '.', '-'])
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    // The authority must be one host with at most one port.
    let port_ok = match host.rsplit_once(']') {
        Some((v6, port)) => {
            v6.starts_with('[')
                && v6[1..].parse::<std::net::Ipv6Addr>().is_ok()
                && (port.is_empty()
                    || port
                        .strip_prefix(':')
                        .is_some_and(|p| p.parse::<u16>().is_ok()))
        }
        None if host.contains('[') => false,
        None => match host.split_once(':') {
            None => true,
            Some((_, port)) => port.parse::<u16>().is_ok(),
        },
    };
    (ok && port_ok).then(|| format!("{}://{}", scheme.to_ascii_lowercase(), host))
}

/// `http://` + the listen address, `localhost` for an unspecified one (`0.0.0.0`, `::`).
fn default_public_url(addr: SocketAddr) -> String {
    if addr.ip().is_unspecified() {
        format!("http://localhost:{}", addr.port())
    } else {
        format!("http://{addr}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn cfg(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_are_embedded_sqlite_on_port_3000() {
        let c = cfg(&[]).unwrap();
        assert!(c.is_sqlite());
        assert_eq!(c.addr.to_string(), "127.0.0.1:3000");
        assert!(!c.demo_data);
        assert_eq!(c.secure_cookies, None);
        assert_eq!((c.api_rate_limit, c.feedback_per_hour), (300, 5));
        assert!(c.trusted_proxies.is_empty());
        assert_eq!(c.metrics_token, None);
        assert_eq!(c.public_url, "http://127.0.0.1:3000");
        assert_eq!(
            cfg(&[("DONGNE_API_RATE_LIMIT", "lots")]).unwrap_err().var,
            "DONGNE_API_RATE_LIMIT"
        );
    }

    #[test]
    fn bad_values_name_the_variable() {
        assert_eq!(
            cfg(&[("DONGNE_ADDR", "nowhere")]).unwrap_err().var,
            "DONGNE_ADDR"
        );
        assert_eq!(
            cfg(&[("DATABASE_URL", "mysql://x")]).unwrap_err().var,
            "DATABASE_URL"
        );
        assert_eq!(
            cfg(&[("DONGNE_DEMO_DATA", "maybe")]).unwrap_err().var,
            "DONGNE_DEMO_DATA"
        );
        assert_eq!(
            cfg(&[("DONGNE_DB_MAX_CONNECTIONS", "0")]).unwrap_err().var,
            "DONGNE_DB_MAX_CONNECTIONS"
        );
        assert_eq!(
            cfg(&[("DONGNE_MAP_TILES", "https://tiles.example/{z}/{x}.png")])
                .unwrap_err()
                .var,
            "DONGNE_MAP_TILES"
        );
        assert_eq!(
            cfg(&[("DONGNE_FETCH_ALLOW", "10.0.0.0/8,10.0.0.0/40")])
                .unwrap_err()
                .var,
            "DONGNE_FETCH_ALLOW"
        );
    }

    #[test]
    fn fetch_allow_defaults_to_nothing_internal() {
        assert!(cfg(&[]).unwrap().fetch_allow.is_empty());
        let c = cfg(&[("DONGNE_FETCH_ALLOW", "10.1.0.0/16, intranet.example")]).unwrap();
        assert_eq!(c.fetch_allow.to_string(), "10.1.0.0/16,intranet.example");
    }

    #[test]
    fn proxies_public_url_and_metrics_token() {
        let err = cfg(&[("DONGNE_TRUST_FORWARDED", "true")]).unwrap_err();
        assert_eq!(err.var, "DONGNE_TRUST_FORWARDED");
        assert!(err.message.contains("DONGNE_TRUSTED_PROXIES"), "{err}");
        assert!(cfg(&[("DONGNE_TRUST_FORWARDED", "false")]).is_ok());
        let c = cfg(&[("DONGNE_TRUSTED_PROXIES", "127.0.0.1/32, 10.0.0.0/8 ::1")]).unwrap();
        assert_eq!(c.trusted_proxies.len(), 3);
        assert_eq!(
            cfg(&[("DONGNE_TRUSTED_PROXIES", "10.0.0.0/33")])
                .unwrap_err()
                .var,
            "DONGNE_TRUSTED_PROXIES"
        );
        for (raw, want) in [
            ("https://data.example.kr", "https://data.example.kr"),
            ("https://data.example.kr/", "https://data.example.kr"),
            ("HTTP://data.example.kr:8080", "http://data.example.kr:8080"),
            ("http://[2001:db8::1]:3000", "http://[2001:db8::1]:3000"),
        ] {
            assert_eq!(cfg(&[("DONGNE_PUBLIC_URL", raw)]).unwrap().public_url, want);
        }
        for bad in [
            "data.example.kr",
            "ftp://data.example.kr",
            "https://",
            "https://data.example.kr/portal",
            "https://data.example.kr?x=1",
            "https://data.example.kr#top",
            "https://user@data.example.kr",
            "https://data.example.kr:99999",
            "https://a:1:2",
            "https://[zz]:80",
            "https://a[b",
        ] {
            assert_eq!(
                cfg(&[("DONGNE_PUBLIC_URL", bad)]).unwrap_err().var,
                "DONGNE_PUBLIC_URL",
                "{bad}"
            );
        }
        assert_eq!(
            cfg(&[("DONGNE_ADDR", "0.0.0.0:8080")]).unwrap().public_url,
            "http://localhost:8080"
        );
        assert_eq!(
            cfg(&[("DONGNE_METRICS_TOKEN", "short")]).unwrap_err().var,
            "DONGNE_METRICS_TOKEN"
        );
    }

    #[test]
    fn map_tiles_default_to_openstreetmap_and_can_be_turned_off() {
        assert_eq!(cfg(&[]).unwrap().map_tiles, app::crowd::DEFAULT_MAP_TILES);
        assert_eq!(
            cfg(&[("DONGNE_MAP_TILES", "none")]).unwrap().map_tiles,
            "none"
        );
        let own = "/tiles/{z}/{x}/{y}.png";
        assert_eq!(cfg(&[("DONGNE_MAP_TILES", own)]).unwrap().map_tiles, own);
    }
}

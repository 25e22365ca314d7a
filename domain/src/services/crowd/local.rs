//! Local points: places an administrator adds with their own feed (a counter at a festival
//! gate, a sensor). Each has a push token, shown once (only its SHA-256 is stored); readings are
//! pushed as JSON (one object or an array) or CSV with the columns `observed_at` (optional,
//! RFC 3339; now when missing), `level` (1–4, or 여유/보통/약간 붐빔/붐빔, or
//! relaxed/normal/slightly busy/busy), `population_min` and `population_max`. A body with any bad
//! row stores nothing and names the row and field.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::*;
use sha2::{Digest, Sha256};
use types::crowd::{LocalPointCreated, LocalPointInput};
use types::error::AppError;
use types::model::{CrowdLevel, SessionUser};

use super::citydata::CityReading;
use super::{feed, find_spot};
use crate::db::begin_write;
use crate::entities::hot_spot;
use crate::services::OrInternal;

/// The feed of a local point.
pub const PUSH: &str = "push";
/// Most readings one push may carry.
pub const MAX_ROWS: usize = 1000;

fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn new_token() -> String {
    format!("dnp_{}", hex::encode(rand::random::<[u8; 24]>()))
}

/// Add a local point (administrators): its code and push token.
pub async fn create(
    db: &DatabaseConnection,
    admin: &SessionUser,
    input: &LocalPointInput,
) -> Result<LocalPointCreated, AppError> {
    admin.require_admin()?;
    input.validate()?;
    let code = input.code.trim().to_string();
    let token = new_token();
    let row = hot_spot::ActiveModel {
        code: Set(code.clone()),
        name_ko: Set(input.name_ko.trim().to_string()),
        name_en: Set(input.name_en.trim().to_string()),
        district: Set(super::registry::HOME_DISTRICT.to_string()),
        category: Set("local".into()),
        lat: Set(input.lat),
        lon: Set(input.lon),
        polygon: Set(None),
        is_local: Set(true),
        feed: Set(PUSH.into()),
        push_token_hash: Set(Some(hash(&token))),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    let added = hot_spot::Entity::insert(row)
        .on_conflict(
            OnConflict::column(hot_spot::Column::Code)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await
        .or_internal()?;
    if added == 0 {
        return Err(AppError::validation(
            "code",
            &format!("code: '{code}' 코드는 이미 있습니다."),
            &format!("code: '{code}' is already taken."),
        ));
    }
    Ok(LocalPointCreated { code, token })
}

/// A new push token for a local point (administrators); the old one stops working.
pub async fn rotate_token(
    db: &DatabaseConnection,
    admin: &SessionUser,
    code: &str,
) -> Result<LocalPointCreated, AppError> {
    admin.require_admin()?;
    let spot = find_spot(db, code).await?;
    if spot.feed != PUSH {
        return Err(AppError::validation(
            "code",
            "code: 서울시 자료로 갱신되는 장소에는 토큰이 없습니다.",
            "code: places fed by the city have no push token.",
        ));
    }
    let token = new_token();
    let mut am: hot_spot::ActiveModel = spot.into();
    am.push_token_hash = Set(Some(hash(&token)));
    am.update(db).await.or_internal()?;
    Ok(LocalPointCreated {
        code: code.to_string(),
        token,
    })
}

/// The local point this token pushes to; 401 for a missing or wrong token (the same answer
/// for an unknown place, so tokens cannot be probed per place).
pub async fn authorize(
    db: &DatabaseConnection,
    code: &str,
    token: Option<&str>,
) -> Result<hot_spot::Model, AppError> {
    let token = token
        .filter(|t| !t.is_empty())
        .ok_or(AppError::Unauthenticated)?;
    let spot = hot_spot::Entity::find()
        .filter(hot_spot::Column::Code.eq(code))
        .one(db)
        .await
        .or_internal()?
        .ok_or(AppError::Unauthenticated)?;
    let expected = spot
        .push_token_hash
        .as_deref()
        .ok_or(AppError::Unauthenticated)?;
    // Compare hashes: equal length, and the token itself is never compared byte by byte.
    if spot.feed != PUSH || hash(token) != expected {
        return Err(AppError::Unauthenticated);
    }
    Ok(spot)
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReading {
    #[serde(default)]
    observed_at: Option<String>,
    level: serde_json::Value,
    population_min: serde_json::Value,
    population_max: serde_json::Value,
}

fn bad(at: &str, field: &str, ko: &str, en: &str) -> AppError {
    AppError::validation(
        &format!("{at}.{field}"),
        &format!("{at}: {field}: {ko}"),
        &format!("{at}: {field}: {en}"),
    )
}

fn level_of(v: &serde_json::Value) -> Option<CrowdLevel> {
    match v {
        serde_json::Value::Number(n) => n.as_i64().and_then(|n| CrowdLevel::from_number(n as i16)),
        serde_json::Value::String(s) => {
            let s = s.trim();
            if let Ok(n) = s.parse::<i16>() {
                return CrowdLevel::from_number(n);
            }
            CrowdLevel::from_city_label(s).or(match s.to_ascii_lowercase().as_str() {
                "relaxed" => Some(CrowdLevel::Relaxed),
                "normal" => Some(CrowdLevel::Normal),
                "slightly busy" | "slightlybusy" => Some(CrowdLevel::SlightlyBusy),
                "busy" => Some(CrowdLevel::Busy),
                _ => None,
            })
        }
        _ => None,
    }
}

fn count_of(v: &serde_json::Value) -> Option<i32> {
    match v {
        serde_json::Value::Number(n) => n.as_i64(),
        serde_json::Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    }
    .filter(|n| (0..=10_000_000).contains(n))
    .map(|n| n as i32)
}

fn check(at: &str, raw: RawReading, now: DateTime<Utc>) -> Result<CityReading, AppError> {
    let observed_at = match raw
        .observed_at
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => now,
        Some(s) => DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| {
                bad(
                    at,
                    "observed_at",
                    "RFC 3339 시각이어야 합니다 (예: 2026-11-30T18:05:00+09:00).",
                    "must be an RFC 3339 time, like 2026-11-30T18:05:00+09:00.",
                )
            })?,
    };
    if observed_at > now + Duration::minutes(5) {
        return Err(bad(
            at,
            "observed_at",
            "미래 시각입니다.",
            "is in the future.",
        ));
    }
    if observed_at < now - Duration::days(feed::RAW_RETENTION_DAYS) {
        return Err(bad(
            at,
            "observed_at",
            "7일보다 오래된 측정은 받지 않습니다.",
            "is older than the 7 days raw readings are kept.",
        ));
    }
    let level = level_of(&raw.level).ok_or_else(|| {
        bad(
            at,
            "level",
            "1~4 또는 여유/보통/약간 붐빔/붐빔이어야 합니다.",
            "must be 1–4 or relaxed/normal/slightly busy/busy.",
        )
    })?;
    let count = |field: &str, v: &serde_json::Value| {
        count_of(v).ok_or_else(|| {
            bad(
                at,
                field,
                "0 이상 정수여야 합니다.",
                "must be a whole number, 0 or more.",
            )
        })
    };
    let population_min = count("population_min", &raw.population_min)?;
    let population_max = count("population_max", &raw.population_max)?;
    if population_min > population_max {
        return Err(bad(
            at,
            "population_min",
            "population_max보다 클 수 없습니다.",
            "cannot be more than population_max.",
        ));
    }
    Ok(CityReading {
        area_code: String::new(),
        area_name: String::new(),
        level,
        population_min,
        population_max,
        observed_at,
        message: None,
        forecast: Vec::new(),
    })
}

/// Parse a pushed body (`json` true for JSON, else CSV) into readings, all or none.
pub fn parse(body: &[u8], json: bool, now: DateTime<Utc>) -> Result<Vec<CityReading>, AppError> {
    let text = std::str::from_utf8(body).map_err(|e| {
        AppError::validation(
            "body",
            &format!("본문: UTF-8이 아닙니다 (바이트 {}).", e.valid_up_to()),
            &format!("body: not UTF-8 (at byte {}).", e.valid_up_to()),
        )
    })?;
    let raws: Vec<(String, RawReading)> = if json {
        let v: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            AppError::validation(
                "body",
                &format!("본문: JSON이 아닙니다 ({e})."),
                &format!("body: not JSON ({e})."),
            )
        })?;
        let items = match v {
            serde_json::Value::Array(items) => items,
            other => vec![other],
        };
        if items.len() > MAX_ROWS {
            return Err(too_many());
        }
        items
            .into_iter()
            .enumerate()
            .map(|(i, item)| {
                let at = format!("readings[{i}]");
                serde_json::from_value::<RawReading>(item)
                    .map(|r| (at.clone(), r))
                    .map_err(|e| {
                        AppError::validation(
                            &at,
                            &format!("{at}: 측정값 형식이 아닙니다 ({e})."),
                            &format!("{at}: not a reading ({e})."),
                        )
                    })
            })
            .collect::<Result<_, _>>()?
    } else {
        let mut r = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let headers = r
            .headers()
            .map_err(|e| {
                AppError::validation(
                    "body",
                    &format!("본문: CSV 머리글 오류 ({e})."),
                    &format!("body: bad CSV header ({e})."),
                )
            })?
            .clone();
        for need in ["level", "population_min", "population_max"] {
            if !headers.iter().any(|h| h == need) {
                return Err(AppError::validation(
                    "body",
                    &format!("본문: CSV에 {need} 열이 없습니다."),
                    &format!("body: the CSV has no {need} column."),
                ));
            }
        }
        let mut out = Vec::new();
        for (i, rec) in r.records().enumerate() {
            let at = format!("line {}", i + 2);
            if out.len() >= MAX_ROWS {
                return Err(too_many());
            }
            let rec = rec.map_err(|e| {
                AppError::validation(
                    &at,
                    &format!("{at}: CSV 오류 ({e})."),
                    &format!("{at}: bad CSV ({e})."),
                )
            })?;
            let mut obj = serde_json::Map::new();
            for (h, v) in headers.iter().zip(rec.iter()) {
                if !v.is_empty() {
                    obj.insert(h.to_string(), serde_json::Value::String(v.to_string()));
                }
            }
            for need in ["level", "population_min", "population_max"] {
                obj.entry(need).or_insert(serde_json::Value::Null);
            }
            let raw = serde_json::from_value::<RawReading>(serde_json::Value::Object(obj))
                .map_err(|e| {
                    AppError::validation(&at, &format!("{at}: {e}"), &format!("{at}: {e}"))
                })?;
            out.push((at, raw));
        }
        out
    };
    if raws.is_empty() {
        return Err(AppError::validation(
            "body",
            "본문: 측정값이 없습니다.",
            "body: no readings.",
        ));
    }
    raws.into_iter()
        .map(|(at, raw)| check(&at, raw, now))
        .collect()
}

fn too_many() -> AppError {
    AppError::validation(
        "body",
        &format!("본문: 한 번에 {MAX_ROWS}개까지 보낼 수 있습니다."),
        &format!("body: at most {MAX_ROWS} readings at once."),
    )
}

/// What a push stored.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushReport {
    pub stored: usize,
    /// Not newer than the place's latest reading.
    pub ignored: usize,
}

/// Store pushed readings for a local point, in one transaction (oldest first).
pub async fn store(
    db: &DatabaseConnection,
    spot: &hot_spot::Model,
    mut readings: Vec<CityReading>,
) -> Result<PushReport, AppError> {
    readings.sort_by_key(|r| r.observed_at);
    let txn = begin_write(db).await.or_internal()?;
    let mut report = PushReport::default();
    for r in &readings {
        if feed::store(&txn, spot.id, r, PUSH).await? {
            report.stored += 1;
        } else {
            report.ignored += 1;
        }
    }
    txn.commit().await.or_internal()?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_and_csv_pushes_parse_and_name_bad_rows() {
        let now = Utc::now();
        let one = parse(
            r#"{"level": "붐빔", "population_min": 100, "population_max": 200}"#.as_bytes(),
            true,
            now,
        )
        .unwrap();
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].level, CrowdLevel::Busy);
        assert_eq!(one[0].observed_at, now);
        let csv = "observed_at,level,population_min,population_max\n2026-11-30T18:00:00+09:00,3,10,20\n,busy,5,6\n";
        let rows = parse(
            csv.as_bytes(),
            false,
            "2026-11-30T10:00:00Z".parse().unwrap(),
        )
        .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].level, CrowdLevel::SlightlyBusy);
        assert_eq!(
            rows[0].observed_at,
            "2026-11-30T09:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
        let field = |body: &[u8], json: bool| match parse(body, json, now) {
            Err(AppError::Validation { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            field(br#"[{"level":1,"population_min":1,"population_max":2},{"level":9,"population_min":1,"population_max":2}]"#, true),
            "readings[1].level"
        );
        assert_eq!(
            field(
                br#"{"level":1,"population_min":5,"population_max":2}"#,
                true
            ),
            "readings[0].population_min"
        );
        assert_eq!(
            field(
                br#"{"level":1,"population_min":1,"population_max":2,"extra":1}"#,
                true
            ),
            "readings[0]"
        );
        assert_eq!(
            field(b"level,population_min,population_max\n2,x,3\n", false),
            "line 2.population_min"
        );
        assert_eq!(field(b"level,population_max\n2,3\n", false), "body");
        assert_eq!(field(b"[]", true), "body");
        assert_eq!(field(b"\xff\xfe", true), "body");
        assert_eq!(field(br#"{"observed_at":"2999-01-01T00:00:00Z","level":1,"population_min":1,"population_max":2}"#, true), "readings[0].observed_at");
    }
}

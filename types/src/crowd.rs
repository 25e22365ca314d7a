//! Crowd emergency types shared by the server and the UI: a place's trend and forecast, alert
//! rules and the alerts they raise, emergency mode, and local points that push their own
//! readings. Inputs validate themselves, naming the field that is wrong.

use crate::t;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::i18n::Lang;
use crate::model::{CrowdLevel, HotSpotStatus};

/// One hour of a feed's forecast.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ForecastPoint {
    pub at: DateTime<Utc>,
    pub level: CrowdLevel,
    pub population_min: i32,
    pub population_max: i32,
}

/// One point of a place's history: a raw reading, or an hour folded from several.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrendPoint {
    pub at: DateTime<Utc>,
    /// The level (an hour's average for folded hours).
    pub level: f64,
    pub population_min: i32,
    pub population_max: i32,
}

/// A place with its recent trend and its latest forecast.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SpotDetail {
    pub status: HotSpotStatus,
    pub trend: Vec<TrendPoint>,
    pub forecast: Vec<ForecastPoint>,
}

/// Most hours of history one request may ask for (90 days).
pub const MAX_HISTORY_HOURS: i64 = 24 * 90;
/// Hours of trend the map's side panel shows.
pub const PANEL_TREND_HOURS: i64 = 6;

/// An alert as everyone may see it (the public banner): where, how crowded, since when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlertInfo {
    pub id: i32,
    pub spot_code: String,
    pub spot_name_ko: String,
    pub spot_name_en: String,
    pub level: Option<CrowdLevel>,
    pub population_max: i32,
    pub since: DateTime<Utc>,
    pub raised_at: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
}

impl AlertInfo {
    pub fn spot_name(&self, lang: Lang) -> &str {
        lang.pick(&self.spot_name_ko, &self.spot_name_en)
    }
}

/// Emergency mode: the pinned place and the public safety message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmergencyInfo {
    pub id: i32,
    pub spot_code: Option<String>,
    pub spot_name_ko: Option<String>,
    pub spot_name_en: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub message_ko: String,
    pub message_en: String,
    pub started_at: DateTime<Utc>,
}

impl EmergencyInfo {
    pub fn message(&self, lang: Lang) -> &str {
        lang.pick(&self.message_ko, &self.message_en)
    }
}

/// What every open map shows above the map: open alerts and emergency mode. Pushed to every
/// subscriber as the `alerts` event.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicAlerts {
    pub alerts: Vec<AlertInfo>,
    pub emergency: Option<EmergencyInfo>,
}

/// A staff note on an alert.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlertNote {
    pub author: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// An alert in the staff log: who acknowledged it and the notes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlertLogEntry {
    pub alert: AlertInfo,
    pub rule_id: i32,
    pub acknowledged_by: Option<String>,
    pub notes: Vec<AlertNote>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlertRuleInfo {
    pub id: i32,
    /// `None`: every place.
    pub spot_code: Option<String>,
    pub spot_name_ko: Option<String>,
    pub spot_name_en: Option<String>,
    pub min_level: Option<CrowdLevel>,
    pub min_population: Option<i32>,
    pub for_minutes: i32,
    pub enabled: bool,
}

impl AlertRuleInfo {
    /// "붐빔 이상 10분" / "Busy or worse for 10 min".
    pub fn describe(&self, lang: Lang) -> String {
        let mut parts = Vec::new();
        if let Some(l) = self.min_level {
            parts.push(t!(lang, crowd_rule.level_or_worse, level = l.label(lang)).to_string());
        }
        if let Some(p) = self.min_population {
            parts.push(t!(lang, crowd_rule.population_over, n = p).to_string());
        }
        let cond = parts.join(t!(lang, crowd_rule.or));
        if self.for_minutes == 0 {
            cond
        } else {
            let minutes = self.for_minutes;
            t!(lang, crowd_rule.for_minutes, cond, minutes).to_string()
        }
    }
}

/// A new alert rule. `spot_code` empty or missing: every place. At least one of `min_level`
/// (1–4) and `min_population` is required.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlertRuleInput {
    #[serde(default)]
    pub spot_code: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 4))]
    pub min_level: Option<i16>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub min_population: Option<i32>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1440))]
    pub for_minutes: i32,
}

/// Longest an alert condition may be asked to hold (a day).
pub const MAX_RULE_MINUTES: i32 = 24 * 60;

impl AlertRuleInput {
    pub fn validate(&self) -> Result<(), AppError> {
        if let Some(l) = self.min_level {
            if !(1..=4).contains(&l) {
                return Err(AppError::validation(
                    "min_level",
                    "min_level: 1(여유)부터 4(붐빔)까지입니다.",
                    "min_level: must be 1 (relaxed) to 4 (busy).",
                ));
            }
        }
        if let Some(p) = self.min_population {
            if p < 1 {
                return Err(AppError::validation(
                    "min_population",
                    "min_population: 1 이상이어야 합니다.",
                    "min_population: must be 1 or more.",
                ));
            }
        }
        if self.min_level.is_none() && self.min_population.is_none() {
            return Err(AppError::validation(
                "min_level",
                "min_level: 혼잡도나 인구 기준 중 하나는 있어야 합니다.",
                "min_level: a level or a population threshold is required.",
            ));
        }
        if !(0..=MAX_RULE_MINUTES).contains(&self.for_minutes) {
            return Err(AppError::validation(
                "for_minutes",
                "for_minutes: 0부터 1440(하루)까지입니다.",
                "for_minutes: must be 0 to 1440 (a day).",
            ));
        }
        Ok(())
    }

    /// The place's code, `None` for every place.
    pub fn spot(&self) -> Option<&str> {
        self.spot_code
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }
}

impl AlertRuleInput {
    /// From the administration form's text fields (empty: not set), naming a field that is
    /// not a number.
    pub fn from_form(
        spot_code: &str,
        min_level: &str,
        min_population: &str,
        for_minutes: &str,
    ) -> Result<AlertRuleInput, AppError> {
        fn num<T: std::str::FromStr>(field: &str, v: &str) -> Result<Option<T>, AppError> {
            let v = v.trim();
            if v.is_empty() {
                return Ok(None);
            }
            v.parse::<T>().map(Some).map_err(|_| {
                AppError::validation(
                    field,
                    &format!("{field}: 숫자여야 합니다."),
                    &format!("{field}: must be a number."),
                )
            })
        }
        Ok(AlertRuleInput {
            spot_code: Some(spot_code.trim().to_string()).filter(|s| !s.is_empty()),
            min_level: num("min_level", min_level)?,
            min_population: num("min_population", min_population)?,
            for_minutes: num("for_minutes", for_minutes)?.unwrap_or(0),
        })
    }
}

/// A coordinate typed in a form.
pub fn parse_coordinate(field: &str, v: &str) -> Result<f64, AppError> {
    v.trim().parse::<f64>().map_err(|_| {
        AppError::validation(
            field,
            &format!("{field}: 숫자(예: 37.5445)여야 합니다."),
            &format!("{field}: must be a number like 37.5445."),
        )
    })
}

/// Map tiles unless `DONGNE_MAP_TILES` says otherwise (OpenStreetMap's standard tiles).
pub const DEFAULT_MAP_TILES: &str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";

/// Hours and minutes in Korea Standard Time ("18:05").
pub fn kst_hm(t: DateTime<Utc>) -> String {
    let kst = chrono::FixedOffset::east_opt(9 * 3600).expect("KST");
    t.with_timezone(&kst).format("%H:%M").to_string()
}

/// An approximate outline of Seongdong-gu (lat, lon), traced by hand from landmarks along its
/// borders (the Han River, Jungnangcheon, Cheonggyecheon and Jung-gu): it keeps the map
/// readable when no map tiles load; it is not a survey boundary.
pub const DISTRICT_OUTLINE: &[(f64, f64)] = &[
    (37.5555, 127.0115),
    (37.5640, 127.0225),
    (37.5700, 127.0330),
    (37.5725, 127.0445),
    (37.5700, 127.0560),
    (37.5640, 127.0650),
    (37.5520, 127.0700),
    (37.5400, 127.0680),
    (37.5340, 127.0620),
    (37.5360, 127.0480),
    (37.5380, 127.0350),
    (37.5370, 127.0200),
    (37.5400, 127.0100),
    (37.5470, 127.0060),
];

/// A place code as given in a URL or a call: 1 to 60 bytes.
pub fn check_spot_code(code: &str) -> Result<(), AppError> {
    if code.is_empty() || code.len() > 60 {
        return Err(AppError::validation(
            "code",
            "code: 올바르지 않습니다.",
            "code: not a place code.",
        ));
    }
    Ok(())
}

pub const MAX_NOTE_CHARS: usize = 2000;
pub const MAX_MESSAGE_CHARS: usize = 300;

/// A staff note's text: trimmed, not empty, not too long.
pub fn validate_note(body: &str) -> Result<String, AppError> {
    let body = body.trim();
    if body.is_empty() {
        return Err(AppError::validation(
            "body",
            "body: 메모 내용이 비어 있습니다.",
            "body: the note is empty.",
        ));
    }
    if body.chars().count() > MAX_NOTE_CHARS {
        return Err(AppError::validation(
            "body",
            &format!("body: {MAX_NOTE_CHARS}자 이하여야 합니다."),
            &format!("body: must be at most {MAX_NOTE_CHARS} characters."),
        ));
    }
    Ok(body.to_string())
}

/// Start emergency mode: the place to pin (optional) and the safety message in both languages.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmergencyInput {
    #[serde(default)]
    pub spot_code: Option<String>,
    #[cfg_attr(feature = "openapi", schema(max_length = 300))]
    pub message_ko: String,
    #[cfg_attr(feature = "openapi", schema(max_length = 300))]
    pub message_en: String,
}

impl EmergencyInput {
    pub fn validate(&self) -> Result<(), AppError> {
        for (field, text) in [
            ("message_ko", &self.message_ko),
            ("message_en", &self.message_en),
        ] {
            let n = text.trim().chars().count();
            if n == 0 {
                return Err(AppError::validation(
                    field,
                    &format!("{field}: 안전 안내문이 필요합니다."),
                    &format!("{field}: the safety message is required."),
                ));
            }
            if n > MAX_MESSAGE_CHARS {
                return Err(AppError::validation(
                    field,
                    &format!("{field}: {MAX_MESSAGE_CHARS}자 이하여야 합니다."),
                    &format!("{field}: must be at most {MAX_MESSAGE_CHARS} characters."),
                ));
            }
        }
        Ok(())
    }

    pub fn spot(&self) -> Option<&str> {
        self.spot_code
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }
}

/// A local point an administrator adds, with its own feed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LocalPointInput {
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z0-9_-]{1,40}$"))]
    pub code: String,
    pub name_ko: String,
    pub name_en: String,
    pub lat: f64,
    pub lon: f64,
}

impl LocalPointInput {
    pub fn validate(&self) -> Result<(), AppError> {
        let code = self.code.trim();
        if code.is_empty()
            || code.len() > 40
            || !code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(AppError::validation(
                "code",
                "code: 영문, 숫자, -, _ 로 된 40자 이하 코드여야 합니다.",
                "code: must be 1–40 letters, digits, - or _.",
            ));
        }
        if code.to_ascii_uppercase().starts_with("POI") {
            return Err(AppError::validation(
                "code",
                "code: POI로 시작하는 코드는 서울시 장소용입니다.",
                "code: codes starting with POI belong to the city's places.",
            ));
        }
        for (field, v) in [("name_ko", &self.name_ko), ("name_en", &self.name_en)] {
            let n = v.trim().chars().count();
            if n == 0 || n > 100 {
                return Err(AppError::validation(
                    field,
                    &format!("{field}: 1~100자여야 합니다."),
                    &format!("{field}: must be 1–100 characters."),
                ));
            }
        }
        // Seoul and its surroundings.
        if !(self.lat.is_finite() && (36.5..=38.5).contains(&self.lat)) {
            return Err(AppError::validation(
                "lat",
                "lat: 서울 부근의 위도(36.5~38.5)여야 합니다.",
                "lat: must be a latitude near Seoul (36.5–38.5).",
            ));
        }
        if !(self.lon.is_finite() && (126.0..=128.0).contains(&self.lon)) {
            return Err(AppError::validation(
                "lon",
                "lon: 서울 부근의 경도(126~128)여야 합니다.",
                "lon: must be a longitude near Seoul (126–128).",
            ));
        }
        Ok(())
    }
}

/// A new local point and its push token (shown once; only its hash is stored).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LocalPointCreated {
    pub code: String,
    pub token: String,
}

/// Everything the crowd administration page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrowdAdmin {
    pub rules: Vec<AlertRuleInfo>,
    /// Open alerts first, then the most recent.
    pub alerts: Vec<AlertLogEntry>,
    pub emergency: Option<EmergencyInfo>,
    /// Every place: (code, Korean name, English name, feed).
    pub spots: Vec<(String, String, String, String)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_input_names_what_is_wrong() {
        let ok = AlertRuleInput {
            spot_code: Some("POI068".into()),
            min_level: Some(3),
            min_population: None,
            for_minutes: 10,
        };
        assert!(ok.validate().is_ok());
        let field = |i: AlertRuleInput| match i.validate() {
            Err(AppError::Validation { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            field(AlertRuleInput {
                min_level: Some(5),
                ..ok.clone()
            }),
            "min_level"
        );
        assert_eq!(
            field(AlertRuleInput {
                min_level: None,
                min_population: Some(0),
                ..ok.clone()
            }),
            "min_population"
        );
        assert_eq!(
            field(AlertRuleInput {
                min_level: None,
                ..ok.clone()
            }),
            "min_level"
        );
        assert_eq!(
            field(AlertRuleInput {
                for_minutes: -1,
                ..ok.clone()
            }),
            "for_minutes"
        );
        assert_eq!(
            AlertRuleInput {
                spot_code: Some(" ".into()),
                ..ok
            }
            .spot(),
            None
        );
    }

    #[test]
    fn local_points_and_messages_are_checked() {
        let p = LocalPointInput {
            code: "seongsu-festival".into(),
            name_ko: "성수 축제장".into(),
            name_en: "Seongsu festival".into(),
            lat: 37.544,
            lon: 127.055,
        };
        assert!(p.validate().is_ok());
        assert!(LocalPointInput {
            code: "POI001".into(),
            ..p.clone()
        }
        .validate()
        .is_err());
        assert!(LocalPointInput {
            code: "a b".into(),
            ..p.clone()
        }
        .validate()
        .is_err());
        assert!(LocalPointInput {
            lat: f64::NAN,
            ..p.clone()
        }
        .validate()
        .is_err());
        assert!(LocalPointInput { lon: 0.0, ..p }.validate().is_err());
        let e = EmergencyInput {
            spot_code: None,
            message_ko: "대피".into(),
            message_en: " ".into(),
        };
        assert!(
            matches!(e.validate(), Err(AppError::Validation { field, .. }) if field == "message_en")
        );
        assert!(validate_note("  ").is_err());
        assert_eq!(validate_note(" ok ").unwrap(), "ok");
    }

    #[test]
    fn rules_describe_themselves() {
        let r = AlertRuleInfo {
            id: 1,
            spot_code: None,
            spot_name_ko: None,
            spot_name_en: None,
            min_level: Some(CrowdLevel::SlightlyBusy),
            min_population: Some(5000),
            for_minutes: 10,
            enabled: true,
        };
        assert_eq!(
            r.describe(Lang::En),
            "Slightly busy or worse or population over 5000, 10 min"
        );
    }
}

//! Data shared by server and browser (DTOs). SeaORM entities stay in the server crate and are
//! converted into these there.

use crate::t;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::i18n::Lang;

macro_rules! coded_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:literal, $group:ident . $key:ident;)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code stored in the database and used in URLs.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn parse(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }

            pub fn label(self, lang: Lang) -> &'static str {
                match self { $($name::$variant => $crate::t!(lang, $group.$key)),+ }
            }
        }
    };
}
pub(crate) use coded_enum;

coded_enum!(
    /// What a staff member may do. Admins do everything; see `SessionUser::can_*`.
    Role {
        Admin = "admin", role.admin;
        Steward = "steward", role.steward;
        Editor = "editor", role.editor;
        Viewer = "viewer", role.viewer;
    }
);

coded_enum!(
    Visibility {
        Public = "public", visibility.public;
        Internal = "internal", visibility.internal;
    }
);

coded_enum!(
    Status {
        Draft = "draft", status.draft;
        Published = "published", status.published;
        Archived = "archived", status.archived;
    }
);

coded_enum!(
    UpdateCycle {
        RealTime = "realtime", update_cycle.real_time;
        Daily = "daily", update_cycle.daily;
        Weekly = "weekly", update_cycle.weekly;
        Monthly = "monthly", update_cycle.monthly;
        Quarterly = "quarterly", update_cycle.quarterly;
        Yearly = "yearly", update_cycle.yearly;
        Irregular = "irregular", update_cycle.irregular;
    }
);

impl UpdateCycle {
    /// Days until the next update is due, or `None` when the cycle has no due date.
    pub fn period_days(self) -> Option<i64> {
        match self {
            UpdateCycle::RealTime | UpdateCycle::Daily => Some(1),
            UpdateCycle::Weekly => Some(7),
            UpdateCycle::Monthly => Some(31),
            UpdateCycle::Quarterly => Some(92),
            UpdateCycle::Yearly => Some(366),
            UpdateCycle::Irregular => None,
        }
    }

    /// When data last refreshed on `last` is next due (none without a cycle or a date).
    pub fn next_due(self, last: Option<NaiveDate>) -> Option<NaiveDate> {
        Some(last? + chrono::Duration::days(self.period_days()?))
    }
}

/// Crowd congestion as published by the city (1 = 여유 … 4 = 붐빔).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum CrowdLevel {
    Relaxed = 1,
    Normal = 2,
    SlightlyBusy = 3,
    Busy = 4,
}

impl CrowdLevel {
    pub fn from_number(n: i16) -> Option<Self> {
        match n {
            1 => Some(CrowdLevel::Relaxed),
            2 => Some(CrowdLevel::Normal),
            3 => Some(CrowdLevel::SlightlyBusy),
            4 => Some(CrowdLevel::Busy),
            _ => None,
        }
    }

    /// The city's Korean label, as in the `citydata_ppltn` feed.
    pub fn from_city_label(s: &str) -> Option<Self> {
        match s.trim() {
            "여유" => Some(CrowdLevel::Relaxed),
            "보통" => Some(CrowdLevel::Normal),
            "약간 붐빔" => Some(CrowdLevel::SlightlyBusy),
            "붐빔" => Some(CrowdLevel::Busy),
            _ => None,
        }
    }

    pub fn number(self) -> i16 {
        self as i16
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            CrowdLevel::Relaxed => t!(lang, crowd_level.relaxed),
            CrowdLevel::Normal => t!(lang, crowd_level.normal),
            CrowdLevel::SlightlyBusy => t!(lang, crowd_level.slightly_busy),
            CrowdLevel::Busy => t!(lang, crowd_level.busy),
        }
    }

    /// CSS class carrying the colour-blind-safe colour and the shape cue.
    pub fn css_class(self) -> &'static str {
        match self {
            CrowdLevel::Relaxed => "lvl lvl-1",
            CrowdLevel::Normal => "lvl lvl-2",
            CrowdLevel::SlightlyBusy => "lvl lvl-3",
            CrowdLevel::Busy => "lvl lvl-4",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DepartmentRef {
    pub id: i32,
    pub code: String,
    pub name_ko: String,
    pub name_en: String,
}

impl DepartmentRef {
    pub fn name(&self, lang: Lang) -> &str {
        lang.pick(&self.name_ko, &self.name_en)
    }
}

/// The signed-in user, as the UI and permission checks see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionUser {
    pub id: i32,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub department: Option<DepartmentRef>,
}

impl SessionUser {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    pub fn require_admin(&self) -> Result<(), AppError> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    pub fn department_id(&self) -> Option<i32> {
        self.department.as_ref().map(|d| d.id)
    }

    /// Admins edit everything; stewards their department's datasets; editors their
    /// department's drafts. Everyone else proposes changes instead.
    pub fn can_edit(&self, owner_department_id: i32, status: Status) -> bool {
        let own = self.department_id() == Some(owner_department_id);
        match self.role {
            Role::Admin => true,
            Role::Steward => own,
            Role::Editor => own && status == Status::Draft,
            Role::Viewer => false,
        }
    }

    /// Writing at all (importing, say): editors, stewards and admins; viewers only read.
    pub fn require_writer(&self) -> Result<(), AppError> {
        match self.role {
            Role::Viewer => Err(AppError::Forbidden),
            _ => Ok(()),
        }
    }

    /// Changing a dataset's status (publishing, archiving): admins, and stewards of its department.
    pub fn can_publish(&self, owner_department_id: i32) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Steward => self.department_id() == Some(owner_department_id),
            Role::Editor | Role::Viewer => false,
        }
    }
}

/// Who is reading: decides which datasets exist for them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Viewer {
    /// Residents and the public portal: published public datasets only.
    Public,
    Staff(SessionUser),
}

impl Viewer {
    pub fn from_user(user: Option<SessionUser>) -> Self {
        user.map(Viewer::Staff).unwrap_or(Viewer::Public)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TermRef {
    pub scheme: String,
    pub code: String,
    pub label_ko: String,
    pub label_en: String,
}

impl TermRef {
    pub fn label(&self, lang: Lang) -> &str {
        lang.pick(&self.label_ko, &self.label_en)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermCount {
    pub term: TermRef,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DatasetSummary {
    pub id: i32,
    pub slug: String,
    pub title_ko: String,
    pub title_en: String,
    pub summary_ko: String,
    pub summary_en: String,
    pub department: DepartmentRef,
    pub source_institution: String,
    pub visibility: Visibility,
    pub status: Status,
    pub update_cycle: UpdateCycle,
    pub updated_at: DateTime<Utc>,
    pub themes: Vec<TermRef>,
}

impl DatasetSummary {
    pub fn title(&self, lang: Lang) -> &str {
        lang.pick(&self.title_ko, &self.title_en)
    }
    pub fn summary(&self, lang: Lang) -> &str {
        lang.pick(&self.summary_ko, &self.summary_en)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Distribution {
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub title: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::codes::distribution_kind))]
    pub kind: String,
    #[cfg_attr(feature = "openapi", schema(max_length = 20))]
    pub format: String,
    #[cfg_attr(feature = "openapi", schema(format = "uri", pattern = "^https?://"))]
    pub url: String,
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub size_bytes: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DataColumn {
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::codes::column_type))]
    pub data_type: String,
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub description: Option<String>,
    #[cfg_attr(feature = "openapi", schema(max_length = 50))]
    pub unit: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevisionSummary {
    pub version: i32,
    pub author: Option<String>,
    pub created_at: DateTime<Utc>,
    pub message: String,
    pub changed_fields: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DatasetDetail {
    pub summary: DatasetSummary,
    pub description_ko: String,
    pub description_en: String,
    pub license: String,
    pub last_updated: Option<NaiveDate>,
    pub next_due: Option<NaiveDate>,
    pub keywords: Vec<String>,
    pub spatial_coverage: Option<String>,
    pub temporal_start: Option<NaiveDate>,
    pub temporal_end: Option<NaiveDate>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub terms: Vec<TermRef>,
    pub distributions: Vec<Distribution>,
    pub columns: Vec<DataColumn>,
    /// The latest revisions with authors and messages: staff only (empty for anonymous readers).
    pub revisions: Vec<RevisionSummary>,
    pub revision_count: u64,
    /// Whether the current reader may edit it (computed on the server).
    pub can_edit: bool,
    /// The newest profile of each distribution whose data file was profiled.
    #[serde(default)]
    pub profiles: Vec<crate::profiling::DistributionProfile>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemeInfo {
    pub code: String,
    pub name_ko: String,
    pub name_en: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HomeData {
    pub dataset_count: u64,
    pub department_count: u64,
    pub recent: Vec<DatasetSummary>,
    /// The most viewed public datasets over the last 30 days, with their view counts.
    pub popular: Vec<(DatasetSummary, u64)>,
    pub themes: Vec<TermCount>,
    pub crowd: Vec<HotSpotStatus>,
}

/// The places to show: the district's own (or all), filtered by name, most crowded first
/// (stale or missing readings after every live one).
pub fn select_spots(
    mut spots: Vec<HotSpotStatus>,
    all: bool,
    q: &str,
    now: DateTime<Utc>,
) -> Vec<HotSpotStatus> {
    let q = q.trim().to_lowercase();
    spots.retain(|h| {
        (all || h.is_local)
            && (q.is_empty()
                || h.name_ko.to_lowercase().contains(&q)
                || h.name_en.to_lowercase().contains(&q))
    });
    sort_spots(&mut spots, now);
    spots
}

/// Most crowded first; stale or missing readings after every live one; then by name.
pub fn sort_spots(spots: &mut [HotSpotStatus], now: DateTime<Utc>) {
    spots.sort_by(|a, b| {
        let key = |h: &HotSpotStatus| (h.is_stale(now), std::cmp::Reverse(h.level));
        key(a).cmp(&key(b)).then_with(|| a.name_ko.cmp(&b.name_ko))
    });
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HotSpotStatus {
    pub code: String,
    pub name_ko: String,
    pub name_en: String,
    pub district: String,
    pub is_local: bool,
    pub lat: f64,
    pub lon: f64,
    pub level: Option<CrowdLevel>,
    pub population_min: Option<i32>,
    pub population_max: Option<i32>,
    pub observed_at: Option<DateTime<Utc>>,
    pub source: Option<String>,
}

impl HotSpotStatus {
    pub fn name(&self, lang: Lang) -> &str {
        lang.pick(&self.name_ko, &self.name_en)
    }

    /// Readings older than this are stale and never shown as live.
    pub const STALE_AFTER_MINUTES: i64 = 20;

    pub fn is_stale(&self, now: DateTime<Utc>) -> bool {
        match self.observed_at {
            Some(t) => (now - t).num_minutes() > Self::STALE_AFTER_MINUTES,
            None => true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepartmentOverview {
    pub department: DepartmentRef,
    pub user_count: u64,
    pub dataset_count: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub department: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminOverview {
    pub departments: Vec<DepartmentOverview>,
    pub users: Vec<UserRow>,
    pub schemes: Vec<(SchemeInfo, u64)>,
}

/// Login form input, validated identically in the browser and on the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginInput {
    pub username: String,
    pub password: String,
}

impl LoginInput {
    pub fn validate(&self) -> Result<(), AppError> {
        let u = self.username.trim();
        if u.is_empty() {
            return Err(AppError::validation(
                "username",
                "아이디를 입력하세요.",
                "Enter your username.",
            ));
        }
        if u.len() > 64 {
            return Err(AppError::validation(
                "username",
                "아이디가 너무 깁니다.",
                "The username is too long.",
            ));
        }
        if self.password.is_empty() {
            return Err(AppError::validation(
                "password",
                "비밀번호를 입력하세요.",
                "Enter your password.",
            ));
        }
        if self.password.len() > 1024 {
            return Err(AppError::validation(
                "password",
                "비밀번호가 너무 깁니다.",
                "The password is too long.",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for c in UpdateCycle::ALL {
            assert_eq!(UpdateCycle::parse(c.code()), Some(*c));
        }
        assert_eq!(
            CrowdLevel::from_city_label("약간 붐빔"),
            Some(CrowdLevel::SlightlyBusy)
        );
        assert_eq!(CrowdLevel::from_number(5), None);
    }

    #[test]
    fn editors_edit_only_their_department() {
        let dept = DepartmentRef {
            id: 3,
            code: "parks".into(),
            name_ko: "공원녹지과".into(),
            name_en: "Parks".into(),
        };
        let mut u = SessionUser {
            id: 1,
            username: "e".into(),
            display_name: "E".into(),
            role: Role::Editor,
            department: Some(dept),
        };
        assert!(u.can_edit(3, Status::Draft));
        assert!(
            !u.can_edit(3, Status::Published),
            "editors edit drafts only"
        );
        assert!(!u.can_edit(4, Status::Draft));
        assert!(!u.can_publish(3));
        u.role = Role::Steward;
        assert!(u.can_edit(3, Status::Published) && u.can_publish(3));
        assert!(!u.can_edit(4, Status::Published) && !u.can_publish(4));
        u.role = Role::Viewer;
        assert!(!u.can_edit(3, Status::Draft));
        u.role = Role::Admin;
        assert!(u.can_edit(4, Status::Published) && u.can_publish(4));
    }
}

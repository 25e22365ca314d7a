//! Background jobs (imports, harvests, data profiling) as the UI and the API see them, and the
//! harvest sources administrators configure.

use crate::t;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::editing::FieldError;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::model::{coded_enum, DepartmentRef};
pub use crate::profiling::ColumnProfile;
pub use crate::profiling::DistributionProfile;
use crate::profiling::Profile;
use crate::transfer::ImportReport;

coded_enum!(
    JobKind {
        Import = "import", job_kind.import;
        Harvest = "harvest", job_kind.harvest;
        Profile = "profile", job_kind.profile;
    }
);

coded_enum!(
    JobStatus {
        Queued = "queued", job_status.queued;
        Running = "running", job_status.running;
        Succeeded = "succeeded", job_status.succeeded;
        Failed = "failed", job_status.failed;
    }
);

impl JobStatus {
    pub fn finished(self) -> bool {
        matches!(self, JobStatus::Succeeded | JobStatus::Failed)
    }
}

/// What a finished job produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum JobOutcome {
    Import(ImportReport),
    Harvest(HarvestReport),
    Profile(ProfileOutcome),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProfileOutcome {
    pub dataset_slug: String,
    pub url: String,
    pub file_name: String,
    pub profile: Profile,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JobInfo {
    pub id: i32,
    pub kind: JobKind,
    pub status: JobStatus,
    /// One line saying what the job works on (a file name, a source, a dataset).
    pub subject: String,
    pub created_by: Option<String>,
    pub progress_done: i64,
    pub progress_total: i64,
    pub progress_note: String,
    pub attempts: i32,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub outcome: Option<JobOutcome>,
    pub error: Option<AppError>,
}

impl JobInfo {
    /// Progress in percent, when the total is known.
    pub fn percent(&self) -> Option<u8> {
        if self.status == JobStatus::Succeeded {
            return Some(100);
        }
        (self.progress_total > 0).then(|| {
            ((self.progress_done.clamp(0, self.progress_total) * 100) / self.progress_total) as u8
        })
    }
}

coded_enum!(
    HarvestKind {
        Ckan = "ckan", harvest_kind.ckan;
        Dcat = "dcat", harvest_kind.dcat;
        Sheet = "sheet", harvest_kind.sheet;
    }
);

coded_enum!(
    HarvestAction {
        Created = "created", harvest_action.created;
        Updated = "updated", harvest_action.updated;
        Unchanged = "unchanged", harvest_action.unchanged;
        Archived = "archived", harvest_action.archived;
    }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HarvestRecord {
    /// The record's identifier at the source.
    pub key: String,
    pub slug: String,
    pub action: HarvestAction,
    pub changed_fields: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HarvestFailure {
    pub key: Option<String>,
    pub reason: String,
}

/// A harvest run's report: what happened to every record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HarvestReport {
    pub source_id: i32,
    pub source_name: String,
    pub fetched: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub archived: usize,
    pub records: Vec<HarvestRecord>,
    pub failed: Vec<HarvestFailure>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HarvestSourceInfo {
    pub id: i32,
    pub name: String,
    pub kind: HarvestKind,
    pub url: String,
    pub department: DepartmentRef,
    pub source_institution: String,
    pub default_terms: Vec<String>,
    pub visibility: String,
    pub interval_minutes: Option<i32>,
    pub enabled: bool,
    pub next_run_at: Option<DateTime<Utc>>,
    pub datasets: u64,
    pub last_job: Option<JobInfo>,
}

/// Create (no id) or change a harvest source.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct HarvestSourceInput {
    #[serde(default)]
    pub id: Option<i32>,
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = HarvestKind))]
    pub kind: String,
    #[cfg_attr(feature = "openapi", schema(format = "uri"))]
    pub url: String,
    /// The department code the harvested datasets belong to.
    pub department: String,
    pub source_institution: String,
    /// `scheme:code` terms every harvested dataset gets.
    #[serde(default)]
    pub default_terms: Vec<String>,
    /// `public` or `internal`: what new datasets from the source start as.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::model::Visibility))]
    pub visibility: String,
    /// Run every this many minutes (none: on demand only).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 5))]
    pub interval_minutes: Option<i32>,
    pub enabled: bool,
}

/// The admin page's source form as the browser sends it: terms separated by commas or spaces,
/// the interval as text (empty: on demand only), `enabled` present when ticked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HarvestSourceForm {
    pub id: Option<i32>,
    pub name: String,
    pub kind: String,
    pub url: String,
    pub department: String,
    pub source_institution: String,
    pub default_terms: String,
    pub visibility: String,
    pub interval_minutes: String,
    pub enabled: Option<String>,
}

impl HarvestSourceForm {
    /// The input it stands for; a non-number interval is an error on that field.
    pub fn into_input(self) -> Result<HarvestSourceInput, AppError> {
        let interval = self.interval_minutes.trim();
        let interval_minutes = if interval.is_empty() {
            None
        } else {
            Some(interval.parse::<i32>().map_err(|_| {
                AppError::validation(
                    "interval_minutes",
                    "주기: 분 단위 숫자를 입력하세요 (비우면 수동 실행만).",
                    "interval_minutes: a number of minutes (empty: on demand only).",
                )
            })?)
        };
        Ok(HarvestSourceInput {
            id: self.id,
            name: self.name.trim().to_string(),
            kind: self.kind.trim().to_string(),
            url: self.url.trim().to_string(),
            department: self.department.trim().to_string(),
            source_institution: self.source_institution.trim().to_string(),
            default_terms: self
                .default_terms
                .split(|c: char| c == ',' || c.is_whitespace())
                .filter(|t| !t.is_empty())
                .map(String::from)
                .collect(),
            visibility: self.visibility.trim().to_string(),
            interval_minutes,
            enabled: self.enabled.is_some(),
        })
    }
}

/// The shortest schedule a source may have.
pub const MIN_INTERVAL_MINUTES: i32 = 5;

impl HarvestSourceInput {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut e = Vec::new();
        let n = self.name.trim().chars().count();
        if n == 0 || n > 100 || self.name.chars().any(char::is_control) {
            e.push(FieldError::new(
                "name",
                "이름: 1~100자 한 줄로 입력하세요.",
                "name: one line of 1 to 100 characters.",
            ));
        }
        if HarvestKind::parse(&self.kind).is_none() {
            e.push(FieldError::new(
                "kind",
                "종류: ckan, dcat, sheet 중 하나",
                "kind: one of ckan, dcat, sheet.",
            ));
        }
        let url = self.url.trim();
        if !(url.starts_with("http://") || url.starts_with("https://"))
            || url.len() > 2000
            || url.contains(char::is_whitespace)
        {
            e.push(FieldError::new(
                "url",
                "URL: http:// 또는 https:// 로 시작하는 주소",
                "url: an address starting with http:// or https://.",
            ));
        }
        if self.department.trim().is_empty() {
            e.push(FieldError::new(
                "department",
                "담당 부서를 고르세요.",
                "department: choose the department the datasets belong to.",
            ));
        }
        let n = self.source_institution.trim().chars().count();
        if n == 0 || n > 100 {
            e.push(FieldError::new(
                "source_institution",
                "제공 기관: 1~100자",
                "source_institution: 1 to 100 characters.",
            ));
        }
        for (i, t) in self.default_terms.iter().enumerate() {
            if !t.contains(':') || t.len() > 100 {
                e.push(FieldError::new(
                    &format!("default_terms[{i}]"),
                    format!("분류 {}: 'scheme:code' 형식", i + 1),
                    format!("default_terms[{i}]: 'scheme:code', say theme:environment."),
                ));
            }
        }
        if !matches!(self.visibility.as_str(), "public" | "internal") {
            e.push(FieldError::new(
                "visibility",
                "공개 범위: public 또는 internal",
                "visibility: public or internal.",
            ));
        }
        if let Some(m) = self.interval_minutes {
            if !(MIN_INTERVAL_MINUTES..=60 * 24 * 31).contains(&m) {
                e.push(FieldError::new(
                    "interval_minutes",
                    format!("주기: {MIN_INTERVAL_MINUTES}분 ~ 31일"),
                    format!("interval_minutes: from {MIN_INTERVAL_MINUTES} minutes to 31 days."),
                ));
            }
        }
        e
    }
}

impl Profile {
    /// The data dictionary the profile proposes: one entry per column, its inferred type, and a
    /// description saying what the data showed (the editor accepts or edits it).
    pub fn proposed_columns(&self) -> Vec<crate::model::DataColumn> {
        self.columns
            .iter()
            .take(crate::editing::MAX_COLUMNS)
            .map(|c| {
                let range = match (&c.min, &c.max) {
                    (Some(a), Some(b)) if a != b && c.data_type != "text" => {
                        format!(", {a} ~ {b}")
                    }
                    _ => String::new(),
                };
                crate::model::DataColumn {
                    name: c.name.chars().take(100).collect(),
                    data_type: c.data_type.clone(),
                    description: Some(format!(
                        "{}{range}, 빈 값 {:.0}%",
                        if c.data_type == "geometry" {
                            "공간 정보"
                        } else {
                            "값"
                        },
                        c.null_ratio * 100.0
                    )),
                    unit: None,
                }
            })
            .collect()
    }
}

/// "3 min ago"-style age of a time, for job and source lists.
pub fn age(t: DateTime<Utc>, now: DateTime<Utc>, lang: Lang) -> String {
    let s = (now - t).num_seconds().max(0);
    match s {
        0..=59 => t!(lang, time.just_now).to_string(),
        60..=3599 => t!(lang, time.minutes_ago, n = s / 60).to_string(),
        3600..=86_399 => t!(lang, time.hours_ago, n = s / 3600).to_string(),
        _ => t!(lang, time.days_ago, n = s / 86_400).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_input_names_each_problem() {
        let bad = HarvestSourceInput {
            kind: "ftp".into(),
            url: "ftp://x".into(),
            visibility: "secret".into(),
            default_terms: vec!["nocolon".into()],
            interval_minutes: Some(1),
            ..Default::default()
        };
        let fields: Vec<_> = bad.validate().into_iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "name",
                "kind",
                "url",
                "department",
                "source_institution",
                "default_terms[0]",
                "visibility",
                "interval_minutes"
            ]
        );
        let good = HarvestSourceInput {
            name: "서울 열린데이터광장".into(),
            kind: "ckan".into(),
            url: "https://data.seoul.go.kr/".into(),
            department: "it".into(),
            source_institution: "서울특별시".into(),
            default_terms: vec!["theme:environment".into()],
            visibility: "public".into(),
            interval_minutes: Some(60),
            enabled: true,
            id: None,
        };
        assert!(good.validate().is_empty());
    }

    #[test]
    fn source_form_fields() {
        let f = |terms: &str, interval: &str| {
            HarvestSourceForm {
                id: Some(3),
                name: " 열린데이터광장 ".into(),
                kind: "ckan".into(),
                url: "https://data.example/".into(),
                department: "it".into(),
                source_institution: "서울특별시".into(),
                default_terms: terms.into(),
                visibility: "public".into(),
                interval_minutes: interval.into(),
                enabled: Some("on".into()),
            }
            .into_input()
        };
        let ok = f("theme:environment, region:seongsu1 ,", " 60 ").unwrap();
        assert_eq!(ok.name, "열린데이터광장");
        assert_eq!(ok.default_terms, ["theme:environment", "region:seongsu1"]);
        assert_eq!(ok.interval_minutes, Some(60));
        assert_eq!(ok.id, Some(3));
        assert_eq!(f("", "").unwrap().interval_minutes, None);
        match f("", "hourly") {
            Err(AppError::Validation { field, .. }) => assert_eq!(field, "interval_minutes"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn percent_is_bounded() {
        let mut j = JobInfo {
            id: 1,
            kind: JobKind::Import,
            status: JobStatus::Running,
            subject: String::new(),
            created_by: None,
            progress_done: 150,
            progress_total: 100,
            progress_note: String::new(),
            attempts: 1,
            created_at: Utc::now(),
            started_at: None,
            finished_at: None,
            outcome: None,
            error: None,
        };
        assert_eq!(j.percent(), Some(100));
        j.progress_total = 0;
        assert_eq!(j.percent(), None);
        j.status = JobStatus::Succeeded;
        assert_eq!(j.percent(), Some(100));
    }
}

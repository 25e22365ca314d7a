//! Data profile DTOs shared by the server (profiling engine) and the UI (data dictionary
//! proposal, preview table and map preview). Pure data: compiles to wasm too.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The profile of one data file attached to a dataset distribution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Profile {
    /// `"csv"`, `"xlsx"` or `"geojson"`.
    pub format: String,
    /// `"UTF-8"` or `"EUC-KR"` for CSV, `None` otherwise.
    pub encoding: Option<String>,
    /// Data rows (features for GeoJSON), header excluded.
    pub rows: u64,
    pub columns: Vec<ColumnProfile>,
    /// First 20 rows as text, in column order (null → "").
    pub preview: Vec<Vec<String>>,
    pub lat_column: Option<String>,
    pub lon_column: Option<String>,
    /// Up to 1000 `[lat, lon]` points (sampled), valid coordinates only.
    pub points: Vec<[f64; 2]>,
    /// `[[min_lat, min_lon], [max_lat, max_lon]]` over all valid points.
    pub bounds: Option<[[f64; 2]; 2]>,
    pub warnings: Vec<String>,
}

/// The profile of one column; proposes one data dictionary entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ColumnProfile {
    pub name: String,
    /// One of: text, integer, number, date, datetime, time, boolean, geometry.
    pub data_type: String,
    pub non_null: u64,
    pub nulls: u64,
    /// `nulls / rows` (0.0 when there are no rows).
    pub null_ratio: f64,
    pub min: Option<String>,
    pub max: Option<String>,
    /// HyperLogLog estimate of the number of distinct non-null values.
    pub distinct_estimate: u64,
    /// Up to 5 distinct non-null values, first seen.
    pub samples: Vec<String>,
}

/// The newest profile of one distribution's data file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DistributionProfile {
    pub id: i32,
    pub url: String,
    pub file_name: String,
    pub created_at: DateTime<Utc>,
    pub profile: Profile,
}

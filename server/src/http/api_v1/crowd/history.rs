//! `GET /api/v1/crowd/spots/{code}/history?hours=N&format=json|csv` (public): a place's
//! readings over the last N hours (default 24), raw for the last seven days and hourly before,
//! oldest first; with `format=csv` as a CSV file. `GET /api/v1/crowd/spots/{code}` is the place
//! with its six-hour trend and forecast.

use app::crowd::{check_spot_code, SpotDetail};
use app::error::AppError;
use app::search::parse_query_string;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::super::schema::error::*;
use super::super::schema::JsonOrCsv;
use super::super::{no_params, unknown_param};
use crate::http::{ApiError, AppState};
use app::crowd::TrendPoint;
use domain::ops;

#[utoipa::path(
    get,
    path = "/api/v1/crowd/spots/{code}",
    operation_id = "crowdSpot",
    tag = "crowd",
    summary = "One place: its status, six-hour trend and the forecast ahead (public)",
    params(
        ("code" = String, Path, description = "The place's code."),
    ),
    responses(
        (status = 200, description = "The place.", body = SpotDetail),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
    )
)]
pub async fn spot(
    State(state): State<AppState>,
    Path(code): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<SpotDetail>, ApiError> {
    check_spot_code(&code)?;
    no_params(raw)?;
    Ok(Json(ops::crowd::spot(&state.services, &code).await?))
}

#[utoipa::path(
    get,
    path = "/api/v1/crowd/spots/{code}/history",
    operation_id = "crowdHistory",
    tag = "crowd",
    summary = "A place's readings over the last hours, oldest first: raw for seven days, hourly before (public)",
    params(
        ("code" = String, Path, description = "The place's code."),
        ("hours" = Option<i64>, Query, minimum = 1, maximum = 2160, description = "How many hours back (default 24)."),
        ("format" = inline(Option<JsonOrCsv>), Query, description = "json (the default) or csv."),
    ),
    responses(
        (status = 200, description = "The readings, or as CSV.", content((Vec<TrendPoint> = "application/json"), (String = "text/csv"))),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
    )
)]
pub async fn history(
    State(state): State<AppState>,
    Path(code): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    check_spot_code(&code)?;
    let mut hours = 24;
    let mut csv = false;
    for (k, v) in parse_query_string(raw.as_deref().unwrap_or("")) {
        match k.as_str() {
            "hours" => {
                hours = v.parse::<i64>().map_err(|_| {
                    AppError::validation(
                        "hours",
                        "hours: 시간 수(정수)여야 합니다.",
                        "hours: must be a whole number of hours.",
                    )
                })?
            }
            "format" => {
                csv = match v.as_str() {
                    "json" => false,
                    "csv" => true,
                    _ => {
                        return Err(AppError::validation(
                            "format",
                            "format: json 또는 csv",
                            "format: must be json or csv.",
                        )
                        .into())
                    }
                }
            }
            other => return Err(unknown_param(other).into()),
        }
    }
    let (spot_code, points) = ops::crowd::history(&state.services, &code, hours).await?;
    if !csv {
        return Ok(Json(points).into_response());
    }
    let rows = points.iter().map(|p| {
        vec![
            p.at.to_rfc3339(),
            format!("{}", p.level),
            p.population_min.to_string(),
            p.population_max.to_string(),
        ]
    });
    Ok(super::csv_file(
        &format!("crowd-{spot_code}-{hours}h.csv"),
        &["observed_at", "level", "population_min", "population_max"],
        rows,
    )?)
}

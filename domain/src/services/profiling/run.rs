//! A profiling job: profile the stored file on a blocking thread (progress by bytes read), then
//! store the profile for the distribution and remove the file.

use std::path::PathBuf;

use chrono::Utc;
use sea_orm::*;
use types::error::AppError;
use types::jobs::{JobOutcome, ProfileOutcome};

use super::engine;
use crate::ctx::Services;
use crate::entities::{job, profile};
use crate::services::jobs::Progress;
use crate::services::OrInternal;

pub async fn run(
    services: &Services,
    j: &job::Model,
    mut progress: Progress,
) -> Result<JobOutcome, AppError> {
    let text = |k: &str| {
        j.params
            .get(k)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string()
    };
    let dataset_id = j
        .params
        .get("dataset_id")
        .and_then(|v| v.as_i64())
        .unwrap_or_default() as i32;
    let (slug, url, name, path) = (
        text("dataset_slug"),
        text("url"),
        text("file_name"),
        PathBuf::from(text("path")),
    );
    if !path.is_file() {
        return Err(AppError::validation(
            "file",
            "올린 파일이 더 이상 없습니다. 다시 올려 주세요.",
            "the uploaded file is gone; upload it again.",
        ));
    }
    let (tx, mut rx) = tokio::sync::watch::channel((0u64, 0u64));
    let work = {
        let path = path.clone();
        let name = name.clone();
        tokio::task::spawn_blocking(move || {
            engine::profile_file(&path, Some(&name), &mut |done, total| {
                let _ = tx.send((done, total));
            })
        })
    };
    tokio::pin!(work);
    let result = loop {
        tokio::select! {
            r = &mut work => break r,
            changed = rx.changed() => {
                if changed.is_ok() {
                    let (done, total) = *rx.borrow_and_update();
                    progress.set(done as i64, total as i64, "reading the file").await;
                }
            }
        }
    };
    let outcome = match result {
        Ok(Ok(p)) => p,
        Ok(Err(e)) => {
            let _ = tokio::fs::remove_file(&path).await;
            return Err(AppError::validation(
                "file",
                &format!("{name}: {}", e.message_ko),
                &format!("{name}: {}", e.message_en),
            ));
        }
        Err(e) => return Err(crate::services::internal(e)),
    };
    profile::ActiveModel {
        dataset_id: Set(dataset_id),
        url: Set(url.clone()),
        file_name: Set(name.clone()),
        result: Set(serde_json::to_value(&outcome).or_internal()?),
        job_id: Set(Some(j.id)),
        created_by: Set(j.created_by),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&services.db)
    .await
    .or_internal()?;
    let _ = tokio::fs::remove_file(&path).await;
    Ok(JobOutcome::Profile(ProfileOutcome {
        dataset_slug: slug,
        url,
        file_name: name,
        profile: outcome,
    }))
}

//! Receive a data file for a distribution: streamed to disk (never held in memory), then a
//! profiling job is queued for it.

use futures::{Stream, StreamExt};
use serde_json::json;
use tokio::io::AsyncWriteExt;
use types::error::AppError;
use types::jobs::JobKind;
use types::model::{SessionUser, Status, Viewer};

use crate::ctx::Services;
use crate::services::catalog::find_visible;
use crate::services::datasets::children;
use crate::services::jobs::NewJob;
use crate::services::OrInternal;

/// The largest data file accepted for profiling.
pub const MAX_FILE_BYTES: u64 = 200 * 1024 * 1024;

fn too_large() -> AppError {
    AppError::validation(
        "file",
        &format!(
            "파일: {} MB까지 올릴 수 있습니다.",
            MAX_FILE_BYTES / 1024 / 1024
        ),
        &format!("file: at most {} MB.", MAX_FILE_BYTES / 1024 / 1024),
    )
}

/// Store `body` for dataset `slug`'s distribution `url` and queue its profiling by `user`.
pub async fn upload<S, E>(
    services: &Services,
    user: &SessionUser,
    slug: &str,
    url: &str,
    file_name: &str,
    mut body: S,
) -> Result<i32, AppError>
where
    S: Stream<Item = Result<bytes::Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let d = find_visible(&services.db, &Viewer::Staff(user.clone()), slug).await?;
    let status = Status::parse(&d.status).unwrap_or(Status::Draft);
    if !user.can_edit(d.department_id, status) {
        return Err(AppError::Forbidden);
    }
    let distributions = children::distributions(&services.db, d.id).await?;
    if !distributions.iter().any(|x| x.url == url) {
        return Err(AppError::validation(
            "url",
            "url: 이 데이터의 배포 주소가 아닙니다.",
            "url: not the address of one of this dataset's distributions.",
        ));
    }
    let name: String = file_name
        .chars()
        .filter(|c| !c.is_control() && *c != '/' && *c != '\\')
        .take(200)
        .collect();
    if name.trim().is_empty() {
        return Err(AppError::validation(
            "name",
            "name: 파일 이름이 필요합니다.",
            "name: the file's name is required.",
        ));
    }
    tokio::fs::create_dir_all(&services.uploads)
        .await
        .or_internal()?;
    let path = services
        .uploads
        .join(format!("upload-{:016x}.part", rand::random::<u64>()));
    let written = async {
        let mut file = tokio::fs::File::create(&path).await.or_internal()?;
        let mut size: u64 = 0;
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| {
                AppError::validation(
                    "file",
                    &format!("파일을 받는 중 끊겼습니다: {e}"),
                    &format!("file: the upload broke off: {e}"),
                )
            })?;
            size += chunk.len() as u64;
            if size > MAX_FILE_BYTES {
                return Err(too_large());
            }
            file.write_all(&chunk).await.or_internal()?;
        }
        file.flush().await.or_internal()?;
        if size == 0 {
            return Err(AppError::validation(
                "file",
                "파일: 비어 있습니다.",
                "file: the file is empty.",
            ));
        }
        Ok(size)
    }
    .await;
    let size = match written {
        Ok(n) => n,
        Err(e) => {
            let _ = tokio::fs::remove_file(&path).await;
            return Err(e);
        }
    };
    let queued = services
        .queue(NewJob {
            kind: JobKind::Profile,
            params: json!({
                "subject": format!("{name} ({})", d.slug),
                "dataset_id": d.id,
                "dataset_slug": d.slug,
                "url": url,
                "file_name": name,
                "path": path.to_string_lossy(),
                "size": size,
            }),
            input: None,
            created_by: Some(user.id),
        })
        .await;
    if queued.is_err() {
        let _ = tokio::fs::remove_file(&path).await;
    }
    queued
}

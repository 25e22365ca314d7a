//! One harvest run of a source:
//!
//! 1. Fetch every record (CKAN `package_search` pages, DCAT pages, or the sheet), with timeouts
//!    and retries. If the source cannot be read completely, the run fails and the catalog stays
//!    as it was. A malformed record fails that record only.
//! 2. In one write transaction, upsert by the source's identifier: new records become datasets of
//!    the source's department (with its source institution and default terms), changed ones get a
//!    revision, and datasets whose record is gone from the source are archived, never deleted.
//!    Revisions are credited to the built-in `harvester` account.
//!
//! Running the same source twice changes nothing the second time.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sea_orm::*;
use types::editing::MAX_TITLE;
use types::editing::{DatasetPatch, MAX_DESCRIPTION, MAX_DISTRIBUTIONS, MAX_KEYWORD, MAX_KEYWORDS};
use types::error::AppError;
use types::jobs::{
    HarvestAction, HarvestFailure, HarvestKind, HarvestRecord, HarvestReport, JobOutcome,
};
use types::model::{Distribution, Role, SessionUser, Status};

use super::fetch::{self, FetchError, FetchPolicy};
use super::remote::{self, RecordError, RemoteDataset};
use crate::ctx::Services;
use crate::db::begin_write;
use crate::entities::{dataset, harvest_source, job, user};
use crate::net::outbound::{same_origin, Outbound};
use crate::services::datasets::create::{self, NewDataset};
use crate::services::datasets::update::apply;
use crate::services::jobs::Progress;
use crate::services::OrInternal;

/// Records asked for per CKAN page, and the most pages a run follows.
const CKAN_ROWS: usize = 100;
const MAX_PAGES: usize = 2_000;
pub const HARVESTER: &str = "harvester";

pub async fn run(
    services: &Services,
    j: &job::Model,
    mut progress: Progress,
) -> Result<JobOutcome, AppError> {
    let source_id = j
        .params
        .get("source_id")
        .and_then(|v| v.as_i64())
        .ok_or_else(|| AppError::not_found("harvest source"))? as i32;
    let source = super::find(&services.db, source_id).await?;
    let report = harvest(services, &source, &FetchPolicy::default(), &mut progress).await?;
    Ok(JobOutcome::Harvest(report))
}

/// Fetch and apply source `s`.
pub async fn harvest(
    services: &Services,
    s: &harvest_source::Model,
    policy: &FetchPolicy,
    progress: &mut Progress,
) -> Result<HarvestReport, AppError> {
    let kind = HarvestKind::parse(&s.kind).ok_or_else(|| {
        AppError::validation("kind", "알 수 없는 수집 종류", "unknown harvest kind")
    })?;
    let client = services.outbound.clone();
    let records = match kind {
        HarvestKind::Ckan => fetch_ckan(&client, &s.url, policy, progress).await?,
        HarvestKind::Dcat => fetch_dcat(&client, &s.url, policy, progress).await?,
        HarvestKind::Sheet => fetch_sheet(&client, &s.url, policy).await?,
    };
    apply_records(services, s, records, progress).await
}

fn unreachable(e: FetchError) -> AppError {
    AppError::validation(
        "source",
        &format!("원본을 읽지 못해 아무것도 바꾸지 않았습니다: {e}"),
        &format!("the source could not be read, nothing was changed: {e}"),
    )
}

fn bad_page(url: &str, e: impl std::fmt::Display) -> AppError {
    AppError::validation(
        "source",
        &format!("원본 응답이 올바르지 않아 아무것도 바꾸지 않았습니다 ({url}): {e}"),
        &format!("the source answered something unreadable, nothing was changed ({url}): {e}"),
    )
}

fn off_site(page: &str, next: &str) -> AppError {
    AppError::validation(
        "source",
        &format!(
            "원본 페이지({page})의 다음 페이지 링크 {next}가 다른 사이트를 가리켜 따라가지 않았고, 아무것도 바꾸지 않았습니다."
        ),
        &format!(
            "the page {page} links its next page to {next}, on another site than the source's; it was not followed and nothing was changed"
        ),
    )
}

type Records = Vec<Result<RemoteDataset, RecordError>>;

async fn fetch_ckan(
    client: &Outbound,
    base: &str,
    policy: &FetchPolicy,
    progress: &mut Progress,
) -> Result<Records, AppError> {
    let mut out = Vec::new();
    let mut start = 0usize;
    for page in 1..=MAX_PAGES {
        let url = fetch::ckan_search_url(base, CKAN_ROWS, start);
        let body = fetch::get(client, &url, policy)
            .await
            .map_err(unreachable)?;
        let p = remote::parse_ckan_search(&body, start).map_err(|e| bad_page(&url, e))?;
        let n = p.records.len();
        for (i, record) in p.records.into_iter().enumerate() {
            out.push(match record {
                // A search can abbreviate packages (a site's `fl` default, or one that leaves
                // resources out): ask `package_show` for the whole record.
                Ok(r) if r.distributions.is_empty() => {
                    complete_ckan(client, base, r, start + i, policy).await
                }
                other => other,
            });
        }
        start += n;
        progress
            .set(start as i64, p.count as i64, &format!("page {page}"))
            .await;
        if n == 0 && (start as u64) < p.count {
            // A short listing is an incomplete read, not removed datasets: archive nothing.
            return Err(bad_page(
                &url,
                format!(
                    "the listing ended after {start} of the {} datasets it announced",
                    p.count
                ),
            ));
        }
        if n == 0 || start as u64 >= p.count {
            return Ok(out);
        }
    }
    Err(bad_page(base, format!("more than {MAX_PAGES} pages")))
}

/// The `package_show` record for `r` (record `index` of the search), or `r` itself when that
/// has nothing more. When the whole record cannot be read, the record fails (alone): applying
/// the abbreviated one would take its files away from the dataset.
async fn complete_ckan(
    client: &Outbound,
    base: &str,
    r: RemoteDataset,
    index: usize,
    policy: &FetchPolicy,
) -> Result<RemoteDataset, RecordError> {
    let url = fetch::ckan_show_url(base, r.name.as_deref().unwrap_or(&r.key));
    let failed = |why: String| RecordError {
        key: Some(r.key.clone()),
        index,
        reason: format!(
            "record {index} ({}): the whole record (package_show) {why}",
            r.key
        ),
    };
    match fetch::get(client, &url, policy).await {
        Ok(body) => match remote::parse_ckan_show(&body) {
            Ok(full) if full.key == r.key && !full.distributions.is_empty() => Ok(full),
            Ok(_) => Ok(r),
            Err(e) => Err(failed(format!("is unreadable: {e}"))),
        },
        Err(e) => Err(failed(format!("could not be read: {e}"))),
    }
}

async fn fetch_dcat(
    client: &Outbound,
    first: &str,
    policy: &FetchPolicy,
    progress: &mut Progress,
) -> Result<Records, AppError> {
    let mut out = Vec::new();
    let mut url = first.to_string();
    let mut seen = HashSet::new();
    for page in 1..=MAX_PAGES {
        if !seen.insert(url.clone()) {
            return Err(bad_page(&url, "the pages link back to an earlier page"));
        }
        let body = fetch::get(client, &url, policy)
            .await
            .map_err(unreachable)?;
        let p = remote::parse_dcat(&body, &url).map_err(|e| bad_page(&url, e))?;
        let base = out.len();
        out.extend(p.records.into_iter().map(|r| {
            r.map_err(|mut e| {
                e.index += base;
                e
            })
        }));
        progress
            .set(out.len() as i64, 0, &format!("page {page}"))
            .await;
        match p.next_page {
            // A next page elsewhere would make the source a way to reach any site.
            Some(next) if !same_origin(first, &next) => return Err(off_site(&url, &next)),
            Some(next) => url = next,
            None => return Ok(out),
        }
    }
    Err(bad_page(first, format!("more than {MAX_PAGES} pages")))
}

/// A sheet in the import's columns; the identifier column (`slug`) is the record's key.
async fn fetch_sheet(
    client: &Outbound,
    url: &str,
    policy: &FetchPolicy,
) -> Result<Records, AppError> {
    let body = fetch::get(client, url, policy).await.map_err(unreachable)?;
    let name = url.split(['?', '#']).next().unwrap_or(url);
    let rows = crate::services::transfer::sheet::read(Some(name), &body)
        .map_err(|e| bad_page(url, e.message(types::i18n::Lang::En)))?;
    Ok(rows
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let cell = |f: &str| {
                r.cells
                    .get(f)
                    .map(|v| v.trim().to_string())
                    .filter(|v| !v.is_empty())
            };
            let key = cell("slug").ok_or_else(|| RecordError {
                key: None,
                index: i,
                reason: format!("row {}: the identifier (slug) is empty", r.number),
            })?;
            let title = cell("title_ko").ok_or_else(|| RecordError {
                key: Some(key.clone()),
                index: i,
                reason: format!("row {}: the title is empty", r.number),
            })?;
            Ok(RemoteDataset {
                name: Some(key.clone()),
                key,
                title_ko: title,
                title_en: cell("title_en"),
                description_ko: cell("description_ko").unwrap_or_default(),
                description_en: cell("description_en"),
                keywords: cell("keywords")
                    .map(|k| {
                        k.split(',')
                            .map(|w| w.trim().to_string())
                            .filter(|w| !w.is_empty())
                            .collect()
                    })
                    .unwrap_or_default(),
                license: cell("license"),
                publisher: cell("source_institution"),
                modified: cell("last_updated")
                    .and_then(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
                update_cycle: cell("update_cycle").and_then(|c| remote::map_update_cycle(&c)),
                contact_name: cell("contact_name"),
                contact_email: cell("contact_email"),
                landing_page: None,
                distributions: Vec::new(),
            })
        })
        .collect())
}

/// At most `max` characters (a marker says something was cut).
fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn one_line(s: &str, max: usize) -> String {
    let flat: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    clip(
        flat.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .as_str(),
        max,
    )
}

/// The record as a change set within Dongne's limits (long texts clipped, unusable links left
/// out), and the terms a new dataset starts with.
fn to_patch(r: &RemoteDataset, s: &harvest_source::Model) -> DatasetPatch {
    let mut keywords: Vec<String> = Vec::new();
    for k in &r.keywords {
        let k = one_line(k, MAX_KEYWORD);
        if !k.is_empty() && !keywords.contains(&k) && keywords.len() < MAX_KEYWORDS {
            keywords.push(k);
        }
    }
    let distributions: Vec<Distribution> = r
        .distributions
        .iter()
        .filter(|d| {
            let u = d.url.trim();
            (u.starts_with("http://") || u.starts_with("https://"))
                && u.len() <= 2000
                && !u.chars().any(|c| {
                    c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>'
                })
        })
        .take(MAX_DISTRIBUTIONS)
        .map(|d| {
            let format: String = d
                .format
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '+')
                .take(20)
                .collect();
            Distribution {
                title: one_line(&d.title, 200).chars().take(200).collect(),
                kind: d.kind.to_string(),
                format: if format.is_empty() {
                    d.kind.to_uppercase()
                } else {
                    format
                },
                url: d.url.trim().to_string(),
                size_bytes: d.size_bytes.filter(|n| *n >= 0),
            }
        })
        .collect();
    let email = r
        .contact_email
        .clone()
        .filter(|e| e.contains('@') && e.len() <= 200 && !e.contains(char::is_whitespace));
    DatasetPatch {
        title_ko: Some(one_line(&r.title_ko, MAX_TITLE)),
        // What the source does not say is left as it is here.
        title_en: r.title_en.as_deref().map(|t| one_line(t, MAX_TITLE)),
        description_ko: Some(clip(&r.description_ko, MAX_DESCRIPTION)),
        description_en: r
            .description_en
            .as_deref()
            .map(|t| clip(t, MAX_DESCRIPTION)),
        keywords: Some(keywords),
        license: r.license.as_deref().map(|l| one_line(l, 200)),
        source_institution: Some(s.source_institution.clone()),
        update_cycle: r.update_cycle.map(str::to_string),
        visibility: None,
        status: None,
        spatial_coverage: None,
        contact_name: r.contact_name.as_deref().map(|n| one_line(n, 100)),
        contact_phone: None,
        contact_email: email,
        last_updated: r.modified.map(|d| d.format("%Y-%m-%d").to_string()),
        terms: None,
        distributions: Some(distributions),
        columns: None,
        message: None,
    }
}

/// The built-in account harvests are credited to (it cannot sign in).
async fn harvester(txn: &DatabaseTransaction) -> Result<SessionUser, AppError> {
    let found = user::Entity::find()
        .filter(user::Column::Username.eq(HARVESTER))
        .one(txn)
        .await
        .or_internal()?;
    let u = match found {
        Some(u) => u,
        None => user::ActiveModel {
            username: Set(HARVESTER.into()),
            display_name: Set("자동 수집 (Harvester)".into()),
            password_hash: Set("!".into()),
            role: Set(Role::Admin.code().into()),
            department_id: Set(None),
            active: Set(false),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(txn)
        .await
        .or_internal()?,
    };
    Ok(SessionUser {
        id: u.id,
        username: u.username,
        display_name: u.display_name,
        role: Role::Admin,
        department: None,
    })
}

/// A slug for a new dataset from the source: the record's name or key when usable and free,
/// otherwise made unique with the source's id and a counter.
async fn free_slug(
    txn: &DatabaseTransaction,
    r: &RemoteDataset,
    source_id: i32,
    taken: &mut HashSet<String>,
) -> Result<String, AppError> {
    let base = r
        .name
        .as_deref()
        .and_then(remote::slug_candidate)
        .or_else(|| remote::slug_candidate(&r.key))
        .or_else(|| r.title_en.as_deref().and_then(remote::slug_candidate))
        .unwrap_or_else(|| format!("harvest-{source_id}"));
    let mut n = 1;
    loop {
        let candidate = match n {
            1 => base.clone(),
            2 => format!("{base}-s{source_id}"),
            _ => format!("{base}-s{source_id}-{n}"),
        };
        n += 1;
        if taken.contains(&candidate) {
            continue;
        }
        let exists = dataset::Entity::find()
            .filter(dataset::Column::Slug.eq(candidate.as_str()))
            .count(txn)
            .await
            .or_internal()?
            > 0;
        if !exists {
            taken.insert(candidate.clone());
            return Ok(candidate);
        }
    }
}

async fn apply_records(
    services: &Services,
    s: &harvest_source::Model,
    records: Records,
    progress: &mut Progress,
) -> Result<HarvestReport, AppError> {
    let db = &services.db;
    let mut report = HarvestReport {
        source_id: s.id,
        source_name: s.name.clone(),
        fetched: records.len(),
        ..Default::default()
    };
    // The last record wins when a key appears twice (paging over a changing catalog).
    let mut good: Vec<RemoteDataset> = Vec::new();
    let mut position: HashMap<String, usize> = HashMap::new();
    let mut failed_keys = HashSet::new();
    for r in records {
        match r {
            Ok(d) => match position.get(&d.key) {
                Some(&i) => good[i] = d,
                None => {
                    position.insert(d.key.clone(), good.len());
                    good.push(d);
                }
            },
            Err(e) => {
                if let Some(k) = &e.key {
                    failed_keys.insert(k.clone());
                }
                report.failed.push(HarvestFailure {
                    key: e.key,
                    reason: e.reason,
                });
            }
        }
    }
    progress
        .set(0, good.len() as i64, "writing the changes")
        .await;
    // On SQLite the write transaction holds the only write lock: progress written during it
    // would wait for it, so only PostgreSQL reports progress while writing.
    let live_progress = db.get_database_backend() != DbBackend::Sqlite;
    let txn = begin_write(db).await.or_internal()?;
    let existing: HashMap<String, dataset::Model> = dataset::Entity::find()
        .filter(dataset::Column::HarvestSourceId.eq(s.id))
        .all(&txn)
        .await
        .or_internal()?
        .into_iter()
        .filter_map(|d| d.harvest_key.clone().map(|k| (k, d)))
        .collect();
    if good.is_empty() && !existing.is_empty() {
        // Nothing usable (an empty answer, or every record broken) looks like a source in
        // trouble, not one that removed everything: keep the catalog as it is.
        return Err(AppError::validation(
            "source",
            &format!(
                "원본에서 쓸 수 있는 데이터가 하나도 없어(실패 {}건) 아무것도 바꾸지 않았습니다.",
                report.failed.len()
            ),
            &format!(
                "the source listed no usable dataset ({} failed); nothing was changed or archived (is it down?).",
                report.failed.len()
            ),
        ));
    }
    let user = harvester(&txn).await?;
    let message = format!("수집: {}", s.name);
    let default_terms: Vec<String> =
        serde_json::from_value(s.default_terms.clone()).unwrap_or_default();
    let mut taken = HashSet::new();
    let mut touched = Vec::new();
    let total = good.len() as i64;
    for (i, r) in good.iter().enumerate() {
        if live_progress {
            progress.set(i as i64, total, "writing the changes").await;
        }
        let mut patch = to_patch(r, s);
        let problems = patch.validate();
        if !problems.is_empty() {
            report.failed.push(HarvestFailure {
                key: Some(r.key.clone()),
                reason: problems
                    .iter()
                    .map(|e| e.message_en.clone())
                    .collect::<Vec<_>>()
                    .join("; "),
            });
            failed_keys.insert(r.key.clone());
            continue;
        }
        match existing.get(&r.key) {
            Some(d) => {
                if d.status == Status::Archived.code() {
                    // Back at the source: published again.
                    patch.status = Some(Status::Published.code().into());
                }
                patch.message = Some(message.clone());
                let u = apply(db, &txn, &user, d, d.version, &patch, None).await?;
                let action = if u.changed_fields.is_empty() {
                    report.unchanged += 1;
                    HarvestAction::Unchanged
                } else {
                    report.updated += 1;
                    touched.push(d.id);
                    HarvestAction::Updated
                };
                report.records.push(HarvestRecord {
                    key: r.key.clone(),
                    slug: d.slug.clone(),
                    action,
                    changed_fields: u.changed_fields,
                });
            }
            None => {
                patch.terms = Some(default_terms.clone());
                patch.visibility = Some(s.visibility.clone());
                patch.status = Some(Status::Published.code().into());
                let slug = free_slug(&txn, r, s.id, &mut taken).await?;
                let d = create::create(
                    &txn,
                    NewDataset {
                        slug: &slug,
                        department_id: s.department_id,
                        patch: &patch,
                        author_id: user.id,
                        message: &message,
                        harvested: Some((s.id, r.key.clone())),
                    },
                )
                .await?;
                report.created += 1;
                touched.push(d.id);
                report.records.push(HarvestRecord {
                    key: r.key.clone(),
                    slug,
                    action: HarvestAction::Created,
                    changed_fields: Vec::new(),
                });
            }
        }
    }
    // Gone from the source (and not merely unreadable this time): archived, never deleted.
    for (key, d) in &existing {
        if position.contains_key(key)
            || failed_keys.contains(key)
            || d.status == Status::Archived.code()
        {
            continue;
        }
        let patch = DatasetPatch {
            status: Some(Status::Archived.code().into()),
            message: Some(format!(
                "{message} (원본에서 삭제됨 / removed at the source)"
            )),
            ..Default::default()
        };
        let u = apply(db, &txn, &user, d, d.version, &patch, None).await?;
        report.archived += 1;
        touched.push(d.id);
        report.records.push(HarvestRecord {
            key: key.clone(),
            slug: d.slug.clone(),
            action: HarvestAction::Archived,
            changed_fields: u.changed_fields,
        });
    }
    txn.commit().await.or_internal()?;
    if !touched.is_empty() {
        services.search.refresh(db, &touched).await?;
        for id in &touched {
            let v = dataset::Entity::find_by_id(*id)
                .one(db)
                .await
                .or_internal()?
                .map(|d| d.version)
                .unwrap_or(1);
            services.live.changed(*id, v, &user);
        }
    }
    progress.set(total, total, "done").await;
    Ok(report)
}

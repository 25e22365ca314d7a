//! Inserting planned datasets with their terms, distributions, columns and first revision.

use chrono::{Duration, NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, DatabaseTransaction, DbErr, EntityTrait, Set};
use serde_json::json;
use types::model::{Status, Visibility};

use super::plan::{mix, source_for, Planned};
use super::vocab::{DEPARTMENTS, DONGS, SOURCES};
use crate::entities::*;

/// Insert planned datasets with their terms, distributions, columns and first revision.
/// `offset` keeps the pseudo-random choices of later batches distinct.
pub async fn insert_planned(
    txn: &DatabaseTransaction,
    plans: Vec<Planned<'static>>,
    offset: usize,
) -> Result<(), DbErr> {
    let now = Utc::now();
    let depts: std::collections::HashMap<String, i32> = department::Entity::find()
        .all(txn)
        .await?
        .into_iter()
        .map(|d| (d.code, d.id))
        .collect();
    let dept_id = |code: &str| depts.get(code).copied().expect("known department");
    let schemes: std::collections::HashMap<i32, String> = scheme::Entity::find()
        .all(txn)
        .await?
        .into_iter()
        .map(|s| (s.id, s.code))
        .collect();
    let term_ids: std::collections::HashMap<(String, String), i32> = term::Entity::find()
        .all(txn)
        .await?
        .into_iter()
        .filter_map(|t| Some(((schemes.get(&t.scheme_id)?.clone(), t.code), t.id)))
        .collect();
    let tid = |scheme: &str, code: &str| {
        term_ids
            .get(&(scheme.to_string(), code.to_string()))
            .copied()
            .expect("known term")
    };
    let user_ids: Vec<(String, i32)> = user::Entity::find()
        .all(txn)
        .await?
        .into_iter()
        .map(|u| (u.username, u.id))
        .collect();
    let mut links = Vec::new();
    let mut dists = Vec::new();
    let mut cols = Vec::new();
    let mut revs = Vec::new();
    for (i, p) in plans.into_iter().enumerate() {
        let i = offset + i;
        let t = p.topic;
        let r = mix(i as u64, 7);
        let source = source_for(t, i);
        let (src_code, src_ko, _) = SOURCES[source];
        let visibility = if t.internal() {
            Visibility::Internal
        } else {
            Visibility::Public
        };
        let status = match r % 50 {
            0 => Status::Draft,
            1 => Status::Archived,
            _ => Status::Published,
        };
        let age_days = (mix(i as u64, 11) % 400) as i64;
        let updated_at = now - Duration::days(age_days) - Duration::minutes((r % 1440) as i64);
        let last_updated = updated_at.date_naive();
        let next_due = t
            .cycle
            .period_days()
            .map(|d| last_updated + Duration::days(d));
        let dong_text = p.dong.map(|d| DONGS[d].1).unwrap_or("성동구 전역");
        let year_text = p.year.map(|y| format!("{y}년 기준 ")).unwrap_or_default();
        let description_ko = format!(
            "{}{}의 {} 데이터입니다. {}에서 관리하며 {} 주기로 갱신됩니다. 항목: {}.",
            year_text,
            dong_text,
            t.ko,
            DEPARTMENTS
                .iter()
                .find(|d| d.0 == t.dept)
                .map(|d| d.1)
                .unwrap_or(""),
            t.cycle.label(types::i18n::Lang::Ko),
            t.columns
                .split(',')
                .map(|c| c.split(':').next().unwrap_or(""))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let description_en = format!(
            "{} in {}{}, maintained by the {} and updated {}.",
            t.en,
            p.dong.map(|d| DONGS[d].2).unwrap_or("all of Seongdong-gu"),
            p.year.map(|y| format!(" as of {y}")).unwrap_or_default(),
            DEPARTMENTS
                .iter()
                .find(|d| d.0 == t.dept)
                .map(|d| d.2)
                .unwrap_or(""),
            t.cycle.label(types::i18n::Lang::En).to_lowercase()
        );
        let keywords: Vec<String> =
            t.ko.split_whitespace()
                .filter(|w| w.chars().count() >= 2 && *w != "현황" && *w != "정보")
                .map(String::from)
                .chain(std::iter::once(src_ko.to_string()))
                .collect();
        let (temporal_start, temporal_end) = match p.year {
            Some(y) => (
                NaiveDate::from_ymd_opt(y, 1, 1),
                NaiveDate::from_ymd_opt(y, 12, 31),
            ),
            None => (NaiveDate::from_ymd_opt(2015 + (r % 6) as i32, 1, 1), None),
        };
        let d = dataset::ActiveModel {
            slug: Set(p.slug.clone()),
            title_ko: Set(p.title_ko.clone()),
            title_en: Set(p.title_en.clone()),
            description_ko: Set(description_ko),
            description_en: Set(description_en),
            department_id: Set(dept_id(t.dept)),
            source_institution: Set(src_ko.to_string()),
            visibility: Set(visibility.code().to_string()),
            status: Set(status.code().to_string()),
            license: Set(if t.internal() {
                "내부 활용".to_string()
            } else {
                "공공누리 제1유형 (출처표시)".to_string()
            }),
            update_cycle: Set(t.cycle.code().to_string()),
            last_updated: Set(Some(last_updated)),
            next_due: Set(next_due),
            keywords: Set(json!(keywords)),
            spatial_coverage: Set(Some(dong_text.to_string())),
            temporal_start: Set(temporal_start),
            temporal_end: Set(temporal_end),
            contact_name: Set(Some(format!(
                "{} 데이터 담당",
                DEPARTMENTS
                    .iter()
                    .find(|d| d.0 == t.dept)
                    .map(|d| d.1)
                    .unwrap_or("")
            ))),
            contact_phone: Set(Some(format!("02-2286-{:04}", 5000 + (r % 999)))),
            contact_email: Set(None),
            version: Set(1),
            created_at: Set(updated_at - Duration::days(30)),
            updated_at: Set(updated_at),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        let mut term_list = vec![
            tid("theme", t.theme),
            tid("department", t.dept),
            tid("source", src_code),
            tid("data_type", t.kind),
            tid("update_cycle", t.cycle.code()),
        ];
        match p.dong {
            Some(dong) => term_list.push(tid("dong", DONGS[dong].0)),
            None => {
                // District-wide datasets list a few dongs they cover in detail.
                for k in 0..(r % 3) {
                    let dong = DONGS[(mix(i as u64, k) % DONGS.len() as u64) as usize].0;
                    let id = tid("dong", dong);
                    if !term_list.contains(&id) {
                        term_list.push(id);
                    }
                }
            }
        }
        for term_id in term_list {
            links.push(dataset_term::ActiveModel {
                dataset_id: Set(d.id),
                term_id: Set(term_id),
            });
        }
        let formats: &[&str] = match t.kind {
            "api" => &["JSON", "XML"],
            "map" => &["CSV", "GeoJSON"],
            "statistics" => &["XLSX", "CSV"],
            _ => &["CSV"],
        };
        for (pos, format) in formats.iter().enumerate() {
            let kind = if t.kind == "api" { "api" } else { "file" };
            let url = match (kind, src_code) {
                ("api", _) => format!(
                    "https://openapi.example.seoul.kr/{}/{}",
                    p.slug,
                    format.to_lowercase()
                ),
                _ => format!(
                    "https://data.example.sd.go.kr/files/{}.{}",
                    p.slug,
                    format.to_lowercase()
                ),
            };
            dists.push(distribution::ActiveModel {
                dataset_id: Set(d.id),
                position: Set(pos as i32),
                title: Set(format!("{} ({format})", p.title_ko)),
                kind: Set(kind.to_string()),
                format: Set(format.to_string()),
                url: Set(url),
                size_bytes: Set((kind == "file")
                    .then(|| 2_000 + (mix(i as u64, pos as u64) % 4_000_000) as i64)),
                created_at: Set(updated_at),
                ..Default::default()
            });
        }
        for (pos, spec) in t.columns.split(',').enumerate() {
            let mut parts = spec.split(':');
            let name = parts.next().unwrap_or("").to_string();
            let data_type = parts.next().unwrap_or("text").to_string();
            let unit = parts.next().map(String::from);
            cols.push(data_column::ActiveModel {
                dataset_id: Set(d.id),
                position: Set(pos as i32),
                name: Set(name.clone()),
                data_type: Set(data_type),
                description: Set(Some(format!("{name} 항목"))),
                unit: Set(unit),
                ..Default::default()
            });
        }
        let author = user_ids
            .iter()
            .find(|(u, _)| *u == format!("{}-steward", t.dept))
            .map(|(_, id)| *id);
        revs.push(revision::ActiveModel {
            dataset_id: Set(d.id),
            version: Set(1),
            author_id: Set(author),
            created_at: Set(updated_at),
            message: Set("최초 등록 (데모 데이터)".to_string()),
            diff: Set(json!({})),
            snapshot: Set(
                json!({ "slug": p.slug, "title_ko": p.title_ko, "title_en": p.title_en }),
            ),
            ..Default::default()
        });
    }
    for chunk in links.chunks(500) {
        dataset_term::Entity::insert_many(chunk.to_vec())
            .exec(txn)
            .await?;
    }
    for chunk in dists.chunks(300) {
        distribution::Entity::insert_many(chunk.to_vec())
            .exec(txn)
            .await?;
    }
    for chunk in cols.chunks(300) {
        data_column::Entity::insert_many(chunk.to_vec())
            .exec(txn)
            .await?;
    }
    for chunk in revs.chunks(300) {
        revision::Entity::insert_many(chunk.to_vec())
            .exec(txn)
            .await?;
    }
    Ok(())
}

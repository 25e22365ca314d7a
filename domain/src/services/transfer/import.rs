//! Import dataset metadata from a sheet: every row is checked first (row, column and reason for
//! each problem; nothing is written if any); then, in one write transaction, new identifiers are
//! created and existing ones updated — each a revision credited to the importing user. A dry run
//! does the same work and rolls it back, so its report is exactly what the import would do.
//! Re-importing the same file changes nothing.

use std::collections::{HashMap, HashSet};

use sea_orm::*;
use types::editing::{DatasetPatch, FieldError};
use types::error::AppError;
use types::model::{Role, SessionUser, Status, UpdateCycle, Viewer, Visibility};
use types::transfer::{ImportReport, RowAction, RowOutcome};

use super::sheet::Row;
use crate::db::begin_write;
use crate::entities::dataset;
use crate::search::SearchIndex;
use crate::services::catalog::is_visible;
use crate::services::datasets::create::{self, NewDataset};
use crate::services::datasets::{children, update::apply};
use crate::services::OrInternal;

pub const MAX_ROWS: usize = 5_000;

fn row_error(row: usize, column: &str, ko: &str, en: &str) -> FieldError {
    FieldError::new(
        &format!("row {row}, {column}"),
        format!("{row}행 {column}: {ko}"),
        format!("row {row}, {column}: {en}"),
    )
}

/// A code, or a Korean/English label of it.
fn coded<T: Copy>(
    value: &str,
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T, types::i18n::Lang) -> &'static str,
) -> Option<&'static str> {
    let v = value.trim();
    all.iter()
        .find(|x| {
            code(**x) == v
                || label(**x, types::i18n::Lang::Ko) == v
                || label(**x, types::i18n::Lang::En).eq_ignore_ascii_case(v)
        })
        .map(|x| code(*x))
}

struct Planned {
    row: usize,
    slug: String,
    department_id: Option<i32>,
    patch: DatasetPatch,
}

/// Turn a row into a change (fields whose column is present), or say what is wrong with it.
fn plan_row(
    r: &Row,
    departments: &HashMap<String, i32>,
    errors: &mut Vec<FieldError>,
) -> Option<Planned> {
    let before = errors.len();
    let cell = |f: &str| r.cells.get(f).map(|v| v.trim().to_string());
    let slug = cell("slug").unwrap_or_default();
    let slug_ok = (2..=120).contains(&slug.len())
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !slug_ok {
        errors.push(row_error(
            r.number,
            "slug",
            "영문 소문자, 숫자, - _ 로 된 2~120자 식별자가 필요합니다.",
            "an identifier of 2 to 120 lowercase letters, digits, - or _ is required.",
        ));
    }
    let department_id = match cell("department") {
        Some(d) if !d.is_empty() => match departments.get(&d.to_lowercase()) {
            Some(id) => Some(*id),
            None => {
                errors.push(row_error(
                    r.number,
                    "department",
                    &format!("'{d}' 부서가 없습니다."),
                    &format!("there is no department '{d}'."),
                ));
                None
            }
        },
        _ => None,
    };
    // An empty cell leaves a coded field as it is (a new dataset gets the default).
    let mut normalized =
        |field: &str, v: Option<String>, parse: fn(&str) -> Option<&'static str>| {
            let v = v.filter(|v| !v.is_empty())?;
            match parse(&v) {
                Some(code) => Some(code.to_string()),
                None => {
                    errors.push(row_error(
                        r.number,
                        field,
                        &format!("알 수 없는 값 '{v}'"),
                        &format!("unknown value '{v}'."),
                    ));
                    None
                }
            }
        };
    let update_cycle = normalized("update_cycle", cell("update_cycle"), |v| {
        coded(v, UpdateCycle::ALL, UpdateCycle::code, UpdateCycle::label)
    });
    let visibility = normalized("visibility", cell("visibility"), |v| {
        coded(v, Visibility::ALL, Visibility::code, Visibility::label)
    });
    let status = normalized("status", cell("status"), |v| {
        coded(v, Status::ALL, Status::code, Status::label)
    });
    let list = |v: Option<String>, seps: &[char]| {
        v.map(|v| {
            v.split(seps)
                .map(str::trim)
                .filter(|w| !w.is_empty())
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
    };
    let given = |f: &str| cell(f).filter(|v| !v.is_empty());
    let patch = DatasetPatch {
        title_ko: given("title_ko"),
        title_en: cell("title_en"),
        description_ko: r.cells.get("description_ko").cloned(),
        description_en: r.cells.get("description_en").cloned(),
        keywords: list(cell("keywords"), &[',']),
        license: cell("license"),
        source_institution: given("source_institution"),
        update_cycle,
        visibility,
        status,
        spatial_coverage: cell("spatial_coverage"),
        contact_name: cell("contact_name"),
        contact_phone: cell("contact_phone"),
        contact_email: cell("contact_email"),
        last_updated: cell("last_updated"),
        terms: list(cell("terms"), &[';', ',']),
        distributions: None,
        columns: None,
        message: None,
    };
    for e in patch.validate() {
        let column = e.field.split('[').next().unwrap_or(&e.field).to_string();
        let reason_en = e
            .message_en
            .split_once(": ")
            .map(|(_, r)| r.to_string())
            .unwrap_or(e.message_en.clone());
        let reason_ko = e
            .message_ko
            .split_once(": ")
            .map(|(_, r)| r.to_string())
            .unwrap_or(e.message_ko.clone());
        errors.push(row_error(r.number, &column, &reason_ko, &reason_en));
    }
    (errors.len() == before).then_some(Planned {
        row: r.number,
        slug,
        department_id,
        patch,
    })
}

pub async fn import(
    db: &DatabaseConnection,
    search: &SearchIndex,
    user: &SessionUser,
    rows: Vec<Row>,
    source_name: &str,
    dry_run: bool,
) -> Result<ImportReport, AppError> {
    if user.role == Role::Viewer {
        return Err(AppError::Forbidden);
    }
    if rows.is_empty() {
        return Err(AppError::validation(
            "file",
            "파일: 가져올 행이 없습니다.",
            "file: there are no rows to import.",
        ));
    }
    if rows.len() > MAX_ROWS {
        return Err(AppError::validation(
            "file",
            &format!("파일: 한 번에 {MAX_ROWS}행까지 가져올 수 있습니다."),
            &format!("file: at most {MAX_ROWS} rows at a time."),
        ));
    }
    let mut departments: HashMap<String, i32> = HashMap::new();
    for (id, d) in crate::services::catalog::departments(db).await? {
        for key in [&d.code, &d.name_ko, &d.name_en] {
            departments.insert(key.to_lowercase(), id);
        }
    }
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    let mut planned = Vec::new();
    for r in &rows {
        let slug = r
            .cells
            .get("slug")
            .map(|s| s.trim().to_string())
            .unwrap_or_default();
        if !slug.is_empty() && !seen.insert(slug.clone()) {
            errors.push(row_error(
                r.number,
                "slug",
                &format!("'{slug}' 식별자가 파일에 두 번 나옵니다."),
                &format!("'{slug}' appears twice in the file."),
            ));
        }
        if let Some(p) = plan_row(r, &departments, &mut errors) {
            planned.push(p);
        }
    }
    let txn = begin_write(db).await.or_internal()?;
    let viewer = Viewer::Staff(user.clone());
    let mut outcomes = Vec::new();
    let mut touched = Vec::new();
    let message = format!("가져오기: {source_name}");
    for p in planned {
        if let Some(terms) = &p.patch.terms {
            for e in children::unknown_terms(&txn, terms).await? {
                errors.push(row_error(p.row, "terms", &e.message_ko, &e.message_en));
            }
        }
        let existing = dataset::Entity::find()
            .filter(dataset::Column::Slug.eq(p.slug.as_str()))
            .one(&txn)
            .await
            .or_internal()?;
        let outcome = match existing {
            Some(d) => update_row(db, &txn, user, &viewer, d, &p, &message).await,
            None => create_row(&txn, user, &p, &message).await,
        };
        match outcome {
            Ok((id, o)) => {
                touched.push(id);
                outcomes.push(o);
            }
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| {
            e.field
                .trim_start_matches("row ")
                .split(',')
                .next()
                .and_then(|n| n.parse::<usize>().ok())
                .unwrap_or(0)
        });
        return Err(AppError::InvalidFields { errors });
    }
    let count = |a: RowAction| outcomes.iter().filter(|o| o.action == a).count();
    let report = ImportReport {
        dry_run,
        created: count(RowAction::Create),
        updated: count(RowAction::Update),
        unchanged: count(RowAction::Unchanged),
        rows: outcomes,
    };
    if dry_run {
        txn.rollback().await.or_internal()?;
    } else {
        txn.commit().await.or_internal()?;
        search.refresh(db, &touched).await?;
    }
    Ok(report)
}

async fn update_row(
    db: &DatabaseConnection,
    txn: &DatabaseTransaction,
    user: &SessionUser,
    viewer: &Viewer,
    d: dataset::Model,
    p: &Planned,
    message: &str,
) -> Result<(i32, RowOutcome), FieldError> {
    let status = Status::parse(&d.status).unwrap_or(Status::Draft);
    if !is_visible(viewer, &d) || !user.can_edit(d.department_id, status) {
        // Identifiers are unique in the whole catalog, so one held by a dataset the importer
        // may not change must be refused, whether they can see that dataset or not. The answer
        // says only that the identifier is taken (which a unique identifier cannot hide): the same
        // for another department's draft, internal or public dataset, or one's own published
        // dataset an editor may not change; never its state, title or department.
        return Err(row_error(
            p.row,
            "slug",
            &format!(
                "'{}' 식별자는 이미 쓰이고 있고, 그 데이터를 바꿀 권한이 없습니다. 다른 식별자를 쓰세요.",
                p.slug
            ),
            &format!(
                "'{}' is already used by a dataset you may not change; use another identifier.",
                p.slug
            ),
        ));
    }
    if p.department_id.is_some_and(|id| id != d.department_id) {
        return Err(row_error(
            p.row,
            "department",
            "가져오기로 담당 부서를 바꿀 수 없습니다.",
            "an import cannot move a dataset to another department.",
        ));
    }
    let patch = DatasetPatch {
        message: Some(message.to_string()),
        ..p.patch.clone()
    };
    let updated = apply(db, txn, user, &d, d.version, &patch, None)
        .await
        .map_err(|e| {
            let reason = e.message(types::i18n::Lang::En);
            row_error(p.row, "slug", &e.message(types::i18n::Lang::Ko), &reason)
        })?;
    let action = if updated.changed_fields.is_empty() {
        RowAction::Unchanged
    } else {
        RowAction::Update
    };
    Ok((
        d.id,
        RowOutcome {
            row: p.row,
            slug: p.slug.clone(),
            action,
            changed_fields: updated.changed_fields,
        },
    ))
}

async fn create_row(
    txn: &DatabaseTransaction,
    user: &SessionUser,
    p: &Planned,
    message: &str,
) -> Result<(i32, RowOutcome), FieldError> {
    let err = |column: &str, ko: &str, en: &str| row_error(p.row, column, ko, en);
    let department_id = p.department_id.or(user.department_id()).ok_or_else(|| {
        err(
            "department",
            "새 데이터에는 담당 부서가 필요합니다.",
            "a new dataset needs a department.",
        )
    })?;
    let status = p
        .patch
        .status
        .clone()
        .unwrap_or_else(|| Status::Draft.code().into());
    let own = user.is_admin() || user.department_id() == Some(department_id);
    if !own || (status != Status::Draft.code() && !user.can_publish(department_id)) {
        return Err(err(
            "department",
            "이 부서의 데이터를 등록할 권한이 없습니다 (편집자는 자기 부서의 초안만).",
            "you may not register datasets for this department (editors: their own drafts only).",
        ));
    }
    let title_ko = p.patch.title_ko.clone().unwrap_or_default();
    if title_ko.is_empty() {
        return Err(err(
            "title_ko",
            "새 데이터에는 제목이 필요합니다.",
            "a new dataset needs a title.",
        ));
    }
    let source = p.patch.source_institution.clone().unwrap_or_default();
    if source.is_empty() {
        return Err(err(
            "source_institution",
            "새 데이터에는 제공 기관이 필요합니다.",
            "a new dataset needs a source institution.",
        ));
    }
    let internal = |e: AppError| {
        err(
            "slug",
            &e.message(types::i18n::Lang::Ko),
            &e.message(types::i18n::Lang::En),
        )
    };
    let patch = DatasetPatch {
        title_ko: Some(title_ko),
        source_institution: Some(source),
        status: Some(status),
        ..p.patch.clone()
    };
    let d = create::create(
        txn,
        NewDataset {
            slug: &p.slug,
            department_id,
            patch: &patch,
            author_id: user.id,
            message,
            harvested: None,
        },
    )
    .await
    .map_err(internal)?;
    Ok((
        d.id,
        RowOutcome {
            row: p.row,
            slug: p.slug.clone(),
            action: RowAction::Create,
            changed_fields: Vec::new(),
        },
    ))
}

//! Add a term to a classification scheme, or relabel the term with the same code. Search picks
//! up the labels at once.

use sea_orm::*;
use types::admin::TermInput;
use types::error::AppError;
use types::model::TermRef;

use crate::db::begin_write;
use crate::entities::{scheme, term};
use crate::search::SearchIndex;
use crate::services::OrInternal;

pub async fn save_term(
    db: &DatabaseConnection,
    search: &SearchIndex,
    input: &TermInput,
) -> Result<TermRef, AppError> {
    let errors = input.validate();
    if !errors.is_empty() {
        return Err(AppError::InvalidFields { errors });
    }
    let txn = begin_write(db).await.or_internal()?;
    let s = scheme::Entity::find()
        .filter(scheme::Column::Code.eq(input.scheme.as_str()))
        .one(&txn)
        .await
        .or_internal()?
        .ok_or_else(|| {
            AppError::invalid_field(
                "scheme",
                format!("scheme: '{}' 분류 체계가 없습니다.", input.scheme),
                format!("scheme: there is no scheme '{}'.", input.scheme),
            )
        })?;
    let existing = term::Entity::find()
        .filter(term::Column::SchemeId.eq(s.id))
        .filter(term::Column::Code.eq(input.code.as_str()))
        .one(&txn)
        .await
        .or_internal()?;
    let saved = match existing {
        Some(t) => {
            let mut a: term::ActiveModel = t.into();
            a.label_ko = Set(input.label_ko.trim().to_string());
            a.label_en = Set(input.label_en.trim().to_string());
            a.update(&txn).await.or_internal()?
        }
        None => {
            let position = term::Entity::find()
                .filter(term::Column::SchemeId.eq(s.id))
                .count(&txn)
                .await
                .or_internal()? as i32;
            term::ActiveModel {
                scheme_id: Set(s.id),
                code: Set(input.code.clone()),
                label_ko: Set(input.label_ko.trim().to_string()),
                label_en: Set(input.label_en.trim().to_string()),
                position: Set(position),
                ..Default::default()
            }
            .insert(&txn)
            .await
            .or_internal()?
        }
    };
    txn.commit().await.or_internal()?;
    search.labels_changed(db).await?;
    Ok(TermRef {
        scheme: s.code,
        code: saved.code,
        label_ko: saved.label_ko,
        label_en: saved.label_en,
    })
}

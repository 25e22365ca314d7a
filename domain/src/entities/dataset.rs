//! SeaORM entity for `datasets`. Hand-written model logic lives in `crate::services`, not here.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "datasets")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub slug: String,
    pub title_ko: String,
    pub title_en: String,
    #[sea_orm(column_type = "Text")]
    pub description_ko: String,
    #[sea_orm(column_type = "Text")]
    pub description_en: String,
    pub department_id: i32,
    pub source_institution: String,
    pub visibility: String,
    pub status: String,
    pub license: String,
    pub update_cycle: String,
    pub last_updated: Option<Date>,
    pub next_due: Option<Date>,
    pub keywords: Json,
    pub spatial_coverage: Option<String>,
    pub temporal_start: Option<Date>,
    pub temporal_end: Option<Date>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The harvest source this dataset came from, and its identifier there.
    pub harvest_source_id: Option<i32>,
    pub harvest_key: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! SeaORM entity for `harvest_sources`. Hand-written model logic lives in `crate::services::harvest`.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "harvest_sources")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub name: String,
    pub kind: String,
    #[sea_orm(column_type = "Text")]
    pub url: String,
    pub department_id: i32,
    pub source_institution: String,
    pub default_terms: Json,
    pub visibility: String,
    pub interval_minutes: Option<i32>,
    pub enabled: bool,
    pub next_run_at: Option<DateTimeUtc>,
    pub last_job_id: Option<i32>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

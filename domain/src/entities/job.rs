//! SeaORM entity for `jobs`. Hand-written model logic lives in `crate::services::jobs`.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "jobs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub kind: String,
    pub status: String,
    pub params: Json,
    pub input: Option<Vec<u8>>,
    pub created_by: Option<i32>,
    pub progress_done: i64,
    pub progress_total: i64,
    #[sea_orm(column_type = "Text")]
    pub progress_note: String,
    pub result: Option<Json>,
    pub error: Option<Json>,
    pub attempts: i32,
    pub claimed_by: Option<String>,
    pub created_at: DateTimeUtc,
    pub started_at: Option<DateTimeUtc>,
    pub heartbeat_at: Option<DateTimeUtc>,
    pub finished_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

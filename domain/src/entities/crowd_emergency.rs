//! SeaORM entity for `crowd_emergencies`. Hand-written model logic lives in `crate::services`, not here.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "crowd_emergencies")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub hot_spot_id: Option<i32>,
    #[sea_orm(column_type = "Text")]
    pub message_ko: String,
    #[sea_orm(column_type = "Text")]
    pub message_en: String,
    pub started_by: Option<i32>,
    pub started_at: DateTimeUtc,
    pub ended_by: Option<i32>,
    pub ended_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

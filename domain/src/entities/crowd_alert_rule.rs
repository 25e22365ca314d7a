//! SeaORM entity for `crowd_alert_rules`. Hand-written model logic lives in `crate::services`, not here.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "crowd_alert_rules")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// One place, or every place when `None`.
    pub hot_spot_id: Option<i32>,
    pub min_level: Option<i16>,
    pub min_population: Option<i32>,
    pub for_minutes: i32,
    pub enabled: bool,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

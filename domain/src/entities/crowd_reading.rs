//! SeaORM entity for `crowd_readings`. Hand-written model logic lives in `crate::services`, not here.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "crowd_readings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub hot_spot_id: i32,
    pub observed_at: DateTimeUtc,
    pub level: i16,
    pub population_min: i32,
    pub population_max: i32,
    pub source: String,
    /// The feed's forecast series (`[ForecastPoint]`), when it gave one.
    pub forecast: Option<Json>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

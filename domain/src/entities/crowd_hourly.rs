//! SeaORM entity for `crowd_hourly` (downsampled crowd history). Hand-written model logic lives
//! in `crate::services`, not here.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "crowd_hourly")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub hot_spot_id: i32,
    pub hour: DateTimeUtc,
    pub level_max: i16,
    #[sea_orm(column_type = "Double")]
    pub level_avg: f64,
    pub population_min: i32,
    pub population_max: i32,
    pub samples: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

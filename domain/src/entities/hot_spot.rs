//! SeaORM entity for `hot_spots`. Hand-written model logic lives in `crate::services`, not here.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "hot_spots")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub code: String,
    pub name_ko: String,
    pub name_en: String,
    pub district: String,
    pub category: String,
    #[sea_orm(column_type = "Double")]
    pub lat: f64,
    #[sea_orm(column_type = "Double")]
    pub lon: f64,
    pub polygon: Option<Json>,
    pub is_local: bool,
    /// `city` (polled) or `push` (a local point whose readings are pushed with a token).
    pub feed: String,
    /// SHA-256 (hex) of a `push` point's token.
    pub push_token_hash: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

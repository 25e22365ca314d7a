//! SeaORM entity for `revisions`. Hand-written model logic lives in `crate::services`, not here.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "revisions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub dataset_id: i32,
    pub version: i32,
    pub author_id: Option<i32>,
    pub created_at: DateTimeUtc,
    #[sea_orm(column_type = "Text")]
    pub message: String,
    pub diff: Json,
    pub snapshot: Json,
    /// The proposal this revision applied (its proposer is credited with the author).
    pub proposal_id: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

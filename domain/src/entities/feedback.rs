//! SeaORM entity for `feedback`. Hand-written model logic lives in `crate::services`, not here.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "feedback")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub dataset_id: i32,
    /// The department that owned the dataset when the report came in.
    pub department_id: i32,
    pub kind: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub contact: Option<String>,
    pub status: String,
    pub created_at: DateTimeUtc,
    pub resolved_by: Option<i32>,
    pub resolved_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

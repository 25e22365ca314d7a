//! SeaORM entity for `login_throttles` (see `crate::services::login_throttle`).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "login_throttles")]
pub struct Model {
    /// The username as typed, trimmed and lowercased (whether such a user exists or not).
    #[sea_orm(primary_key, auto_increment = false)]
    pub username: String,
    /// The client address (IPv6: its /64), or `*` for the account as a whole.
    #[sea_orm(primary_key, auto_increment = false)]
    pub client: String,
    /// Attempts counted as failures since `window_start` (an admitted attempt counts until it
    /// succeeds).
    pub failures: i32,
    pub window_start: DateTimeUtc,
    /// No attempt is admitted before then.
    pub next_attempt_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

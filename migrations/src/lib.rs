//! Database schema for Dongne, as sea-orm migrations.
//!
//! Migrations are named `mYYYYMMDD_HHMMSS_verb_noun` and are never edited once applied:
//! change the schema by adding a new migration.

pub use sea_orm_migration::prelude::*;

mod m20261125_170000_create_organisation;
mod m20261125_170100_create_catalog;
mod m20261125_170200_create_crowd;
mod m20261125_183000_add_child_indexes;
mod m20261126_020000_create_proposals;
mod m20261126_050000_create_jobs;
mod m20261130_064500_create_crowd_hourly;
mod m20261130_100000_create_crowd_alerts;
mod m20261130_140000_create_portal_tables;
mod m20261130_150000_add_login_lockout;
mod m20261207_101500_create_login_throttles;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_170000_create_organisation::Migration),
            Box::new(m20261125_170100_create_catalog::Migration),
            Box::new(m20261125_170200_create_crowd::Migration),
            Box::new(m20261125_183000_add_child_indexes::Migration),
            Box::new(m20261126_020000_create_proposals::Migration),
            Box::new(m20261126_050000_create_jobs::Migration),
            Box::new(m20261130_064500_create_crowd_hourly::Migration),
            Box::new(m20261130_100000_create_crowd_alerts::Migration),
            Box::new(m20261130_140000_create_portal_tables::Migration),
            Box::new(m20261130_150000_add_login_lockout::Migration),
            Box::new(m20261207_101500_create_login_throttles::Migration),
        ]
    }
}

/// A foreign key from `from_table.from_col` to `to_table.id`.
pub(crate) fn fk(
    name: &str,
    from_table: impl IntoTableRef,
    from_col: impl IntoIden,
    to_table: impl IntoTableRef,
    to_col: impl IntoIden,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from_table, from_col)
        .to(to_table, to_col)
        .on_delete(on_delete)
        .to_owned()
}

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

/// Login throttling keyed by the normalised username (known or not) and the client address,
/// replacing the per-user lock-out columns: one row per account (`client` = `*`) and one per
/// account and address, each with its failures in the current window and the earliest time
/// the next attempt is admitted.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LoginThrottles {
    Table,
    Username,
    Client,
    Failures,
    WindowStart,
    NextAttemptAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    FailedLogins,
    LockedUntil,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// In one transaction on SQLite too, so every statement runs on one connection: SQLite
    /// looks a dropped column up in the connection's cached schema while preparing, and a pooled
    /// connection that has not run anything since the column was added would not know it.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(LoginThrottles::Table)
                .if_not_exists()
                .col(string_len(LoginThrottles::Username, 300))
                .col(string_len(LoginThrottles::Client, 64))
                .col(integer(LoginThrottles::Failures).default(0))
                .col(timestamp_with_time_zone(LoginThrottles::WindowStart))
                .col(timestamp_with_time_zone(LoginThrottles::NextAttemptAt))
                .primary_key(
                    Index::create()
                        .col(LoginThrottles::Username)
                        .col(LoginThrottles::Client),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_login_throttles_window_start")
                .table(LoginThrottles::Table)
                .col(LoginThrottles::WindowStart)
                .to_owned(),
        )
        .await?;
        // The old lock-out state is not used any more (one column per statement for SQLite).
        for col in [Users::LockedUntil, Users::FailedLogins] {
            m.alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(col)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Users::Table)
                .add_column(
                    ColumnDef::new(Users::FailedLogins)
                        .integer()
                        .not_null()
                        .default(0),
                )
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Users::Table)
                .add_column(
                    ColumnDef::new(Users::LockedUntil)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(LoginThrottles::Table).to_owned())
            .await
    }
}

use sea_orm_migration::{prelude::*, schema::*};

use crate::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Departments {
    Table,
    Id,
    Code,
    NameKo,
    NameEn,
    CreatedAt,
}

#[derive(DeriveIden)]
pub enum Users {
    Table,
    Id,
    Username,
    DisplayName,
    PasswordHash,
    Role,
    DepartmentId,
    Active,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    UserId,
    CreatedAt,
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Departments::Table)
                    .col(pk_auto(Departments::Id))
                    .col(string_uniq(Departments::Code))
                    .col(string(Departments::NameKo))
                    .col(string(Departments::NameEn))
                    .col(timestamp_with_time_zone(Departments::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(pk_auto(Users::Id))
                    .col(string_uniq(Users::Username))
                    .col(string(Users::DisplayName))
                    .col(string(Users::PasswordHash))
                    .col(string(Users::Role))
                    .col(integer_null(Users::DepartmentId))
                    .col(boolean(Users::Active).default(true))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_users_department",
                        Users::Table,
                        Users::DepartmentId,
                        Departments::Table,
                        Departments::Id,
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    // SHA-256 of the session token: a leaked table does not leak live sessions.
                    .col(string(Sessions::Id).primary_key())
                    .col(integer(Sessions::UserId))
                    .col(timestamp_with_time_zone(Sessions::CreatedAt))
                    .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                    .foreign_key(&mut fk(
                        "fk_sessions_user",
                        Sessions::Table,
                        Sessions::UserId,
                        Users::Table,
                        Users::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sessions_user")
                    .table(Sessions::Table)
                    .col(Sessions::UserId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Sessions::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Users::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Departments::Table).to_owned())
            .await
    }
}

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::fk;

/// The public portal's tables: API keys for staff integrations, residents' problem reports
/// for the owning department, and daily view counts per dataset (for "popular").
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Datasets {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Departments {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ApiKeys {
    Table,
    Id,
    UserId,
    Name,
    Prefix,
    KeyHash,
    CreatedAt,
    LastUsedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum Feedback {
    Table,
    Id,
    DatasetId,
    DepartmentId,
    Kind,
    Body,
    Contact,
    Status,
    CreatedAt,
    ResolvedBy,
    ResolvedAt,
}

#[derive(DeriveIden)]
enum DatasetViews {
    Table,
    DatasetId,
    Day,
    Views,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ApiKeys::Table)
                .if_not_exists()
                .col(pk_auto(ApiKeys::Id))
                .col(integer(ApiKeys::UserId))
                .col(string_len(ApiKeys::Name, 100))
                .col(string_len(ApiKeys::Prefix, 16))
                .col(string_len_uniq(ApiKeys::KeyHash, 64))
                .col(timestamp_with_time_zone(ApiKeys::CreatedAt))
                .col(timestamp_with_time_zone_null(ApiKeys::LastUsedAt))
                .col(timestamp_with_time_zone_null(ApiKeys::RevokedAt))
                .foreign_key(&mut fk(
                    "fk_api_keys_user",
                    ApiKeys::Table,
                    ApiKeys::UserId,
                    Users::Table,
                    Users::Id,
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_api_keys_user")
                .table(ApiKeys::Table)
                .col(ApiKeys::UserId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Feedback::Table)
                .if_not_exists()
                .col(pk_auto(Feedback::Id))
                .col(integer(Feedback::DatasetId))
                .col(integer(Feedback::DepartmentId))
                .col(string_len(Feedback::Kind, 20))
                .col(text(Feedback::Body))
                .col(string_len_null(Feedback::Contact, 200))
                .col(string_len(Feedback::Status, 20))
                .col(timestamp_with_time_zone(Feedback::CreatedAt))
                .col(integer_null(Feedback::ResolvedBy))
                .col(timestamp_with_time_zone_null(Feedback::ResolvedAt))
                .foreign_key(&mut fk(
                    "fk_feedback_dataset",
                    Feedback::Table,
                    Feedback::DatasetId,
                    Datasets::Table,
                    Datasets::Id,
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_feedback_department",
                    Feedback::Table,
                    Feedback::DepartmentId,
                    Departments::Table,
                    Departments::Id,
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_feedback_resolved_by",
                    Feedback::Table,
                    Feedback::ResolvedBy,
                    Users::Table,
                    Users::Id,
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_feedback_department_status")
                .table(Feedback::Table)
                .col(Feedback::DepartmentId)
                .col(Feedback::Status)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_feedback_dataset")
                .table(Feedback::Table)
                .col(Feedback::DatasetId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(DatasetViews::Table)
                .if_not_exists()
                .col(integer(DatasetViews::DatasetId))
                .col(date(DatasetViews::Day))
                .col(big_integer(DatasetViews::Views))
                .primary_key(
                    Index::create()
                        .col(DatasetViews::DatasetId)
                        .col(DatasetViews::Day),
                )
                .foreign_key(&mut fk(
                    "fk_dataset_views_dataset",
                    DatasetViews::Table,
                    DatasetViews::DatasetId,
                    Datasets::Table,
                    Datasets::Id,
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_dataset_views_day")
                .table(DatasetViews::Table)
                .col(DatasetViews::Day)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            DatasetViews::Table.into_iden(),
            Feedback::Table.into_iden(),
            ApiKeys::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}

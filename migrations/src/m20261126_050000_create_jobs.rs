use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::fk;
use crate::m20261125_170000_create_organisation::{Departments, Users};

/// Background jobs (imports, harvests, profiling) persisted so they survive a restart; harvest
/// sources and the link from a harvested dataset to its source record; data profiles of the
/// files behind distributions.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Datasets {
    Table,
    Id,
    HarvestSourceId,
    HarvestKey,
}

#[derive(DeriveIden)]
enum Jobs {
    Table,
    Id,
    Kind,
    Status,
    Params,
    Input,
    CreatedBy,
    ProgressDone,
    ProgressTotal,
    ProgressNote,
    Result,
    Error,
    Attempts,
    ClaimedBy,
    CreatedAt,
    StartedAt,
    HeartbeatAt,
    FinishedAt,
}

#[derive(DeriveIden)]
enum HarvestSources {
    Table,
    Id,
    Name,
    Kind,
    Url,
    DepartmentId,
    SourceInstitution,
    DefaultTerms,
    Visibility,
    IntervalMinutes,
    Enabled,
    NextRunAt,
    LastJobId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Profiles {
    Table,
    Id,
    DatasetId,
    Url,
    FileName,
    Result,
    JobId,
    CreatedBy,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Jobs::Table)
                .col(pk_auto(Jobs::Id))
                .col(string(Jobs::Kind))
                .col(string(Jobs::Status))
                .col(json(Jobs::Params))
                .col(blob_null(Jobs::Input))
                .col(integer_null(Jobs::CreatedBy))
                .col(big_integer(Jobs::ProgressDone).default(0))
                .col(big_integer(Jobs::ProgressTotal).default(0))
                .col(text(Jobs::ProgressNote).default(""))
                .col(json_null(Jobs::Result))
                .col(json_null(Jobs::Error))
                .col(integer(Jobs::Attempts).default(0))
                .col(string_null(Jobs::ClaimedBy))
                .col(timestamp_with_time_zone(Jobs::CreatedAt))
                .col(timestamp_with_time_zone_null(Jobs::StartedAt))
                .col(timestamp_with_time_zone_null(Jobs::HeartbeatAt))
                .col(timestamp_with_time_zone_null(Jobs::FinishedAt))
                .foreign_key(&mut fk(
                    "fk_jobs_created_by",
                    Jobs::Table,
                    Jobs::CreatedBy,
                    Users::Table,
                    Users::Id,
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_jobs_status")
                .table(Jobs::Table)
                .col(Jobs::Status)
                .col(Jobs::Id)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(HarvestSources::Table)
                .col(pk_auto(HarvestSources::Id))
                .col(string(HarvestSources::Name))
                .col(string(HarvestSources::Kind))
                .col(text(HarvestSources::Url))
                .col(integer(HarvestSources::DepartmentId))
                .col(string(HarvestSources::SourceInstitution))
                .col(json(HarvestSources::DefaultTerms))
                .col(string(HarvestSources::Visibility))
                .col(integer_null(HarvestSources::IntervalMinutes))
                .col(boolean(HarvestSources::Enabled))
                .col(timestamp_with_time_zone_null(HarvestSources::NextRunAt))
                .col(integer_null(HarvestSources::LastJobId))
                .col(timestamp_with_time_zone(HarvestSources::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_harvest_sources_department",
                    HarvestSources::Table,
                    HarvestSources::DepartmentId,
                    Departments::Table,
                    Departments::Id,
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Datasets::Table)
                .add_column(integer_null(Datasets::HarvestSourceId))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Datasets::Table)
                .add_column(string_null(Datasets::HarvestKey))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_datasets_harvest_key")
                .table(Datasets::Table)
                .col(Datasets::HarvestSourceId)
                .col(Datasets::HarvestKey)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Profiles::Table)
                .col(pk_auto(Profiles::Id))
                .col(integer(Profiles::DatasetId))
                .col(text(Profiles::Url))
                .col(string(Profiles::FileName))
                .col(json(Profiles::Result))
                .col(integer_null(Profiles::JobId))
                .col(integer_null(Profiles::CreatedBy))
                .col(timestamp_with_time_zone(Profiles::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_profiles_dataset",
                    Profiles::Table,
                    Profiles::DatasetId,
                    Datasets::Table,
                    Datasets::Id,
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_profiles_created_by",
                    Profiles::Table,
                    Profiles::CreatedBy,
                    Users::Table,
                    Users::Id,
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_profiles_dataset")
                .table(Profiles::Table)
                .col(Profiles::DatasetId)
                .col(Profiles::Id)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Profiles::Table).to_owned())
            .await?;
        m.drop_index(
            Index::drop()
                .name("idx_datasets_harvest_key")
                .table(Datasets::Table)
                .to_owned(),
        )
        .await?;
        for col in [Datasets::HarvestKey, Datasets::HarvestSourceId] {
            m.alter_table(
                Table::alter()
                    .table(Datasets::Table)
                    .drop_column(col)
                    .to_owned(),
            )
            .await?;
        }
        m.drop_table(Table::drop().table(HarvestSources::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Jobs::Table).to_owned())
            .await
    }
}

use sea_orm_migration::{prelude::*, schema::*};

use crate::fk;
use crate::m20261125_170000_create_organisation::{Departments, Users};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Schemes {
    Table,
    Id,
    Code,
    NameKo,
    NameEn,
    Position,
}

#[derive(DeriveIden)]
enum Terms {
    Table,
    Id,
    SchemeId,
    Code,
    LabelKo,
    LabelEn,
    Position,
}

#[derive(DeriveIden)]
enum Datasets {
    Table,
    Id,
    Slug,
    TitleKo,
    TitleEn,
    DescriptionKo,
    DescriptionEn,
    DepartmentId,
    SourceInstitution,
    Visibility,
    Status,
    License,
    UpdateCycle,
    LastUpdated,
    NextDue,
    Keywords,
    SpatialCoverage,
    TemporalStart,
    TemporalEnd,
    ContactName,
    ContactPhone,
    ContactEmail,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum DatasetTerms {
    Table,
    DatasetId,
    TermId,
}

#[derive(DeriveIden)]
enum Distributions {
    Table,
    Id,
    DatasetId,
    Position,
    Title,
    Kind,
    Format,
    Url,
    SizeBytes,
    CreatedAt,
}

#[derive(DeriveIden)]
enum DataColumns {
    Table,
    Id,
    DatasetId,
    Position,
    Name,
    DataType,
    Description,
    Unit,
}

#[derive(DeriveIden)]
enum Revisions {
    Table,
    Id,
    DatasetId,
    Version,
    AuthorId,
    CreatedAt,
    Message,
    Diff,
    Snapshot,
}

#[derive(DeriveIden)]
enum Comments {
    Table,
    Id,
    DatasetId,
    AuthorId,
    Body,
    CreatedAt,
}

fn dataset_fk(
    name: &str,
    table: impl IntoTableRef,
    col: impl IntoIden,
) -> ForeignKeyCreateStatement {
    fk(
        name,
        table,
        col,
        Datasets::Table,
        Datasets::Id,
        ForeignKeyAction::Cascade,
    )
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Schemes::Table)
                .col(pk_auto(Schemes::Id))
                .col(string_uniq(Schemes::Code))
                .col(string(Schemes::NameKo))
                .col(string(Schemes::NameEn))
                .col(integer(Schemes::Position))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Terms::Table)
                .col(pk_auto(Terms::Id))
                .col(integer(Terms::SchemeId))
                .col(string(Terms::Code))
                .col(string(Terms::LabelKo))
                .col(string(Terms::LabelEn))
                .col(integer(Terms::Position))
                .foreign_key(&mut fk(
                    "fk_terms_scheme",
                    Terms::Table,
                    Terms::SchemeId,
                    Schemes::Table,
                    Schemes::Id,
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_terms_scheme_code")
                .table(Terms::Table)
                .col(Terms::SchemeId)
                .col(Terms::Code)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Datasets::Table)
                .col(pk_auto(Datasets::Id))
                .col(string_uniq(Datasets::Slug))
                .col(string(Datasets::TitleKo))
                .col(string(Datasets::TitleEn))
                .col(text(Datasets::DescriptionKo))
                .col(text(Datasets::DescriptionEn))
                .col(integer(Datasets::DepartmentId))
                .col(string(Datasets::SourceInstitution))
                .col(string(Datasets::Visibility))
                .col(string(Datasets::Status))
                .col(string(Datasets::License))
                .col(string(Datasets::UpdateCycle))
                .col(date_null(Datasets::LastUpdated))
                .col(date_null(Datasets::NextDue))
                .col(json(Datasets::Keywords))
                .col(string_null(Datasets::SpatialCoverage))
                .col(date_null(Datasets::TemporalStart))
                .col(date_null(Datasets::TemporalEnd))
                .col(string_null(Datasets::ContactName))
                .col(string_null(Datasets::ContactPhone))
                .col(string_null(Datasets::ContactEmail))
                .col(integer(Datasets::Version).default(1))
                .col(timestamp_with_time_zone(Datasets::CreatedAt))
                .col(timestamp_with_time_zone(Datasets::UpdatedAt))
                .foreign_key(&mut fk(
                    "fk_datasets_department",
                    Datasets::Table,
                    Datasets::DepartmentId,
                    Departments::Table,
                    Departments::Id,
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        )
        .await?;
        for (name, col) in [
            ("idx_datasets_department", Datasets::DepartmentId),
            ("idx_datasets_updated_at", Datasets::UpdatedAt),
            ("idx_datasets_next_due", Datasets::NextDue),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table(Datasets::Table)
                    .col(col)
                    .to_owned(),
            )
            .await?;
        }
        m.create_index(
            Index::create()
                .name("idx_datasets_visibility_status")
                .table(Datasets::Table)
                .col(Datasets::Visibility)
                .col(Datasets::Status)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(DatasetTerms::Table)
                .col(integer(DatasetTerms::DatasetId))
                .col(integer(DatasetTerms::TermId))
                .primary_key(
                    Index::create()
                        .col(DatasetTerms::DatasetId)
                        .col(DatasetTerms::TermId),
                )
                .foreign_key(&mut dataset_fk(
                    "fk_dataset_terms_dataset",
                    DatasetTerms::Table,
                    DatasetTerms::DatasetId,
                ))
                .foreign_key(&mut fk(
                    "fk_dataset_terms_term",
                    DatasetTerms::Table,
                    DatasetTerms::TermId,
                    Terms::Table,
                    Terms::Id,
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_dataset_terms_term")
                .table(DatasetTerms::Table)
                .col(DatasetTerms::TermId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Distributions::Table)
                .col(pk_auto(Distributions::Id))
                .col(integer(Distributions::DatasetId))
                .col(integer(Distributions::Position))
                .col(string(Distributions::Title))
                .col(string(Distributions::Kind))
                .col(string(Distributions::Format))
                .col(string(Distributions::Url))
                .col(big_integer_null(Distributions::SizeBytes))
                .col(timestamp_with_time_zone(Distributions::CreatedAt))
                .foreign_key(&mut dataset_fk(
                    "fk_distributions_dataset",
                    Distributions::Table,
                    Distributions::DatasetId,
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(DataColumns::Table)
                .col(pk_auto(DataColumns::Id))
                .col(integer(DataColumns::DatasetId))
                .col(integer(DataColumns::Position))
                .col(string(DataColumns::Name))
                .col(string(DataColumns::DataType))
                .col(text_null(DataColumns::Description))
                .col(string_null(DataColumns::Unit))
                .foreign_key(&mut dataset_fk(
                    "fk_data_columns_dataset",
                    DataColumns::Table,
                    DataColumns::DatasetId,
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Revisions::Table)
                .col(pk_auto(Revisions::Id))
                .col(integer(Revisions::DatasetId))
                .col(integer(Revisions::Version))
                .col(integer_null(Revisions::AuthorId))
                .col(timestamp_with_time_zone(Revisions::CreatedAt))
                .col(text(Revisions::Message))
                .col(json(Revisions::Diff))
                .col(json(Revisions::Snapshot))
                .foreign_key(&mut dataset_fk(
                    "fk_revisions_dataset",
                    Revisions::Table,
                    Revisions::DatasetId,
                ))
                .foreign_key(&mut fk(
                    "fk_revisions_author",
                    Revisions::Table,
                    Revisions::AuthorId,
                    Users::Table,
                    Users::Id,
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_revisions_dataset_version")
                .table(Revisions::Table)
                .col(Revisions::DatasetId)
                .col(Revisions::Version)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Comments::Table)
                .col(pk_auto(Comments::Id))
                .col(integer(Comments::DatasetId))
                .col(integer_null(Comments::AuthorId))
                .col(text(Comments::Body))
                .col(timestamp_with_time_zone(Comments::CreatedAt))
                .foreign_key(&mut dataset_fk(
                    "fk_comments_dataset",
                    Comments::Table,
                    Comments::DatasetId,
                ))
                .foreign_key(&mut fk(
                    "fk_comments_author",
                    Comments::Table,
                    Comments::AuthorId,
                    Users::Table,
                    Users::Id,
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_comments_dataset")
                .table(Comments::Table)
                .col(Comments::DatasetId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Comments::Table.into_iden(),
            Revisions::Table.into_iden(),
            DataColumns::Table.into_iden(),
            Distributions::Table.into_iden(),
            DatasetTerms::Table.into_iden(),
            Datasets::Table.into_iden(),
            Terms::Table.into_iden(),
            Schemes::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

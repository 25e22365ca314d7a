use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::fk;
use crate::m20261125_170000_create_organisation::Users;

/// Proposals (a change set on another department's dataset, reviewed by its stewards),
/// in-app notifications, and the link from a revision to the proposal it applied.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Datasets {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Proposals {
    Table,
    Id,
    DatasetId,
    ProposerId,
    BaseVersion,
    Patch,
    Message,
    Status,
    Reason,
    DecidedBy,
    DecidedAt,
    AppliedVersion,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Notifications {
    Table,
    Id,
    UserId,
    Kind,
    DatasetId,
    ActorId,
    ProposalId,
    CreatedAt,
    ReadAt,
}

#[derive(DeriveIden)]
enum Revisions {
    Table,
    ProposalId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Proposals::Table)
                .col(pk_auto(Proposals::Id))
                .col(integer(Proposals::DatasetId))
                .col(integer_null(Proposals::ProposerId))
                .col(integer(Proposals::BaseVersion))
                .col(json(Proposals::Patch))
                .col(text(Proposals::Message))
                .col(string(Proposals::Status))
                .col(text_null(Proposals::Reason))
                .col(integer_null(Proposals::DecidedBy))
                .col(timestamp_with_time_zone_null(Proposals::DecidedAt))
                .col(integer_null(Proposals::AppliedVersion))
                .col(timestamp_with_time_zone(Proposals::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_proposals_dataset",
                    Proposals::Table,
                    Proposals::DatasetId,
                    Datasets::Table,
                    Datasets::Id,
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_proposals_proposer",
                    Proposals::Table,
                    Proposals::ProposerId,
                    Users::Table,
                    Users::Id,
                    ForeignKeyAction::SetNull,
                ))
                .foreign_key(&mut fk(
                    "fk_proposals_decided_by",
                    Proposals::Table,
                    Proposals::DecidedBy,
                    Users::Table,
                    Users::Id,
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_proposals_dataset_status")
                .table(Proposals::Table)
                .col(Proposals::DatasetId)
                .col(Proposals::Status)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_proposals_proposer")
                .table(Proposals::Table)
                .col(Proposals::ProposerId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Notifications::Table)
                .col(pk_auto(Notifications::Id))
                .col(integer(Notifications::UserId))
                .col(string(Notifications::Kind))
                .col(integer_null(Notifications::DatasetId))
                .col(integer_null(Notifications::ActorId))
                .col(integer_null(Notifications::ProposalId))
                .col(timestamp_with_time_zone(Notifications::CreatedAt))
                .col(timestamp_with_time_zone_null(Notifications::ReadAt))
                .foreign_key(&mut fk(
                    "fk_notifications_user",
                    Notifications::Table,
                    Notifications::UserId,
                    Users::Table,
                    Users::Id,
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_notifications_dataset",
                    Notifications::Table,
                    Notifications::DatasetId,
                    Datasets::Table,
                    Datasets::Id,
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_notifications_actor",
                    Notifications::Table,
                    Notifications::ActorId,
                    Users::Table,
                    Users::Id,
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_notifications_user")
                .table(Notifications::Table)
                .col(Notifications::UserId)
                .col(Notifications::CreatedAt)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Revisions::Table)
                .add_column(integer_null(Revisions::ProposalId))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Revisions::Table)
                .drop_column(Revisions::ProposalId)
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(Notifications::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Proposals::Table).to_owned())
            .await
    }
}

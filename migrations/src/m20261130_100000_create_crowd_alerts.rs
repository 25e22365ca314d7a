use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::fk;

/// Crowd emergencies: alert rules, the alerts they raise (acknowledged, annotated, resolved),
/// emergency mode, and local points that push their own readings with a token.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum HotSpots {
    Table,
    Id,
    /// `city` (polled from the city's API or simulated) or `push` (readings pushed with a token).
    Feed,
    /// SHA-256 of the push token (hex); only for `push` points.
    PushTokenHash,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum CrowdAlertRules {
    Table,
    Id,
    /// One place, or every place when null.
    HotSpotId,
    MinLevel,
    MinPopulation,
    ForMinutes,
    Enabled,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CrowdAlerts {
    Table,
    Id,
    RuleId,
    HotSpotId,
    Level,
    PopulationMax,
    /// When the condition started to hold.
    Since,
    RaisedAt,
    AcknowledgedAt,
    AcknowledgedBy,
    ResolvedAt,
}

#[derive(DeriveIden)]
enum CrowdAlertNotes {
    Table,
    Id,
    AlertId,
    AuthorId,
    Body,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CrowdEmergencies {
    Table,
    Id,
    HotSpotId,
    MessageKo,
    MessageEn,
    StartedBy,
    StartedAt,
    EndedBy,
    EndedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(HotSpots::Table)
                .add_column(string(HotSpots::Feed).default("city"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(HotSpots::Table)
                .add_column(string_null(HotSpots::PushTokenHash))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(CrowdAlertRules::Table)
                .if_not_exists()
                .col(pk_auto(CrowdAlertRules::Id))
                .col(integer_null(CrowdAlertRules::HotSpotId))
                .col(small_integer_null(CrowdAlertRules::MinLevel))
                .col(integer_null(CrowdAlertRules::MinPopulation))
                .col(integer(CrowdAlertRules::ForMinutes))
                .col(boolean(CrowdAlertRules::Enabled).default(true))
                .col(integer_null(CrowdAlertRules::CreatedBy))
                .col(timestamp_with_time_zone(CrowdAlertRules::CreatedAt))
                .check(
                    Expr::col(CrowdAlertRules::MinLevel)
                        .is_not_null()
                        .or(Expr::col(CrowdAlertRules::MinPopulation).is_not_null()),
                )
                .foreign_key(&mut fk(
                    "fk_crowd_alert_rules_hot_spot",
                    CrowdAlertRules::Table,
                    CrowdAlertRules::HotSpotId,
                    HotSpots::Table,
                    HotSpots::Id,
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_crowd_alert_rules_user",
                    CrowdAlertRules::Table,
                    CrowdAlertRules::CreatedBy,
                    Users::Table,
                    Users::Id,
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(CrowdAlerts::Table)
                .if_not_exists()
                .col(pk_auto(CrowdAlerts::Id))
                .col(integer(CrowdAlerts::RuleId))
                .col(integer(CrowdAlerts::HotSpotId))
                .col(small_integer(CrowdAlerts::Level))
                .col(integer(CrowdAlerts::PopulationMax))
                .col(timestamp_with_time_zone(CrowdAlerts::Since))
                .col(timestamp_with_time_zone(CrowdAlerts::RaisedAt))
                .col(timestamp_with_time_zone_null(CrowdAlerts::AcknowledgedAt))
                .col(integer_null(CrowdAlerts::AcknowledgedBy))
                .col(timestamp_with_time_zone_null(CrowdAlerts::ResolvedAt))
                .foreign_key(&mut fk(
                    "fk_crowd_alerts_rule",
                    CrowdAlerts::Table,
                    CrowdAlerts::RuleId,
                    CrowdAlertRules::Table,
                    CrowdAlertRules::Id,
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_crowd_alerts_hot_spot",
                    CrowdAlerts::Table,
                    CrowdAlerts::HotSpotId,
                    HotSpots::Table,
                    HotSpots::Id,
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_crowd_alerts_user",
                    CrowdAlerts::Table,
                    CrowdAlerts::AcknowledgedBy,
                    Users::Table,
                    Users::Id,
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_crowd_alerts_open")
                .table(CrowdAlerts::Table)
                .col(CrowdAlerts::ResolvedAt)
                .col(CrowdAlerts::RuleId)
                .col(CrowdAlerts::HotSpotId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(CrowdAlertNotes::Table)
                .if_not_exists()
                .col(pk_auto(CrowdAlertNotes::Id))
                .col(integer(CrowdAlertNotes::AlertId))
                .col(integer_null(CrowdAlertNotes::AuthorId))
                .col(text(CrowdAlertNotes::Body))
                .col(timestamp_with_time_zone(CrowdAlertNotes::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_crowd_alert_notes_alert",
                    CrowdAlertNotes::Table,
                    CrowdAlertNotes::AlertId,
                    CrowdAlerts::Table,
                    CrowdAlerts::Id,
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_crowd_alert_notes_user",
                    CrowdAlertNotes::Table,
                    CrowdAlertNotes::AuthorId,
                    Users::Table,
                    Users::Id,
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(CrowdEmergencies::Table)
                .if_not_exists()
                .col(pk_auto(CrowdEmergencies::Id))
                .col(integer_null(CrowdEmergencies::HotSpotId))
                .col(text(CrowdEmergencies::MessageKo))
                .col(text(CrowdEmergencies::MessageEn))
                .col(integer_null(CrowdEmergencies::StartedBy))
                .col(timestamp_with_time_zone(CrowdEmergencies::StartedAt))
                .col(integer_null(CrowdEmergencies::EndedBy))
                .col(timestamp_with_time_zone_null(CrowdEmergencies::EndedAt))
                .foreign_key(&mut fk(
                    "fk_crowd_emergencies_hot_spot",
                    CrowdEmergencies::Table,
                    CrowdEmergencies::HotSpotId,
                    HotSpots::Table,
                    HotSpots::Id,
                    ForeignKeyAction::SetNull,
                ))
                .foreign_key(&mut fk(
                    "fk_crowd_emergencies_started_by",
                    CrowdEmergencies::Table,
                    CrowdEmergencies::StartedBy,
                    Users::Table,
                    Users::Id,
                    ForeignKeyAction::SetNull,
                ))
                .foreign_key(&mut fk(
                    "fk_crowd_emergencies_ended_by",
                    CrowdEmergencies::Table,
                    CrowdEmergencies::EndedBy,
                    Users::Table,
                    Users::Id,
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            CrowdEmergencies::Table.into_iden(),
            CrowdAlertNotes::Table.into_iden(),
            CrowdAlerts::Table.into_iden(),
            CrowdAlertRules::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        m.alter_table(
            Table::alter()
                .table(HotSpots::Table)
                .drop_column(HotSpots::PushTokenHash)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(HotSpots::Table)
                .drop_column(HotSpots::Feed)
                .to_owned(),
        )
        .await
    }
}

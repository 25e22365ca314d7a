use sea_orm_migration::{prelude::*, schema::*};

use crate::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum HotSpots {
    Table,
    Id,
    Code,
    NameKo,
    NameEn,
    District,
    Category,
    Lat,
    Lon,
    Polygon,
    IsLocal,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CrowdReadings {
    Table,
    Id,
    HotSpotId,
    ObservedAt,
    Level,
    PopulationMin,
    PopulationMax,
    Source,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(HotSpots::Table)
                .col(pk_auto(HotSpots::Id))
                .col(string_uniq(HotSpots::Code))
                .col(string(HotSpots::NameKo))
                .col(string(HotSpots::NameEn))
                .col(string(HotSpots::District))
                .col(string(HotSpots::Category))
                .col(double(HotSpots::Lat))
                .col(double(HotSpots::Lon))
                .col(json_null(HotSpots::Polygon))
                .col(boolean(HotSpots::IsLocal).default(false))
                .col(timestamp_with_time_zone(HotSpots::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(CrowdReadings::Table)
                .col(big_pk_auto(CrowdReadings::Id))
                .col(integer(CrowdReadings::HotSpotId))
                .col(timestamp_with_time_zone(CrowdReadings::ObservedAt))
                .col(small_integer(CrowdReadings::Level))
                .col(integer(CrowdReadings::PopulationMin))
                .col(integer(CrowdReadings::PopulationMax))
                .col(string(CrowdReadings::Source))
                .col(timestamp_with_time_zone(CrowdReadings::CreatedAt))
                .check(Expr::col(CrowdReadings::Level).between(1, 4))
                .foreign_key(&mut fk(
                    "fk_crowd_readings_hot_spot",
                    CrowdReadings::Table,
                    CrowdReadings::HotSpotId,
                    HotSpots::Table,
                    HotSpots::Id,
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_crowd_readings_spot_time")
                .table(CrowdReadings::Table)
                .col(CrowdReadings::HotSpotId)
                .col(CrowdReadings::ObservedAt)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(CrowdReadings::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(HotSpots::Table).to_owned())
            .await
    }
}

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::fk;

/// Crowd history kept long: raw readings older than seven days are downsampled into hourly
/// rows and deleted. Each raw reading may carry the feed's forecast series.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum HotSpots {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum CrowdReadings {
    Table,
    Forecast,
}

#[derive(DeriveIden)]
enum CrowdHourly {
    Table,
    Id,
    HotSpotId,
    Hour,
    LevelMax,
    LevelAvg,
    PopulationMin,
    PopulationMax,
    Samples,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(CrowdHourly::Table)
                .if_not_exists()
                .col(big_pk_auto(CrowdHourly::Id))
                .col(integer(CrowdHourly::HotSpotId))
                .col(timestamp_with_time_zone(CrowdHourly::Hour))
                .col(small_integer(CrowdHourly::LevelMax))
                .col(double(CrowdHourly::LevelAvg))
                .col(integer(CrowdHourly::PopulationMin))
                .col(integer(CrowdHourly::PopulationMax))
                .col(integer(CrowdHourly::Samples))
                .check(Expr::col(CrowdHourly::LevelMax).between(1, 4))
                .foreign_key(&mut fk(
                    "fk_crowd_hourly_hot_spot",
                    CrowdHourly::Table,
                    CrowdHourly::HotSpotId,
                    HotSpots::Table,
                    HotSpots::Id,
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_crowd_hourly_spot_hour")
                .table(CrowdHourly::Table)
                .col(CrowdHourly::HotSpotId)
                .col(CrowdHourly::Hour)
                .unique()
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(CrowdReadings::Table)
                .add_column(json_null(CrowdReadings::Forecast))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(CrowdReadings::Table)
                .drop_column(CrowdReadings::Forecast)
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(CrowdHourly::Table).to_owned())
            .await
    }
}

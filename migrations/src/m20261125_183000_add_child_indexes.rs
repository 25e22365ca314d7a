use sea_orm_migration::prelude::*;

/// Distributions and data dictionary columns are always read by dataset: index that.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Distributions {
    Table,
    DatasetId,
}

#[derive(DeriveIden)]
enum DataColumns {
    Table,
    DatasetId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_distributions_dataset")
                .table(Distributions::Table)
                .col(Distributions::DatasetId)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_data_columns_dataset")
                .table(DataColumns::Table)
                .col(DataColumns::DatasetId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_data_columns_dataset")
                .table(DataColumns::Table)
                .to_owned(),
        )
        .await?;
        m.drop_index(
            Index::drop()
                .name("idx_distributions_dataset")
                .table(Distributions::Table)
                .to_owned(),
        )
        .await
    }
}

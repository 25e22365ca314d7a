//! The hot spot registry: the city's real-time city data places (121 places, `POI…` codes,
//! names, district, category and the centre of the city's area polygon; sources in
//! `domain/data/hot_spots.SOURCES.md`), loaded at every start. Places already present are left
//! as they are, so local points an administrator added or edited stay.

use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::*;
use types::error::AppError;

use crate::entities::hot_spot;
use crate::services::OrInternal;

/// The district whose own places are highlighted.
pub const HOME_DISTRICT: &str = "성동구";

const CSV: &str = include_str!("../../../data/hot_spots.csv");

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct Place {
    pub code: String,
    pub name_ko: String,
    pub name_en: String,
    pub district: String,
    pub category: String,
    pub lat: f64,
    pub lon: f64,
}

/// Every place of the registry.
pub fn places() -> Result<Vec<Place>, String> {
    let mut r = csv::Reader::from_reader(CSV.as_bytes());
    r.deserialize::<Place>()
        .enumerate()
        .map(|(i, p)| p.map_err(|e| format!("hot_spots.csv row {}: {e}", i + 2)))
        .collect()
}

/// Insert the registry's places that are not there yet; how many were added.
pub async fn ensure(db: &DatabaseConnection) -> Result<usize, AppError> {
    let places = places().map_err(crate::services::internal)?;
    let now = Utc::now();
    let mut added = 0;
    for p in places {
        let row = hot_spot::ActiveModel {
            is_local: Set(p.district == HOME_DISTRICT),
            code: Set(p.code),
            name_ko: Set(p.name_ko),
            name_en: Set(p.name_en),
            district: Set(p.district),
            category: Set(p.category),
            lat: Set(p.lat),
            lon: Set(p.lon),
            polygon: Set(None),
            created_at: Set(now),
            ..Default::default()
        };
        added += hot_spot::Entity::insert(row)
            .on_conflict(
                OnConflict::column(hot_spot::Column::Code)
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await
            .or_internal()? as usize;
    }
    Ok(added)
}

/// Every place for pickers: (code, Korean name, English name, feed).
pub async fn choices(
    db: &DatabaseConnection,
) -> Result<Vec<(String, String, String, String)>, AppError> {
    Ok(hot_spot::Entity::find()
        .order_by_asc(hot_spot::Column::NameKo)
        .all(db)
        .await
        .or_internal()?
        .into_iter()
        .map(|h| (h.code, h.name_ko, h.name_en, h.feed))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_is_whole_and_sane() {
        let all = places().unwrap();
        assert_eq!(all.len(), 121);
        let mut codes: Vec<&str> = all.iter().map(|p| p.code.as_str()).collect();
        codes.dedup();
        assert_eq!(codes.len(), 121, "codes are unique and sorted");
        for p in &all {
            assert!(p.code.starts_with("POI"), "{}", p.code);
            assert!(
                (37.0..38.0).contains(&p.lat) && (126.5..127.5).contains(&p.lon),
                "{p:?}"
            );
            assert!(!p.name_ko.is_empty() && !p.name_en.is_empty());
        }
        let local: Vec<&str> = all
            .iter()
            .filter(|p| p.district == HOME_DISTRICT)
            .map(|p| p.name_ko.as_str())
            .collect();
        for name in ["성수카페거리", "왕십리역", "서울숲공원"] {
            assert!(local.contains(&name), "{name}");
        }
        let seongsu = all.iter().find(|p| p.code == "POI068").unwrap();
        assert_eq!(seongsu.name_ko, "성수카페거리");
    }
}

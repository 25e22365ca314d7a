//! The fixed code lists of a dataset's distributions and data dictionary, checked by validation
//! and offered by the edit form; with the `openapi` feature, their schemas for the API
//! description. A leaf: it imports nothing of this crate.

/// A distribution's kinds: code, Korean and English label.
pub const DISTRIBUTION_KINDS: &[(&str, &str, &str)] = &[
    ("file", "파일", "File"),
    ("api", "오픈API", "Open API"),
    ("link", "링크", "Link"),
];
/// A data dictionary column's types.
pub const COLUMN_TYPES: &[&str] = &[
    "text", "integer", "number", "date", "datetime", "time", "boolean", "geometry",
];

#[cfg(feature = "openapi")]
fn one_of(codes: impl IntoIterator<Item = &'static str>) -> utoipa::openapi::schema::Object {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(codes))
        .build()
}

/// A distribution's kind (`file`, `api`, `link`).
#[cfg(feature = "openapi")]
pub fn distribution_kind() -> utoipa::openapi::schema::Object {
    one_of(DISTRIBUTION_KINDS.iter().map(|(code, _, _)| *code))
}

/// A data dictionary column's type (`text`, `integer`, …).
#[cfg(feature = "openapi")]
pub fn column_type() -> utoipa::openapi::schema::Object {
    one_of(COLUMN_TYPES.iter().copied())
}

//! OpenAPI schemas for fields that carry a code as text (feature `openapi`, the server's JSON
//! API description): built from the same code lists the validation checks against, so the
//! description cannot drift from what is accepted.

use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{Object, ObjectBuilder, Schema, Type};
use utoipa::openapi::{RefOr, Required};
use utoipa::PartialSchema;

use crate::i18n::Lang;
use crate::model::UpdateCycle;
use crate::search::{
    FacetKey, SearchSort, MAX_PAGE, MAX_PER_PAGE, MAX_QUERY_CHARS, MAX_VALUES_PER_FACET,
};

/// A text field that must be one of `codes`.
fn one_of(codes: impl IntoIterator<Item = &'static str>) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(codes))
        .build()
}

/// An update cycle's code (`realtime`, `daily`, …), as a change sends it.
pub fn update_cycle_code() -> Object {
    one_of(UpdateCycle::ALL.iter().map(|c| c.code()))
}

/// The search parameters (`SearchQuery::from_pairs` reads them): the text, one parameter per
/// facet, the order and the page.
impl utoipa::IntoParams for crate::search::SearchQuery {
    fn into_params(
        parameter_in: impl Fn() -> Option<ParameterIn>,
    ) -> Vec<utoipa::openapi::path::Parameter> {
        let param = |name: &str, description: String, schema: RefOr<Schema>| {
            ParameterBuilder::new()
                .name(name)
                .parameter_in(parameter_in().unwrap_or(ParameterIn::Query))
                .required(Required::False)
                .description(Some(description))
                .schema(Some(schema))
                .build()
        };
        let text = ObjectBuilder::new()
            .schema_type(Type::String)
            .max_length(Some(MAX_QUERY_CHARS))
            .build();
        let mut params = vec![param(
            "q",
            "Search text, Korean and/or English.".into(),
            text.into(),
        )];
        // A facet's value: term codes (at most 64 characters each, no more than the limit),
        // repeated or separated by commas.
        let codes = ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some("^[A-Za-z0-9_,-]*$"))
            .max_length(Some(MAX_VALUES_PER_FACET * 66))
            .build();
        for key in FacetKey::ALL {
            let staff = if key == FacetKey::Visibility {
                " (staff only)"
            } else {
                ""
            };
            params.push(param(
                key.param(),
                format!(
                    "{}{staff} term codes; repeat the parameter or separate with commas (OR \
                     within, AND across facets).",
                    key.label(Lang::En)
                ),
                codes.clone().into(),
            ));
        }
        params.push(param("sort", "The order.".into(), SearchSort::schema()));
        for (name, max, what) in [
            ("page", MAX_PAGE, "The page, from 1."),
            ("per_page", MAX_PER_PAGE, "Results per page."),
        ] {
            let n = ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(1))
                .maximum(Some(max as f64))
                .build();
            params.push(param(name, what.into(), n.into()));
        }
        params
    }
}

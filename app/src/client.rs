//! Browser-only helpers (compiled with `hydrate`).

use crate::i18n::Lang;

fn document() -> Option<web_sys::Document> {
    web_sys::window().and_then(|w| w.document())
}

pub fn document_lang() -> Lang {
    document()
        .and_then(|d| d.document_element())
        .and_then(|e| e.get_attribute("lang"))
        .and_then(|l| Lang::parse(&l))
        .unwrap_or_default()
}

pub fn mark_hydrated() {
    if let Some(body) = document().and_then(|d| d.body()) {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}

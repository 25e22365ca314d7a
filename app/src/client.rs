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

/// Follow a dataset's live stream (Server-Sent Events) until the current reactive owner is
/// cleaned up; the browser reconnects by itself after a network drop.
pub fn follow_live(url: &str, on_message: impl Fn(crate::collab::LiveMessage) + 'static) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    let Ok(source) = web_sys::EventSource::new(url) else {
        return;
    };
    let handler = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
        if let Some(m) = e
            .data()
            .as_string()
            .and_then(|d| serde_json::from_str(&d).ok())
        {
            on_message(m);
        }
    });
    for name in ["presence", "changed"] {
        let _ = source.add_event_listener_with_callback(name, handler.as_ref().unchecked_ref());
    }
    let held = send_wrapper::SendWrapper::new((source, handler));
    leptos::prelude::on_cleanup(move || {
        let (source, _handler) = held.take();
        source.close();
    });
}

pub fn reload() {
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
}

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

/// `scheme://host` of the page.
pub fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

pub fn reload() {
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
}

/// POST the file chosen in `<input type=file id=input_id>` as the request body to `url` (with
/// `&name=<file name>` added): the response status and text.
pub async fn post_file(url: &str, input_id: &str) -> Result<(u16, String), String> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;

    let input: web_sys::HtmlInputElement = document()
        .and_then(|d| d.get_element_by_id(input_id))
        .and_then(|e| e.dyn_into().ok())
        .ok_or("no file input")?;
    let file = input
        .files()
        .and_then(|f| f.get(0))
        .ok_or("no file chosen")?;
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| "the file could not be read")?;
    let bytes = js_sys::Uint8Array::new(&buffer);
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&bytes);
    let headers = web_sys::Headers::new().map_err(|_| "headers")?;
    let kind = if file.type_().is_empty() {
        "application/octet-stream".to_string()
    } else {
        file.type_()
    };
    let _ = headers.set("content-type", &kind);
    let _ = headers.set("accept", "application/json");
    init.set_headers(&headers);
    let full = format!("{url}&name={}", crate::search::encode(&file.name()));
    let request = web_sys::Request::new_with_str_and_init(&full, &init).map_err(|_| "request")?;
    let window = web_sys::window().ok_or("no window")?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(|_| "the server could not be reached")?
        .dyn_into()
        .map_err(|_| "response")?;
    let text = JsFuture::from(response.text().map_err(|_| "body")?)
        .await
        .map_err(|_| "body")?
        .as_string()
        .unwrap_or_default();
    Ok((response.status(), text))
}

/// Follow a background job's state (Server-Sent Events from `/api/v1/jobs/{id}/events`) until
/// it ends or the current reactive owner is cleaned up.
pub fn follow_job(id: i32, on_update: impl Fn(crate::jobs::JobInfo) + 'static) {
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    let Ok(source) = web_sys::EventSource::new(&format!("/api/v1/jobs/{id}/events")) else {
        return;
    };
    let source = Rc::new(RefCell::new(Some(source)));
    let inner = source.clone();
    let handler = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
        let Some(info) = e
            .data()
            .as_string()
            .and_then(|d| serde_json::from_str::<crate::jobs::JobInfo>(&d).ok())
        else {
            return;
        };
        let finished = info.status.finished();
        on_update(info);
        if finished {
            // The stream ends with the job; without this the browser would reconnect.
            if let Some(s) = inner.borrow_mut().take() {
                s.close();
            }
        }
    });
    if let Some(s) = source.borrow().as_ref() {
        let _ = s.add_event_listener_with_callback("job", handler.as_ref().unchecked_ref());
    }
    let held = send_wrapper::SendWrapper::new((source, handler));
    leptos::prelude::on_cleanup(move || {
        let (source, _handler) = held.take();
        let open = source.borrow_mut().take();
        if let Some(s) = open {
            s.close();
        }
    });
}

/// POST the file chosen in `<input type=file id=input_id>` to `url` (with `&name=<file name>`
/// added), reporting `(sent, total)` bytes as the upload goes: the response status and text.
pub async fn upload_file(
    url: &str,
    input_id: &str,
    on_progress: impl Fn(f64, f64) + 'static,
) -> Result<(u16, String), String> {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    let input: web_sys::HtmlInputElement = document()
        .and_then(|d| d.get_element_by_id(input_id))
        .and_then(|e| e.dyn_into().ok())
        .ok_or("no file input")?;
    let file = input
        .files()
        .and_then(|f| f.get(0))
        .ok_or("no file chosen")?;
    let xhr = web_sys::XmlHttpRequest::new().map_err(|_| "XMLHttpRequest")?;
    let full = format!("{url}&name={}", crate::search::encode(&file.name()));
    xhr.open("POST", &full).map_err(|_| "open")?;
    let _ = xhr.set_request_header("accept", "application/json");
    let _ = xhr.set_request_header("content-type", "application/octet-stream");
    let progress =
        Closure::<dyn Fn(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
            if e.length_computable() {
                on_progress(e.loaded(), e.total());
            }
        });
    if let Ok(upload) = xhr.upload() {
        upload.set_onprogress(Some(progress.as_ref().unchecked_ref()));
    }
    let done = js_sys::Promise::new(&mut |resolve, _reject| {
        let resolve2 = resolve.clone();
        let on_end = Closure::once_into_js(move || {
            let _ = resolve2.call0(&wasm_bindgen::JsValue::NULL);
        });
        xhr.set_onloadend(Some(on_end.unchecked_ref()));
        let _ = resolve;
    });
    xhr.send_with_opt_blob(Some(&file)).map_err(|_| "send")?;
    let _ = wasm_bindgen_futures::JsFuture::from(done).await;
    drop(progress);
    let status = xhr.status().unwrap_or(0);
    if status == 0 {
        return Err("the server could not be reached".into());
    }
    Ok((
        status,
        xhr.response_text().ok().flatten().unwrap_or_default(),
    ))
}

/// Follow the crowd state (Server-Sent Events from `/api/v1/crowd/events`: the whole state at
/// once, then after every update) until the current reactive owner is cleaned up; the browser
/// reconnects by itself and gets the newest state.
pub fn follow_crowd(
    on_state: impl Fn(Vec<crate::model::HotSpotStatus>) + 'static,
    on_alerts: impl Fn(crate::crowd::PublicAlerts) + 'static,
) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    let Ok(source) = web_sys::EventSource::new("/api/v1/crowd/events") else {
        return;
    };
    let state = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
        if let Some(list) = e
            .data()
            .as_string()
            .and_then(|d| serde_json::from_str(&d).ok())
        {
            on_state(list);
        }
    });
    let alerts = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
        if let Some(a) = e
            .data()
            .as_string()
            .and_then(|d| serde_json::from_str(&d).ok())
        {
            on_alerts(a);
        }
    });
    let _ = source.add_event_listener_with_callback("crowd", state.as_ref().unchecked_ref());
    let _ = source.add_event_listener_with_callback("alerts", alerts.as_ref().unchecked_ref());
    let held = send_wrapper::SendWrapper::new((source, state, alerts));
    leptos::prelude::on_cleanup(move || {
        let (source, _state, _alerts) = held.take();
        source.close();
    });
}

/// The `dongne-demo` meta tag the server wrote (see [`crate::demo_mode`]).
pub fn demo_mode() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("meta[name=dongne-demo]").ok().flatten())
        .and_then(|m| m.get_attribute("content"))
        .is_some_and(|c| c == "true")
}

/// The tile URL template for Leaflet maps, from the page's `dongne-map-tiles` meta tag (the
/// server's `DONGNE_MAP_TILES`); `None` when tiles are off. Without tiles the outline and the
/// places still show.
pub fn map_tiles() -> Option<String> {
    let content = web_sys::window()?
        .document()?
        .query_selector("meta[name=dongne-map-tiles]")
        .ok()??
        .get_attribute("content")
        .unwrap_or_else(|| crate::crowd::DEFAULT_MAP_TILES.to_string());
    (content != "none").then_some(content)
}

/// Element `id`, emptied and marked, ready for a Leaflet map: `None` when Leaflet's script has
/// not loaded (the server-rendered fallback stays) or a map is already there.
pub fn leaflet_container(id: &str) -> Option<web_sys::Element> {
    let window = web_sys::window()?;
    let loaded =
        js_sys::Reflect::has(&window, &wasm_bindgen::JsValue::from_str("L")).unwrap_or(false);
    let el = window.document()?.get_element_by_id(id)?;
    if !loaded || el.get_attribute("data-map").is_some() {
        return None;
    }
    el.set_inner_html("");
    let _ = el.set_attribute("data-map", "leaflet");
    Some(el)
}

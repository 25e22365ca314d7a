//! Installable app and offline reading: the server's HTML registers the service worker
//! (`public/sw.js`) and marks pages rendered for a session so that worker never stores them.

use leptos::prelude::LeptosOptions;

/// The inline script that registers the service worker once the page has loaded; it is in the
/// server's HTML, so it works before and without the wasm. `v` names the build: a new deploy
/// installs a new worker, which replaces the previous build's cached assets.
pub fn register_script(options: &LeptosOptions) -> String {
    #[cfg(feature = "ssr")]
    let build = build_stamp(options);
    #[cfg(not(feature = "ssr"))]
    let build = {
        let _ = options;
        "dev"
    };
    format!(
        "if('serviceWorker' in navigator)addEventListener('load',function(){{\
         navigator.serviceWorker.register('/sw.js?v={build}').catch(function(){{}})}})"
    )
}

/// A short hash of the built JS, wasm and CSS (read once per process): it changes with every
/// build, whatever the files' timestamps.
#[cfg(feature = "ssr")]
fn build_stamp(options: &LeptosOptions) -> &'static str {
    use std::hash::{DefaultHasher, Hasher};
    use std::sync::OnceLock;

    static STAMP: OnceLock<String> = OnceLock::new();
    STAMP.get_or_init(|| {
        let dir = std::path::Path::new(&*options.site_root).join(&*options.site_pkg_dir);
        let name = &options.output_name;
        let mut hasher = DefaultHasher::new();
        // cargo-leptos names the wasm `{name}.wasm`; wasm-bindgen alone, `{name}_bg.wasm`.
        for file in [
            format!("{name}.js"),
            format!("{name}.wasm"),
            format!("{name}_bg.wasm"),
            format!("{name}.css"),
        ] {
            hasher.write(&std::fs::read(dir.join(file)).unwrap_or_default());
        }
        format!("{:08x}", hasher.finish() as u32)
    })
}

/// A page rendered for a request carrying a session (a signed-in member of staff may see
/// internal datasets and their own name) is `Cache-Control: private, no-store`: no shared cache
/// and no service worker keeps it.
#[cfg(feature = "ssr")]
pub fn private_when_signed_in() {
    use leptos::prelude::use_context;

    let signed_in = crate::ssr::request_cookie(crate::ssr::SESSION_COOKIE)
        .is_some_and(|token| !token.is_empty());
    if !signed_in {
        return;
    }
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.insert_header(
            http::header::CACHE_CONTROL,
            http::HeaderValue::from_static("private, no-store"),
        );
    }
}

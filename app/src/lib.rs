#![recursion_limit = "256"]
//! Dongne's UI: components, routes and server functions, compiled twice — for the server
//! (`ssr`) and for the browser (`hydrate`).

pub mod api;
// The shared types, under the paths pages and server functions have always used.
pub use types::{
    admin, collab, crowd, editing, error, feedback, freshness, i18n, jobs, model, profiling,
    search, transfer,
};
pub mod components;
mod labels;
pub mod markdown;
mod pages;
mod pwa;

#[cfg(feature = "ssr")]
pub mod ssr;

#[cfg(feature = "hydrate")]
mod client;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};
use types::t;

use crate::components::layout::{Footer, Header};
use crate::i18n::Lang;

/// The HTML document rendered on the server around [`App`].
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = initial_lang();
    #[cfg(feature = "ssr")]
    {
        pwa::private_when_signed_in();
        ssr::set_content_security_policy(&map_tiles());
    }
    let register_sw = pwa::register_script(&options);
    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#0b5cad"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="apple-touch-icon" href="/icons/apple-touch-icon.png"/>
                <link rel="manifest" href="/manifest.webmanifest"/>
                <meta name="dongne-map-tiles" content=map_tiles()/>
                <meta name="dongne-demo" content=if demo_mode() { "true" } else { "false" }/>
                <script nonce=leptos::nonce::use_nonce() inner_html=register_sw></script>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The map tile URL template the server was configured with (read by the browser's maps from
/// the `dongne-map-tiles` meta tag).
fn map_tiles() -> String {
    #[cfg(feature = "ssr")]
    {
        use_context::<ssr::ServerContext>()
            .map(|c| c.map_tiles)
            .unwrap_or_else(|| crowd::DEFAULT_MAP_TILES.to_string())
    }
    #[cfg(not(feature = "ssr"))]
    {
        crowd::DEFAULT_MAP_TILES.to_string()
    }
}

/// Whether the server runs in demo mode (sample data, demo accounts with a published password):
/// from the server's configuration while rendering, from the `dongne-demo` meta tag in the
/// browser (so hydration matches the HTML).
pub fn demo_mode() -> bool {
    #[cfg(feature = "ssr")]
    {
        use_context::<ssr::ServerContext>().is_some_and(|c| c.demo)
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        client::demo_mode()
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        false
    }
}

/// The language the page was rendered in: the request's cookie on the server, the document's
/// `lang` attribute in the browser (so hydration matches the HTML).
fn initial_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        ssr::request_lang()
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        client::document_lang()
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        Lang::default()
    }
}

/// Login and logout, shared so the header refreshes the user after either.
#[derive(Clone, Copy)]
pub struct AuthActions {
    pub login: ServerAction<api::Login>,
    pub logout: ServerAction<api::Logout>,
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let lang = initial_lang();
    provide_context(lang);
    let auth = AuthActions {
        login: ServerAction::<api::Login>::new(),
        logout: ServerAction::<api::Logout>::new(),
    };
    provide_context(auth);
    let user = Resource::new(
        move || (auth.login.version().get(), auth.logout.version().get()),
        |_| api::current_user(),
    );
    provide_context(user);

    // Mark the document once the wasm has taken over (used by browser tests and CSS).
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        client::mark_hydrated();
    });

    view! {
        <Stylesheet id="leptos" href="/pkg/dongne.css"/>
        <Title formatter=move |t: String| {
            let title = if t.is_empty() { t!(lang, app.dongne_data).to_string() }
                else { format!("{t} · {}", t!(lang, app.dongne_data)) };
            markdown::raw_text(title)
        }/>
        <Router>
            <a class="skip-link" href="#main">{t!(lang, app.skip_to_content)}</a>
            <Header/>
            <pages::crowd::EmergencyNotice/>
            <main id="main" tabindex="-1">
                <Routes fallback=move || view! { <pages::NotFound/> }>
                    <Route path=path!("/") view=pages::home::HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/datasets") view=pages::catalog::CatalogPage ssr=SsrMode::Async/>
                    <Route path=path!("/datasets/:slug") view=pages::dataset::DatasetPage ssr=SsrMode::Async/>
                    <Route path=path!("/datasets/:slug/edit") view=pages::edit::EditPage ssr=SsrMode::Async/>
                    <Route path=path!("/datasets/:slug/history") view=pages::history::HistoryPage ssr=SsrMode::Async/>
                    <Route path=path!("/freshness") view=pages::freshness::FreshnessPage ssr=SsrMode::Async/>
                    <Route path=path!("/import") view=pages::import::ImportPage ssr=SsrMode::Async/>
                    <Route path=path!("/review") view=pages::review::ReviewPage ssr=SsrMode::Async/>
                    <Route path=path!("/notifications") view=pages::notifications::NotificationsPage ssr=SsrMode::Async/>
                    <Route path=path!("/crowd") view=pages::crowd::CrowdPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin") view=pages::admin::AdminPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/jobs") view=pages::jobs::JobsPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/harvest") view=pages::harvest::HarvestPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/crowd") view=pages::crowd_admin::CrowdAdminPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/keys") view=pages::keys::KeysPage ssr=SsrMode::Async/>
                    <Route path=path!("/jobs/:id") view=pages::jobs::JobPage ssr=SsrMode::Async/>
                    <Route path=path!("/login") view=pages::login::LoginPage ssr=SsrMode::Async/>
                </Routes>
            </main>
            <Footer/>
        </Router>
    }
}

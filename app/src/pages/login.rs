use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use types::t;

use crate::i18n::Lang;
use crate::model::LoginInput;
use crate::AuthActions;

#[component]
pub fn LoginPage() -> impl IntoView {
    let lang = expect_context::<Lang>();
    let auth = expect_context::<AuthActions>();
    let query = use_query_map();
    let next = move || query.with(|q| q.get("next").unwrap_or_else(|| "/".to_string()));
    let (client_error, set_client_error) = signal(None::<String>);
    let error = move || {
        client_error.get().or_else(|| {
            auth.login
                .value()
                .get()
                .and_then(|r| r.err())
                .map(|e| e.message(lang))
        })
    };
    view! {
        <Title text={t!(lang, login.sign_in)}/>
        <section class="narrow">
            <h1>{t!(lang, login.staff_sign_in)}</h1>
            <ActionForm action=auth.login attr:class="stack" on:submit=move |ev| {
                // The same validation the server runs, before the request leaves.
                let form = event_target::<leptos::web_sys::HtmlFormElement>(&ev);
                let field = |name: &str| {
                    form.elements()
                        .named_item(name)
                        .and_then(|e| leptos::wasm_bindgen::JsCast::dyn_into::<leptos::web_sys::HtmlInputElement>(e).ok())
                        .map(|i| i.value())
                        .unwrap_or_default()
                };
                let input = LoginInput { username: field("username"), password: field("password") };
                match input.validate() {
                    Ok(()) => set_client_error.set(None),
                    Err(e) => {
                        ev.prevent_default();
                        set_client_error.set(Some(e.message(lang)));
                    }
                }
            }>
                <input type="hidden" name="next" prop:value=next/>
                <label for="username">{t!(lang, login.username)}</label>
                <input id="username" name="username" type="text" autocomplete="username" required/>
                <label for="password">{t!(lang, login.password)}</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required/>
                <p class="form-error" role="alert" aria-live="polite">{error}</p>
                <button type="submit" class="primary">{t!(lang, login.sign_in)}</button>
            </ActionForm>
            <p class="hint">{t!(lang, login.demo_accounts_are_listed_in)}</p>
        </section>
    }
}

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use types::t;

use crate::error::AppError;
use crate::i18n::Lang;
use crate::model::SessionUser;
use crate::AuthActions;

pub type UserResource = Resource<Result<Option<SessionUser>, AppError>>;

#[component]
pub fn Header() -> impl IntoView {
    let lang = expect_context::<Lang>();
    let user = expect_context::<UserResource>();
    let auth = expect_context::<AuthActions>();
    let location = use_location();
    // The language switch is a plain link: the server sets the cookie and sends the reader back.
    let switch_href = move || {
        let search = location.search.get();
        let search = search.trim_start_matches('?');
        let here = if search.is_empty() {
            location.pathname.get()
        } else {
            format!("{}?{}", location.pathname.get(), search)
        };
        format!(
            "/lang/{}?next={}",
            lang.other().code(),
            crate::search::encode(&here)
        )
    };
    let demo = crate::demo_mode().then(|| {
        view! {
            <p class="demo-banner" role="note" data-testid="demo-banner">
                <strong>{t!(lang, layout.demo_mode)}</strong>
                {t!(lang, layout.sample_data_and_demo_accounts)}
            </p>
        }
    });
    view! {
        {demo}
        <header class="site-header">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"동"</span>
                <span>{t!(lang, layout.dongne_data)}</span>
            </a>
            <nav aria-label={t!(lang, layout.main)}>
                <ul class="nav">
                    <li><a href="/datasets">{t!(lang, layout.datasets)}</a></li>
                    <li><a href="/crowd">{t!(lang, layout.crowd_map)}</a></li>
                    <li><a href="/freshness">{t!(lang, layout.freshness)}</a></li>
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            match user.await {
                                Ok(Some(u)) => {
                                    let admin = u.is_admin().then(|| view! {
                                        <li><a href="/admin">{t!(lang, layout.admin)}</a></li>
                                    });
                                    view! {
                                        <li><a href="/review">{t!(lang, layout.proposals)}</a></li>
                                        <li><a href="/import">{t!(lang, layout.import)}</a></li>
                                        <li><a href="/notifications">{t!(lang, layout.notifications)}</a></li>
                                        <li><a href="/admin/crowd">{t!(lang, layout.crowd_alerts)}</a></li>
                                        {admin}
                                        <li class="user">
                                            <a href="/account/keys" class="user-name" data-testid="user-name" title={t!(lang, layout.my_api_keys)}>{u.display_name.clone()}</a>
                                            <ActionForm action=auth.logout attr:class="inline">
                                                <button type="submit" class="link-button">{t!(lang, layout.sign_out)}</button>
                                            </ActionForm>
                                        </li>
                                    }.into_any()
                                }
                                _ => view! {
                                    <li><a href="/login">{t!(lang, layout.sign_in)}</a></li>
                                }.into_any(),
                            }
                        })}
                    </Transition>
                    <li>
                        <a href=switch_href rel="external" hreflang=lang.other().code() lang=lang.other().code()>
                            {t!(lang.other(), layout.language_name)}
                        </a>
                    </li>
                </ul>
            </nav>
        </header>
    }
}

#[component]
pub fn Footer() -> impl IntoView {
    let lang = expect_context::<Lang>();
    view! {
        <footer class="site-footer">
            <p>{t!(lang, layout.dongne_the_seongdong_gu_data)}</p>
        </footer>
    }
}

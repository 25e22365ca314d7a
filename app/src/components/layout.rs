use leptos::prelude::*;
use leptos_router::hooks::use_location;

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
                <strong>{lang.t("데모 모드", "Demo mode")}</strong>
                {lang.t(
                    " — 예시 데이터와, 비밀번호가 공개된 데모 계정으로 운영 중입니다. 실제 업무에 쓰지 마세요.",
                    " — sample data, and demo accounts whose password is published. Not for real use.",
                )}
            </p>
        }
    });
    view! {
        {demo}
        <header class="site-header">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"동"</span>
                <span>{lang.t("동네 데이터", "Dongne data")}</span>
            </a>
            <nav aria-label=lang.t("주요 메뉴", "Main")>
                <ul class="nav">
                    <li><a href="/datasets">{lang.t("데이터 목록", "Datasets")}</a></li>
                    <li><a href="/crowd">{lang.t("실시간 혼잡도", "Crowd map")}</a></li>
                    <li><a href="/freshness">{lang.t("갱신 현황", "Freshness")}</a></li>
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            match user.await {
                                Ok(Some(u)) => {
                                    let admin = u.is_admin().then(|| view! {
                                        <li><a href="/admin">{lang.t("관리", "Admin")}</a></li>
                                    });
                                    view! {
                                        <li><a href="/review">{lang.t("변경 제안", "Proposals")}</a></li>
                                        <li><a href="/import">{lang.t("가져오기", "Import")}</a></li>
                                        <li><a href="/notifications">{lang.t("알림", "Notifications")}</a></li>
                                        <li><a href="/admin/crowd">{lang.t("혼잡 경보", "Crowd alerts")}</a></li>
                                        {admin}
                                        <li class="user">
                                            <a href="/account/keys" class="user-name" data-testid="user-name" title=lang.t("내 API 키", "My API keys")>{u.display_name.clone()}</a>
                                            <ActionForm action=auth.logout attr:class="inline">
                                                <button type="submit" class="link-button">{lang.t("로그아웃", "Sign out")}</button>
                                            </ActionForm>
                                        </li>
                                    }.into_any()
                                }
                                _ => view! {
                                    <li><a href="/login">{lang.t("로그인", "Sign in")}</a></li>
                                }.into_any(),
                            }
                        })}
                    </Transition>
                    <li>
                        <a href=switch_href rel="external" hreflang=lang.other().code() lang=lang.other().code()>
                            {lang.t("English", "한국어")}
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
            <p>{lang.t("동네 — 성동구 데이터 플랫폼 (오픈 소스)", "Dongne — the Seongdong-gu data platform (open source)")}</p>
        </footer>
    }
}

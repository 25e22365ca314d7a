use leptos::prelude::*;
use leptos_meta::{Meta, Title};

use crate::api::load_home;
use crate::components::common::{DatasetCard, ErrorBox};
use crate::i18n::Lang;
use crate::pages::crowd::CrowdList;

#[component]
pub fn HomePage() -> impl IntoView {
    let lang = expect_context::<Lang>();
    let data = Resource::new(|| (), |_| load_home());
    view! {
        <Title text=""/>
        <Meta name="description" content=lang.t("성동구의 공공데이터를 찾고, 실시간 혼잡도를 확인하세요.", "Find Seongdong-gu's public data and see live crowd levels.")/>
        <section class="hero">
            <h1>{lang.t("성동구 데이터, 한 곳에서", "Seongdong-gu's data, in one place")}</h1>
            <form class="search-form" method="get" action="/datasets" role="search">
                <label for="home-q" class="visually-hidden">{lang.t("데이터 검색", "Search datasets")}</label>
                <input id="home-q" name="q" type="search" placeholder=lang.t("예: 공원, 와이파이, 불법건축물", "e.g. parks, Wi-Fi, illegal buildings")/>
                <button type="submit">{lang.t("검색", "Search")}</button>
            </form>
        </section>
        <Suspense fallback=move || view! { <p class="loading">{lang.t("불러오는 중…", "Loading…")}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(d) => {
                        let themes = d.themes.into_iter().map(|t| {
                            let href = format!("/datasets?theme={}", t.term.code);
                            view! { <li><a href=href>{t.term.label(lang).to_string()} <span class="count">{t.count}</span></a></li> }
                        }).collect_view();
                        let recent = d.recent.into_iter().map(|d| view! { <DatasetCard d/> }).collect_view();
                        let popular = (!d.popular.is_empty()).then(|| {
                            let items = d.popular.into_iter().map(|(s, views)| {
                                let href = format!("/datasets/{}", s.slug);
                                let count = match lang {
                                    Lang::Ko => format!("조회 {views}회"),
                                    Lang::En => format!("{views} views"),
                                };
                                view! {
                                    <li>
                                        <a href=href>{s.title(lang).to_string()}</a>
                                        " " <span class="count">{count}</span>
                                        <span class="meta">{s.department.name(lang).to_string()}</span>
                                    </li>
                                }
                            }).collect_view();
                            view! {
                                <section aria-labelledby="popular-h" data-testid="popular">
                                    <h2 id="popular-h">{lang.t("많이 본 데이터 (30일)", "Most viewed (30 days)")}</h2>
                                    <ol class="popular-list">{items}</ol>
                                </section>
                            }
                        });
                        let mut crowd = d.crowd;
                        crowd.retain(|h| h.is_local);
                        view! {
                            <p class="stats" data-testid="stats">
                                {match lang {
                                    Lang::Ko => format!("데이터 {}종 · 부서 {}곳", d.dataset_count, d.department_count),
                                    Lang::En => format!("{} datasets · {} departments", d.dataset_count, d.department_count),
                                }}
                            </p>
                            <div class="home-grid">
                                <section aria-labelledby="themes-h">
                                    <h2 id="themes-h">{lang.t("분야별 데이터", "Themes")}</h2>
                                    <ul class="theme-list">{themes}</ul>
                                </section>
                                <section aria-labelledby="crowd-h">
                                    <h2 id="crowd-h">{lang.t("지금 성동구 혼잡도", "Crowds in Seongdong-gu now")}</h2>
                                    <CrowdList spots=crowd/>
                                    <p><a href="/crowd">{lang.t("전체 혼잡도 보기", "All hot spots")}</a></p>
                                </section>
                            </div>
                            {popular}
                            <section aria-labelledby="recent-h">
                                <h2 id="recent-h">{lang.t("최근 갱신된 데이터", "Recently updated")}</h2>
                                <ul class="dataset-list">{recent}</ul>
                            </section>
                        }.into_any()
                    }
                    Err(err) => view! { <ErrorBox err/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

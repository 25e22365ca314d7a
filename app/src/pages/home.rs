use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use types::t;

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
        <Meta name="description" content={t!(lang, home.find_seongdong_gus_public_data)}/>
        <section class="hero">
            <h1>{t!(lang, home.seongdong_gus_data_in_one)}</h1>
            <form class="search-form" method="get" action="/datasets" role="search">
                <label for="home-q" class="visually-hidden">{t!(lang, home.search_datasets)}</label>
                <input id="home-q" name="q" type="search" placeholder={t!(lang, home.e_g_parks_wi_fi)}/>
                <button type="submit">{t!(lang, home.search)}</button>
            </form>
        </section>
        <Suspense fallback=move || view! { <p class="loading">{t!(lang, home.loading)}</p> }>
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
                                let count = t!(lang, home.views, views = views).to_string();
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
                                    <h2 id="popular-h">{t!(lang, home.most_viewed_30_days)}</h2>
                                    <ol class="popular-list">{items}</ol>
                                </section>
                            }
                        });
                        let mut crowd = d.crowd;
                        crowd.retain(|h| h.is_local);
                        view! {
                            <p class="stats" data-testid="stats">
                                {t!(lang, home.stats, datasets = d.dataset_count, departments = d.department_count).to_string()}
                            </p>
                            <div class="home-grid">
                                <section aria-labelledby="themes-h">
                                    <h2 id="themes-h">{t!(lang, home.themes)}</h2>
                                    <ul class="theme-list">{themes}</ul>
                                </section>
                                <section aria-labelledby="crowd-h">
                                    <h2 id="crowd-h">{t!(lang, home.crowds_in_seongdong_gu_now)}</h2>
                                    <CrowdList spots=crowd/>
                                    <p><a href="/crowd">{t!(lang, home.all_hot_spots)}</a></p>
                                </section>
                            </div>
                            {popular}
                            <section aria-labelledby="recent-h">
                                <h2 id="recent-h">{t!(lang, home.recently_updated)}</h2>
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

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use crate::api::catalog;
use crate::components::common::{DatasetCard, ErrorBox};
use crate::i18n::Lang;
use crate::model::{CatalogQuery, CatalogSort};

#[component]
pub fn CatalogPage() -> impl IntoView {
    let lang = expect_context::<Lang>();
    let query = use_query_map();
    let params = move || {
        query.with(|q| {
            (
                q.get("q"),
                q.get("theme"),
                q.get("department"),
                q.get("sort"),
                q.get("page"),
            )
        })
    };
    let results = Resource::new(params, |(q, theme, department, sort, page)| {
        catalog(q, theme, department, sort, page)
    });
    let current_q = move || query.with(|q| q.get("q").unwrap_or_default());

    view! {
        <Title text=lang.t("데이터 목록", "Datasets")/>
        <h1>{lang.t("데이터 목록", "Datasets")}</h1>
        <Form method="GET" action="/datasets" attr:class="search-form" attr:role="search">
            <label for="catalog-q" class="visually-hidden">{lang.t("검색어", "Search text")}</label>
            <input id="catalog-q" name="q" type="search" prop:value=current_q
                placeholder=lang.t("제목, 설명으로 찾기", "Search titles and descriptions")/>
            <button type="submit">{lang.t("검색", "Search")}</button>
        </Form>
        <Suspense fallback=move || view! { <p class="loading">{lang.t("불러오는 중…", "Loading…")}</p> }>
            {move || Suspend::new(async move {
                let (q, theme, department, sort, page) = params();
                let parsed = CatalogQuery::from_params(q.as_deref(), theme.as_deref(), department.as_deref(), sort.as_deref(), page.as_deref(), None);
                match (results.await, parsed) {
                    (Ok(data), Ok(query)) => {
                        let themes = data.themes.into_iter().map(|t| {
                            let selected = query.theme.as_deref() == Some(t.term.code.as_str());
                            let mut next = query.clone();
                            next.theme = if selected { None } else { Some(t.term.code.clone()) };
                            let href = format!("/datasets?{}", next.to_query_string(1));
                            view! {
                                <li>
                                    <a href=href aria-current=selected.then_some("true") class:selected=selected>
                                        {t.term.label(lang).to_string()} " " <span class="count">{t.count}</span>
                                    </a>
                                </li>
                            }
                        }).collect_view();
                        let departments = data.departments.into_iter().map(|d| {
                            let selected = query.department.as_deref() == Some(d.code.as_str());
                            view! { <option value=d.code.clone() selected=selected>{d.name(lang).to_string()}</option> }
                        }).collect_view();
                        let total = data.results.total;
                        let page_count = data.results.page_count();
                        let prev = (query.page > 1).then(|| {
                            let href = format!("/datasets?{}", query.to_query_string(query.page - 1));
                            view! { <a href=href rel="prev">{lang.t("← 이전", "← Previous")}</a> }
                        });
                        let next = (query.page < page_count).then(|| {
                            let href = format!("/datasets?{}", query.to_query_string(query.page + 1));
                            view! { <a href=href rel="next">{lang.t("다음 →", "Next →")}</a> }
                        });
                        let items = data.results.items;
                        let empty = items.is_empty();
                        let list = items.into_iter().map(|d| view! { <DatasetCard d/> }).collect_view();
                        view! {
                            <div class="catalog">
                                <details class="facets" open>
                                    <summary>{lang.t("분류로 좁히기", "Narrow down")}</summary>
                                    <h2 class="facet-title">{lang.t("분야", "Theme")}</h2>
                                    <ul class="facet-list">{themes}</ul>
                                    <form method="get" action="/datasets" class="stack">
                                        <input type="hidden" name="q" value=query.q.clone()/>
                                        {query.theme.clone().map(|t| view! { <input type="hidden" name="theme" value=t/> })}
                                        <label for="dept">{lang.t("부서", "Department")}</label>
                                        <select id="dept" name="department">
                                            <option value="">{lang.t("전체", "All")}</option>
                                            {departments}
                                        </select>
                                        <label for="sort">{lang.t("정렬", "Sort")}</label>
                                        <select id="sort" name="sort">
                                            <option value="updated" selected=query.sort == CatalogSort::Updated>{lang.t("최근 갱신순", "Recently updated")}</option>
                                            <option value="title" selected=query.sort == CatalogSort::Title>{lang.t("제목순", "Title")}</option>
                                        </select>
                                        <button type="submit">{lang.t("적용", "Apply")}</button>
                                    </form>
                                </details>
                                <section class="results" aria-live="polite">
                                    <p class="result-count" data-testid="result-count">
                                        {match lang {
                                            Lang::Ko => format!("{total}건 · {}/{} 쪽", query.page, page_count),
                                            Lang::En => format!("{total} datasets · page {} of {}", query.page, page_count),
                                        }}
                                    </p>
                                    {empty.then(|| view! {
                                        <p class="empty">{lang.t("조건에 맞는 데이터가 없습니다. 검색어를 줄이거나 분류 선택을 해제해 보세요.", "No datasets match. Try fewer words or clear a filter.")}</p>
                                    })}
                                    <ul class="dataset-list">{list}</ul>
                                    <nav class="pager" aria-label=lang.t("쪽 이동", "Pages")>{prev} {next}</nav>
                                </section>
                            </div>
                        }.into_any()
                    }
                    (Err(err), _) | (_, Err(err)) => view! { <ErrorBox err/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

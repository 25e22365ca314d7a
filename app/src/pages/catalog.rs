//! The search page: text, facets for every classification scheme, sort and pages, all in the
//! URL. Rendered on the server (works without wasm); once hydrated, results follow the
//! typing and titles are suggested as you type.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;
use types::t;

use crate::api::{search_datasets, suggest};
use crate::components::common::ErrorBox;
use crate::i18n::Lang;
use crate::search::*;

fn segments(segs: Vec<Seg>) -> impl IntoView {
    segs.into_iter()
        .map(|s| {
            if s.hit {
                view! { <mark>{s.text}</mark> }.into_any()
            } else {
                s.text.into_any()
            }
        })
        .collect_view()
}

#[component]
pub fn CatalogPage() -> impl IntoView {
    let lang = expect_context::<Lang>();
    let location = use_location();
    let parsed =
        Memo::new(move |_| SearchQuery::from_pairs(parse_query_string(&location.search.get())));
    let results = Resource::new(
        move || {
            parsed
                .get()
                .map(|q| q.to_query_string())
                .unwrap_or_else(|_| location.search.get())
        },
        search_datasets,
    );
    let current = move || parsed.get().unwrap_or_default();
    let suggestions = RwSignal::new(Vec::<Suggestion>::new());
    let typing = StoredValue::new(0u64);
    let navigate = use_navigate();

    // Live results and type-ahead once hydrated (debounced; the form still works without JS).
    let on_input = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let generation = typing.get_value() + 1;
        typing.set_value(generation);
        let navigate = navigate.clone();
        let base = current();
        set_timeout(
            move || {
                if typing.get_value() != generation {
                    return;
                }
                let next = SearchQuery {
                    q: value.split_whitespace().collect::<Vec<_>>().join(" "),
                    page: 1,
                    ..base
                };
                navigate(
                    &format!("/datasets?{}", next.to_query_string()),
                    NavigateOptions {
                        replace: true,
                        scroll: false,
                        ..Default::default()
                    },
                );
                let q = next.q.clone();
                leptos::task::spawn_local(async move {
                    suggestions.set(suggest(q).await.unwrap_or_default());
                });
            },
            std::time::Duration::from_millis(250),
        );
    };

    view! {
        <Title text={t!(lang, catalog.find_datasets)}/>
        <h1>{t!(lang, catalog.find_datasets)}</h1>
        <form method="get" action="/datasets" class="search-form" role="search">
            <label for="catalog-q" class="visually-hidden">{t!(lang, catalog.search_text)}</label>
            <input id="catalog-q" name="q" type="search" autocomplete="off" list="catalog-suggestions"
                prop:value=move || current().q
                placeholder={t!(lang, catalog.e_g_park_transport_wifi)}
                on:input=on_input/>
            <datalist id="catalog-suggestions">
                {move || suggestions.get().into_iter().map(|s| view! { <option value=lang.pick(&s.title_ko, &s.title_en).to_string()></option> }).collect_view()}
            </datalist>
            {move || {
                let q = current();
                let mut hidden = Vec::new();
                for (k, values) in q.filters {
                    for v in values {
                        hidden.push(view! { <input type="hidden" name=k.param() value=v/> });
                    }
                }
                if q.sort != SearchSort::Relevance {
                    hidden.push(view! { <input type="hidden" name="sort" value=q.sort.code().to_string()/> });
                }
                hidden
            }}
            <button type="submit">{t!(lang, catalog.search)}</button>
        </form>
        <Transition fallback=move || view! { <p class="loading">{t!(lang, catalog.searching)}</p> }>
            {move || Suspend::new(async move {
                let query = match parsed.get() {
                    Ok(q) => q,
                    Err(err) => return view! { <ErrorBox err/> }.into_any(),
                };
                match results.await {
                    Ok(r) => view! { <Results r query/> }.into_any(),
                    Err(err) => view! { <ErrorBox err/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Results(r: SearchResult, query: SearchQuery) -> impl IntoView {
    let lang = expect_context::<Lang>();
    let page_count = r.page_count();
    let facets = r
        .facets
        .iter()
        .filter(|(_, values)| !values.is_empty())
        .map(|(key, values)| {
            let key = *key;
            let options = values
                .iter()
                .map(|v| {
                    let selected = query.is_selected(key, &v.term);
                    let href = format!("/datasets?{}", query.toggled(key, &v.term).to_query_string());
                    view! {
                        <li>
                            <a href=href role="checkbox" aria-checked=if selected { "true" } else { "false" }
                                class="facet-option" class:selected=selected data-facet=key.param() data-term=v.term.clone()>
                                <span class="box" aria-hidden="true">{if selected { "☑" } else { "☐" }}</span>
                                {v.label(lang).to_string()} " " <span class="count">{v.count}</span>
                            </a>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <section class="facet" aria-label=key.label(lang)>
                    <h2 class="facet-title">{key.label(lang)}</h2>
                    <ul class="facet-list">{options}</ul>
                </section>
            }
        })
        .collect_view();
    let sort_links = [
        SearchSort::Relevance,
        SearchSort::Updated,
        SearchSort::Title,
    ]
    .into_iter()
    .map(|s| {
        let label = match s {
            SearchSort::Relevance => t!(lang, catalog.best_match),
            SearchSort::Updated => t!(lang, catalog.recently_updated),
            SearchSort::Title => t!(lang, catalog.title),
        };
        let href = format!(
            "/datasets?{}",
            SearchQuery {
                sort: s,
                page: 1,
                ..query.clone()
            }
            .to_query_string()
        );
        let current = (query.sort == s).then_some("true");
        view! { <a href=href aria-current=current class="sort-link">{label}</a> }
    })
    .collect_view();
    let clear = (!query.filters.is_empty()).then(|| {
        let href = format!(
            "/datasets?{}",
            SearchQuery {
                filters: Default::default(),
                page: 1,
                ..query.clone()
            }
            .to_query_string()
        );
        view! { <a href=href class="clear-filters">{t!(lang, catalog.clear_filters)}</a> }
    });
    let pager = (page_count > 1).then(|| {
        let first = query.page.saturating_sub(2).max(1);
        let last = (first + 4).min(page_count);
        let numbers = (first..=last)
            .map(|p| {
                let href = format!("/datasets?{}", query.with_page(p).to_query_string());
                let current = (p == query.page).then_some("page");
                view! { <a href=href aria-current=current>{p}</a> }
            })
            .collect_view();
        let prev = (query.page > 1).then(|| {
            let href = format!("/datasets?{}", query.with_page(query.page - 1).to_query_string());
            view! { <a href=href rel="prev">{t!(lang, catalog.previous)}</a> }
        });
        let next = (query.page < page_count).then(|| {
            let href = format!("/datasets?{}", query.with_page(query.page + 1).to_query_string());
            view! { <a href=href rel="next">{t!(lang, catalog.next)}</a> }
        });
        view! { <nav class="pager" aria-label={t!(lang, catalog.pages)}>{prev} {numbers} {next}</nav> }
    });
    let empty = r.items.is_empty();
    let items = r
        .items
        .into_iter()
        .map(|hit| {
            let d = hit.dataset;
            let href = format!("/datasets/{}", d.slug);
            let title = if hit.title_highlight.is_empty() { d.title(lang).to_string().into_any() } else { segments(hit.title_highlight).into_any() };
            let snippet = if hit.snippet.is_empty() { d.summary(lang).to_string().into_any() } else { segments(hit.snippet).into_any() };
            let internal = (d.visibility == crate::model::Visibility::Internal)
                .then(|| view! { <span class="badge badge-internal">{d.visibility.label(lang)}</span> });
            let draft = (d.status != crate::model::Status::Published).then(|| view! { <span class="badge">{d.status.label(lang)}</span> });
            let themes = d.themes.iter().map(|t| view! { <span class="tag">{t.label(lang).to_string()}</span> }).collect_view();
            view! {
                <li class="dataset-card">
                    <h3><a href=href>{title}</a> {internal} {draft}</h3>
                    <p class="summary">{snippet}</p>
                    <p class="meta">
                        <span>{d.department.name(lang).to_string()}</span> " · "
                        <span>{d.source_institution.clone()}</span> " · "
                        <span>{d.update_cycle.label(lang)}</span> " · "
                        <time datetime=d.updated_at.to_rfc3339()>{d.updated_at.format("%Y-%m-%d").to_string()}</time>
                    </p>
                    <p class="tags">{themes}</p>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="catalog">
            <details class="facets">
                <summary>{t!(lang, catalog.narrow_down)}</summary>
                {clear}
                {facets}
            </details>
            <section class="results" aria-live="polite" aria-busy="false">
                <p class="result-count" data-testid="result-count">
                    {t!(lang, catalog.result_count, total = r.total, page = query.page, pages = page_count, ms = format!("{:.1}", r.took_ms)).to_string()}
                </p>
                <p class="sort">{t!(lang, catalog.sort)} {sort_links}</p>
                {(r.total > 0).then(|| {
                    let qs = query.with_page(1).to_query_string();
                    let href = move |f: &str| format!("/api/v1/export?format={f}&{}", qs.trim_start_matches('?'));
                    view! {
                        <p class="export">{t!(lang, catalog.download_these_results)}
                            <a href=href("csv") download>"CSV"</a>" · "<a href=href("xlsx") download>"XLSX"</a>" · "<a href=href("json") download>"JSON"</a>
                        </p>
                    }
                })}
                {r.fuzzy.then(|| view! {
                    <p class="notice">{t!(lang, catalog.no_exact_match_showing_results)}</p>
                })}
                {empty.then(|| view! {
                    <div class="empty">
                        <p><strong>{t!(lang, catalog.no_datasets_match)}</strong></p>
                        <ul>
                            <li>{t!(lang, catalog.use_fewer_or_more_general)}</li>
                            <li>{t!(lang, catalog.both_korean_and_english_work)}</li>
                            <li>{t!(lang, catalog.clear_some_of_the_selected)}</li>
                        </ul>
                    </div>
                })}
                <ol class="dataset-list">{items}</ol>
                {pager}
            </section>
        </div>
    }
}

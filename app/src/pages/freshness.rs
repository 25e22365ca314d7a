//! The freshness dashboard: per department, on time / due soon / overdue, as a chart and a table
//! (the table carries the numbers for screen readers), and the overdue datasets — the reader's
//! own department's first.

use leptos::prelude::*;
use leptos_meta::Title;
use types::t;

use crate::api::freshness;
use crate::components::common::ErrorBox;
use crate::components::layout::UserResource;
use crate::freshness::{Counts, FreshnessReport};
use crate::i18n::Lang;

#[component]
pub fn FreshnessPage() -> impl IntoView {
    let lang = expect_context::<Lang>();
    let user = expect_context::<UserResource>();
    let data = Resource::new(|| (), |_| freshness());
    view! {
        <Title text={t!(lang, freshness.freshness)}/>
        <h1>{t!(lang, freshness.data_freshness)}</h1>
        <Suspense fallback=move || view! { <p class="loading">{t!(lang, freshness.loading)}</p> }>
            {move || Suspend::new(async move {
                let mine = user.await.ok().flatten().and_then(|u| u.department).map(|d| d.id);
                match data.await {
                    Ok(r) => view! { <Report r mine/> }.into_any(),
                    Err(err) => view! { <ErrorBox err/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// One horizontal stacked bar (widths in percent of the largest department).
fn bar(c: &Counts, max: u64) -> impl IntoView {
    let w = |n: u64| format!("{:.2}%", n as f64 * 100.0 / max.max(1) as f64);
    view! {
        <span class="bar" aria-hidden="true">
            <span class="seg on-time" style:width=w(c.on_time)></span>
            <span class="seg due-soon" style:width=w(c.due_soon)></span>
            <span class="seg overdue" style:width=w(c.overdue)></span>
            <span class="seg none" style:width=w(c.no_schedule)></span>
        </span>
    }
}

#[component]
fn Report(r: FreshnessReport, mine: Option<i32>) -> impl IntoView {
    let lang = expect_context::<Lang>();
    let max = r
        .departments
        .iter()
        .map(|d| d.counts.total())
        .max()
        .unwrap_or(1);
    let t = &r.total;
    let summary = t!(
        lang,
        freshness.summary,
        today = r.today,
        total = t.total(),
        on_time = t.on_time,
        due_soon = t.due_soon,
        overdue = t.overdue,
        no_schedule = t.no_schedule
    )
    .to_string();
    let rows = r
        .departments
        .iter()
        .map(|d| {
            let c = &d.counts;
            view! {
                <tr class:mine=mine == Some(d.department.id)>
                    <th scope="row">{d.department.name(lang).to_string()}</th>
                    <td class="chart-cell">{bar(c, max)}</td>
                    <td>{c.on_time}</td><td>{c.due_soon}</td><td class="late">{c.overdue}</td><td>{c.no_schedule}</td>
                </tr>
            }
        })
        .collect_view();
    let mut late = r.overdue.clone();
    late.sort_by_key(|l| mine != Some(l.department.id));
    let late = late
        .into_iter()
        .map(|l| {
            let href = format!("/datasets/{}", l.dataset.slug);
            view! {
                <li class:mine=mine == Some(l.department.id)>
                    <a href=href>{l.dataset.title(lang).to_string()}</a> " · "
                    {l.department.name(lang).to_string()} " · "
                    {t!(lang, freshness.due_late, due = l.next_due, days = l.days_late).to_string()}
                </li>
            }
        })
        .collect_view();
    view! {
        <p data-testid="freshness-summary">{summary}</p>
        <p class="legend" aria-hidden="true">
            <span><span class="swatch on-time"></span>{t!(lang, freshness.on_time)}</span>
            <span><span class="swatch due-soon"></span>{t!(lang, freshness.due_within_14_days)}</span>
            <span><span class="swatch overdue"></span>{t!(lang, freshness.overdue)}</span>
            <span><span class="swatch none"></span>{t!(lang, freshness.no_schedule)}</span>
        </p>
        <div class="table-wrap"><table class="freshness" data-testid="freshness-table">
            <thead><tr>
                <th scope="col">{t!(lang, freshness.department)}</th>
                <th scope="col"><span class="visually-hidden">{t!(lang, freshness.chart)}</span></th>
                <th scope="col">{t!(lang, freshness.on_time)}</th>
                <th scope="col">{t!(lang, freshness.due_soon)}</th>
                <th scope="col">{t!(lang, freshness.overdue_2)}</th>
                <th scope="col">{t!(lang, freshness.no_schedule)}</th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table></div>
        <section aria-labelledby="late-h">
            <h2 id="late-h">{t!(lang, freshness.overdue_datasets)}</h2>
            <ul class="late-list" data-testid="overdue-list">{late}</ul>
        </section>
    }
}

//! A dataset's revision history (staff): every revision with author (and proposer), the
//! difference between any two, and revert (a new revision; history is never rewritten).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use types::t;

use crate::api::collab::{compare_revisions, revert_dataset, revisions};
use crate::collab::RevisionInfo;
use crate::components::common::ErrorBox;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::pages::review::{field_label, value_text};

#[component]
pub fn HistoryPage() -> impl IntoView {
    let lang = expect_context::<Lang>();
    let params = use_params_map();
    let query = use_query_map();
    let slug = move || params.with(|p| p.get("slug").unwrap_or_default());
    let reverted = RwSignal::new(0u32);
    let list = Resource::new(move || (slug(), reverted.get()), |(s, _)| revisions(s));
    let pair = move || {
        query.with(|q| {
            let n = |k: &str| q.get(k).and_then(|v| v.parse::<i32>().ok());
            (n("from"), n("to"))
        })
    };
    let diff = Resource::new(
        move || (slug(), pair(), reverted.get()),
        |(s, (from, to), _)| async move {
            match (from, to) {
                (Some(f), Some(t)) => compare_revisions(s, f, t).await.map(Some),
                _ => Ok(None),
            }
        },
    );
    view! {
        <Title text={t!(lang, history.history)}/>
        <h1>{t!(lang, history.history)}</h1>
        <p class="breadcrumb"><a href=move || format!("/datasets/{}", slug())>{t!(lang, history.back_to_the_dataset)}</a></p>
        <Suspense fallback=move || view! { <p class="loading">{t!(lang, history.loading)}</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(revs) => view! { <History revs slug=slug() reverted/> }.into_any(),
                    Err(err) => view! { <ErrorBox err/> }.into_any(),
                }
            })}
        </Suspense>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match diff.await {
                    Ok(Some(d)) => {
                        let (from, to) = pair();
                        let rows = d.as_object().cloned().unwrap_or_default().into_iter().map(|(k, v)| view! {
                            <tr><th scope="row">{field_label(&k, lang)}</th><td>{value_text(&v["from"])}</td><td>{value_text(&v["to"])}</td></tr>
                        }).collect_view();
                        view! {
                            <section class="diff" data-testid="diff" aria-labelledby="diff-h">
                                <h2 id="diff-h">{format!("v{} → v{}", from.unwrap_or(0), to.unwrap_or(0))}</h2>
                                <div class="table-wrap"><table>
                                    <thead><tr><th scope="col">{t!(lang, history.field)}</th><th scope="col">{t!(lang, history.before)}</th><th scope="col">{t!(lang, history.after)}</th></tr></thead>
                                    <tbody>{rows}</tbody>
                                </table></div>
                            </section>
                        }.into_any()
                    }
                    Ok(None) => ().into_any(),
                    Err(err) => view! { <ErrorBox err/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn History(revs: Vec<RevisionInfo>, slug: String, reverted: RwSignal<u32>) -> impl IntoView {
    let lang = expect_context::<Lang>();
    let current = revs.first().map(|r| r.version).unwrap_or(1);
    let failure = RwSignal::new(None::<AppError>);
    let options = revs
        .iter()
        .map(|r| view! { <option value=r.version>{format!("v{}", r.version)}</option> })
        .collect_view();
    let options2 = revs
        .iter()
        .map(|r| view! { <option value=r.version>{format!("v{}", r.version)}</option> })
        .collect_view();
    let previous = revs.get(1).map(|r| r.version).unwrap_or(current);
    let items = revs
        .into_iter()
        .map(|r| {
            let v = r.version;
            let slug = slug.clone();
            let revert = move |_| {
                let slug = slug.clone();
                leptos::task::spawn_local(async move {
                    match revert_dataset(slug, current, v).await {
                        Ok(_) => reverted.update(|n| *n += 1),
                        Err(e) => failure.set(Some(e)),
                    }
                });
            };
            let fields = r
                .diff
                .as_object()
                .map(|m| m.keys().map(|k| field_label(k, lang)).collect::<Vec<_>>().join(", "))
                .unwrap_or_default();
            let credit = r.proposer.clone().map(|p| t!(lang, history.proposed_by, p = &p).to_string());
            view! {
                <li>
                    <strong>{format!("v{v}")}</strong> " · "
                    {r.author.clone().unwrap_or_else(|| t!(lang, history.system).to_string())}{credit} " · "
                    <time datetime=r.created_at.to_rfc3339()>{r.created_at.format("%Y-%m-%d %H:%M").to_string()}</time>
                    " · " {r.message.clone()}
                    {(!fields.is_empty()).then(|| view! { <small>" [" {fields} "]"</small> })}
                    {(v != current).then(|| view! {
                        " " <button type="button" class="link-button" on:click=revert>{t!(lang, history.revert_to_this)}</button>
                    })}
                </li>
            }
        })
        .collect_view();
    view! {
        <form class="compare" method="get">
            <label for="from">{t!(lang, history.compare)}</label>
            <select id="from" name="from" prop:value=previous.to_string()>{options}</select>
            <label for="to">" → "</label>
            <select id="to" name="to" prop:value=current.to_string()>{options2}</select>
            " " <button type="submit" class="button secondary">{t!(lang, history.compare_2)}</button>
        </form>
        {move || failure.get().map(|err| view! { <ErrorBox err/> })}
        <ul class="revisions">{items}</ul>
    }
}

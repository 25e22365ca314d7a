//! Proposals: the review queue of the stewards who decide them, and each proposer's own.

use leptos::prelude::*;
use leptos_meta::Title;
use serde_json::{Map, Value};
use types::t;

use crate::api::collab::{accept_proposal, list_proposals, reject_proposal, withdraw_proposal};
use crate::collab::{ProposalInfo, ProposalScope, ProposalStatus};
use crate::components::common::ErrorBox;
use crate::error::AppError;
use crate::i18n::Lang;

/// A stored value as text: lists joined, empty as a dash.
pub fn value_text(v: &Value) -> String {
    match v {
        Value::Null => "—".to_string(),
        Value::String(s) if s.trim().is_empty() => "—".to_string(),
        Value::String(s) => s.clone(),
        Value::Array(a) => a
            .iter()
            .map(|x| {
                x.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| x.to_string())
            })
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

pub fn field_label(field: &str, lang: Lang) -> String {
    crate::labels::field(field, lang)
        .map(str::to_string)
        .unwrap_or_else(|| field.to_string())
}

#[component]
pub fn ReviewPage() -> impl IntoView {
    let lang = expect_context::<Lang>();
    let changed = RwSignal::new(0u32);
    let queue = Resource::new(
        move || changed.get(),
        |_| list_proposals(ProposalScope::Review),
    );
    let mine = Resource::new(
        move || changed.get(),
        |_| list_proposals(ProposalScope::Mine),
    );
    view! {
        <Title text={t!(lang, review.proposals)}/>
        <h1>{t!(lang, review.proposals)}</h1>
        <section aria-labelledby="queue-h">
            <h2 id="queue-h">{t!(lang, review.to_review)}</h2>
            <Suspense fallback=move || view! { <p class="loading">{t!(lang, review.loading)}</p> }>
                {move || Suspend::new(async move {
                    match queue.await {
                        Ok(list) if list.is_empty() => view! {
                            <p class="empty">{t!(lang, review.nothing_to_review)}</p>
                        }.into_any(),
                        Ok(list) => list.into_iter().map(|p| view! { <ProposalCard p changed/> }).collect_view().into_any(),
                        Err(err) => view! { <ErrorBox err/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
        <section aria-labelledby="mine-h">
            <h2 id="mine-h">{t!(lang, review.my_proposals)}</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match mine.await {
                        Ok(list) if list.is_empty() => view! {
                            <p class="empty">{t!(lang, review.no_proposals_yet_use_propose)}</p>
                        }.into_any(),
                        Ok(list) => list.into_iter().map(|p| view! { <ProposalCard p changed/> }).collect_view().into_any(),
                        Err(err) => view! { <ErrorBox err/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// One proposal: its fields (against the current version, conflicts marked) and, for
/// reviewers, accept (choosing a value for each conflict) and reject with a reason.
#[component]
fn ProposalCard(p: ProposalInfo, changed: RwSignal<u32>) -> impl IntoView {
    let lang = expect_context::<Lang>();
    let id = p.id;
    let failure = RwSignal::new(None::<AppError>);
    let reason = RwSignal::new(String::new());
    // For each conflicting field: keep the current value (true) or take the proposed one.
    let keep_current = RwSignal::new(Vec::<String>::new());
    let rebase = p.rebase.clone();
    let rows = match &rebase {
        Some(r) => r
            .fields
            .iter()
            .map(|f| {
                let field = f.field.clone();
                let pick = f.conflict.then(|| {
                    let name = format!("keep-{id}-{field}");
                    let (a, b) = (field.clone(), field.clone());
                    let current = move || keep_current.with(|k| k.contains(&a));
                    view! {
                        <fieldset class="pick">
                            <legend class="visually-hidden">{field_label(&field, lang)}</legend>
                            <label><input type="radio" name=name.clone() data-pick="proposed" prop:checked={let c = current.clone(); move || !c()}
                                on:change=move |_| keep_current.update(|k| k.retain(|x| *x != b))/>{t!(lang, review.proposed)}</label>
                            <label><input type="radio" name=name data-pick="current" prop:checked=current
                                on:change={let f = field.clone(); move |_| keep_current.update(|k| if !k.contains(&f) { k.push(f.clone()) })}/>{t!(lang, review.keep_current)}</label>
                        </fieldset>
                    }
                });
                view! {
                    <tr class:conflict=f.conflict>
                        <th scope="row">{field_label(&f.field, lang)}
                            {f.conflict.then(|| view! { <br/><small>{t!(lang, review.changed_since)}</small> })}</th>
                        <td>{value_text(&f.current)}</td>
                        <td>{value_text(&f.proposed)}</td>
                        <td>{pick}</td>
                    </tr>
                }
            })
            .collect_view()
            .into_any(),
        None => p
            .patch
            .as_object()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| view! {
                <tr><th scope="row">{field_label(&k, lang)}</th><td>"—"</td><td>{value_text(&v)}</td><td></td></tr>
            })
            .collect_view()
            .into_any(),
    };
    let accept = {
        let rebase = rebase.clone();
        move |_| {
            let Some(r) = rebase.clone() else { return };
            let keep = keep_current.get_untracked();
            let resolution: Map<String, Value> = r
                .fields
                .iter()
                .filter(|f| f.conflict)
                .map(|f| {
                    let v = if keep.contains(&f.field) {
                        &f.current
                    } else {
                        &f.proposed
                    };
                    (f.field.clone(), v.clone())
                })
                .collect();
            leptos::task::spawn_local(async move {
                match accept_proposal(id, r.current_version, resolution).await {
                    Ok(_) => changed.update(|n| *n += 1),
                    Err(e) => failure.set(Some(e)),
                }
            });
        }
    };
    let reject = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let why = reason.get_untracked();
        leptos::task::spawn_local(async move {
            match reject_proposal(id, why).await {
                Ok(_) => changed.update(|n| *n += 1),
                Err(e) => failure.set(Some(e)),
            }
        });
    };
    let withdraw = move |_| {
        leptos::task::spawn_local(async move {
            match withdraw_proposal(id).await {
                Ok(_) => changed.update(|n| *n += 1),
                Err(e) => failure.set(Some(e)),
            }
        });
    };
    let decide = p.can_review.then(|| {
        let reason_id = format!("reason-{id}");
        view! {
            <div class="decide">
                <button type="button" class="button" data-testid="accept" on:click=accept>{t!(lang, review.accept)}</button>
                <form class="reject" on:submit=reject>
                    <label for=reason_id.clone()>{t!(lang, review.reason_to_reject)}</label>
                    <input id=reason_id type="text" maxlength="500" required
                        prop:value=move || reason.get() on:input=move |e| reason.set(event_target_value(&e))/>
                    <button type="submit" class="button secondary">{t!(lang, review.reject)}</button>
                </form>
            </div>
        }
    });
    let can_withdraw = p.status == ProposalStatus::Open && !p.can_review;
    let href = format!("/datasets/{}", p.dataset.slug);
    let who = format!(
        "{}{}",
        p.proposer.clone().unwrap_or_else(|| "—".into()),
        p.proposer_department
            .as_ref()
            .map(|d| format!(" ({d})"))
            .unwrap_or_default()
    );
    view! {
        <article class="proposal" data-proposal=id>
            <h3><a href=href>{p.dataset.title(lang).to_string()}</a> " " <span class="badge">{p.status.label(lang)}</span></h3>
            <p class="meta">{format!("#{id} · ")}{who}" · "
                <time datetime=p.created_at.to_rfc3339()>{p.created_at.format("%Y-%m-%d %H:%M").to_string()}</time>
                {format!(" · v{}", p.base_version)}</p>
            <p>{p.message.clone()}</p>
            {p.reason.clone().map(|r| view! { <p class="reason">{t!(lang, review.reason)}{r}</p> })}
            <div class="table-wrap"><table>
                <thead><tr>
                    <th scope="col">{t!(lang, review.field)}</th>
                    <th scope="col">{t!(lang, review.current)}</th>
                    <th scope="col">{t!(lang, review.proposed)}</th>
                    <th scope="col"><span class="visually-hidden">{t!(lang, review.choice)}</span></th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table></div>
            {decide}
            {can_withdraw.then(|| view! {
                <button type="button" class="button secondary" on:click=withdraw>{t!(lang, review.withdraw)}</button>
            })}
            {move || failure.get().map(|err| view! { <ErrorBox err/> })}
        </article>
    }
}

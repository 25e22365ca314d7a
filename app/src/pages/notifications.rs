//! The signed-in user's notifications, their department's activity and their own.

use leptos::prelude::*;
use leptos_meta::Title;
use types::t;

use crate::api::collab::{activity, load_notifications, mark_all_read};
use crate::collab::{ActivityItem, FeedScope, NotificationInfo, NotificationKind};
use crate::components::common::ErrorBox;
use crate::components::layout::UserResource;
use crate::i18n::Lang;

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let lang = expect_context::<Lang>();
    let user = expect_context::<UserResource>();
    let read = RwSignal::new(0u32);
    let notes = Resource::new(move || read.get(), |_| load_notifications());
    let department_feed = Resource::new(|| (), |_| activity(FeedScope::MyDepartment));
    let my_feed = Resource::new(|| (), |_| activity(FeedScope::Me));
    let mark = move |_| {
        leptos::task::spawn_local(async move {
            let _ = mark_all_read().await;
            read.update(|n| *n += 1);
        });
    };
    view! {
        <Title text={t!(lang, notifications.notifications)}/>
        <h1>{t!(lang, notifications.notifications)}</h1>
        <Suspense fallback=move || view! { <p class="loading">{t!(lang, notifications.loading)}</p> }>
            {move || Suspend::new(async move {
                match notes.await {
                    Ok(n) => {
                        let unread = n.unread;
                        let items = if n.items.is_empty() {
                            view! { <p class="empty">{t!(lang, notifications.no_notifications)}</p> }.into_any()
                        } else {
                            view! { <ul class="notifications">{n.items.into_iter().map(|i| view! { <Note i/> }).collect_view()}</ul> }.into_any()
                        };
                        view! {
                            <p data-testid="unread">{t!(lang, notifications.unread_count, n = unread).to_string()} " "
                            {(unread > 0).then(|| view! { <button type="button" class="button secondary" on:click=mark>{t!(lang, notifications.mark_all_read)}</button> })}
                            </p>
                            {items}
                        }.into_any()
                    }
                    Err(err) => view! { <ErrorBox err/> }.into_any(),
                }
            })}
        </Suspense>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let department = user.await.ok().flatten().and_then(|u| u.department);
                department.map(|d| {
                    let title = t!(lang, notifications.department_activity, name = lang.pick(&d.name_ko, &d.name_en)).to_string();
                    view! { <Feed title items=department_feed/> }
                })
            })}
        </Suspense>
        <Feed title={t!(lang, notifications.my_activity).to_string()} items=my_feed/>
    }
}

#[component]
fn Note(i: NotificationInfo) -> impl IntoView {
    let lang = expect_context::<Lang>();
    let actor = i.actor.clone().unwrap_or_default();
    let href = match (i.kind, &i.dataset) {
        (NotificationKind::ProposalReceived, _) => "/review".to_string(),
        (_, Some(d)) => format!("/datasets/{}", d.slug),
        _ => "/".to_string(),
    };
    let title = i
        .dataset
        .as_ref()
        .map(|d| d.title(lang).to_string())
        .unwrap_or_default();
    view! {
        <li class:unread=!i.read data-kind=i.kind.code()>
            <span class="badge">{i.kind.label(lang)}</span> " "
            <a href=href>{title}</a> " — " {i.kind.text(lang, &actor)}
            " · " <time datetime=i.created_at.to_rfc3339()>{i.created_at.format("%Y-%m-%d %H:%M").to_string()}</time>
        </li>
    }
}

pub type FeedResource = Resource<Result<Option<Vec<ActivityItem>>, crate::error::AppError>>;

/// An activity feed (a dataset's, a department's, or the reader's own), from a resource the
/// page created (resources are created outside async blocks so hydration finds them).
#[component]
pub fn Feed(title: String, items: FeedResource) -> impl IntoView {
    let lang = expect_context::<Lang>();
    let label = title.clone();
    view! {
        <section class="feed" aria-label=label>
            <h2>{title}</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match items.await {
                        Ok(None) => ().into_any(),
                        Ok(Some(list)) if list.is_empty() => view! { <p class="empty">{t!(lang, notifications.no_activity_yet)}</p> }.into_any(),
                        Ok(Some(list)) => view! { <ul class="activity">{list.into_iter().map(|a| view! { <Activity a/> }).collect_view()}</ul> }.into_any(),
                        Err(err) => view! { <ErrorBox err/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Activity(a: ActivityItem) -> impl IntoView {
    let lang = expect_context::<Lang>();
    let href = format!("/datasets/{}", a.dataset.slug);
    view! {
        <li data-kind=a.kind.code()>
            <time datetime=a.at.to_rfc3339()>{a.at.format("%Y-%m-%d %H:%M").to_string()}</time> " · "
            {a.actor.clone().unwrap_or_else(|| t!(lang, notifications.system).to_string())} " "
            <strong>{a.kind.label(lang)}</strong> " · "
            <a href=href>{a.dataset.title(lang).to_string()}</a>
            {(!a.text.is_empty()).then(|| view! { <span class="text">" — " {a.text.clone()}</span> })}
        </li>
    }
}

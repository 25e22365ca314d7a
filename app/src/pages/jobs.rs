//! Background jobs: the jobs list (`/admin/jobs`: all jobs for administrators, one's own for
//! other staff) and one job's page (`/jobs/:id`) whose progress streams in live.

use chrono::Utc;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use types::t;

use crate::api::jobs::{job, jobs};
use crate::components::common::ErrorBox;
use crate::i18n::Lang;
use crate::jobs::{age, HarvestAction, HarvestReport, JobInfo, JobOutcome, JobStatus};

#[component]
pub fn JobsPage() -> impl IntoView {
    let lang = expect_context::<Lang>();
    let list = Resource::new(|| (), |_| jobs());
    view! {
        <Title text={t!(lang, jobs.jobs)}/>
        <h1>{t!(lang, jobs.background_jobs)}</h1>
        <p class="hint">{t!(lang, jobs.imports_harvests_and_data_profiling)}</p>
        <Suspense fallback=move || view! { <p class="loading">{t!(lang, jobs.loading)}</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(list) if list.is_empty() => view! { <p>{t!(lang, jobs.no_jobs_yet)}</p> }.into_any(),
                    Ok(list) => {
                        let now = Utc::now();
                        let rows = list.into_iter().map(|j| {
                            let href = format!("/jobs/{}", j.id);
                            let when = age(j.created_at, now, lang);
                            view! {
                                <tr data-testid="job-row">
                                    <td><a href=href>{format!("#{}", j.id)}</a></td>
                                    <td>{j.kind.label(lang)}</td>
                                    <td>{j.subject.clone()}</td>
                                    <td><StatusBadge status=j.status/></td>
                                    <td><Bar info=j.clone()/></td>
                                    <td>{j.created_by.clone().unwrap_or_else(|| t!(lang, jobs.schedule).to_string())}</td>
                                    <td><time datetime=j.created_at.to_rfc3339()>{when}</time></td>
                                </tr>
                            }
                        }).collect_view();
                        view! {
                            <div class="table-wrap"><table class="jobs">
                                <thead><tr>
                                    <th scope="col">"#"</th><th scope="col">{t!(lang, jobs.kind)}</th>
                                    <th scope="col">{t!(lang, jobs.subject)}</th><th scope="col">{t!(lang, jobs.status)}</th>
                                    <th scope="col">{t!(lang, jobs.progress)}</th><th scope="col">{t!(lang, jobs.by)}</th>
                                    <th scope="col">{t!(lang, jobs.queued)}</th>
                                </tr></thead>
                                <tbody>{rows}</tbody>
                            </table></div>
                        }.into_any()
                    }
                    Err(err) => view! { <ErrorBox err/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn JobPage() -> impl IntoView {
    let lang = expect_context::<Lang>();
    let params = use_params_map();
    let id = move || {
        params
            .with(|p| p.get("id"))
            .and_then(|s| s.parse::<i32>().ok())
            .unwrap_or(0)
    };
    let info = Resource::new(id, job);
    view! {
        <Title text={t!(lang, jobs.job)}/>
        <p class="breadcrumb"><a href="/admin/jobs">{t!(lang, jobs.jobs_2)}</a></p>
        <Suspense fallback=move || view! { <p class="loading">{t!(lang, jobs.loading)}</p> }>
            {move || Suspend::new(async move {
                match info.await {
                    Ok(j) => view! {
                        <h1>{format!("{} #{}", j.kind.label(lang), j.id)}</h1>
                        <JobLive info=j/>
                    }.into_any(),
                    Err(err) => view! { <ErrorBox err/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn StatusBadge(status: JobStatus) -> impl IntoView {
    let lang = expect_context::<Lang>();
    let class = format!("badge job-{}", status.code());
    view! { <span class=class data-status=status.code()>{status.label(lang)}</span> }
}

/// A progress bar (a real `<progress>`: its value is announced by screen readers).
#[component]
fn Bar(info: JobInfo) -> impl IntoView {
    let lang = expect_context::<Lang>();
    match info.percent() {
        Some(p) => view! {
            <progress max="100" value=p.to_string() aria-label=format!("{p}%")></progress>
            " " <span class="percent">{format!("{p}%")}</span>
        }
        .into_any(),
        None if info.status == JobStatus::Running => {
            view! { <progress aria-label={t!(lang, jobs.in_progress)}></progress> }.into_any()
        }
        None => ().into_any(),
    }
}

/// One job's state, followed live until it ends (in the browser; the server renders the state
/// at request time, readable without JavaScript).
#[component]
pub fn JobLive(info: JobInfo) -> impl IntoView {
    let lang = expect_context::<Lang>();
    let state = RwSignal::new(info);
    #[cfg(feature = "hydrate")]
    {
        let current = state.get_untracked();
        if !current.status.finished() {
            crate::client::follow_job(current.id, move |i| state.set(i));
        }
    }
    view! {
        <section class="job" data-testid="job" aria-live="polite">
            {move || {
                let j = state.get();
                let note = (!j.progress_note.is_empty()).then(|| view! { <p class="job-note">{j.progress_note.clone()}</p> });
                let counts = (j.progress_total > 0).then(|| format!("{} / {}", j.progress_done, j.progress_total));
                let error = j.error.clone().map(|err| view! { <ErrorBox err/> });
                let outcome = j.outcome.clone().map(|o| view! { <Outcome o/> });
                view! {
                    <p class="job-head">
                        <StatusBadge status=j.status/> " " {j.subject.clone()}
                    </p>
                    <p class="job-progress"><Bar info=j.clone()/> " " {counts}</p>
                    {note}
                    {error}
                    {outcome}
                }
            }}
            <p class="hint">{t!(lang, jobs.the_job_goes_on_if)}</p>
        </section>
    }
}

#[component]
fn Outcome(o: JobOutcome) -> impl IntoView {
    let lang = expect_context::<Lang>();
    match o {
        JobOutcome::Import(r) => {
            let summary = t!(
                lang,
                import.summary,
                created = r.created,
                updated = r.updated,
                unchanged = r.unchanged
            )
            .to_string();
            view! { <p role="status" data-testid="job-summary">{summary}</p> }.into_any()
        }
        JobOutcome::Harvest(r) => view! { <HarvestReportView r/> }.into_any(),
        JobOutcome::Profile(p) => {
            let href = format!("/datasets/{}#profile-h", p.dataset_slug);
            let summary = t!(
                lang,
                jobs.profile_summary,
                file = &p.file_name,
                rows = p.profile.rows,
                columns = p.profile.columns.len()
            )
            .to_string();
            view! {
                <p role="status" data-testid="job-summary">{summary}</p>
                <p><a class="button" href=href>{t!(lang, jobs.see_it_on_the_dataset)}</a></p>
            }
            .into_any()
        }
    }
}

/// A harvest run's report: counts, then every change and every failure with its reason.
#[component]
pub fn HarvestReportView(r: HarvestReport) -> impl IntoView {
    let lang = expect_context::<Lang>();
    let summary = t!(
        lang,
        jobs.harvest_summary,
        fetched = r.fetched,
        created = r.created,
        updated = r.updated,
        unchanged = r.unchanged,
        archived = r.archived,
        failed = r.failed.len()
    )
    .to_string();
    let changes = r
        .records
        .into_iter()
        .filter(|x| x.action != HarvestAction::Unchanged)
        .map(|x| {
            let href = format!("/datasets/{}", x.slug);
            view! {
                <tr><td><a href=href>{x.slug.clone()}</a></td><td>{x.action.label(lang)}</td><td>{x.changed_fields.join(", ")}</td></tr>
            }
        })
        .collect_view();
    let failures = (!r.failed.is_empty()).then(|| {
        let rows = r
            .failed
            .into_iter()
            .map(|f| view! { <tr><td>{f.key.unwrap_or_else(|| "—".into())}</td><td>{f.reason}</td></tr> })
            .collect_view();
        view! {
            <h3>{t!(lang, jobs.failed_records)}</h3>
            <div class="table-wrap"><table data-testid="harvest-failures">
                <thead><tr><th scope="col">{t!(lang, jobs.identifier)}</th><th scope="col">{t!(lang, jobs.reason)}</th></tr></thead>
                <tbody>{rows}</tbody>
            </table></div>
        }
    });
    view! {
        <p role="status" data-testid="job-summary">{summary}</p>
        <div class="table-wrap"><table>
            <thead><tr><th scope="col">{t!(lang, jobs.dataset)}</th><th scope="col">{t!(lang, jobs.action)}</th><th scope="col">{t!(lang, jobs.fields)}</th></tr></thead>
            <tbody>{changes}</tbody>
        </table></div>
        {failures}
    }
}

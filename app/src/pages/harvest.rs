//! Harvest sources (administrators): the catalogs and sheets Dongne harvests, each with its
//! schedule and last run's report; add or change a source, run one now.

use chrono::Utc;
use leptos::prelude::*;
use leptos_meta::Title;
use types::t;

use crate::api::jobs::{harvest_sources, RunHarvestSource, SaveHarvestSource};
use crate::api::load_admin;
use crate::components::common::ErrorBox;
use crate::i18n::Lang;
use crate::jobs::{age, HarvestKind, HarvestSourceInfo, MIN_INTERVAL_MINUTES};
use crate::pages::jobs::HarvestReportView;

#[component]
pub fn HarvestPage() -> impl IntoView {
    let lang = expect_context::<Lang>();
    let save = ServerAction::<SaveHarvestSource>::new();
    let run = ServerAction::<RunHarvestSource>::new();
    let sources = Resource::new(
        move || (save.version().get(), run.version().get()),
        |_| harvest_sources(),
    );
    let admin = Resource::new(|| (), |_| load_admin());
    view! {
        <Title text={t!(lang, harvest.harvest_sources)}/>
        <h1>{t!(lang, harvest.harvest_other_catalogs)}</h1>
        <p class="hint">{t!(lang, harvest.ckan_and_dcat_catalogs_and)}</p>
        <p><a href="/admin/jobs">{t!(lang, harvest.see_all_jobs)}</a></p>
        <Suspense fallback=move || view! { <p class="loading">{t!(lang, harvest.loading)}</p> }>
            {move || Suspend::new(async move {
                match sources.await {
                    Ok(list) if list.is_empty() => view! {
                        <p>{t!(lang, harvest.no_harvest_sources_yet)}</p>
                    }.into_any(),
                    Ok(list) => list
                        .into_iter()
                        .map(|s| view! { <SourceCard s run/> })
                        .collect_view()
                        .into_any(),
                    Err(err) => view! { <ErrorBox err/> }.into_any(),
                }
            })}
        </Suspense>
        <section aria-labelledby="new-source-h">
            <h2 id="new-source-h">{t!(lang, harvest.add_a_source)}</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let depts: Vec<(String, String)> = admin
                        .await
                        .map(|o| o.departments.into_iter().map(|d| (d.department.code.clone(), d.department.name(lang).to_string())).collect())
                        .unwrap_or_default();
                    view! { <SourceForm action=save depts source=None/> }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn SourceCard(s: HarvestSourceInfo, run: ServerAction<RunHarvestSource>) -> impl IntoView {
    let lang = expect_context::<Lang>();
    let now = Utc::now();
    let schedule = match s.interval_minutes {
        Some(m) if s.enabled => t!(lang, harvest.every_minutes, m = m).to_string(),
        _ if !s.enabled => t!(lang, harvest.disabled).to_string(),
        _ => t!(lang, harvest.on_demand_only).to_string(),
    };
    let next = s
        .next_run_at
        .filter(|_| s.enabled && s.interval_minutes.is_some())
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string());
    let last = s.last_job.clone().map(|j| {
        let href = format!("/jobs/{}", j.id);
        let when = age(j.created_at, now, lang);
        let report = match j.outcome.clone() {
            Some(crate::jobs::JobOutcome::Harvest(r)) => view! {
                <details><summary>{t!(lang, harvest.last_runs_report)}</summary><HarvestReportView r/></details>
            }
            .into_any(),
            _ => ().into_any(),
        };
        let error = j.error.clone().map(|err| view! { <ErrorBox err/> });
        view! {
            <p>{t!(lang, harvest.last_run)} ": " <a href=href>{format!("#{}", j.id)}</a> " · "
               <span class=format!("badge job-{}", j.status.code()) data-testid="source-status">{j.status.label(lang)}</span>
               " · " {when}</p>
            {error}
            {report}
        }
    });
    let id = s.id;
    let depts = vec![(
        s.department.code.clone(),
        s.department.name(lang).to_string(),
    )];
    let save = ServerAction::<SaveHarvestSource>::new();
    view! {
        <article class="card source" data-testid="harvest-source">
            <h2>{s.name.clone()}</h2>
            <dl class="meta-grid">
                <dt>{t!(lang, harvest.kind)}</dt><dd>{s.kind.label(lang)}</dd>
                <dt>"URL"</dt><dd class="break"><code>{s.url.clone()}</code></dd>
                <dt>{t!(lang, harvest.department)}</dt><dd>{s.department.name(lang).to_string()}</dd>
                <dt>{t!(lang, harvest.source_institution)}</dt><dd>{s.source_institution.clone()}</dd>
                <dt>{t!(lang, harvest.default_terms)}</dt><dd>{s.default_terms.join(", ")}</dd>
                <dt>{t!(lang, harvest.schedule)}</dt><dd>{schedule} {next.map(|n| format!(" · {} {n}", t!(lang, harvest.next)))}</dd>
                <dt>{t!(lang, harvest.datasets)}</dt><dd>{s.datasets}</dd>
            </dl>
            {last}
            <ActionForm action=run attr:class="inline">
                <input type="hidden" name="id" value=id.to_string()/>
                <button type="submit" class="button" data-testid="run-source">{t!(lang, harvest.run_now)}</button>
            </ActionForm>
            {move || run.value().get().and_then(|r| r.err()).map(|err| view! { <ErrorBox err/> })}
            <details class="admin-form">
                <summary>{t!(lang, harvest.change_settings)}</summary>
                <SourceForm action=save depts source=Some(s.clone())/>
            </details>
        </article>
    }
}

#[component]
fn SourceForm(
    action: ServerAction<SaveHarvestSource>,
    depts: Vec<(String, String)>,
    source: Option<HarvestSourceInfo>,
) -> impl IntoView {
    let lang = expect_context::<Lang>();
    let p = source
        .as_ref()
        .map(|s| format!("s{}-", s.id))
        .unwrap_or_else(|| "new-".into());
    let id = move |f: &str| format!("{p}{f}");
    let cur_kind = source.as_ref().map(|s| s.kind).unwrap_or(HarvestKind::Ckan);
    let cur_dept = source
        .as_ref()
        .map(|s| s.department.code.clone())
        .unwrap_or_default();
    let kinds = HarvestKind::ALL
        .iter()
        .map(|k| view! { <option value=k.code() selected=*k == cur_kind>{k.label(lang)}</option> })
        .collect_view();
    let depts = depts
        .into_iter()
        .map(|(code, name)| {
            let selected = code == cur_dept;
            view! { <option value=code selected=selected>{name}</option> }
        })
        .collect_view();
    let s = source.clone();
    let v = move |f: fn(&HarvestSourceInfo) -> String| s.as_ref().map(f).unwrap_or_default();
    let public = source.as_ref().is_none_or(|s| s.visibility == "public");
    let enabled = source.as_ref().is_none_or(|s| s.enabled);
    let hidden_id = source
        .as_ref()
        .map(|s| view! { <input type="hidden" name="form[id]" value=s.id.to_string()/> });
    let result = move || {
        action.value().get().map(|r| match r {
            Ok(_) => {
                view! { <p class="success" role="status">{t!(lang, harvest.saved)}</p> }.into_any()
            }
            Err(err) => view! { <ErrorBox err/> }.into_any(),
        })
    };
    view! {
        <ActionForm action attr:class="source-form">
            {hidden_id}
            <label for=id("name")>{t!(lang, harvest.name)}</label>
            <input id=id("name") name="form[name]" required maxlength="100" value=v(|s| s.name.clone())/>
            <label for=id("kind")>{t!(lang, harvest.kind)}</label>
            <select id=id("kind") name="form[kind]">{kinds}</select>
            <label for=id("url")>{t!(lang, harvest.url_ckan_site_dcat_json)}</label>
            <input id=id("url") name="form[url]" type="url" required value=v(|s| s.url.clone())/>
            <label for=id("department")>{t!(lang, harvest.department)}</label>
            <select id=id("department") name="form[department]" required>{depts}</select>
            <label for=id("institution")>{t!(lang, harvest.source_institution)}</label>
            <input id=id("institution") name="form[source_institution]" required value=v(|s| s.source_institution.clone())/>
            <label for=id("terms")>{t!(lang, harvest.default_terms_scheme_code_comma)}</label>
            <input id=id("terms") name="form[default_terms]" placeholder="theme:environment" value=v(|s| s.default_terms.join(", "))/>
            <fieldset>
                <legend>{t!(lang, harvest.new_datasets_are)}</legend>
                <label><input type="radio" name="form[visibility]" value="public" checked=public/> {t!(lang, harvest.public)}</label>
                <label><input type="radio" name="form[visibility]" value="internal" checked=!public/> {t!(lang, harvest.internal)}</label>
            </fieldset>
            <label for=id("interval")>{t!(lang, harvest.every_minutes_empty_on_demand)}</label>
            <input id=id("interval") name="form[interval_minutes]" type="number" inputmode="numeric" min=MIN_INTERVAL_MINUTES.to_string()
                value=v(|s| s.interval_minutes.map(|m| m.to_string()).unwrap_or_default())/>
            <label class="check"><input type="checkbox" name="form[enabled]" value="on" checked=enabled/> {t!(lang, harvest.enabled)}</label>
            {result}
            <p><button type="submit" class="button">{t!(lang, harvest.save)}</button></p>
        </ActionForm>
    }
}

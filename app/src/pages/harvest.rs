//! Harvest sources (administrators): the catalogs and sheets Dongne harvests, each with its
//! schedule and last run's report; add or change a source, run one now.

use chrono::Utc;
use leptos::prelude::*;
use leptos_meta::Title;

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
        <Title text=lang.t("수집 원천", "Harvest sources")/>
        <h1>{lang.t("다른 카탈로그에서 수집", "Harvest other catalogs")}</h1>
        <p class="hint">{lang.t(
            "CKAN·DCAT 카탈로그나 CSV/XLSX 시트를 주기적으로 수집합니다. 원천의 식별자로 갱신하고, 원천에서 사라진 데이터는 삭제하지 않고 보관 처리합니다.",
            "CKAN and DCAT catalogs and CSV/XLSX sheets are harvested on a schedule, updated by the source's identifier; datasets gone from the source are archived, never deleted.",
        )}</p>
        <p><a href="/admin/jobs">{lang.t("작업 목록 보기", "See all jobs")}</a></p>
        <Suspense fallback=move || view! { <p class="loading">{lang.t("불러오는 중…", "Loading…")}</p> }>
            {move || Suspend::new(async move {
                match sources.await {
                    Ok(list) if list.is_empty() => view! {
                        <p>{lang.t("아직 수집 원천이 없습니다.", "No harvest sources yet.")}</p>
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
            <h2 id="new-source-h">{lang.t("원천 추가", "Add a source")}</h2>
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
        Some(m) if s.enabled => match lang {
            Lang::Ko => format!("{m}분마다"),
            Lang::En => format!("every {m} min"),
        },
        _ if !s.enabled => lang.t("사용 안 함", "disabled").to_string(),
        _ => lang.t("수동 실행만", "on demand only").to_string(),
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
                <details><summary>{lang.t("지난 실행 보고서", "Last run's report")}</summary><HarvestReportView r/></details>
            }
            .into_any(),
            _ => ().into_any(),
        };
        let error = j.error.clone().map(|err| view! { <ErrorBox err/> });
        view! {
            <p>{lang.t("지난 실행", "Last run")} ": " <a href=href>{format!("#{}", j.id)}</a> " · "
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
                <dt>{lang.t("종류", "Kind")}</dt><dd>{s.kind.label(lang)}</dd>
                <dt>"URL"</dt><dd class="break"><code>{s.url.clone()}</code></dd>
                <dt>{lang.t("담당 부서", "Department")}</dt><dd>{s.department.name(lang).to_string()}</dd>
                <dt>{lang.t("제공 기관", "Source institution")}</dt><dd>{s.source_institution.clone()}</dd>
                <dt>{lang.t("기본 분류", "Default terms")}</dt><dd>{s.default_terms.join(", ")}</dd>
                <dt>{lang.t("주기", "Schedule")}</dt><dd>{schedule} {next.map(|n| format!(" · {} {n}", lang.t("다음", "next")))}</dd>
                <dt>{lang.t("수집된 데이터", "Datasets")}</dt><dd>{s.datasets}</dd>
            </dl>
            {last}
            <ActionForm action=run attr:class="inline">
                <input type="hidden" name="id" value=id.to_string()/>
                <button type="submit" class="button" data-testid="run-source">{lang.t("지금 수집", "Run now")}</button>
            </ActionForm>
            {move || run.value().get().and_then(|r| r.err()).map(|err| view! { <ErrorBox err/> })}
            <details class="admin-form">
                <summary>{lang.t("설정 변경", "Change settings")}</summary>
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
                view! { <p class="success" role="status">{lang.t("저장했습니다.", "Saved.")}</p> }
                    .into_any()
            }
            Err(err) => view! { <ErrorBox err/> }.into_any(),
        })
    };
    view! {
        <ActionForm action attr:class="source-form">
            {hidden_id}
            <label for=id("name")>{lang.t("이름", "Name")}</label>
            <input id=id("name") name="form[name]" required maxlength="100" value=v(|s| s.name.clone())/>
            <label for=id("kind")>{lang.t("종류", "Kind")}</label>
            <select id=id("kind") name="form[kind]">{kinds}</select>
            <label for=id("url")>{lang.t("주소 (CKAN 사이트, DCAT JSON-LD, 시트 파일)", "URL (CKAN site, DCAT JSON-LD, sheet file)")}</label>
            <input id=id("url") name="form[url]" type="url" required value=v(|s| s.url.clone())/>
            <label for=id("department")>{lang.t("담당 부서", "Department")}</label>
            <select id=id("department") name="form[department]" required>{depts}</select>
            <label for=id("institution")>{lang.t("제공 기관", "Source institution")}</label>
            <input id=id("institution") name="form[source_institution]" required value=v(|s| s.source_institution.clone())/>
            <label for=id("terms")>{lang.t("기본 분류 (scheme:code, 쉼표로 구분)", "Default terms (scheme:code, comma-separated)")}</label>
            <input id=id("terms") name="form[default_terms]" placeholder="theme:environment" value=v(|s| s.default_terms.join(", "))/>
            <fieldset>
                <legend>{lang.t("새 데이터의 공개 범위", "New datasets are")}</legend>
                <label><input type="radio" name="form[visibility]" value="public" checked=public/> {lang.t("공개", "Public")}</label>
                <label><input type="radio" name="form[visibility]" value="internal" checked=!public/> {lang.t("내부", "Internal")}</label>
            </fieldset>
            <label for=id("interval")>{lang.t("주기 (분, 비우면 수동 실행만)", "Every (minutes; empty: on demand only)")}</label>
            <input id=id("interval") name="form[interval_minutes]" type="number" inputmode="numeric" min=MIN_INTERVAL_MINUTES.to_string()
                value=v(|s| s.interval_minutes.map(|m| m.to_string()).unwrap_or_default())/>
            <label class="check"><input type="checkbox" name="form[enabled]" value="on" checked=enabled/> {lang.t("사용", "Enabled")}</label>
            {result}
            <p><button type="submit" class="button">{lang.t("저장", "Save")}</button></p>
        </ActionForm>
    }
}

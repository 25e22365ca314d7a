//! Bulk import (staff): choose a CSV or XLSX sheet, preview every row (or every problem, with its
//! row and column), then import it all at once. Export links give the sheet to start from.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::common::ErrorBox;
use crate::editing::FieldError;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::pages::jobs::JobLive;
use crate::transfer::{ImportReport, RowAction};

// The results arrive from the browser's fetch; the server only renders the idle page.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Clone)]
enum State {
    Idle,
    Preview(ImportReport),
    Problems(Vec<FieldError>),
    Failed(AppError),
    Done(ImportReport),
    /// A large import went on as a background job (HTTP 202).
    Queued(Box<crate::jobs::JobInfo>),
}

/// The JSON API's answer: a report, or the error it carries.
#[cfg(feature = "hydrate")]
fn parse(status: u16, text: &str) -> State {
    if status == 200 {
        return serde_json::from_str(text)
            .map(|r: ImportReport| {
                if r.dry_run {
                    State::Preview(r)
                } else {
                    State::Done(r)
                }
            })
            .unwrap_or_else(|e| State::Failed(AppError::Transport(e.to_string())));
    }
    let detail = serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| serde_json::from_value::<AppError>(v["error"]["detail"].clone()).ok());
    match detail {
        Some(AppError::InvalidFields { errors }) => State::Problems(errors),
        Some(e) => State::Failed(e),
        None => State::Failed(AppError::Transport(format!("HTTP {status}"))),
    }
}

/// The import went on in the background: follow its job.
#[cfg(feature = "hydrate")]
async fn queued(text: &str) -> State {
    let id = serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| v["job"].as_i64())
        .and_then(|n| i32::try_from(n).ok());
    match id {
        Some(id) => match crate::api::jobs::job(id).await {
            Ok(info) => State::Queued(Box::new(info)),
            Err(e) => State::Failed(e),
        },
        None => State::Failed(AppError::Transport("HTTP 202 without a job".into())),
    }
}

#[component]
pub fn ImportPage() -> impl IntoView {
    let lang = expect_context::<Lang>();
    let state = RwSignal::new(State::Idle);
    let busy = RwSignal::new(false);
    let send = move |dry_run: bool| {
        busy.set(true);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let url = format!("/api/v1/import?dry_run={dry_run}");
            let next = match crate::client::post_file(&url, "import-file").await {
                Ok((202, text)) => queued(&text).await,
                Ok((status, text)) => parse(status, &text),
                Err(e) => State::Failed(AppError::validation("file", &e, &e)),
            };
            state.set(next);
            busy.set(false);
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = dry_run;
    };
    let body = move || match state.get() {
        State::Idle => ().into_any(),
        State::Failed(err) => view! { <ErrorBox err/> }.into_any(),
        State::Queued(info) => {
            let info = *info;
            let href = format!("/jobs/{}", info.id);
            view! {
                <section class="import-preview" data-testid="import-queued">
                    <h2>{lang.t("백그라운드에서 가져오는 중", "Importing in the background")}</h2>
                    <JobLive info/>
                    <p><a href=href>{lang.t("작업 페이지", "Job page")}</a></p>
                </section>
            }
            .into_any()
        }
        State::Problems(errors) => {
            let n = errors.len();
            let rows = errors
                .into_iter()
                .map(|e| view! { <tr><td>{e.field.clone()}</td><td>{lang.t(&e.message_ko, &e.message_en).to_string()}</td></tr> })
                .collect_view();
            view! {
                <section class="import-problems" data-testid="import-problems" role="alert">
                    <h2>{match lang {
                        Lang::Ko => format!("문제 {n}건: 아무것도 가져오지 않았습니다"),
                        Lang::En => format!("{n} problem(s): nothing was imported"),
                    }}</h2>
                    <div class="table-wrap"><table>
                        <thead><tr><th scope="col">{lang.t("위치", "Where")}</th><th scope="col">{lang.t("이유", "Why")}</th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table></div>
                </section>
            }
            .into_any()
        }
        State::Preview(r) | State::Done(r) => {
            let done = !r.dry_run;
            let summary = match lang {
                Lang::Ko => format!(
                    "새로 등록 {} · 수정 {} · 변경 없음 {}",
                    r.created, r.updated, r.unchanged
                ),
                Lang::En => format!(
                    "{} new · {} updated · {} unchanged",
                    r.created, r.updated, r.unchanged
                ),
            };
            let rows = r
                .rows
                .into_iter()
                .map(|o| {
                    let action = match o.action {
                        RowAction::Create => lang.t("새로 등록", "new"),
                        RowAction::Update => lang.t("수정", "update"),
                        RowAction::Unchanged => lang.t("변경 없음", "unchanged"),
                    };
                    let href = format!("/datasets/{}", o.slug);
                    view! {
                        <tr><td>{o.row}</td><td><a href=href>{o.slug.clone()}</a></td><td>{action}</td><td>{o.changed_fields.join(", ")}</td></tr>
                    }
                })
                .collect_view();
            view! {
                <section class="import-preview" data-testid=if done { "import-done" } else { "import-preview" }>
                    <h2>{if done { lang.t("가져왔습니다", "Imported") } else { lang.t("미리 보기", "Preview") }}</h2>
                    <p role="status">{summary}</p>
                    {(!done).then(|| view! {
                        <p><button type="button" class="button" data-testid="import-commit" disabled=move || busy.get()
                            on:click=move |_| send(false)>{lang.t("모두 가져오기", "Import all")}</button></p>
                    })}
                    <div class="table-wrap"><table>
                        <thead><tr><th scope="col">{lang.t("행", "Row")}</th><th scope="col">{lang.t("식별자", "Identifier")}</th>
                            <th scope="col">{lang.t("처리", "Action")}</th><th scope="col">{lang.t("바뀌는 항목", "Fields")}</th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table></div>
                </section>
            }
            .into_any()
        }
    };
    // Staff only: the page is not even shown to anonymous readers (401).
    let me = Resource::new(|| (), |_| crate::api::current_user());
    let page = move || {
        view! {
            <section aria-labelledby="export-h">
                <h2 id="export-h">{lang.t("내보내기", "Export")}</h2>
                <p>{lang.t("지금 볼 수 있는 목록 전체를 내려받아 고친 뒤 다시 가져올 수 있습니다.", "Download the catalog you can see, edit it in a spreadsheet and import it back.")}</p>
                <p class="actions">
                    <a class="button secondary" href="/api/v1/export?format=xlsx" download>"XLSX"</a>
                    <a class="button secondary" href="/api/v1/export?format=csv" download>"CSV"</a>
                    <a class="button secondary" href="/api/v1/export?format=json" download>"JSON"</a>
                </p>
            </section>
            <section aria-labelledby="import-h">
                <h2 id="import-h">{lang.t("가져오기", "Import")}</h2>
                <p class="hint">{lang.t(
                    "CSV(UTF-8) 또는 XLSX. 머리글은 필드 이름이나 한국어·영어 이름(식별자, 제목, …). 모든 행을 먼저 검사하고, 문제가 하나라도 있으면 아무것도 쓰지 않습니다.",
                    "CSV (UTF-8) or XLSX. Headers are field names or their Korean/English labels (Identifier, Title, …). Every row is checked first; if any has a problem, nothing is written.",
                )}</p>
                <label for="import-file">{lang.t("파일", "File")}</label>
                <input id="import-file" type="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                    on:change=move |_| state.set(State::Idle)/>
                <p><button type="button" class="button" data-testid="import-preview-button" disabled=move || busy.get()
                    on:click=move |_| send(true)>{lang.t("미리 보기", "Preview")}</button></p>
                {body}
            </section>
        }
    };
    view! {
        <Title text=lang.t("일괄 가져오기", "Bulk import")/>
        <h1>{lang.t("일괄 가져오기·내보내기", "Bulk import and export")}</h1>
        <Suspense fallback=move || view! { <p class="loading">{lang.t("불러오는 중…", "Loading…")}</p> }>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(_)) => page().into_any(),
                    Ok(None) => view! { <ErrorBox err=AppError::Unauthenticated/> }.into_any(),
                    Err(err) => view! { <ErrorBox err/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

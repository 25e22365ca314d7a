//! Bulk import (staff): choose a CSV or XLSX sheet, preview every row (or every problem, with its
//! row and column), then import it all at once. Export links give the sheet to start from.

use leptos::prelude::*;
use leptos_meta::Title;
use types::t;

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
                    <h2>{t!(lang, import.importing_in_the_background)}</h2>
                    <JobLive info/>
                    <p><a href=href>{t!(lang, import.job_page)}</a></p>
                </section>
            }
            .into_any()
        }
        State::Problems(errors) => {
            let n = errors.len();
            let rows = errors
                .into_iter()
                .map(|e| view! { <tr><td>{e.field.clone()}</td><td>{lang.pick(&e.message_ko, &e.message_en).to_string()}</td></tr> })
                .collect_view();
            view! {
                <section class="import-problems" data-testid="import-problems" role="alert">
                    <h2>{t!(lang, import.problems, n = n).to_string()}</h2>
                    <div class="table-wrap"><table>
                        <thead><tr><th scope="col">{t!(lang, import.where_label)}</th><th scope="col">{t!(lang, import.why)}</th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table></div>
                </section>
            }
            .into_any()
        }
        State::Preview(r) | State::Done(r) => {
            let done = !r.dry_run;
            let summary = t!(
                lang,
                import.summary,
                created = r.created,
                updated = r.updated,
                unchanged = r.unchanged
            )
            .to_string();
            let rows = r
                .rows
                .into_iter()
                .map(|o| {
                    let action = match o.action {
                        RowAction::Create => t!(lang, import.new),
                        RowAction::Update => t!(lang, import.update),
                        RowAction::Unchanged => t!(lang, import.unchanged),
                    };
                    let href = format!("/datasets/{}", o.slug);
                    view! {
                        <tr><td>{o.row}</td><td><a href=href>{o.slug.clone()}</a></td><td>{action}</td><td>{o.changed_fields.join(", ")}</td></tr>
                    }
                })
                .collect_view();
            view! {
                <section class="import-preview" data-testid=if done { "import-done" } else { "import-preview" }>
                    <h2>{if done { t!(lang, import.imported) } else { t!(lang, import.preview) }}</h2>
                    <p role="status">{summary}</p>
                    {(!done).then(|| view! {
                        <p><button type="button" class="button" data-testid="import-commit" disabled=move || busy.get()
                            on:click=move |_| send(false)>{t!(lang, import.import_all)}</button></p>
                    })}
                    <div class="table-wrap"><table>
                        <thead><tr><th scope="col">{t!(lang, import.row)}</th><th scope="col">{t!(lang, import.identifier)}</th>
                            <th scope="col">{t!(lang, import.action)}</th><th scope="col">{t!(lang, import.fields)}</th></tr></thead>
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
                <h2 id="export-h">{t!(lang, import.export)}</h2>
                <p>{t!(lang, import.download_the_catalog_you_can)}</p>
                <p class="actions">
                    <a class="button secondary" href="/api/v1/export?format=xlsx" download>"XLSX"</a>
                    <a class="button secondary" href="/api/v1/export?format=csv" download>"CSV"</a>
                    <a class="button secondary" href="/api/v1/export?format=json" download>"JSON"</a>
                </p>
            </section>
            <section aria-labelledby="import-h">
                <h2 id="import-h">{t!(lang, import.import)}</h2>
                <p class="hint">{t!(lang, import.csv_utf_8_or_xlsx)}</p>
                <label for="import-file">{t!(lang, import.file)}</label>
                <input id="import-file" type="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                    on:change=move |_| state.set(State::Idle)/>
                <p><button type="button" class="button" data-testid="import-preview-button" disabled=move || busy.get()
                    on:click=move |_| send(true)>{t!(lang, import.preview)}</button></p>
                {body}
            </section>
        }
    };
    view! {
        <Title text={t!(lang, import.bulk_import)}/>
        <h1>{t!(lang, import.bulk_import_and_export)}</h1>
        <Suspense fallback=move || view! { <p class="loading">{t!(lang, import.loading)}</p> }>
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

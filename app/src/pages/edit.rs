//! The edit page: every metadata field, validated in the browser with the server's rules, saved
//! against the version it started from. A stale save (someone saved first) turns into a
//! field-by-field merge of mine and theirs; nothing is overwritten silently. Readers who may not
//! edit the dataset directly submit the same form as a proposal.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use types::t;

use crate::api::collab::{dataset_for_edit, propose_change, save_dataset};
use crate::api::jobs::proposed_columns;
use crate::collab::EditContext;
use crate::components::common::ErrorBox;
use crate::components::editors::{ColumnsEditor, DistributionsEditor, TermsPicker};
use crate::components::live::LiveBar;
use crate::editing::{merge, EditFields, FieldError, FieldKind, MergeField, FIELDS};
use crate::error::AppError;
use crate::i18n::Lang;

#[component]
pub fn EditPage() -> impl IntoView {
    let lang = expect_context::<Lang>();
    let params = use_params_map();
    let slug = move || params.with(|p| p.get("slug").unwrap_or_default());
    let query = use_query_map();
    let columns_from = move || {
        query
            .with(|q| q.get("columns_from"))
            .and_then(|v| v.parse::<i32>().ok())
    };
    let ctx = Resource::new(
        move || (slug(), columns_from()),
        |(slug, from)| async move {
            let c = dataset_for_edit(slug.clone()).await?;
            // "Use as the data dictionary": the profile's proposal replaces the form's columns,
            // to be reviewed and saved like any other edit.
            let proposed = match from {
                Some(id) => Some(proposed_columns(slug, id).await?),
                None => None,
            };
            Ok::<_, AppError>((c, proposed))
        },
    );
    view! {
        <Title text={t!(lang, edit.edit_dataset)}/>
        <Suspense fallback=move || view! { <p class="loading">{t!(lang, edit.loading)}</p> }>
            {move || Suspend::new(async move {
                match ctx.await {
                    Ok((c, proposed)) => view! { <EditForm c proposed/> }.into_any(),
                    Err(err) => view! { <ErrorBox err/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn label(field: &str, lang: Lang) -> &'static str {
    crate::labels::field(field, lang).unwrap_or("")
}

/// A field's value as shown in the merge view (a choice by its label).
fn shown(field: &str, value: &str, lang: Lang) -> String {
    if let Some(o) = crate::labels::option(field, value, lang) {
        return o.to_string();
    }
    match field {
        "distributions" => {
            let list: Vec<crate::model::Distribution> = crate::editing::list_of(value);
            return summary(list.iter().map(|d| format!("{} ({})", d.title, d.format)));
        }
        "columns" => {
            let list: Vec<crate::model::DataColumn> = crate::editing::list_of(value);
            return summary(list.iter().map(|c| c.name.clone()));
        }
        _ => {}
    }
    if value.trim().is_empty() {
        "—".to_string()
    } else {
        value.to_string()
    }
}

fn summary(items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    if items.is_empty() {
        "—".to_string()
    } else {
        format!("{}: {}", items.len(), items.join(", "))
    }
}

enum Outcome {
    Saved(i32),
    Proposed(i32),
}

#[component]
fn EditForm(c: EditContext, proposed: Option<Vec<crate::model::DataColumn>>) -> impl IntoView {
    let lang = expect_context::<Lang>();
    let EditContext {
        detail,
        direct,
        can_publish,
        me,
        vocabulary,
    } = c;
    let slug = detail.summary.slug.clone();
    let dataset_id = detail.summary.id;
    let start = EditFields::of(&detail);
    let base = RwSignal::new(start.clone());
    let proposed_note = proposed.is_some();
    let mut start_form = start.clone();
    if let Some(cols) = proposed {
        start_form.set("columns", serde_json::to_string(&cols).unwrap_or_default());
    }
    let form = RwSignal::new(start_form);
    let version = RwSignal::new(detail.version);
    let message = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let merging = RwSignal::new(None::<Vec<MergeField>>);
    let outcome = RwSignal::new(None::<Outcome>);
    let failure = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);

    // Someone saved first: fetch their version and merge it with the form.
    let start_merge = {
        let slug = slug.clone();
        move || {
            let slug = slug.clone();
            spawn_local(async move {
                match dataset_for_edit(slug).await {
                    Ok(theirs) => {
                        let theirs_fields = EditFields::of(&theirs.detail);
                        let (result, fields) =
                            merge(&base.get_untracked(), &form.get_untracked(), &theirs_fields);
                        form.set(result);
                        base.set(theirs_fields);
                        version.set(theirs.detail.version);
                        merging.set(Some(fields));
                    }
                    Err(e) => failure.set(Some(e)),
                }
            });
        }
    };
    let on_merge = Callback::new({
        let start_merge = start_merge.clone();
        move |_: ()| start_merge()
    });

    let submit = {
        let slug = slug.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if busy.get_untracked() {
                return;
            }
            let patch = form
                .get_untracked()
                .patch_from(&base.get_untracked(), &message.get_untracked());
            let problems = if direct {
                patch.validate()
            } else {
                patch.validate_proposal()
            };
            failure.set(None);
            outcome.set(None);
            if patch.is_empty() {
                failure.set(Some(AppError::validation(
                    "body",
                    "바뀐 항목이 없습니다.",
                    "Nothing has changed.",
                )));
                return;
            }
            errors.set(problems.clone());
            if !problems.is_empty() {
                return;
            }
            busy.set(true);
            let slug = slug.clone();
            let start_merge = start_merge.clone();
            spawn_local(async move {
                let v = version.get_untracked();
                let result = if direct {
                    save_dataset(slug, v, patch).await.map(Outcome::Saved)
                } else {
                    propose_change(slug, v, patch)
                        .await
                        .map(|p| Outcome::Proposed(p.id))
                };
                busy.set(false);
                match result {
                    Ok(o) => {
                        if let Outcome::Saved(v) = &o {
                            version.set(*v);
                        }
                        base.set(form.get_untracked());
                        message.set(String::new());
                        merging.set(None);
                        outcome.set(Some(o));
                    }
                    Err(AppError::Conflict { .. }) => start_merge(),
                    Err(AppError::InvalidFields { errors: e }) => errors.set(e),
                    Err(e) => failure.set(Some(e)),
                }
            });
        }
    };

    let error_of = move |field: &'static str| {
        move || {
            errors.with(|es| {
                es.iter()
                    .find(|e| e.field == field || e.field.starts_with(&format!("{field}[")))
                    .map(|e| lang.pick(&e.message_ko, &e.message_en).to_string())
            })
        }
    };

    let inputs = FIELDS
        .iter()
        .filter(|f| f.0 != "status" || can_publish)
        .map(|&(field, _, _, kind)| {
            let id = format!("f-{field}");
            let err_id = format!("e-{field}");
            let value = move || form.with(|f| f.get(field).to_string());
            let set = move |v: String| form.update(|f| f.set(field, v));
            let invalid = move || error_of(field)().is_some().then_some("true");
            let control = match kind {
                FieldKind::Text => {
                    // The rendered Markdown, sanitized exactly as the dataset page shows it.
                    let preview = move || crate::markdown::to_safe_html(&value());
                    view! {
                        <textarea id=id.clone() name=field rows="6" aria-describedby=err_id.clone() aria-invalid=invalid
                            prop:value=value on:input=move |e| set(event_target_value(&e))>{move || crate::markdown::raw_text(value())}</textarea>
                        <details class="md-preview">
                            <summary>{t!(lang, edit.preview)}</summary>
                            <div class="markdown" data-testid=format!("preview-{field}") inner_html=preview></div>
                        </details>
                    }
                    .into_any()
                }
                FieldKind::Choice(options) => {
                    let opts = options
                        .iter()
                        .map(|&(code, _, _)| {
                            let text = crate::labels::option(field, code, lang).unwrap_or(code);
                            view! { <option value=code selected=move || value() == code>{text}</option> }
                        })
                        .collect_view();
                    view! {
                        <select id=id.clone() name=field aria-describedby=err_id.clone() aria-invalid=invalid
                            prop:value=value on:change=move |e| set(event_target_value(&e))>{opts}</select>
                    }
                    .into_any()
                }
                FieldKind::Terms => {
                    let vocabulary = vocabulary.clone();
                    view! { <div id=id.clone() class="terms" aria-describedby=err_id.clone()><TermsPicker form vocabulary/></div> }.into_any()
                }
                FieldKind::Distributions => view! { <div id=id.clone() aria-describedby=err_id.clone()><DistributionsEditor form/></div> }.into_any(),
                FieldKind::Columns => view! { <div id=id.clone() aria-describedby=err_id.clone()><ColumnsEditor form/></div> }.into_any(),
                FieldKind::Date => view! {
                    <input id=id.clone() name=field type="date" aria-describedby=err_id.clone() aria-invalid=invalid
                        prop:value=value on:input=move |e| set(event_target_value(&e))/>
                }
                .into_any(),
                FieldKind::Line | FieldKind::List => view! {
                    <input id=id.clone() name=field type="text" aria-describedby=err_id.clone() aria-invalid=invalid
                        prop:value=value on:input=move |e| set(event_target_value(&e))/>
                }
                .into_any(),
            };
            view! {
                <div class="field" class:has-error=move || error_of(field)().is_some()>
                    <label for=id>{label(field, lang)}</label>
                    {control}
                    <p class="field-error" id=err_id>{error_of(field)}</p>
                </div>
            }
        })
        .collect_view();

    let merge_view = move || {
        merging.get().map(|fields| {
            let rows = fields
                .into_iter()
                .map(|m| {
                    let field: &'static str = FIELDS
                        .iter()
                        .find(|f| f.0 == m.field)
                        .map(|f| f.0)
                        .unwrap_or("title_ko");
                    let result = move || form.with(|f| shown(field, f.get(field), lang));
                    let choose = m.conflict.then(|| {
                        let (mine, theirs) = (m.mine.clone(), m.theirs.clone());
                        let name = format!("pick-{field}");
                        let is_mine = {
                            let mine = mine.clone();
                            move || form.with(|f| f.get(field) == mine)
                        };
                        view! {
                            <fieldset class="pick">
                                <legend class="visually-hidden">{label(field, lang)}</legend>
                                <label><input type="radio" name=name.clone() data-pick="mine" prop:checked=is_mine.clone()
                                    on:change=move |_| form.update(|f| f.set(field, mine.clone()))/>{t!(lang, edit.mine)}</label>
                                <label><input type="radio" name=name data-pick="theirs" prop:checked=move || !is_mine()
                                    on:change=move |_| form.update(|f| f.set(field, theirs.clone()))/>{t!(lang, edit.theirs)}</label>
                            </fieldset>
                        }
                    });
                    let status = if m.conflict {
                        t!(lang, edit.conflict_choose)
                    } else {
                        t!(lang, edit.merged)
                    };
                    view! {
                        <tr class:conflict=m.conflict data-field=field>
                            <th scope="row">{label(field, lang)}<br/><small>{status}</small></th>
                            <td class="mine">{shown(field, &m.mine, lang)}</td>
                            <td class="theirs">{shown(field, &m.theirs, lang)}</td>
                            <td class="result">{result}{choose}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <section class="merge" data-testid="merge-view" aria-labelledby="merge-h">
                    <h2 id="merge-h">{t!(lang, edit.merge_with_a_change_saved)}</h2>
                    <p>{move || t!(lang, edit.saved_first, v = version.get()).to_string()}</p>
                    <div class="table-wrap"><table>
                        <thead><tr>
                            <th scope="col">{t!(lang, edit.field)}</th>
                            <th scope="col">{t!(lang, edit.mine_2)}</th>
                            <th scope="col">{t!(lang, edit.theirs)}</th>
                            <th scope="col">{t!(lang, edit.result)}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table></div>
                </section>
            }
            .into_any()
        })
    };

    let done = move || {
        outcome.with(|o| {
            o.as_ref().map(|o| match o {
                Outcome::Saved(v) => view! {
                    <p class="success" role="status" data-testid="saved">{t!(lang, edit.saved_version, v = v).to_string()}</p>
                }
                .into_any(),
                Outcome::Proposed(id) => view! {
                    <p class="success" role="status" data-testid="proposed">
                        {t!(lang, edit.proposal_sent, id = id).to_string()}
                        <a href="/review">{t!(lang, edit.see_my_proposals)}</a>
                    </p>
                }
                .into_any(),
            })
        })
    };

    let back = format!("/datasets/{slug}");
    let history = format!("/datasets/{slug}/history");
    let title = detail.summary.title(lang).to_string();
    let mode_note = (!direct).then(|| {
        view! {
            <p class="hint" data-testid="propose-mode">{t!(lang, edit.you_cannot_edit_this_dataset)}</p>
        }
    });
    // Its own erased view: nested in the article, the view type grows past the compiler's
    // query depth limit in the wasm release build.
    let form_view = view! {
        <form class="edit-form" on:submit=submit novalidate>
            {inputs}
            <div class="field">
                <label for="f-message">{t!(lang, edit.what_changed_kept_in_the)}</label>
                <input id="f-message" type="text" maxlength="500" aria-describedby="e-message"
                    prop:value=move || message.get() on:input=move |e| message.set(event_target_value(&e))/>
                <p class="field-error" id="e-message">{error_of("message")}</p>
            </div>
            {move || failure.get().map(|err| view! { <ErrorBox err/> })}
            {done}
            <p class="actions">
                <button type="submit" class="button" data-testid="save" disabled=move || busy.get()>
                    {move || match (direct, merging.with(Option::is_some)) {
                        (true, false) => t!(lang, edit.save),
                        (true, true) => t!(lang, edit.save_the_merged_result),
                        (false, _) => t!(lang, edit.send_the_proposal),
                    }}
                </button>
                " "
                <a href=back.clone()>{t!(lang, edit.back_to_the_dataset)}</a>
                " · "
                <a href=history>{t!(lang, edit.history)}</a>
            </p>
        </form>
    }
    .into_any();
    view! {
        <article class="edit">
            <p class="breadcrumb"><a href=back>{title.clone()}</a></p>
            <h1>{if direct { t!(lang, edit.edit_dataset) } else { t!(lang, edit.propose_a_change) }}</h1>
            <p class="subtitle">{move || format!("{title} · v{}", version.get())}</p>
            <LiveBar dataset_id me editing=true version on_merge/>
            {mode_note}
            {proposed_note.then(|| view! {
                <p class="notice" role="status" data-testid="columns-proposed">{t!(lang, edit.the_data_dictionary_is_filled)}</p>
            })}
            {merge_view}
            {form_view}
        </article>
    }
    .into_any()
}

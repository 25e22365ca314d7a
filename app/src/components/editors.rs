//! Editors for the lists in the edit form: classification terms (a searchable picker per
//! scheme), distributions and data dictionary columns (add, reorder, remove). Each keeps its
//! value in the form state as text, so the merge logic treats it like any other field.

use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use types::t;

use crate::collab::SchemeTerms;
use crate::editing::{list_of, split_keywords, EditFields, COLUMN_TYPES, DISTRIBUTION_KINDS};
use crate::i18n::Lang;
use crate::model::{DataColumn, Distribution};

/// Rows of a list field, each with a stable key so inputs keep focus while typing; kept in step
/// with the form state both ways (a merge that replaces the list rebuilds the rows).
fn list_rows<T>(
    form: RwSignal<EditFields>,
    field: &'static str,
) -> RwSignal<Vec<(u64, RwSignal<T>)>>
where
    T: Clone + PartialEq + Serialize + DeserializeOwned + Send + Sync + 'static,
{
    let next = StoredValue::new(0u64);
    let build = move |json: &str| -> Vec<(u64, RwSignal<T>)> {
        list_of::<T>(json)
            .into_iter()
            .map(|x| {
                let id = next.get_value();
                next.set_value(id + 1);
                (id, RwSignal::new(x))
            })
            .collect()
    };
    let rows = RwSignal::new(build(
        form.with_untracked(|f| f.get(field).to_string()).as_str(),
    ));
    let serialize = move |rows: &Vec<(u64, RwSignal<T>)>| {
        let list: Vec<T> = rows.iter().map(|(_, r)| r.get()).collect();
        serde_json::to_string(&list).unwrap_or_default()
    };
    // Rows -> form.
    Effect::new(move |_| {
        let json = rows.with(|r| serialize(r));
        if form.with_untracked(|f| f.get(field) != json) {
            form.update(|f| f.set(field, json));
        }
    });
    // Form -> rows (a merge or reset replaced the list).
    Effect::new(move |_| {
        let json = form.with(|f| f.get(field).to_string());
        let same = rows.with_untracked(|r| {
            serde_json::from_str::<serde_json::Value>(&serialize(r)).ok()
                == serde_json::from_str::<serde_json::Value>(&json).ok()
        });
        if !same {
            rows.set(build(&json));
        }
    });
    rows
}

fn move_row<T>(rows: RwSignal<Vec<(u64, RwSignal<T>)>>, id: u64, by: isize)
where
    T: Send + Sync + 'static,
{
    rows.update(|r| {
        if let Some(i) = r.iter().position(|(k, _)| *k == id) {
            let j = i as isize + by;
            if j >= 0 && (j as usize) < r.len() {
                r.swap(i, j as usize);
            }
        }
    });
}

/// ↑ ↓ ✕ buttons for one row, labelled for screen readers.
#[component]
fn RowButtons<T>(
    rows: RwSignal<Vec<(u64, RwSignal<T>)>>,
    id: u64,
    name: Signal<String>,
) -> impl IntoView
where
    T: Send + Sync + 'static,
{
    let lang = expect_context::<Lang>();
    view! {
        <span class="row-buttons">
            <button type="button" class="icon" on:click=move |_| move_row(rows, id, -1)
                aria-label=move || format!("{} {}", name.get(), t!(lang, editors.up))>"↑"</button>
            <button type="button" class="icon" on:click=move |_| move_row(rows, id, 1)
                aria-label=move || format!("{} {}", name.get(), t!(lang, editors.down))>"↓"</button>
            <button type="button" class="icon danger" on:click=move |_| rows.update(|r| r.retain(|(k, _)| *k != id))
                aria-label=move || format!("{} {}", name.get(), t!(lang, editors.remove))>"✕"</button>
        </span>
    }
}

#[component]
pub fn DistributionsEditor(form: RwSignal<EditFields>) -> impl IntoView {
    let lang = expect_context::<Lang>();
    let rows = list_rows::<Distribution>(form, "distributions");
    let add = move |_| {
        rows.update(|r| {
            let id = r.iter().map(|(k, _)| k + 1).max().unwrap_or(0) + 1_000_000;
            r.push((
                id,
                RwSignal::new(Distribution {
                    title: String::new(),
                    kind: "file".into(),
                    format: "CSV".into(),
                    url: "https://".into(),
                    size_bytes: None,
                }),
            ))
        })
    };
    view! {
        <div class="list-editor" data-testid="distributions-editor">
            <For each=move || rows.get() key=|(k, _)| *k let:((id, row))>
                {
                    let name = Signal::derive(move || row.with(|d| d.title.clone()));
                    let kinds = DISTRIBUTION_KINDS.iter().map(|&(code, _, _)| view! {
                        <option value=code selected=move || row.with(|d| d.kind == code)>{crate::labels::distribution_kind(code, lang)}</option>
                    }).collect_view();
                    view! {
                        <fieldset class="row">
                            <legend class="visually-hidden">{name}</legend>
                            <label>{t!(lang, editors.name)}
                                <input type="text" prop:value=move || row.with(|d| d.title.clone())
                                    on:input=move |e| row.update(|d| d.title = event_target_value(&e))/></label>
                            <label>{t!(lang, editors.kind)}
                                <select on:change=move |e| row.update(|d| d.kind = event_target_value(&e))>{kinds}</select></label>
                            <label>{t!(lang, editors.format)}
                                <input type="text" class="short" prop:value=move || row.with(|d| d.format.clone())
                                    on:input=move |e| row.update(|d| d.format = event_target_value(&e))/></label>
                            <label class="wide">"URL"
                                <input type="url" prop:value=move || row.with(|d| d.url.clone())
                                    on:input=move |e| row.update(|d| d.url = event_target_value(&e))/></label>
                            <RowButtons rows id name/>
                        </fieldset>
                    }
                }
            </For>
            <button type="button" class="button secondary" on:click=add>{t!(lang, editors.add_a_distribution)}</button>
        </div>
    }
}

#[component]
pub fn ColumnsEditor(form: RwSignal<EditFields>) -> impl IntoView {
    let lang = expect_context::<Lang>();
    let rows = list_rows::<DataColumn>(form, "columns");
    let add = move |_| {
        rows.update(|r| {
            let id = r.iter().map(|(k, _)| k + 1).max().unwrap_or(0) + 1_000_000;
            r.push((
                id,
                RwSignal::new(DataColumn {
                    name: String::new(),
                    data_type: "text".into(),
                    description: None,
                    unit: None,
                }),
            ))
        })
    };
    let opt = |s: String| Some(s).filter(|x| !x.trim().is_empty());
    view! {
        <div class="list-editor" data-testid="columns-editor">
            <For each=move || rows.get() key=|(k, _)| *k let:((id, row))>
                {
                    let name = Signal::derive(move || row.with(|c| c.name.clone()));
                    let types = COLUMN_TYPES.iter().map(|&t| view! {
                        <option value=t selected=move || row.with(|c| c.data_type == t)>{t}</option>
                    }).collect_view();
                    view! {
                        <fieldset class="row">
                            <legend class="visually-hidden">{name}</legend>
                            <label>{t!(lang, editors.column)}
                                <input type="text" prop:value=move || row.with(|c| c.name.clone())
                                    on:input=move |e| row.update(|c| c.name = event_target_value(&e))/></label>
                            <label>{t!(lang, editors.type_label)}
                                <select on:change=move |e| row.update(|c| c.data_type = event_target_value(&e))>{types}</select></label>
                            <label class="wide">{t!(lang, editors.description)}
                                <input type="text" prop:value=move || row.with(|c| c.description.clone().unwrap_or_default())
                                    on:input=move |e| row.update(|c| c.description = opt(event_target_value(&e)))/></label>
                            <label>{t!(lang, editors.unit)}
                                <input type="text" class="short" prop:value=move || row.with(|c| c.unit.clone().unwrap_or_default())
                                    on:input=move |e| row.update(|c| c.unit = opt(event_target_value(&e)))/></label>
                            <RowButtons rows id name/>
                        </fieldset>
                    }
                }
            </For>
            <button type="button" class="button secondary" on:click=add>{t!(lang, editors.add_a_column)}</button>
        </div>
    }
}

/// One picker per scheme: a filter box and the matching terms as checkboxes.
#[component]
pub fn TermsPicker(form: RwSignal<EditFields>, vocabulary: Vec<SchemeTerms>) -> impl IntoView {
    let lang = expect_context::<Lang>();
    let selected = move || form.with(|f| split_keywords(f.get("terms")));
    let toggle = move |key: String, on: bool| {
        form.update(|f| {
            let mut t = split_keywords(f.get("terms"));
            t.retain(|x| *x != key);
            if on {
                t.push(key);
            }
            t.sort();
            f.set("terms", t.join(", "));
        })
    };
    vocabulary
        .into_iter()
        .map(|st| {
            let filter = RwSignal::new(String::new());
            let scheme = st.scheme.code.clone();
            let filter_id = format!("filter-{scheme}");
            let boxes = st
                .terms
                .into_iter()
                .map(|t| {
                    let key = format!("{}:{}", t.scheme, t.code);
                    let label = t.label(lang).to_string();
                    let hay = format!("{} {} {}", t.label_ko, t.label_en, t.code).to_lowercase();
                    let shown = move || filter.with(|f| hay.contains(&f.trim().to_lowercase()));
                    let checked = {
                        let key = key.clone();
                        move || selected().contains(&key)
                    };
                    let attr = key.clone();
                    view! {
                        <label class="term" class:hidden=move || !shown() data-term=attr>
                            <input type="checkbox" prop:checked=checked
                                on:change=move |e| toggle(key.clone(), event_target_checked(&e))/>
                            {label}
                        </label>
                    }
                })
                .collect_view();
            view! {
                <fieldset class="terms-picker" data-scheme=scheme>
                    <legend>{lang.pick(&st.scheme.name_ko, &st.scheme.name_en).to_string()}</legend>
                    <label for=filter_id.clone() class="visually-hidden">{t!(lang, editors.search_terms)}</label>
                    <input id=filter_id type="search" placeholder={t!(lang, editors.search)}
                        prop:value=move || filter.get() on:input=move |e| filter.set(event_target_value(&e))/>
                    <div class="term-list">{boxes}</div>
                </fieldset>
            }
        })
        .collect_view()
}

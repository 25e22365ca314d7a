use leptos::prelude::*;
use types::t;

#[cfg(feature = "hydrate")]
use crate::collab::LiveMessage;
use crate::collab::Present;
use crate::i18n::Lang;

/// Who else has this dataset open, and a notice when someone saves a change to it, from the
/// dataset's live stream (connected once the page is hydrated; staff only).
#[component]
pub fn LiveBar(
    dataset_id: i32,
    /// The reader's user id (their own presence and changes are not shown).
    me: i32,
    editing: bool,
    /// The version the reader has; changes above it are announced.
    version: RwSignal<i32>,
    /// On the edit page: merge the saved change into the form.
    #[prop(optional)]
    on_merge: Option<Callback<()>>,
) -> impl IntoView {
    let lang = expect_context::<Lang>();
    let people = RwSignal::new(Vec::<Present>::new());
    let changed = RwSignal::new(None::<(String, i32)>);
    #[cfg(feature = "hydrate")]
    {
        let mode = if editing { "edit" } else { "view" };
        let url = format!("/api/v1/datasets/{dataset_id}/live?mode={mode}");
        crate::client::follow_live(&url, move |m| match m {
            LiveMessage::Presence { people: p, .. } => {
                people.set(p.into_iter().filter(|x| x.user_id != me).collect());
            }
            LiveMessage::Changed {
                version: v,
                by_id,
                by,
                ..
            } => {
                if by_id != me && v > version.get_untracked() {
                    changed.set(Some((by, v)));
                }
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (dataset_id, me, editing);
    let presence = move || {
        let p = people.get();
        (!p.is_empty()).then(|| {
            let names = p
                .iter()
                .map(|x| {
                    let doing = if x.editing {
                        t!(lang, live.editing)
                    } else {
                        ""
                    };
                    format!("{}{doing}", x.name)
                })
                .collect::<Vec<_>>()
                .join(", ");
            view! {
                <p class="presence" data-testid="presence">
                    <span class="dot" aria-hidden="true"></span>
                    {t!(lang, live.also_here_now)} {names}
                </p>
            }
        })
    };
    let notice = move || {
        changed
            .get()
            .filter(|(_, v)| *v > version.get())
            .map(|(by, v)| {
                let merge = on_merge.map(|cb| {
                    view! {
                        <button type="button" class="button" on:click=move |_| cb.run(())>
                            {t!(lang, live.merge_with_my_edit)}
                        </button>
                    }
                });
                view! {
                    <div class="notice" role="status" data-testid="changed-notice">
                        <p>{t!(lang, live.changed_by, by = &by, v = v).to_string()}</p>
                        {merge}
                        <button type="button" class="button secondary" on:click=move |_| {
                            #[cfg(feature = "hydrate")]
                            crate::client::reload();
                        }>{t!(lang, live.reload)}</button>
                    </div>
                }
            })
    };
    view! {
        <div class="live" aria-live="polite">
            {presence}
            {notice}
        </div>
    }
}

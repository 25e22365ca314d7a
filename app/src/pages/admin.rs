use leptos::prelude::*;
use leptos_meta::Title;
use types::t;

use crate::api::portal::{all_api_keys, RevokeApiKey};
use crate::api::{load_admin, SaveDepartment, SaveTerm, SaveUser};
use crate::components::common::ErrorBox;
use crate::editing::EDITABLE_SCHEMES;
use crate::i18n::Lang;
use crate::model::Role;
use crate::pages::dataset::scheme_label;

#[component]
pub fn AdminPage() -> impl IntoView {
    let lang = expect_context::<Lang>();
    let dept = ServerAction::<SaveDepartment>::new();
    let user = ServerAction::<SaveUser>::new();
    let term = ServerAction::<SaveTerm>::new();
    let revoke = ServerAction::<RevokeApiKey>::new();
    // Created here, not inside the async view, so hydration finds it.
    let keys = Resource::new(
        move || (user.version().get(), revoke.version().get()),
        |_| all_api_keys(),
    );
    let data = Resource::new(
        move || {
            (
                dept.version().get(),
                user.version().get(),
                term.version().get(),
            )
        },
        |_| load_admin(),
    );
    view! {
        <Title text={t!(lang, admin.administration)}/>
        <h1>{t!(lang, admin.administration)}</h1>
        <p class="actions">
            <a class="button secondary" href="/admin/harvest">{t!(lang, admin.harvest_sources)}</a>
            <a class="button secondary" href="/admin/jobs">{t!(lang, admin.background_jobs)}</a>
            <a class="button secondary" href="/admin/crowd">{t!(lang, admin.crowd_alerts)}</a>
        </p>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(o) => {
                        let depts = o.departments.into_iter().map(|d| view! {
                            <tr><td>{d.department.name(lang).to_string()}</td><td>{d.user_count}</td><td>{d.dataset_count}</td></tr>
                        }).collect_view();
                        let users = o.users.into_iter().map(|u| view! {
                            <tr><td><code>{u.username}</code></td><td>{u.display_name}</td><td>{u.role.label(lang)}</td><td>{u.department.unwrap_or_default()}</td></tr>
                        }).collect_view();
                        let schemes = o.schemes.into_iter().map(|(s, n)| view! {
                            <li>{scheme_label(&s.code, lang)} " — " {n} {t!(lang, admin.terms)}</li>
                        }).collect_view();
                        view! {
                            <section aria-labelledby="schemes-h">
                                <h2 id="schemes-h">{t!(lang, admin.classification_schemes)}</h2>
                                <ul>{schemes}</ul>
                                <TermForm action=term/>
                            </section>
                            <section aria-labelledby="depts-h">
                                <h2 id="depts-h">{t!(lang, admin.departments)}</h2>
                                <div class="table-wrap"><table>
                                    <thead><tr><th scope="col">{t!(lang, admin.department)}</th><th scope="col">{t!(lang, admin.users)}</th><th scope="col">{t!(lang, admin.datasets)}</th></tr></thead>
                                    <tbody>{depts}</tbody>
                                </table></div>
                                <DepartmentForm action=dept/>
                            </section>
                            <section aria-labelledby="users-h">
                                <h2 id="users-h">{t!(lang, admin.users)}</h2>
                                <div class="table-wrap"><table>
                                    <thead><tr><th scope="col">{t!(lang, admin.username)}</th><th scope="col">{t!(lang, admin.name)}</th><th scope="col">{t!(lang, admin.role)}</th><th scope="col">{t!(lang, admin.department)}</th></tr></thead>
                                    <tbody>{users}</tbody>
                                </table></div>
                                <UserForm action=user/>
                            </section>
                            <ApiKeysSection keys revoke/>
                        }.into_any()
                    }
                    Err(err) => view! { <ErrorBox err/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The outcome of an admin form: the error in the reader's language, or "saved".
fn outcome<T, A>(action: ServerAction<A>) -> impl Fn() -> Option<AnyView> + Send + Sync
where
    T: Clone + Send + Sync + 'static,
    A: Clone + Send + Sync + 'static,
    A: leptos::server_fn::ServerFn<Output = T, Error = crate::error::AppError>,
{
    let lang = expect_context::<Lang>();
    move || {
        action.value().get().map(|r| match r {
            Ok(_) => {
                view! { <p class="success" role="status">{t!(lang, admin.saved)}</p> }.into_any()
            }
            Err(err) => view! { <ErrorBox err/> }.into_any(),
        })
    }
}

#[component]
fn DepartmentForm(action: ServerAction<SaveDepartment>) -> impl IntoView {
    let lang = expect_context::<Lang>();
    view! {
        <details class="admin-form">
            <summary>{t!(lang, admin.add_or_rename_a_department)}</summary>
            <ActionForm action>
                <label for="d-code">{t!(lang, admin.code_an_existing_code_renames)}</label>
                <input id="d-code" name="input[code]" required pattern="[a-z0-9._-]{2,40}"/>
                <label for="d-ko">{t!(lang, admin.name_korean)}</label>
                <input id="d-ko" name="input[name_ko]" required/>
                <label for="d-en">{t!(lang, admin.name_english)}</label>
                <input id="d-en" name="input[name_en]" required/>
                {outcome(action)}
                <p><button type="submit" class="button">{t!(lang, admin.save)}</button></p>
            </ActionForm>
        </details>
    }
}

#[component]
fn UserForm(action: ServerAction<SaveUser>) -> impl IntoView {
    let lang = expect_context::<Lang>();
    let roles = Role::ALL
        .iter()
        .map(|r| view! { <option value=r.code()>{r.label(lang)}</option> })
        .collect_view();
    view! {
        <details class="admin-form">
            <summary>{t!(lang, admin.add_or_change_a_user)}</summary>
            <ActionForm action>
                <label for="u-name">{t!(lang, admin.username_an_existing_one_is)}</label>
                <input id="u-name" name="input[username]" required pattern="[a-z0-9._-]{3,40}" autocomplete="off"/>
                <label for="u-display">{t!(lang, admin.display_name)}</label>
                <input id="u-display" name="input[display_name]" required/>
                <label for="u-role">{t!(lang, admin.role)}</label>
                <select id="u-role" name="input[role]">{roles}</select>
                <label for="u-dept">{t!(lang, admin.department_code_empty_for_admins)}</label>
                <input id="u-dept" name="input[department]"/>
                <label for="u-pass">{t!(lang, admin.password_10_characters_empty_keeps)}</label>
                <input id="u-pass" name="input[password]" type="password" autocomplete="new-password"/>
                <label for="u-active">{t!(lang, admin.status)}</label>
                <select id="u-active" name="input[active]">
                    <option value="true">{t!(lang, admin.active)}</option>
                    <option value="false">{t!(lang, admin.inactive_cannot_sign_in)}</option>
                </select>
                {outcome(action)}
                <p><button type="submit" class="button">{t!(lang, admin.save)}</button></p>
            </ActionForm>
        </details>
    }
}

#[component]
fn TermForm(action: ServerAction<SaveTerm>) -> impl IntoView {
    let lang = expect_context::<Lang>();
    let schemes = EDITABLE_SCHEMES
        .iter()
        .map(|s| view! { <option value=*s>{scheme_label(s, lang)}</option> })
        .collect_view();
    view! {
        <details class="admin-form">
            <summary>{t!(lang, admin.add_or_relabel_a_term)}</summary>
            <ActionForm action>
                <label for="t-scheme">{t!(lang, admin.scheme)}</label>
                <select id="t-scheme" name="input[scheme]">{schemes}</select>
                <label for="t-code">{t!(lang, admin.code)}</label>
                <input id="t-code" name="input[code]" required pattern="[a-z0-9._-]{1,64}"/>
                <label for="t-ko">{t!(lang, admin.label_korean)}</label>
                <input id="t-ko" name="input[label_ko]" required/>
                <label for="t-en">{t!(lang, admin.label_english)}</label>
                <input id="t-en" name="input[label_en]" required/>
                {outcome(action)}
                <p><button type="submit" class="button">{t!(lang, admin.save)}</button></p>
            </ActionForm>
        </details>
    }
}

type KeysResource = Resource<Result<Vec<crate::admin::OwnedApiKey>, crate::error::AppError>>;

/// Every user's API keys with their owners; an administrator may revoke any of them.
#[component]
fn ApiKeysSection(keys: KeysResource, revoke: ServerAction<RevokeApiKey>) -> impl IntoView {
    let lang = expect_context::<Lang>();
    view! {
        <section aria-labelledby="keys-h">
            <h2 id="keys-h">{t!(lang, admin.api_keys)}</h2>
            <p class="hint">{t!(lang, admin.deactivating_a_user_or_giving)}</p>
            {outcome(revoke)}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match keys.await {
                        Ok(list) if list.is_empty() => view! {
                            <p class="empty">{t!(lang, admin.no_keys)}</p>
                        }.into_any(),
                        Ok(list) => {
                            let rows = list.into_iter().map(|k| {
                                let used = k.key.last_used_at
                                    .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                                    .unwrap_or_else(|| "—".to_string());
                                let action = (!k.key.revoked).then(|| view! {
                                    <ActionForm action=revoke attr:class="inline">
                                        <input type="hidden" name="id" value=k.key.id/>
                                        <button type="submit" class="button secondary">{t!(lang, admin.revoke)}</button>
                                    </ActionForm>
                                });
                                let state = if k.key.revoked { t!(lang, admin.revoked) } else { t!(lang, admin.active_2) };
                                view! {
                                    <tr>
                                        <td><code>{k.owner}</code> " " {k.owner_name}</td>
                                        <td>{k.key.name}</td>
                                        <td><code>{format!("{}…", k.key.prefix)}</code></td>
                                        <td>{k.key.created_at.format("%Y-%m-%d").to_string()}</td>
                                        <td>{used}</td>
                                        <td>{state} " " {action}</td>
                                    </tr>
                                }
                            }).collect_view();
                            view! {
                                <div class="table-wrap"><table data-testid="all-keys">
                                    <thead><tr>
                                        <th scope="col">{t!(lang, admin.owner)}</th>
                                        <th scope="col">{t!(lang, admin.name)}</th>
                                        <th scope="col">{t!(lang, admin.key)}</th>
                                        <th scope="col">{t!(lang, admin.created)}</th>
                                        <th scope="col">{t!(lang, admin.last_used)}</th>
                                        <th scope="col">{t!(lang, admin.state)}</th>
                                    </tr></thead>
                                    <tbody>{rows}</tbody>
                                </table></div>
                            }.into_any()
                        }
                        Err(err) => view! { <ErrorBox err/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

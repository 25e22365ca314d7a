use leptos::prelude::*;
use leptos_meta::Title;

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
        <Title text=lang.t("관리", "Administration")/>
        <h1>{lang.t("관리", "Administration")}</h1>
        <p class="actions">
            <a class="button secondary" href="/admin/harvest">{lang.t("수집 원천", "Harvest sources")}</a>
            <a class="button secondary" href="/admin/jobs">{lang.t("백그라운드 작업", "Background jobs")}</a>
            <a class="button secondary" href="/admin/crowd">{lang.t("혼잡 경보", "Crowd alerts")}</a>
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
                            <li>{scheme_label(&s.code, lang)} " — " {n} {lang.t("개 분류어", " terms")}</li>
                        }).collect_view();
                        view! {
                            <section aria-labelledby="schemes-h">
                                <h2 id="schemes-h">{lang.t("분류 체계", "Classification schemes")}</h2>
                                <ul>{schemes}</ul>
                                <TermForm action=term/>
                            </section>
                            <section aria-labelledby="depts-h">
                                <h2 id="depts-h">{lang.t("부서", "Departments")}</h2>
                                <div class="table-wrap"><table>
                                    <thead><tr><th scope="col">{lang.t("부서", "Department")}</th><th scope="col">{lang.t("사용자", "Users")}</th><th scope="col">{lang.t("데이터", "Datasets")}</th></tr></thead>
                                    <tbody>{depts}</tbody>
                                </table></div>
                                <DepartmentForm action=dept/>
                            </section>
                            <section aria-labelledby="users-h">
                                <h2 id="users-h">{lang.t("사용자", "Users")}</h2>
                                <div class="table-wrap"><table>
                                    <thead><tr><th scope="col">{lang.t("아이디", "Username")}</th><th scope="col">{lang.t("이름", "Name")}</th><th scope="col">{lang.t("역할", "Role")}</th><th scope="col">{lang.t("부서", "Department")}</th></tr></thead>
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
                view! { <p class="success" role="status">{lang.t("저장했습니다.", "Saved.")}</p> }
                    .into_any()
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
            <summary>{lang.t("부서 추가·이름 변경", "Add or rename a department")}</summary>
            <ActionForm action>
                <label for="d-code">{lang.t("코드 (기존 코드면 이름 변경)", "Code (an existing code renames)")}</label>
                <input id="d-code" name="input[code]" required pattern="[a-z0-9._-]{2,40}"/>
                <label for="d-ko">{lang.t("이름 (한국어)", "Name (Korean)")}</label>
                <input id="d-ko" name="input[name_ko]" required/>
                <label for="d-en">{lang.t("이름 (영어)", "Name (English)")}</label>
                <input id="d-en" name="input[name_en]" required/>
                {outcome(action)}
                <p><button type="submit" class="button">{lang.t("저장", "Save")}</button></p>
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
            <summary>{lang.t("사용자 추가·변경", "Add or change a user")}</summary>
            <ActionForm action>
                <label for="u-name">{lang.t("아이디 (기존 아이디면 변경)", "Username (an existing one is changed)")}</label>
                <input id="u-name" name="input[username]" required pattern="[a-z0-9._-]{3,40}" autocomplete="off"/>
                <label for="u-display">{lang.t("표시 이름", "Display name")}</label>
                <input id="u-display" name="input[display_name]" required/>
                <label for="u-role">{lang.t("역할", "Role")}</label>
                <select id="u-role" name="input[role]">{roles}</select>
                <label for="u-dept">{lang.t("부서 코드 (관리자는 비워 둠)", "Department code (empty for admins)")}</label>
                <input id="u-dept" name="input[department]"/>
                <label for="u-pass">{lang.t("비밀번호 (10자 이상, 비우면 유지)", "Password (10+ characters; empty keeps it)")}</label>
                <input id="u-pass" name="input[password]" type="password" autocomplete="new-password"/>
                <label for="u-active">{lang.t("상태", "Status")}</label>
                <select id="u-active" name="input[active]">
                    <option value="true">{lang.t("활성", "Active")}</option>
                    <option value="false">{lang.t("비활성 (로그인 차단)", "Inactive (cannot sign in)")}</option>
                </select>
                {outcome(action)}
                <p><button type="submit" class="button">{lang.t("저장", "Save")}</button></p>
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
            <summary>{lang.t("분류어 추가·이름 변경", "Add or relabel a term")}</summary>
            <ActionForm action>
                <label for="t-scheme">{lang.t("분류 체계", "Scheme")}</label>
                <select id="t-scheme" name="input[scheme]">{schemes}</select>
                <label for="t-code">{lang.t("코드", "Code")}</label>
                <input id="t-code" name="input[code]" required pattern="[a-z0-9._-]{1,64}"/>
                <label for="t-ko">{lang.t("이름 (한국어)", "Label (Korean)")}</label>
                <input id="t-ko" name="input[label_ko]" required/>
                <label for="t-en">{lang.t("이름 (영어)", "Label (English)")}</label>
                <input id="t-en" name="input[label_en]" required/>
                {outcome(action)}
                <p><button type="submit" class="button">{lang.t("저장", "Save")}</button></p>
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
            <h2 id="keys-h">{lang.t("API 키", "API keys")}</h2>
            <p class="hint">{lang.t(
                "사용자를 비활성화하거나 새 비밀번호를 주면 그 사용자의 키는 모두 폐기됩니다.",
                "Deactivating a user or giving them a new password revokes all their keys.",
            )}</p>
            {outcome(revoke)}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match keys.await {
                        Ok(list) if list.is_empty() => view! {
                            <p class="empty">{lang.t("키가 없습니다.", "No keys.")}</p>
                        }.into_any(),
                        Ok(list) => {
                            let rows = list.into_iter().map(|k| {
                                let used = k.key.last_used_at
                                    .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                                    .unwrap_or_else(|| "—".to_string());
                                let action = (!k.key.revoked).then(|| view! {
                                    <ActionForm action=revoke attr:class="inline">
                                        <input type="hidden" name="id" value=k.key.id/>
                                        <button type="submit" class="button secondary">{lang.t("폐기", "Revoke")}</button>
                                    </ActionForm>
                                });
                                let state = if k.key.revoked { lang.t("폐기됨", "Revoked") } else { lang.t("사용 중", "Active") };
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
                                        <th scope="col">{lang.t("소유자", "Owner")}</th>
                                        <th scope="col">{lang.t("이름", "Name")}</th>
                                        <th scope="col">{lang.t("키", "Key")}</th>
                                        <th scope="col">{lang.t("만든 날", "Created")}</th>
                                        <th scope="col">{lang.t("마지막 사용", "Last used")}</th>
                                        <th scope="col">{lang.t("상태", "State")}</th>
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

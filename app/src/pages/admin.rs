use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::load_admin;
use crate::components::common::ErrorBox;
use crate::i18n::Lang;
use crate::pages::dataset::scheme_label;

#[component]
pub fn AdminPage() -> impl IntoView {
    let lang = expect_context::<Lang>();
    let data = Resource::new(|| (), |_| load_admin());
    view! {
        <Title text=lang.t("관리", "Administration")/>
        <h1>{lang.t("관리", "Administration")}</h1>
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
                            </section>
                            <section aria-labelledby="depts-h">
                                <h2 id="depts-h">{lang.t("부서", "Departments")}</h2>
                                <div class="table-wrap"><table>
                                    <thead><tr><th scope="col">{lang.t("부서", "Department")}</th><th scope="col">{lang.t("사용자", "Users")}</th><th scope="col">{lang.t("데이터", "Datasets")}</th></tr></thead>
                                    <tbody>{depts}</tbody>
                                </table></div>
                            </section>
                            <section aria-labelledby="users-h">
                                <h2 id="users-h">{lang.t("사용자", "Users")}</h2>
                                <div class="table-wrap"><table>
                                    <thead><tr><th scope="col">{lang.t("아이디", "Username")}</th><th scope="col">{lang.t("이름", "Name")}</th><th scope="col">{lang.t("역할", "Role")}</th><th scope="col">{lang.t("부서", "Department")}</th></tr></thead>
                                    <tbody>{users}</tbody>
                                </table></div>
                            </section>
                        }.into_any()
                    }
                    Err(err) => view! { <ErrorBox err/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

//! `/account/keys`: a staff member's own API keys for integrations: make one (shown once),
//! see when each was last used, revoke.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::portal::{api_keys, CreateApiKey, RevokeApiKey};
use crate::components::common::ErrorBox;
use crate::i18n::Lang;

#[component]
pub fn KeysPage() -> impl IntoView {
    let lang = expect_context::<Lang>();
    let create = ServerAction::<CreateApiKey>::new();
    let revoke = ServerAction::<RevokeApiKey>::new();
    let keys = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| api_keys(),
    );
    let made = move || {
        create.value().get().map(|r| match r {
            Ok(new) => view! {
                <div class="notice" role="status" data-testid="new-key">
                    <p>{lang.t("새 키입니다. 지금만 보이니 안전한 곳에 보관하세요:", "Your new key. It is shown only now; keep it somewhere safe:")}</p>
                    <p><code class="secret">{new.secret}</code></p>
                    <p class="hint">{lang.t("요청 헤더에 넣어 쓰세요: ", "Send it as a request header: ")}<code>"Authorization: Bearer …"</code></p>
                </div>
            }.into_any(),
            Err(err) => view! { <ErrorBox err/> }.into_any(),
        })
    };
    view! {
        <Title text=lang.t("API 키", "API keys")/>
        <h1>{lang.t("API 키", "API keys")}</h1>
        <p>{lang.t(
            "다른 시스템이 내 권한으로 카탈로그 API(/api/v1, /api/3)를 읽을 때 씁니다. 키는 익명 이용 한도를 받지 않습니다.",
            "For other systems that read the catalog APIs (/api/v1, /api/3) with your permissions. Keys are not subject to the anonymous rate limit.",
        )}</p>
        <ActionForm action=create>
            <label for="key-name">{lang.t("키 이름 (쓰는 시스템)", "Key name (the system that uses it)")}</label>
            <input id="key-name" name="name" type="text" maxlength="100" required/>
            <p><button type="submit" class="button">{lang.t("키 만들기", "Create key")}</button></p>
        </ActionForm>
        {made}
        <Suspense fallback=move || view! { <p class="loading">{lang.t("불러오는 중…", "Loading…")}</p> }>
            {move || Suspend::new(async move {
                match keys.await {
                    Ok(list) if list.is_empty() => view! {
                        <p class="empty">{lang.t("아직 키가 없습니다.", "No keys yet.")}</p>
                    }.into_any(),
                    Ok(list) => {
                        let rows = list.into_iter().map(|k| {
                            let used = k.last_used_at
                                .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                                .unwrap_or_else(|| "—".to_string());
                            let action = (!k.revoked).then(|| view! {
                                <ActionForm action=revoke attr:class="inline">
                                    <input type="hidden" name="id" value=k.id/>
                                    <button type="submit" class="button secondary">{lang.t("폐기", "Revoke")}</button>
                                </ActionForm>
                            });
                            let state = if k.revoked { lang.t("폐기됨", "Revoked") } else { lang.t("사용 중", "Active") };
                            view! {
                                <tr>
                                    <td>{k.name}</td>
                                    <td><code>{format!("{}…", k.prefix)}</code></td>
                                    <td>{k.created_at.format("%Y-%m-%d").to_string()}</td>
                                    <td>{used}</td>
                                    <td>{state} " " {action}</td>
                                </tr>
                            }
                        }).collect_view();
                        view! {
                            <div class="table-wrap"><table data-testid="keys">
                                <thead><tr>
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
    }
}

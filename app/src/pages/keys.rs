//! `/account/keys`: a staff member's own API keys for integrations: make one (shown once),
//! see when each was last used, revoke.

use leptos::prelude::*;
use leptos_meta::Title;
use types::t;

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
                    <p>{t!(lang, keys.your_new_key_it_is)}</p>
                    <p><code class="secret">{new.secret}</code></p>
                    <p class="hint">{t!(lang, keys.send_it_as_a_request)}<code>"Authorization: Bearer …"</code></p>
                </div>
            }.into_any(),
            Err(err) => view! { <ErrorBox err/> }.into_any(),
        })
    };
    view! {
        <Title text={t!(lang, keys.api_keys)}/>
        <h1>{t!(lang, keys.api_keys)}</h1>
        <p>{t!(lang, keys.for_other_systems_that_read)}</p>
        <ActionForm action=create>
            <label for="key-name">{t!(lang, keys.key_name_the_system_that)}</label>
            <input id="key-name" name="name" type="text" maxlength="100" required/>
            <p><button type="submit" class="button">{t!(lang, keys.create_key)}</button></p>
        </ActionForm>
        {made}
        <Suspense fallback=move || view! { <p class="loading">{t!(lang, keys.loading)}</p> }>
            {move || Suspend::new(async move {
                match keys.await {
                    Ok(list) if list.is_empty() => view! {
                        <p class="empty">{t!(lang, keys.no_keys_yet)}</p>
                    }.into_any(),
                    Ok(list) => {
                        let rows = list.into_iter().map(|k| {
                            let used = k.last_used_at
                                .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                                .unwrap_or_else(|| "—".to_string());
                            let action = (!k.revoked).then(|| view! {
                                <ActionForm action=revoke attr:class="inline">
                                    <input type="hidden" name="id" value=k.id/>
                                    <button type="submit" class="button secondary">{t!(lang, keys.revoke)}</button>
                                </ActionForm>
                            });
                            let state = if k.revoked { t!(lang, keys.revoked) } else { t!(lang, keys.active) };
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
                                    <th scope="col">{t!(lang, keys.name)}</th>
                                    <th scope="col">{t!(lang, keys.key)}</th>
                                    <th scope="col">{t!(lang, keys.created)}</th>
                                    <th scope="col">{t!(lang, keys.last_used)}</th>
                                    <th scope="col">{t!(lang, keys.state)}</th>
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

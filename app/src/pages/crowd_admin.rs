//! Crowd alerts and emergency mode for staff (`/admin/crowd`): the alert log, where any staff
//! member acknowledges an alert and writes notes; for administrators also the alert rules,
//! emergency mode (pin a place, a safety message in Korean and English) and local points with
//! their own push feeds.

use leptos::prelude::*;
use leptos_meta::Title;
use types::t;

use crate::api::crowd::{
    load_crowd_admin, AcknowledgeAlert, AddAlertRule, AddLocalPoint, AnnotateAlert,
    DeleteAlertRule, EndEmergency, StartEmergency,
};
use crate::components::common::ErrorBox;
use crate::crowd::{kst_hm, AlertLogEntry, CrowdAdmin};
use crate::i18n::Lang;
use crate::model::{CrowdLevel, SessionUser};

#[derive(Clone, Copy)]
struct Actions {
    ack: ServerAction<AcknowledgeAlert>,
    note: ServerAction<AnnotateAlert>,
    add_rule: ServerAction<AddAlertRule>,
    delete_rule: ServerAction<DeleteAlertRule>,
    start: ServerAction<StartEmergency>,
    end: ServerAction<EndEmergency>,
    add_point: ServerAction<AddLocalPoint>,
}

#[component]
pub fn CrowdAdminPage() -> impl IntoView {
    let lang = expect_context::<Lang>();
    let user = expect_context::<Resource<Result<Option<SessionUser>, crate::error::AppError>>>();
    let a = Actions {
        ack: ServerAction::new(),
        note: ServerAction::new(),
        add_rule: ServerAction::new(),
        delete_rule: ServerAction::new(),
        start: ServerAction::new(),
        end: ServerAction::new(),
        add_point: ServerAction::new(),
    };
    let data = Resource::new(
        move || {
            (
                a.ack.version().get(),
                a.note.version().get(),
                a.add_rule.version().get(),
                a.delete_rule.version().get(),
                a.start.version().get(),
                a.end.version().get(),
                a.add_point.version().get(),
            )
        },
        |_| load_crowd_admin(),
    );
    view! {
        <Title text={t!(lang, crowd_admin.crowd_alerts)}/>
        <h1>{t!(lang, crowd_admin.crowd_alerts)}</h1>
        <p><a href="/crowd">{t!(lang, crowd_admin.live_crowd_map)}</a></p>
        <Suspense fallback=move || view! { <p class="loading">{t!(lang, crowd_admin.loading)}</p> }>
            {move || Suspend::new(async move {
                let admin = user.await.ok().flatten().is_some_and(|u| u.is_admin());
                match data.await {
                    Ok(d) => view! { <CrowdAdminView d admin a/> }.into_any(),
                    Err(err) => view! { <ErrorBox err/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn result<T: Clone + Send + Sync + 'static, A>(
    action: ServerAction<A>,
    ok: &'static str,
) -> impl IntoView
where
    A: leptos::server_fn::ServerFn<Output = T, Error = crate::error::AppError>
        + Clone
        + Send
        + Sync
        + 'static,
{
    move || {
        action.value().get().map(|r| match r {
            Ok(_) => view! { <p class="success" role="status">{ok}</p> }.into_any(),
            Err(err) => view! { <ErrorBox err/> }.into_any(),
        })
    }
}

#[component]
fn CrowdAdminView(d: CrowdAdmin, admin: bool, a: Actions) -> impl IntoView {
    let lang = expect_context::<Lang>();
    let spot_options = |spots: &[(String, String, String, String)]| {
        let rest = spots
            .iter()
            .map(|(code, ko, en, _)| view! { <option value=code.clone()>{format!("{} ({code})", lang.pick(ko, en))}</option> })
            .collect_view();
        view! { <option value="">{t!(lang, crowd_admin.every_place)}</option> {rest} }
    };
    let em_options = spot_options(&d.spots);
    let rule_options = spot_options(&d.spots);
    let emergency = d.emergency.clone().map(|e| {
        let place = e
            .spot_name_ko
            .clone()
            .zip(e.spot_name_en.clone())
            .map(|(ko, en)| lang.pick(&ko, &en).to_string())
            .unwrap_or_default();
        view! {
            <div class="emergency" data-testid="emergency-active">
                <strong>{t!(lang, crowd_admin.emergency_mode_is_on)} " · " {place} " · " {kst_hm(e.started_at)} " KST"</strong>
                <p lang="ko">{e.message_ko.clone()}</p>
                <p lang="en">{e.message_en.clone()}</p>
            </div>
        }
    });
    let active = d.emergency.is_some();
    let admin_sections = admin.then(|| {
        let rules = d
            .rules
            .iter()
            .map(|r| {
                let place = match (&r.spot_name_ko, &r.spot_name_en) {
                    (Some(ko), Some(en)) => lang.pick(ko, en).to_string(),
                    _ => t!(lang, crowd_admin.every_place).to_string(),
                };
                let id = r.id.to_string();
                view! {
                    <tr>
                        <td>{place}</td>
                        <td>{r.describe(lang)}</td>
                        <td>
                            <ActionForm action=a.delete_rule attr:class="inline">
                                <input type="hidden" name="id" value=id/>
                                <button type="submit" class="link-button">{t!(lang, crowd_admin.delete)}</button>
                            </ActionForm>
                        </td>
                    </tr>
                }
            })
            .collect_view();
        let levels = [CrowdLevel::SlightlyBusy, CrowdLevel::Busy, CrowdLevel::Normal, CrowdLevel::Relaxed]
            .into_iter()
            .map(|l| view! { <option value=l.number().to_string()>{format!("{}{}", l.label(lang), t!(lang, crowd_admin.or_worse))}</option> })
            .collect_view();
        let created = move || {
            a.add_point.value().get().map(|r| match r {
                Ok(c) => view! {
                    <div class="success" role="status" data-testid="push-token">
                        <p>{t!(lang, crowd_admin.added_this_token_is_shown)}</p>
                        <p><code>{c.token.clone()}</code></p>
                        <pre class="break">{format!(
                            "curl -X POST -H 'Authorization: Bearer {}' -H 'Content-Type: application/json' \\\n  -d '{{\"level\": 3, \"population_min\": 800, \"population_max\": 1000}}' \\\n  {{site}}/api/v1/crowd/spots/{}/readings",
                            c.token, c.code
                        )}</pre>
                    </div>
                }.into_any(),
                Err(err) => view! { <ErrorBox err/> }.into_any(),
            })
        };
        view! {
            <section aria-labelledby="em-h">
                <h2 id="em-h">{t!(lang, crowd_admin.emergency_mode)}</h2>
                {if active {
                    view! {
                        <ActionForm action=a.end>
                            <button type="submit" class="button danger" data-testid="end-emergency">{t!(lang, crowd_admin.end_emergency_mode)}</button>
                        </ActionForm>
                    }.into_any()
                } else {
                    view! {
                        <p class="hint">{t!(lang, crowd_admin.when_started_every_public_page)}</p>
                        <ActionForm action=a.start attr:class="admin-form">
                            <label for="em-spot">{t!(lang, crowd_admin.place)}</label>
                            <select id="em-spot" name="spot_code">{em_options}</select>
                            <label for="em-ko">{t!(lang, crowd_admin.message_korean)}</label>
                            <textarea id="em-ko" name="message_ko" required maxlength="300" rows="2"></textarea>
                            <label for="em-en">{t!(lang, crowd_admin.message_english)}</label>
                            <textarea id="em-en" name="message_en" required maxlength="300" rows="2"></textarea>
                            <p><button type="submit" class="button danger" data-testid="start-emergency">{t!(lang, crowd_admin.start_emergency_mode)}</button></p>
                        </ActionForm>
                    }.into_any()
                }}
                {result(a.start, t!(lang, crowd_admin.emergency_mode_started))}
                {result(a.end, t!(lang, crowd_admin.emergency_mode_ended))}
            </section>
            <section aria-labelledby="rules-h">
                <h2 id="rules-h">{t!(lang, crowd_admin.alert_rules)}</h2>
                <div class="table-wrap"><table>
                    <thead><tr><th scope="col">{t!(lang, crowd_admin.place)}</th><th scope="col">{t!(lang, crowd_admin.condition)}</th><th scope="col"><span class="visually-hidden">{t!(lang, crowd_admin.actions)}</span></th></tr></thead>
                    <tbody>{rules}</tbody>
                </table></div>
                <ActionForm action=a.add_rule attr:class="admin-form">
                    <label for="rule-spot">{t!(lang, crowd_admin.place)}</label>
                    <select id="rule-spot" name="spot_code">{rule_options}</select>
                    <label for="rule-level">{t!(lang, crowd_admin.level)}</label>
                    <select id="rule-level" name="min_level">
                        <option value="">{t!(lang, crowd_admin.not_used)}</option>
                        {levels}
                    </select>
                    <label for="rule-pop">{t!(lang, crowd_admin.or_more_people_than)}</label>
                    <input id="rule-pop" name="min_population" type="number" inputmode="numeric" min="1"/>
                    <label for="rule-min">{t!(lang, crowd_admin.for_minutes)}</label>
                    <input id="rule-min" name="for_minutes" type="number" inputmode="numeric" min="0" max="1440" value="10"/>
                    {result(a.add_rule, t!(lang, crowd_admin.rule_added))}
                    <p><button type="submit" class="button">{t!(lang, crowd_admin.add_rule)}</button></p>
                </ActionForm>
            </section>
            <section aria-labelledby="points-h">
                <h2 id="points-h">{t!(lang, crowd_admin.local_points)}</h2>
                <p class="hint">{t!(lang, crowd_admin.add_a_place_with_its)}</p>
                <ActionForm action=a.add_point attr:class="admin-form">
                    <label for="pt-code">{t!(lang, crowd_admin.code_letters_digits_and)}</label>
                    <input id="pt-code" name="code" required maxlength="40" pattern="[A-Za-z0-9_-]+"/>
                    <label for="pt-ko">{t!(lang, crowd_admin.name_korean)}</label>
                    <input id="pt-ko" name="name_ko" required maxlength="100"/>
                    <label for="pt-en">{t!(lang, crowd_admin.name_english)}</label>
                    <input id="pt-en" name="name_en" required maxlength="100"/>
                    <label for="pt-lat">{t!(lang, crowd_admin.latitude)}</label>
                    <input id="pt-lat" name="lat" required inputmode="decimal" placeholder="37.5445"/>
                    <label for="pt-lon">{t!(lang, crowd_admin.longitude)}</label>
                    <input id="pt-lon" name="lon" required inputmode="decimal" placeholder="127.0557"/>
                    {created}
                    <p><button type="submit" class="button">{t!(lang, crowd_admin.add_point)}</button></p>
                </ActionForm>
            </section>
        }
    });
    let log = d
        .alerts
        .into_iter()
        .map(|e| view! { <AlertRow e a/> })
        .collect_view();
    view! {
        {emergency}
        <section aria-labelledby="log-h">
            <h2 id="log-h">{t!(lang, crowd_admin.alert_log)}</h2>
            {result(a.ack, t!(lang, crowd_admin.acknowledged))}
            {result(a.note, t!(lang, crowd_admin.note_saved))}
            <ul class="alert-log">{log}</ul>
        </section>
        {admin_sections}
    }
}

#[component]
fn AlertRow(e: AlertLogEntry, a: Actions) -> impl IntoView {
    let lang = expect_context::<Lang>();
    let al = &e.alert;
    let id = al.id.to_string();
    let ack_id = id.clone();
    let level = al
        .level
        .map(|l| view! { <span class=l.css_class()>{l.label(lang)}</span> });
    let status = match (al.resolved_at, al.acknowledged_at) {
        (Some(t), _) => format!("{} {} KST", t!(lang, crowd_admin.resolved), kst_hm(t)),
        (None, Some(t)) => format!(
            "{} {} KST{}",
            t!(lang, crowd_admin.acknowledged_2),
            kst_hm(t),
            e.acknowledged_by
                .as_ref()
                .map(|n| format!(" · {n}"))
                .unwrap_or_default()
        ),
        (None, None) => t!(lang, crowd_admin.open_not_acknowledged).to_string(),
    };
    let open = al.resolved_at.is_none();
    let unacked = al.acknowledged_at.is_none();
    let notes = e
        .notes
        .iter()
        .map(|n| view! { <li><b>{n.author.clone()}</b> " · " {kst_hm(n.created_at)} " — " {n.body.clone()}</li> })
        .collect_view();
    let note_id = format!("note-{}", al.id);
    view! {
        <li class=if open { "card alert-entry open" } else { "card alert-entry" } data-testid="alert-entry">
            <p><strong>{al.spot_name(lang).to_string()}</strong> " " {level}
               " · " {format!("{}{}", al.population_max, t!(lang, crowd_admin.people))}
               " · " {t!(lang, crowd_admin.since)} " " {kst_hm(al.since)} " · " {t!(lang, crowd_admin.raised)} " " {kst_hm(al.raised_at)} " KST"</p>
            <p class="hint">{status}</p>
            <ul class="notes">{notes}</ul>
            {unacked.then(|| view! {
                <ActionForm action=a.ack attr:class="inline">
                    <input type="hidden" name="id" value=ack_id/>
                    <button type="submit" class="button" data-testid="ack">{t!(lang, crowd_admin.acknowledge)}</button>
                </ActionForm>
            })}
            <ActionForm action=a.note attr:class="note-form">
                <input type="hidden" name="id" value=id/>
                <label for=note_id.clone()>{t!(lang, crowd_admin.note)}</label>
                <input id=note_id name="body" required maxlength="2000"/>
                <button type="submit" class="button secondary">{t!(lang, crowd_admin.save_note)}</button>
            </ActionForm>
        </li>
    }
}

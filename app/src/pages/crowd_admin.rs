//! Crowd alerts and emergency mode for staff (`/admin/crowd`): the alert log, where any staff
//! member acknowledges an alert and writes notes; for administrators also the alert rules,
//! emergency mode (pin a place, a safety message in Korean and English) and local points with
//! their own push feeds.

use leptos::prelude::*;
use leptos_meta::Title;

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
        <Title text=lang.t("혼잡 경보 관리", "Crowd alerts")/>
        <h1>{lang.t("혼잡 경보 관리", "Crowd alerts")}</h1>
        <p><a href="/crowd">{lang.t("실시간 혼잡도 지도", "Live crowd map")}</a></p>
        <Suspense fallback=move || view! { <p class="loading">{lang.t("불러오는 중…", "Loading…")}</p> }>
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
            .map(|(code, ko, en, _)| view! { <option value=code.clone()>{format!("{} ({code})", lang.t(ko, en))}</option> })
            .collect_view();
        view! { <option value="">{lang.t("모든 장소", "Every place")}</option> {rest} }
    };
    let em_options = spot_options(&d.spots);
    let rule_options = spot_options(&d.spots);
    let emergency = d.emergency.clone().map(|e| {
        let place = e
            .spot_name_ko
            .clone()
            .zip(e.spot_name_en.clone())
            .map(|(ko, en)| lang.t(&ko, &en).to_string())
            .unwrap_or_default();
        view! {
            <div class="emergency" data-testid="emergency-active">
                <strong>{lang.t("비상 모드 진행 중", "Emergency mode is on")} " · " {place} " · " {kst_hm(e.started_at)} " KST"</strong>
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
                    (Some(ko), Some(en)) => lang.t(ko, en).to_string(),
                    _ => lang.t("모든 장소", "Every place").to_string(),
                };
                let id = r.id.to_string();
                view! {
                    <tr>
                        <td>{place}</td>
                        <td>{r.describe(lang)}</td>
                        <td>
                            <ActionForm action=a.delete_rule attr:class="inline">
                                <input type="hidden" name="id" value=id/>
                                <button type="submit" class="link-button">{lang.t("삭제", "Delete")}</button>
                            </ActionForm>
                        </td>
                    </tr>
                }
            })
            .collect_view();
        let levels = [CrowdLevel::SlightlyBusy, CrowdLevel::Busy, CrowdLevel::Normal, CrowdLevel::Relaxed]
            .into_iter()
            .map(|l| view! { <option value=l.number().to_string()>{format!("{}{}", l.label(lang), lang.t(" 이상", " or worse"))}</option> })
            .collect_view();
        let created = move || {
            a.add_point.value().get().map(|r| match r {
                Ok(c) => view! {
                    <div class="success" role="status" data-testid="push-token">
                        <p>{lang.t("추가했습니다. 이 토큰은 지금 한 번만 보입니다:", "Added. This token is shown only now:")}</p>
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
                <h2 id="em-h">{lang.t("비상 모드", "Emergency mode")}</h2>
                {if active {
                    view! {
                        <ActionForm action=a.end>
                            <button type="submit" class="button danger" data-testid="end-emergency">{lang.t("비상 모드 끝내기", "End emergency mode")}</button>
                        </ActionForm>
                    }.into_any()
                } else {
                    view! {
                        <p class="hint">{lang.t(
                            "시작하면 모든 공개 화면에 안내문이 나오고, 공개 지도는 가장 가벼운 목록으로 바뀝니다.",
                            "When started, every public page shows the message and the public map becomes the lightest list.",
                        )}</p>
                        <ActionForm action=a.start attr:class="admin-form">
                            <label for="em-spot">{lang.t("장소", "Place")}</label>
                            <select id="em-spot" name="spot_code">{em_options}</select>
                            <label for="em-ko">{lang.t("안내문 (한국어)", "Message (Korean)")}</label>
                            <textarea id="em-ko" name="message_ko" required maxlength="300" rows="2"></textarea>
                            <label for="em-en">{lang.t("안내문 (영어)", "Message (English)")}</label>
                            <textarea id="em-en" name="message_en" required maxlength="300" rows="2"></textarea>
                            <p><button type="submit" class="button danger" data-testid="start-emergency">{lang.t("비상 모드 시작", "Start emergency mode")}</button></p>
                        </ActionForm>
                    }.into_any()
                }}
                {result(a.start, lang.t("비상 모드를 시작했습니다.", "Emergency mode started."))}
                {result(a.end, lang.t("비상 모드를 끝냈습니다.", "Emergency mode ended."))}
            </section>
            <section aria-labelledby="rules-h">
                <h2 id="rules-h">{lang.t("경보 규칙", "Alert rules")}</h2>
                <div class="table-wrap"><table>
                    <thead><tr><th scope="col">{lang.t("장소", "Place")}</th><th scope="col">{lang.t("조건", "Condition")}</th><th scope="col"><span class="visually-hidden">{lang.t("작업", "Actions")}</span></th></tr></thead>
                    <tbody>{rules}</tbody>
                </table></div>
                <ActionForm action=a.add_rule attr:class="admin-form">
                    <label for="rule-spot">{lang.t("장소", "Place")}</label>
                    <select id="rule-spot" name="spot_code">{rule_options}</select>
                    <label for="rule-level">{lang.t("혼잡도", "Level")}</label>
                    <select id="rule-level" name="min_level">
                        <option value="">{lang.t("사용 안 함", "Not used")}</option>
                        {levels}
                    </select>
                    <label for="rule-pop">{lang.t("또는 인구가 이보다 많을 때 (명)", "Or more people than")}</label>
                    <input id="rule-pop" name="min_population" type="number" inputmode="numeric" min="1"/>
                    <label for="rule-min">{lang.t("지속 시간 (분)", "For (minutes)")}</label>
                    <input id="rule-min" name="for_minutes" type="number" inputmode="numeric" min="0" max="1440" value="10"/>
                    {result(a.add_rule, lang.t("규칙을 추가했습니다.", "Rule added."))}
                    <p><button type="submit" class="button">{lang.t("규칙 추가", "Add rule")}</button></p>
                </ActionForm>
            </section>
            <section aria-labelledby="points-h">
                <h2 id="points-h">{lang.t("자체 측정 지점", "Local points")}</h2>
                <p class="hint">{lang.t(
                    "축제 출입구 계수기처럼 자체 자료를 보내는 지점을 추가합니다. 측정값은 토큰으로 JSON이나 CSV로 보냅니다.",
                    "Add a place with its own feed, such as a festival gate counter. Readings are pushed as JSON or CSV with its token.",
                )}</p>
                <ActionForm action=a.add_point attr:class="admin-form">
                    <label for="pt-code">{lang.t("코드 (영문·숫자·-·_)", "Code (letters, digits, - and _)")}</label>
                    <input id="pt-code" name="code" required maxlength="40" pattern="[A-Za-z0-9_-]+"/>
                    <label for="pt-ko">{lang.t("이름 (한국어)", "Name (Korean)")}</label>
                    <input id="pt-ko" name="name_ko" required maxlength="100"/>
                    <label for="pt-en">{lang.t("이름 (영어)", "Name (English)")}</label>
                    <input id="pt-en" name="name_en" required maxlength="100"/>
                    <label for="pt-lat">{lang.t("위도", "Latitude")}</label>
                    <input id="pt-lat" name="lat" required inputmode="decimal" placeholder="37.5445"/>
                    <label for="pt-lon">{lang.t("경도", "Longitude")}</label>
                    <input id="pt-lon" name="lon" required inputmode="decimal" placeholder="127.0557"/>
                    {created}
                    <p><button type="submit" class="button">{lang.t("지점 추가", "Add point")}</button></p>
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
            <h2 id="log-h">{lang.t("경보 기록", "Alert log")}</h2>
            {result(a.ack, lang.t("확인했습니다.", "Acknowledged."))}
            {result(a.note, lang.t("메모를 남겼습니다.", "Note saved."))}
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
        (Some(t), _) => format!("{} {} KST", lang.t("해제", "resolved"), kst_hm(t)),
        (None, Some(t)) => format!(
            "{} {} KST{}",
            lang.t("확인", "acknowledged"),
            kst_hm(t),
            e.acknowledged_by
                .as_ref()
                .map(|n| format!(" · {n}"))
                .unwrap_or_default()
        ),
        (None, None) => lang
            .t("진행 중 · 미확인", "open · not acknowledged")
            .to_string(),
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
               " · " {format!("{}{}", al.population_max, lang.t("명", " people"))}
               " · " {lang.t("시작", "since")} " " {kst_hm(al.since)} " · " {lang.t("경보", "raised")} " " {kst_hm(al.raised_at)} " KST"</p>
            <p class="hint">{status}</p>
            <ul class="notes">{notes}</ul>
            {unacked.then(|| view! {
                <ActionForm action=a.ack attr:class="inline">
                    <input type="hidden" name="id" value=ack_id/>
                    <button type="submit" class="button" data-testid="ack">{lang.t("확인", "Acknowledge")}</button>
                </ActionForm>
            })}
            <ActionForm action=a.note attr:class="note-form">
                <input type="hidden" name="id" value=id/>
                <label for=note_id.clone()>{lang.t("메모", "Note")}</label>
                <input id=note_id name="body" required maxlength="2000"/>
                <button type="submit" class="button secondary">{lang.t("남기기", "Save note")}</button>
            </ActionForm>
        </li>
    }
}

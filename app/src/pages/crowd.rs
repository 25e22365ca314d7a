use chrono::Utc;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::crowd_status;
use crate::components::common::ErrorBox;
use crate::i18n::Lang;
use crate::model::HotSpotStatus;

#[component]
pub fn CrowdPage() -> impl IntoView {
    let lang = expect_context::<Lang>();
    let spots = Resource::new(|| (), |_| crowd_status());
    view! {
        <Title text=lang.t("실시간 혼잡도", "Live crowd levels")/>
        <h1>{lang.t("실시간 혼잡도", "Live crowd levels")}</h1>
        <p class="legend">
            <span class="lvl lvl-4">{lang.t("붐빔", "Busy")}</span>
            <span class="lvl lvl-3">{lang.t("약간 붐빔", "Slightly busy")}</span>
            <span class="lvl lvl-2">{lang.t("보통", "Normal")}</span>
            <span class="lvl lvl-1">{lang.t("여유", "Relaxed")}</span>
        </p>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match spots.await {
                    Ok(list) => view! { <CrowdList spots=list/> }.into_any(),
                    Err(err) => view! { <ErrorBox err/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Hot spots, the most crowded first; stale readings are labelled, never shown as live.
#[component]
pub fn CrowdList(mut spots: Vec<HotSpotStatus>) -> impl IntoView {
    let lang = expect_context::<Lang>();
    let now = Utc::now();
    spots.sort_by(|a, b| {
        let key = |h: &HotSpotStatus| (h.is_stale(now), std::cmp::Reverse(h.level));
        key(a).cmp(&key(b)).then_with(|| a.name_ko.cmp(&b.name_ko))
    });
    let rows = spots
        .into_iter()
        .map(|h| {
            let stale = h.is_stale(now);
            let level = match h.level {
                Some(l) if !stale => view! { <span class=l.css_class()>{l.label(lang)}</span> }.into_any(),
                Some(l) => view! { <span class="lvl lvl-stale">{l.label(lang)} " (" {lang.t("지난 자료", "stale")} ")"</span> }.into_any(),
                None => view! { <span class="lvl lvl-stale">{lang.t("자료 없음", "no data")}</span> }.into_any(),
            };
            let pop = match (h.population_min, h.population_max) {
                (Some(a), Some(b)) => format!("{a}–{b}{}", lang.t("명", " people")),
                _ => String::new(),
            };
            let ago = h.observed_at.map(|t| {
                let m = (now - t).num_minutes().max(0);
                match lang {
                    Lang::Ko => format!("{m}분 전"),
                    Lang::En => format!("{m} min ago"),
                }
            });
            view! {
                <li class="crowd-row" data-code=h.code.clone()>
                    <span class="crowd-name">{h.name(lang).to_string()}</span>
                    {level}
                    <span class="crowd-pop">{pop}</span>
                    <span class="crowd-time">{ago}</span>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="crowd-list">{rows}</ul> }
}

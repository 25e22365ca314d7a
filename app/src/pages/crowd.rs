//! The crowd page: every hot spot's level on a map and in a list, most crowded first, updated
//! live. The server renders the list and a schematic map (an SVG of the places, coloured and
//! numbered by level) so the page is readable before, and without, the wasm; in the browser a
//! Leaflet map replaces the schematic and Server-Sent Events keep both current.

use chrono::Utc;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::crowd_status;
use crate::components::common::ErrorBox;
use crate::i18n::Lang;
use crate::model::{select_spots as select, HotSpotStatus};

#[component]
pub fn CrowdPage() -> impl IntoView {
    let lang = expect_context::<Lang>();
    let query = use_query_map();
    let all = move || query.with(|q| q.get("district").as_deref() == Some("all"));
    let q = move || query.with(|q| q.get("q").unwrap_or_default());
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
        <form method="get" action="/crowd" class="crowd-filter" role="search">
            <label for="crowd-q">{lang.t("장소 찾기", "Find a place")}</label>
            <input id="crowd-q" name="q" type="search" value=q/>
            <label class="check">
                <input type="checkbox" name="district" value="all" checked=all/>
                {lang.t("서울 전체", "All of Seoul")}
            </label>
            <button type="submit" class="button">{lang.t("보기", "Show")}</button>
        </form>
        <link rel="stylesheet" href="/vendor/leaflet/leaflet.css"/>
        <script src="/vendor/leaflet/leaflet.js"></script>
        <p class="hint"><a href="/crowd/lite">{lang.t("느린 연결용 간단한 목록", "Light list for slow connections")}</a></p>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match spots.await {
                    Ok(list) => view! { <CrowdLive spots=list all=all() q=q()/> }.into_any(),
                    Err(err) => view! { <ErrorBox err/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The map and the list over one live state.
#[component]
fn CrowdLive(spots: Vec<HotSpotStatus>, all: bool, q: String) -> impl IntoView {
    let state = RwSignal::new(spots);
    let shown = Memo::new(move |_| select(state.get(), all, &q, Utc::now()));
    #[cfg(feature = "hydrate")]
    crate::client::follow_crowd(move |list| state.set(list));
    view! {
        <div class="crowd-layout">
            <CrowdMap shown/>
            <section aria-label="list">
                {move || view! { <CrowdList spots=shown.get()/> }}
            </section>
        </div>
    }
}

/// Equirectangular position of a place in a `w`×`h` box around `bounds`.
fn project(lat: f64, lon: f64, b: [[f64; 2]; 2], w: f64, h: f64) -> (f64, f64) {
    let [[min_lat, min_lon], [max_lat, max_lon]] = b;
    let k = ((min_lat + max_lat) / 2.0).to_radians().cos();
    let sw = ((max_lon - min_lon) * k).max(1e-6);
    let sh = (max_lat - min_lat).max(1e-6);
    let s = ((w - 40.0) / sw).min((h - 40.0) / sh);
    (20.0 + (lon - min_lon) * k * s, 20.0 + (max_lat - lat) * s)
}

fn bounds_of(spots: &[HotSpotStatus]) -> [[f64; 2]; 2] {
    if spots.is_empty() {
        // Seongdong-gu.
        return [[37.53, 127.01], [37.57, 127.07]];
    }
    spots.iter().fold(
        [[f64::MAX, f64::MAX], [f64::MIN, f64::MIN]],
        |[[a, b], [c, d]], h| [[a.min(h.lat), b.min(h.lon)], [c.max(h.lat), d.max(h.lon)]],
    )
}

/// The schematic map (server-rendered), replaced by Leaflet in the browser.
#[component]
fn CrowdMap(shown: Memo<Vec<HotSpotStatus>>) -> impl IntoView {
    let lang = expect_context::<Lang>();
    #[cfg(feature = "hydrate")]
    {
        let markers = StoredValue::new_local(None::<LeafletState>);
        Effect::new(move |_| {
            let list = shown.get();
            markers.update_value(|m| leaflet_update(m, &list, lang));
        });
    }
    let (w, h) = (360.0, 300.0);
    let schematic = move || {
        let list = shown.get();
        let b = bounds_of(&list);
        let now = Utc::now();
        list.iter()
            .rev()
            .map(|s| {
                let (x, y) = project(s.lat, s.lon, b, w, h);
                let stale = s.is_stale(now);
                let n = s.level.filter(|_| !stale).map(|l| l.number()).unwrap_or(0);
                let label = format!(
                    "{}: {}",
                    s.name(lang),
                    s.level
                        .filter(|_| !stale)
                        .map(|l| l.label(lang))
                        .unwrap_or(lang.t("자료 없음", "no data"))
                );
                let text = if n == 0 { "?".to_string() } else { n.to_string() };
                view! {
                    <g class=format!("spot s{n}") data-code=s.code.clone()>
                        <title>{label}</title>
                        <circle cx=format!("{x:.1}") cy=format!("{y:.1}") r="9"/>
                        <text x=format!("{x:.1}") y=format!("{:.1}", y + 4.0) text-anchor="middle">{text}</text>
                    </g>
                }
            })
            .collect_view()
    };
    view! {
        <div id="crowd-map" class="crowd-map" data-testid="crowd-map">
            <svg viewBox=format!("0 0 {w} {h}") role="img"
                aria-label=lang.t("혼잡도 지도 (숫자가 클수록 붐빔)", "Crowd map (higher numbers are busier)")>
                <rect width="100%" height="100%" class="map-bg"/>
                {schematic}
            </svg>
        </div>
    }
}

#[cfg(feature = "hydrate")]
struct LeafletState {
    map: leaflet::Map,
    layer: leaflet::LayerGroup,
    fitted: bool,
}

#[cfg(feature = "hydrate")]
fn leaflet_update(state: &mut Option<LeafletState>, list: &[HotSpotStatus], lang: Lang) {
    use leaflet::{CircleMarker, LatLng, LatLngBounds, LayerGroup, Map, MapOptions, TileLayer};
    use wasm_bindgen::JsValue;

    if state.is_none() {
        if crate::client::leaflet_container("crowd-map").is_none() {
            return;
        }
        let Ok(map) = Map::new("crowd-map", &MapOptions::default()) else {
            return;
        };
        TileLayer::new(crate::client::MAP_TILES).add_to(&map);
        let layer = LayerGroup::new();
        layer.add_to(&map);
        *state = Some(LeafletState {
            map,
            layer,
            fitted: false,
        });
    }
    let Some(s) = state.as_mut() else { return };
    s.layer.clear_layers();
    let now = Utc::now();
    for h in list.iter().rev() {
        let stale = h.is_stale(now);
        let (color, weight) = match h.level.filter(|_| !stale).map(|l| l.number()) {
            Some(4) => ("#b04a00", 4),
            Some(3) => ("#9a6a00", 3),
            Some(2) => ("#00795a", 2),
            Some(1) => ("#0072b2", 1),
            _ => ("#555555", 1),
        };
        let options = js_sys::Object::new();
        let set = |k: &str, v: JsValue| {
            let _ = js_sys::Reflect::set(&options, &JsValue::from_str(k), &v);
        };
        set("color", JsValue::from_str("#ffffff"));
        set("fillColor", JsValue::from_str(color));
        set("fillOpacity", JsValue::from_f64(0.9));
        set("weight", JsValue::from_f64(2.0));
        set("radius", JsValue::from_f64(6.0 + 2.0 * weight as f64));
        let marker = CircleMarker::new_with_options(&LatLng::new(h.lat, h.lon), &options);
        let pop = match (h.population_min, h.population_max) {
            (Some(a), Some(b)) => format!("{a}–{b}{}", lang.t("명", " people")),
            _ => String::new(),
        };
        let ago = h
            .observed_at
            .map(|t| crate::jobs::age(t, now, lang))
            .unwrap_or_default();
        let level = h
            .level
            .filter(|_| !stale)
            .map(|l| l.label(lang))
            .unwrap_or(lang.t("자료 없음", "no data"));
        let text = format!("{} — {level} · {pop} · {ago}", h.name(lang));
        // Leaflet's `bindTooltip(content)`, called directly (the crate's binding of the
        // two-argument form names a method Leaflet does not have).
        if let Ok(f) = js_sys::Reflect::get(&marker, &JsValue::from_str("bindTooltip")) {
            if let Some(f) = wasm_bindgen::JsCast::dyn_ref::<js_sys::Function>(&f) {
                let _ = f.call1(&marker, &JsValue::from_str(&text));
            }
        }
        s.layer.add_layer(&marker);
    }
    if !s.fitted && !list.is_empty() {
        let b = bounds_of(list);
        s.map.fit_bounds(&LatLngBounds::new(
            &LatLng::new(b[0][0], b[0][1]),
            &LatLng::new(b[1][0], b[1][1]),
        ));
        s.fitted = true;
    }
}

/// Hot spots, the most crowded first; stale readings are labelled, never shown as live.
#[component]
pub fn CrowdList(mut spots: Vec<HotSpotStatus>) -> impl IntoView {
    let lang = expect_context::<Lang>();
    let now = Utc::now();
    crate::model::sort_spots(&mut spots, now);
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
            let ago = h.observed_at.map(|t| crate::jobs::age(t, now, lang));
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

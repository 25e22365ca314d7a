//! The crowd page: every hot spot's level on a map and in a list, most crowded first, updated
//! live. The server renders the list and a schematic map (an SVG of the places, coloured and
//! numbered by level) so the page is readable before, and without, the wasm; in the browser a
//! Leaflet map replaces the schematic and Server-Sent Events keep both current.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use types::t;

use crate::api::crowd::{crowd_alerts, crowd_spot};
use crate::api::crowd_status;
use crate::components::common::ErrorBox;
use crate::crowd::{kst_hm, PublicAlerts, SpotDetail, DISTRICT_OUTLINE, PANEL_TREND_HOURS};
use crate::i18n::Lang;
use crate::model::{select_spots as select, CrowdLevel, HotSpotStatus};

/// The live state of the page, shared by the map, the list, the banner and the side panel.
/// Written and read by one Suspense block only (see [`CrowdPage`]): a read while another
/// thread holds the write lock panics, even through `try_with` (reactive_graph reports it as
/// "already disposed"), and cut the server's response short.
#[derive(Clone, Copy)]
struct CrowdState {
    spots: RwSignal<Vec<HotSpotStatus>>,
    alerts: RwSignal<PublicAlerts>,
    /// Bumped by every live update (the side panel reloads its trend).
    updates: RwSignal<u64>,
}

impl CrowdState {
    /// Start from what the page loaded, without notifying anyone: the parts that read it are
    /// rendered after this, by the same block. Live updates (in the browser) set the signals
    /// as usual.
    fn load_alerts(&self, a: PublicAlerts) {
        self.alerts.try_update_untracked(|cur| *cur = a);
    }
}

/// `/crowd` with these parameters (the filter kept, the place chosen or closed).
fn crowd_href(all: bool, q: &str, spot: Option<&str>) -> String {
    let mut parts = Vec::new();
    if all {
        parts.push("district=all".to_string());
    }
    if !q.is_empty() {
        parts.push(format!("q={}", crate::search::encode(q)));
    }
    if let Some(s) = spot {
        parts.push(format!("spot={}", crate::search::encode(s)));
    }
    if parts.is_empty() {
        "/crowd".into()
    } else {
        format!("/crowd?{}", parts.join("&"))
    }
}

#[component]
pub fn CrowdPage() -> impl IntoView {
    let lang = expect_context::<Lang>();
    let query = use_query_map();
    let all = move || query.with(|q| q.get("district").as_deref() == Some("all"));
    let q = move || query.with(|q| q.get("q").unwrap_or_default());
    let spot = move || query.with(|q| q.get("spot").filter(|s| !s.is_empty()));
    let state = CrowdState {
        spots: RwSignal::new(Vec::new()),
        alerts: RwSignal::new(PublicAlerts::default()),
        updates: RwSignal::new(0),
    };
    provide_context(state);
    let spots = Resource::new(|| (), |_| crowd_status());
    let alerts = Resource::new(|| (), |_| crowd_alerts());
    let detail = Resource::new(
        move || (spot(), state.updates.try_get().unwrap_or_default()),
        |(code, _)| async move {
            match code {
                Some(c) => crowd_spot(c).await.map(Some),
                None => Ok(None),
            }
        },
    );
    let panel = move || {
        view! {
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match detail.await {
                        Ok(Some(d)) => view! { <SpotPanel d close=crowd_href(all(), &q(), None)/> }.into_any(),
                        Ok(None) => ().into_any(),
                        Err(err) => view! { <ErrorBox err/> }.into_any(),
                    }
                })}
            </Suspense>
        }
    };
    view! {
        <Title text={t!(lang, crowd.live_crowd_levels)}/>
        <h1>{t!(lang, crowd.live_crowd_levels)}</h1>
        // One block loads the shared state and renders everything that reads it. On the server
        // Suspense blocks render concurrently, on several threads: a block storing the state
        // while another reads it made the read fail, a panic that cut the page short.
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let (list, a) = (spots.await, alerts.await);
                let banner = match a {
                    Ok(a) => {
                        state.load_alerts(a);
                        view! { <AlertBanner all=all() q=q()/> }.into_any()
                    }
                    Err(err) => view! { <ErrorBox err/> }.into_any(),
                };
                let live = match list {
                    Ok(list) => {
                        state.spots.try_update_untracked(|s| *s = list);
                        view! { <CrowdLive all=all() q=q()/> }.into_any()
                    }
                    Err(err) => view! { <ErrorBox err/> }.into_any(),
                };
                view! {
                    {banner}
                    <p class="legend">
                        <span class="lvl lvl-4">{t!(lang, crowd.busy)}</span>
                        <span class="lvl lvl-3">{t!(lang, crowd.slightly_busy)}</span>
                        <span class="lvl lvl-2">{t!(lang, crowd.normal)}</span>
                        <span class="lvl lvl-1">{t!(lang, crowd.relaxed)}</span>
                    </p>
                    <form method="get" action="/crowd" class="crowd-filter" role="search">
                        <label for="crowd-q">{t!(lang, crowd.find_a_place)}</label>
                        <input id="crowd-q" name="q" type="search" value=q/>
                        <label class="check">
                            <input type="checkbox" name="district" value="all" checked=all/>
                            {t!(lang, crowd.all_of_seoul)}
                        </label>
                        <button type="submit" class="button">{t!(lang, crowd.show)}</button>
                    </form>
                    <link rel="stylesheet" href="/vendor/leaflet/leaflet.css"/>
                    <script src="/vendor/leaflet/leaflet.js"></script>
                    <p class="hint"><a href="/crowd/lite">{t!(lang, crowd.light_list_for_slow_connections)}</a></p>
                    {panel}
                    {live}
                }
            })}
        </Suspense>
    }
}

/// Emergency mode's safety message and the open alerts, above the map; updated live.
#[component]
fn AlertBanner(all: bool, q: String) -> impl IntoView {
    let lang = expect_context::<Lang>();
    let state = expect_context::<CrowdState>();
    let q2 = q.clone();
    let emergency = move || {
        state
            .alerts
            .try_with(|a| a.emergency.clone())
            .flatten()
            .map(|e| view! { <EmergencyBox e/> })
    };
    let alerts = move || {
        let list = state
            .alerts
            .try_with(|a| a.alerts.clone())
            .unwrap_or_default();
        (!list.is_empty()).then(|| {
            let items = list
                .into_iter()
                .map(|a| {
                    let href = crowd_href(all, &q2, Some(&a.spot_code));
                    let level = a.level.map(|l| l.label(lang)).unwrap_or_default();
                    let css = a.level.map(|l| l.css_class()).unwrap_or("lvl lvl-stale");
                    view! {
                        <li>
                            <a href=href>{a.spot_name(lang).to_string()}</a>
                            " " <span class=css>{level}</span>
                            " · " {t!(lang, crowd.since)} {kst_hm(a.since)}
                        </li>
                    }
                })
                .collect_view();
            view! {
                <div class="alert-banner" data-testid="alert-banner">
                    <strong>{t!(lang, crowd.crowd_alerts)}</strong>
                    <ul>{items}</ul>
                </div>
            }
        })
    };
    // Screen readers hear new alerts as they arrive.
    view! { <div aria-live="assertive" class="alert-region">{emergency}{alerts}</div> }
}

/// The map and the list over one live state.
#[component]
fn CrowdLive(all: bool, q: String) -> impl IntoView {
    let lang = expect_context::<Lang>();
    let state = expect_context::<CrowdState>();
    let q2 = q.clone();
    let shown = Memo::new(move |_| {
        select(
            state.spots.try_get().unwrap_or_default(),
            all,
            &q,
            Utc::now(),
        )
    });
    #[cfg(feature = "hydrate")]
    crate::client::follow_crowd(
        move |list| {
            state.spots.set(list);
            state.updates.update(|n| *n += 1);
        },
        move |alerts| state.alerts.set(alerts),
    );
    view! {
        <div class="crowd-layout">
            <CrowdMap shown all q=q2.clone()/>
            <section aria-label={t!(lang, crowd.crowd_levels_list)}>
                {move || view! { <CrowdList spots=shown.get() all q=q2.clone()/> }}
            </section>
        </div>
    }
}

/// One place: level, people, when observed, the trend of the last hours and the forecast.
#[component]
fn SpotPanel(d: SpotDetail, close: String) -> impl IntoView {
    let lang = expect_context::<Lang>();
    let now = Utc::now();
    let h = &d.status;
    let stale = h.is_stale(now);
    let level = match h.level {
        Some(l) if !stale => view! { <span class=l.css_class()>{l.label(lang)}</span> }.into_any(),
        Some(l) => view! { <span class="lvl lvl-stale">{l.label(lang)} " (" {t!(lang, crowd.stale)} ")"</span> }.into_any(),
        None => view! { <span class="lvl lvl-stale">{t!(lang, crowd.no_data)}</span> }.into_any(),
    };
    let pop = match (h.population_min, h.population_max) {
        (Some(a), Some(b)) => format!("{a}–{b}{}", t!(lang, crowd.people)),
        _ => String::new(),
    };
    let ago = h
        .observed_at
        .map(|t| format!("{} ({} KST)", crate::jobs::age(t, now, lang), kst_hm(t)))
        .unwrap_or_default();
    let forecast = d
        .forecast
        .iter()
        .take(6)
        .map(|f| {
            view! {
                <li><span class="fc-time">{kst_hm(f.at)}</span> " "
                    <span class=f.level.css_class()>{f.level.label(lang)}</span> " "
                    <span class="crowd-pop">{format!("{}–{}", f.population_min, f.population_max)}</span></li>
            }
        })
        .collect_view();
    let has_forecast = !d.forecast.is_empty();
    let history = format!(
        "/api/v1/crowd/spots/{}/history?hours=24&format=csv",
        crate::search::encode(&h.code)
    );
    view! {
        <aside class="spot-panel card" aria-labelledby="spot-h" data-testid="spot-panel">
            <h2 id="spot-h">{h.name(lang).to_string()}</h2>
            <p>{level} " " <span class="crowd-pop">{pop}</span> " · " <span class="crowd-time">{ago}</span></p>
            <h3>{t!(lang, crowd.last_6_hours)}</h3>
            <TrendChart d=d.clone() now/>
            {has_forecast.then(|| view! {
                <h3>{t!(lang, crowd.forecast)}</h3>
                <ul class="forecast">{forecast}</ul>
            })}
            <p class="actions">
                <a href=history download="">{t!(lang, crowd.n24_hour_history_csv)}</a>
                " · "
                <a href=close>{t!(lang, crowd.close)}</a>
            </p>
        </aside>
    }
}

/// Level over the last hours (a line; folded hours at their average) and the forecast ahead
/// (dashed), as an SVG with a text summary for screen readers.
#[component]
fn TrendChart(d: SpotDetail, now: DateTime<Utc>) -> impl IntoView {
    let lang = expect_context::<Lang>();
    let (w, h) = (320.0, 90.0);
    let from = now - chrono::Duration::hours(PANEL_TREND_HOURS);
    let to = d
        .forecast
        .iter()
        .map(|f| f.at)
        .filter(|t| *t <= now + chrono::Duration::hours(3))
        .max()
        .unwrap_or(now)
        .max(now);
    let span = (to - from).num_seconds().max(1) as f64;
    let x = |t: DateTime<Utc>| 24.0 + (t - from).num_seconds() as f64 / span * (w - 30.0);
    let y = |level: f64| 8.0 + (4.0 - level.clamp(1.0, 4.0)) / 3.0 * (h - 24.0);
    let past: Vec<String> = d
        .trend
        .iter()
        .filter(|p| p.at >= from)
        .map(|p| format!("{:.1},{:.1}", x(p.at), y(p.level)))
        .collect();
    let ahead: Vec<String> = d
        .trend
        .last()
        .map(|p| (p.at, p.level))
        .into_iter()
        .chain(
            d.forecast
                .iter()
                .filter(|f| f.at <= to)
                .map(|f| (f.at, f.level.number() as f64)),
        )
        .map(|(t, l)| format!("{:.1},{:.1}", x(t), y(l)))
        .collect();
    let label_of = |l: f64| {
        CrowdLevel::from_number(l.round() as i16)
            .map(|c| c.label(lang))
            .unwrap_or("?")
    };
    let summary = match (d.trend.first(), d.trend.last()) {
        (Some(a), Some(b)) => format!(
            "{} {} → {} {}{}",
            kst_hm(a.at),
            label_of(a.level),
            kst_hm(b.at),
            label_of(b.level),
            d.forecast
                .first()
                .map(|f| format!(
                    "; {} {} {}",
                    t!(lang, crowd.forecast_2),
                    kst_hm(f.at),
                    f.level.label(lang)
                ))
                .unwrap_or_default()
        ),
        _ => t!(lang, crowd.no_history).to_string(),
    };
    let grid = (1..=4)
        .map(|l| {
            let yy = y(l as f64);
            view! {
                <line x1="24" x2=format!("{:.0}", w - 6.0) y1=format!("{yy:.1}") y2=format!("{yy:.1}") class="grid"/>
                <text x="20" y=format!("{:.1}", yy + 3.0) text-anchor="end">{l}</text>
            }
        })
        .collect_view();
    let nx = x(now);
    view! {
        <svg class="trend" viewBox=format!("0 0 {w} {h}") role="img" aria-label=summary>
            {grid}
            <line x1=format!("{nx:.1}") x2=format!("{nx:.1}") y1="4" y2=format!("{:.0}", h - 14.0) class="now"/>
            <polyline points=past.join(" ") class="past"/>
            <polyline points=ahead.join(" ") class="ahead"/>
            <text x="24" y=format!("{:.0}", h - 2.0)>{kst_hm(from)}</text>
            <text x=format!("{nx:.1}") y=format!("{:.0}", h - 2.0) text-anchor="middle">{t!(lang, crowd.now)}</text>
        </svg>
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

/// The schematic map (server-rendered), replaced by Leaflet in the browser. Both draw the
/// district's outline, so the map reads even when no tiles load.
#[component]
fn CrowdMap(shown: Memo<Vec<HotSpotStatus>>, all: bool, q: String) -> impl IntoView {
    let lang = expect_context::<Lang>();
    let state = expect_context::<CrowdState>();
    let pinned = Memo::new(move |_| {
        state
            .alerts
            .try_with(|a| {
                a.emergency
                    .as_ref()
                    .and_then(|e| Some((e.spot_code.clone()?, e.lat?, e.lon?)))
            })
            .flatten()
    });
    #[cfg(feature = "hydrate")]
    {
        let markers = StoredValue::new_local(None::<LeafletState>);
        let navigate = leptos_router::hooks::use_navigate();
        let q = q.clone();
        Effect::new(move |_| {
            let list = shown.get();
            let pin = pinned.get();
            let go = {
                let navigate = navigate.clone();
                let q = q.clone();
                move |code: &str| navigate(&crowd_href(all, &q, Some(code)), Default::default())
            };
            markers.update_value(|m| leaflet_update(m, &list, pin, lang, go));
        });
    }
    let _ = (&q, all);
    let (w, h) = (360.0, 300.0);
    let schematic = move || {
        let list = shown.get();
        let pin = pinned.get();
        let b = bounds_of(&list);
        let now = Utc::now();
        let outline = DISTRICT_OUTLINE
            .iter()
            .map(|(la, lo)| {
                let (x, y) = project(*la, *lo, b, w, h);
                format!("{x:.1},{y:.1}")
            })
            .collect::<Vec<_>>()
            .join(" ");
        let ring = pin.and_then(|(code, la, lo)| {
            list.iter().any(|s| s.code == code).then(|| {
                let (x, y) = project(la, lo, b, w, h);
                view! { <circle class="pin" cx=format!("{x:.1}") cy=format!("{y:.1}") r="16"/> }
            })
        });
        let spots = list
            .iter()
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
                        .unwrap_or(t!(lang, crowd.no_data))
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
            .collect_view();
        view! {
            <polygon class="district" points=outline/>
            {ring}
            {spots}
        }
    };
    view! {
        <div id="crowd-map" class="crowd-map" data-testid="crowd-map">
            <svg viewBox=format!("0 0 {w} {h}") role="img"
                aria-label={t!(lang, crowd.crowd_map_higher_numbers_are)}>
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
    /// The emergency place the view was last fitted to.
    pinned: Option<String>,
    /// Click handlers of the current markers (dropped with them).
    handlers: Vec<wasm_bindgen::closure::Closure<dyn FnMut()>>,
}

#[cfg(feature = "hydrate")]
fn js_options(pairs: &[(&str, wasm_bindgen::JsValue)]) -> js_sys::Object {
    let options = js_sys::Object::new();
    for (k, v) in pairs {
        let _ = js_sys::Reflect::set(&options, &wasm_bindgen::JsValue::from_str(k), v);
    }
    options
}

/// Call `obj.method(args…)` by name (for Leaflet methods the crate binds wrongly or not at all).
#[cfg(feature = "hydrate")]
fn js_call(obj: &wasm_bindgen::JsValue, method: &str, args: &[wasm_bindgen::JsValue]) {
    use wasm_bindgen::JsCast;
    if let Ok(f) = js_sys::Reflect::get(obj, &wasm_bindgen::JsValue::from_str(method)) {
        if let Some(f) = f.dyn_ref::<js_sys::Function>() {
            let args: js_sys::Array = args.iter().collect();
            let _ = f.apply(obj, &args);
        }
    }
}

#[cfg(feature = "hydrate")]
fn leaflet_update(
    state: &mut Option<LeafletState>,
    list: &[HotSpotStatus],
    pin: Option<(String, f64, f64)>,
    lang: Lang,
    go: impl Fn(&str) + Clone + 'static,
) {
    use leaflet::{
        Circle, CircleMarker, LatLng, LatLngBounds, LayerGroup, Map, MapOptions, Polygon, TileLayer,
    };
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};

    if state.is_none() {
        if crate::client::leaflet_container("crowd-map").is_none() {
            return;
        }
        let Ok(map) = Map::new("crowd-map", &MapOptions::default()) else {
            return;
        };
        if let Some(tiles) = crate::client::map_tiles() {
            TileLayer::new(&tiles).add_to(&map);
        }
        // The district outline: readable even when no tiles load.
        let outline: js_sys::Array = DISTRICT_OUTLINE
            .iter()
            .map(|(la, lo)| JsValue::from(LatLng::new(*la, *lo)))
            .collect();
        let district = Polygon::new_with_options(
            &outline,
            &js_options(&[
                ("color", JsValue::from_str("#0b5cad")),
                ("weight", JsValue::from_f64(2.0)),
                ("fillOpacity", JsValue::from_f64(0.04)),
                ("interactive", JsValue::FALSE),
            ])
            .unchecked_into(),
        );
        district.add_to(&map);
        let layer = LayerGroup::new();
        layer.add_to(&map);
        *state = Some(LeafletState {
            map,
            layer,
            fitted: false,
            pinned: None,
            handlers: Vec::new(),
        });
    }
    let Some(s) = state.as_mut() else { return };
    s.layer.clear_layers();
    s.handlers.clear();
    let now = Utc::now();
    if let Some((_, la, lo)) = &pin {
        let ring = Circle::new_with_options(
            &LatLng::new(*la, *lo),
            &js_options(&[
                ("radius", JsValue::from_f64(400.0)),
                ("color", JsValue::from_str("#b00020")),
                ("weight", JsValue::from_f64(3.0)),
                ("dashArray", JsValue::from_str("6 4")),
                ("fillOpacity", JsValue::from_f64(0.08)),
                ("interactive", JsValue::FALSE),
            ])
            .unchecked_into(),
        );
        s.layer.add_layer(&ring);
    }
    for h in list.iter().rev() {
        let stale = h.is_stale(now);
        let (color, weight) = match h.level.filter(|_| !stale).map(|l| l.number()) {
            Some(4) => ("#b04a00", 4),
            Some(3) => ("#9a6a00", 3),
            Some(2) => ("#00795a", 2),
            Some(1) => ("#0072b2", 1),
            _ => ("#555555", 1),
        };
        let options = js_options(&[
            ("color", JsValue::from_str("#ffffff")),
            ("fillColor", JsValue::from_str(color)),
            ("fillOpacity", JsValue::from_f64(0.9)),
            ("weight", JsValue::from_f64(2.0)),
            ("radius", JsValue::from_f64(6.0 + 2.0 * weight as f64)),
        ]);
        let marker = CircleMarker::new_with_options(&LatLng::new(h.lat, h.lon), &options);
        let pop = match (h.population_min, h.population_max) {
            (Some(a), Some(b)) => format!("{a}–{b}{}", t!(lang, crowd.people)),
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
            .unwrap_or(t!(lang, crowd.no_data));
        let text = format!("{} — {level} · {pop} · {ago}", h.name(lang));
        // Leaflet's `bindTooltip(content)`, called directly (the crate's binding of the
        // two-argument form names a method Leaflet does not have). A string is set as HTML,
        // so the place name (written by an administrator) is escaped.
        let text = crate::markdown::escape_html(&text);
        js_call(&marker, "bindTooltip", &[JsValue::from_str(&text)]);
        // A click opens the place's panel (trend and forecast).
        let code = h.code.clone();
        let go = go.clone();
        let click = Closure::<dyn FnMut()>::new(move || go(&code));
        js_call(
            &marker,
            "on",
            &[JsValue::from_str("click"), click.as_ref().clone()],
        );
        s.handlers.push(click);
        s.layer.add_layer(&marker);
    }
    let pinned_code = pin.as_ref().map(|p| p.0.clone());
    if let Some((code, la, lo)) = pin.filter(|p| s.pinned.as_deref() != Some(p.0.as_str())) {
        // Emergency: show the pinned place close up, once.
        let _ = code;
        s.map.set_view(&LatLng::new(la, lo), 15.0);
        s.fitted = true;
    } else if !s.fitted && !list.is_empty() {
        let b = bounds_of(list);
        s.map.fit_bounds(&LatLngBounds::new(
            &LatLng::new(b[0][0], b[0][1]),
            &LatLng::new(b[1][0], b[1][1]),
        ));
        s.fitted = true;
    }
    s.pinned = pinned_code;
}

/// Hot spots, the most crowded first; stale readings are labelled, never shown as live. Each
/// name opens the place's panel.
#[component]
pub fn CrowdList(
    mut spots: Vec<HotSpotStatus>,
    #[prop(optional)] all: bool,
    #[prop(optional, into)] q: String,
) -> impl IntoView {
    let lang = expect_context::<Lang>();
    let now = Utc::now();
    crate::model::sort_spots(&mut spots, now);
    let rows = spots
        .into_iter()
        .map(|h| {
            let stale = h.is_stale(now);
            let level = match h.level {
                Some(l) if !stale => view! { <span class=l.css_class()>{l.label(lang)}</span> }.into_any(),
                Some(l) => view! { <span class="lvl lvl-stale">{l.label(lang)} " (" {t!(lang, crowd.stale)} ")"</span> }.into_any(),
                None => view! { <span class="lvl lvl-stale">{t!(lang, crowd.no_data)}</span> }.into_any(),
            };
            let pop = match (h.population_min, h.population_max) {
                (Some(a), Some(b)) => format!("{a}–{b}{}", t!(lang, crowd.people)),
                _ => String::new(),
            };
            let ago = h.observed_at.map(|t| crate::jobs::age(t, now, lang));
            let href = crowd_href(all, &q, Some(&h.code));
            view! {
                <li class="crowd-row" data-code=h.code.clone()>
                    <a class="crowd-name" href=href>{h.name(lang).to_string()}</a>
                    {level}
                    <span class="crowd-pop">{pop}</span>
                    <span class="crowd-time">{ago}</span>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="crowd-list">{rows}</ul> }
}

/// Emergency mode's safety message and pinned place; on pages other than the map (`site`) with
/// a link to the light list.
#[component]
fn EmergencyBox(e: crate::crowd::EmergencyInfo, #[prop(optional)] site: bool) -> impl IntoView {
    let lang = expect_context::<Lang>();
    let place = e
        .spot_name_ko
        .clone()
        .zip(e.spot_name_en.clone())
        .map(|(ko, en)| format!(" — {}", lang.pick(&ko, &en)));
    let link = site.then(|| {
        view! { " " <a href="/crowd/lite">{t!(lang, crowd.see_live_crowd_levels)}</a> }
    });
    view! {
        <div class=if site { "emergency site-emergency" } else { "emergency" } role="alert" data-testid="emergency">
            <strong>{t!(lang, crowd.emergency_notice)}{place}</strong>
            <p>{e.message(lang).to_string()}{link}</p>
        </div>
    }
}

/// Emergency mode's safety message on every page (the crowd map shows it in its live banner).
#[component]
pub fn EmergencyNotice() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    let alerts = Resource::new(|| (), |_| crowd_alerts());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let on_map = location.pathname.get_untracked() == "/crowd";
                alerts
                    .await
                    .ok()
                    .and_then(|a| a.emergency)
                    .filter(|_| !on_map)
                    .map(|e| view! { <EmergencyBox e site=true/> })
            })}
        </Suspense>
    }
}

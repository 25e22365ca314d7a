//! The dataset page's data section: for each profiled distribution, its column profile, a
//! preview of the first rows, a map preview when coordinates were detected, and for editors
//! the "use as data dictionary" link and the upload that profiles a new data file.

use leptos::prelude::*;
use types::t;

use crate::components::common::ErrorBox;
use crate::i18n::Lang;
use crate::jobs::{DistributionProfile, JobInfo};
use crate::model::Distribution;
use crate::pages::jobs::JobLive;
use crate::profiling::Profile;

#[component]
pub fn ProfileSection(
    slug: String,
    can_edit: bool,
    distributions: Vec<Distribution>,
    profiles: Vec<DistributionProfile>,
) -> impl IntoView {
    let lang = expect_context::<Lang>();
    if profiles.is_empty() && !can_edit {
        return ().into_any();
    }
    let list = profiles
        .clone()
        .into_iter()
        .map(|p| view! { <ProfileView p slug=slug.clone() can_edit/> })
        .collect_view();
    let leaflet = profiles
        .iter()
        .any(|p| !p.profile.points.is_empty())
        .then(|| {
            view! {
                <link rel="stylesheet" href="/vendor/leaflet/leaflet.css"/>
                <script src="/vendor/leaflet/leaflet.js"></script>
            }
        });
    let upload = (can_edit && !distributions.is_empty())
        .then(|| view! { <ProfileUpload slug=slug.clone() distributions/> });
    view! {
        <section aria-labelledby="profile-h" class="profiles">
            <h2 id="profile-h">{t!(lang, profile.data_preview)}</h2>
            {leaflet}
            {list}
            {upload}
        </section>
    }
    .into_any()
}

fn pct(r: f64) -> String {
    format!("{:.1}%", r * 100.0)
}

#[component]
fn ProfileView(p: DistributionProfile, slug: String, can_edit: bool) -> impl IntoView {
    let lang = expect_context::<Lang>();
    let DistributionProfile {
        id,
        url: _,
        file_name,
        created_at,
        profile,
    } = p;
    let Profile {
        format,
        encoding,
        rows,
        columns,
        preview,
        lat_column,
        lon_column,
        points,
        bounds,
        warnings,
    } = profile;
    let summary = t!(
        lang,
        profile.summary,
        file = &file_name,
        format = format.to_uppercase(),
        rows = rows,
        columns = columns.len()
    )
    .to_string();
    let encoding = encoding.map(|e| format!(" · {e}"));
    let heads = columns
        .iter()
        .map(|c| view! { <th scope="col">{c.name.clone()}</th> })
        .collect_view();
    let body = preview
        .into_iter()
        .map(|row| {
            let cells = row
                .into_iter()
                .map(|v| view! { <td>{v}</td> })
                .collect_view();
            view! { <tr>{cells}</tr> }
        })
        .collect_view();
    let stats = columns
        .iter()
        .map(|c| {
            view! {
                <tr>
                    <th scope="row"><code>{c.name.clone()}</code></th>
                    <td>{c.data_type.clone()}</td>
                    <td>{pct(c.null_ratio)}</td>
                    <td>{c.min.clone().unwrap_or_default()}</td>
                    <td>{c.max.clone().unwrap_or_default()}</td>
                    <td>{c.distinct_estimate}</td>
                    <td>{c.samples.join(", ")}</td>
                </tr>
            }
        })
        .collect_view();
    let coords = match (lat_column, lon_column) {
        (Some(lat), Some(lon)) if !points.is_empty() => Some(view! {
            <h4>{t!(lang, profile.map_preview)}</h4>
            <p class="hint">{t!(lang, profile.coordinates, lat = &lat, lon = &lon, n = points.len()).to_string()}</p>
            <MapPreview id points bounds/>
        }),
        _ => None,
    };
    let warnings = (!warnings.is_empty()).then(|| {
        let items = warnings
            .into_iter()
            .map(|w| view! { <li>{w}</li> })
            .collect_view();
        view! { <ul class="warnings">{items}</ul> }
    });
    let use_it = can_edit.then(|| {
        let href = format!("/datasets/{slug}/edit?columns_from={id}");
        view! { <p><a class="button" href=href data-testid="use-profile">{t!(lang, profile.use_as_the_data_dictionary)}</a></p> }
    });
    view! {
        <article class="profile" data-testid="profile">
            <h3>{summary}{encoding}</h3>
            <p class="hint"><time datetime=created_at.to_rfc3339()>{created_at.format("%Y-%m-%d %H:%M UTC").to_string()}</time></p>
            {warnings}
            <h4>{t!(lang, profile.first_rows)}</h4>
            <div class="table-wrap" tabindex="0" role="region" aria-label={t!(lang, profile.first_rows)}>
                <table class="preview" data-testid="preview-table">
                    <thead><tr>{heads}</tr></thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
            <details>
                <summary>{t!(lang, profile.column_statistics)}</summary>
                <div class="table-wrap"><table>
                    <thead><tr>
                        <th scope="col">{t!(lang, profile.column)}</th><th scope="col">{t!(lang, profile.type_label)}</th>
                        <th scope="col">{t!(lang, profile.empty)}</th><th scope="col">{t!(lang, profile.min)}</th>
                        <th scope="col">{t!(lang, profile.max)}</th><th scope="col">{t!(lang, profile.distinct_est)}</th>
                        <th scope="col">{t!(lang, profile.samples)}</th>
                    </tr></thead>
                    <tbody>{stats}</tbody>
                </table></div>
            </details>
            {coords}
            {use_it}
        </article>
    }
}

/// Points as a server-rendered SVG (readable without JavaScript, and when tiles cannot load);
/// in the browser, a Leaflet map over the same points when Leaflet is available.
#[component]
fn MapPreview(id: i32, points: Vec<[f64; 2]>, bounds: Option<[[f64; 2]; 2]>) -> impl IntoView {
    let lang = expect_context::<Lang>();
    let [[min_lat, min_lon], [max_lat, max_lon]] = bounds.unwrap_or_else(|| {
        points.iter().fold(
            [[f64::MAX, f64::MAX], [f64::MIN, f64::MIN]],
            |[[a, b], [c, d]], [lat, lon]| [[a.min(*lat), b.min(*lon)], [c.max(*lat), d.max(*lon)]],
        )
    });
    // Equirectangular, corrected for latitude, in a 320-wide box with a margin.
    let k = ((min_lat + max_lat) / 2.0).to_radians().cos().max(0.1);
    let w = ((max_lon - min_lon) * k).max(1e-6);
    let h = (max_lat - min_lat).max(1e-6);
    let scale = (300.0 / w).min(200.0 / h);
    let (vw, vh) = (w * scale + 20.0, h * scale + 20.0);
    let dots = points
        .iter()
        .map(|[lat, lon]| {
            let x = 10.0 + (lon - min_lon) * k * scale;
            let y = 10.0 + (max_lat - lat) * scale;
            view! { <circle cx=format!("{x:.1}") cy=format!("{y:.1}") r="3"/> }
        })
        .collect_view();
    let map_id = format!("profile-map-{id}");
    #[cfg(feature = "hydrate")]
    {
        let map_id = map_id.clone();
        let points = points.clone();
        request_animation_frame(move || {
            mount_leaflet(&map_id, &points, [[min_lat, min_lon], [max_lat, max_lon]])
        });
    }
    let label = t!(lang, profile.points_map, n = points.len()).to_string();
    view! {
        <div class="map-preview" id=map_id data-testid="map-preview">
            <svg viewBox=format!("0 0 {vw:.0} {vh:.0}") role="img" aria-label=label class="points">
                <rect width="100%" height="100%" class="points-bg"/>
                {dots}
            </svg>
        </div>
    }
}

#[cfg(feature = "hydrate")]
fn mount_leaflet(id: &str, points: &[[f64; 2]], b: [[f64; 2]; 2]) {
    use leaflet::{CircleMarker, LatLng, LatLngBounds, Map, MapOptions, TileLayer};

    if crate::client::leaflet_container(id).is_none() {
        return;
    }
    let Ok(map) = Map::new(id, &MapOptions::default()) else {
        return;
    };
    if let Some(tiles) = crate::client::map_tiles() {
        TileLayer::new(&tiles).add_to(&map);
    }
    map.fit_bounds(&LatLngBounds::new(
        &LatLng::new(b[0][0], b[0][1]),
        &LatLng::new(b[1][0], b[1][1]),
    ));
    for [lat, lon] in points {
        CircleMarker::new(&LatLng::new(*lat, *lon)).add_to(&map);
    }
}

/// Editors: attach a data file to one of the distributions; it is profiled in the background.
#[component]
fn ProfileUpload(slug: String, distributions: Vec<Distribution>) -> impl IntoView {
    let lang = expect_context::<Lang>();
    let sent = RwSignal::new(None::<(f64, f64)>);
    let job = RwSignal::new(None::<JobInfo>);
    let error = RwSignal::new(None::<crate::error::AppError>);
    let busy = RwSignal::new(false);
    let chosen = RwSignal::new(
        distributions
            .first()
            .map(|d| d.url.clone())
            .unwrap_or_default(),
    );
    let options = distributions
        .into_iter()
        .map(|d| view! { <option value=d.url.clone()>{format!("{} ({})", d.title, d.format)}</option> })
        .collect_view();
    let start = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        job.set(None);
        #[cfg(feature = "hydrate")]
        {
            let slug = slug.clone();
            leptos::task::spawn_local(async move {
                let url = format!(
                    "/api/v1/datasets/{}/profile?url={}",
                    crate::search::encode(&slug),
                    crate::search::encode(&chosen.get_untracked())
                );
                let result = crate::client::upload_file(&url, "profile-file", move |a, b| {
                    sent.set(Some((a, b)))
                })
                .await;
                match result {
                    Ok((202, text)) => {
                        let id = serde_json::from_str::<serde_json::Value>(&text)
                            .ok()
                            .and_then(|v| v["job"].as_i64())
                            .and_then(|n| i32::try_from(n).ok());
                        match id {
                            Some(id) => match crate::api::jobs::job(id).await {
                                Ok(info) => job.set(Some(info)),
                                Err(e) => error.set(Some(e)),
                            },
                            None => error.set(Some(crate::error::AppError::Transport(
                                "HTTP 202 without a job".into(),
                            ))),
                        }
                    }
                    Ok((status, text)) => {
                        let e = serde_json::from_str::<serde_json::Value>(&text)
                            .ok()
                            .and_then(|v| serde_json::from_value(v["error"]["detail"].clone()).ok())
                            .unwrap_or(crate::error::AppError::Transport(format!("HTTP {status}")));
                        error.set(Some(e));
                    }
                    Err(e) => error.set(Some(crate::error::AppError::validation("file", &e, &e))),
                }
                busy.set(false);
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&slug, chosen);
    };
    view! {
        <details class="profile-upload" data-testid="profile-upload">
            <summary>{t!(lang, profile.profile_a_data_file)}</summary>
            <p class="hint">{t!(lang, profile.upload_a_csv_utf_8)}</p>
            <label for="profile-dist">{t!(lang, profile.distribution)}</label>
            <select id="profile-dist" on:change=move |e| chosen.set(event_target_value(&e))>{options}</select>
            <label for="profile-file">{t!(lang, profile.file)}</label>
            <input id="profile-file" type="file" accept=".csv,.tsv,.txt,.xlsx,.geojson,.json"/>
            <p><button type="button" class="button" disabled=move || busy.get() on:click=start data-testid="profile-start">
                {t!(lang, profile.upload_and_profile)}</button></p>
            {move || sent.get().filter(|_| busy.get()).map(|(a, b)| {
                let p = if b > 0.0 { (a / b * 100.0).round() as u32 } else { 0 };
                view! {
                    <p>{t!(lang, profile.uploading)} " "
                        <progress max="100" value=p.to_string() aria-label=format!("{p}%")></progress> " " {format!("{p}%")}</p>
                }
            })}
            {move || error.get().map(|err| view! { <ErrorBox err/> })}
            {move || job.get().map(|info| view! { <JobLive info/> })}
        </details>
    }
}

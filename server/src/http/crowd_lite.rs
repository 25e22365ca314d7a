//! `GET /crowd/lite`: every hot spot's crowd level as one small HTML page with no JavaScript and
//! no external files (a few KB), for phones on congested networks during a crowd emergency. By
//! default the district's own places; `?district=all` the whole city; `?q=` filters by name;
//! `?refresh=on` reloads it every minute — only when the reader asks for it, with a link to
//! stop (an unasked-for reload throws screen readers back to the top: WCAG 2.2.1).

use app::model::HotSpotStatus;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use types::t;

use crate::http::{ApiError, AppState};

use app::markdown::escape_html as escape;

fn thousands(n: i32) -> String {
    let s = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

pub async fn page(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let mut all = false;
    let mut refresh = false;
    let mut q = String::new();
    for (k, v) in app::search::parse_query_string(raw.as_deref().unwrap_or("")) {
        match k.as_str() {
            "district" => all = v == "all",
            "refresh" => refresh = v == "on",
            "q" => q = v.chars().take(50).collect(),
            _ => {}
        }
    }
    let lang = crate::http::lang::from_headers(&headers);
    let live = &state.services.crowd_live;
    let status: Vec<HotSpotStatus> = live
        .snapshot(&state.services.db)
        .await?
        .value
        .as_ref()
        .clone();
    let alerts = live.alerts_snapshot(&state.services.db).await?.value;
    let now = Utc::now();
    let mut shown = app::model::select_spots(status, all, &q, now);
    // The place emergency mode pins comes first.
    if let Some(code) = alerts
        .emergency
        .as_ref()
        .and_then(|e| e.spot_code.as_deref())
    {
        if let Some(i) = shown.iter().position(|h| h.code == code) {
            let pinned = shown.remove(i);
            shown.insert(0, pinned);
        }
    }
    let mut banner = String::new();
    if let Some(e) = &alerts.emergency {
        let place = match (&e.spot_name_ko, &e.spot_name_en) {
            (Some(ko), Some(en)) => format!(" ({})", escape(lang.pick(ko, en))),
            _ => String::new(),
        };
        banner.push_str(&format!(
            "<div class=em role=alert><strong>{}{place}</strong><p>{}</div>",
            t!(lang, crowd_lite.emergency_notice),
            escape(e.message(lang))
        ));
    }
    if !alerts.alerts.is_empty() {
        banner.push_str(&format!(
            "<div class=al role=status><strong>{}</strong><ul>",
            t!(lang, crowd_lite.crowd_alerts)
        ));
        for a in &alerts.alerts {
            banner.push_str(&format!(
                "<li>{} — {}",
                escape(a.spot_name(lang)),
                a.level.map(|l| l.label(lang)).unwrap_or_default()
            ));
        }
        banner.push_str("</ul></div>");
    }
    let mut rows = String::new();
    for h in &shown {
        let stale = h.is_stale(now);
        let (class, level) = match h.level {
            Some(l) if !stale => (format!("l{}", l.number()), l.label(lang).to_string()),
            Some(l) => (
                "ls".to_string(),
                format!("{} ({})", l.label(lang), t!(lang, crowd_lite.stale)),
            ),
            None => ("ls".to_string(), t!(lang, crowd_lite.no_data).to_string()),
        };
        let pop = match (h.population_min, h.population_max) {
            // `<wbr>`: a narrow phone may break the range after the dash.
            (Some(a), Some(b)) => format!("{}–<wbr>{}", thousands(a), thousands(b)),
            _ => String::new(),
        };
        let ago = h
            .observed_at
            .map(|o| app::jobs::age(o, now, lang))
            .unwrap_or_default();
        rows.push_str(&format!(
            "<tr class={class}><th scope=row>{}<td><b>{}</b><td>{pop}<td>{ago}\n",
            escape(h.name(lang)),
            escape(&level)
        ));
    }
    if shown.is_empty() {
        rows.push_str(&format!(
            "<tr><td colspan=4>{}\n",
            t!(lang, crowd_lite.no_matching_place)
        ));
    }
    // The page's address with these choices (the search text is kept).
    let href = |all: bool, refresh: bool| {
        let mut params = Vec::new();
        if all {
            params.push("district=all".to_string());
        }
        if !q.is_empty() {
            params.push(format!("q={}", app::search::encode(&q)));
        }
        if refresh {
            params.push("refresh=on".to_string());
        }
        if params.is_empty() {
            "/crowd/lite".to_string()
        } else {
            format!("/crowd/lite?{}", params.join("&amp;"))
        }
    };
    let scope_link = if all {
        format!(
            "<a href=\"{}\">{}</a>",
            href(false, refresh),
            t!(lang, crowd_lite.seongdong_gu_only)
        )
    } else {
        format!(
            "<a href=\"{}\">{}</a>",
            href(true, refresh),
            t!(lang, crowd_lite.all_of_seoul)
        )
    };
    let refresh_links = if refresh {
        format!(
            "{} · <a href=\"{}\">{}</a>",
            t!(lang, crowd_lite.refreshing_every_minute),
            href(all, false),
            t!(lang, crowd_lite.stop_refreshing)
        )
    } else {
        format!(
            "<a href=\"{}\">{}</a> · <a href=\"{}\">{}</a>",
            href(all, false),
            t!(lang, crowd_lite.refresh_now),
            href(all, true),
            t!(lang, crowd_lite.refresh_every_minute)
        )
    };
    let meta_refresh = if refresh {
        "<meta http-equiv=refresh content=60>"
    } else {
        ""
    };
    let html = format!(
        "<!doctype html><html lang={lang_code}><meta charset=utf-8>\
<meta name=viewport content=\"width=device-width,initial-scale=1\">\
{meta_refresh}\
<title>{title}</title>\
<style>body{{font:16px/1.4 system-ui,sans-serif;margin:0 auto;max-width:40rem;padding:.5rem}}\
table{{width:100%;border-collapse:collapse}}th,td{{text-align:left;padding:.35rem .2rem;border-bottom:1px solid #ccc;overflow-wrap:anywhere}}\
th{{font-weight:600}}b{{display:inline-block;padding:0 .3rem;border-radius:.25rem;color:#fff}}\
.l1 b{{background:#0072b2}}.l1 b::before{{content:'○ '}}.l2 b{{background:#00795a}}.l2 b::before{{content:'◔ '}}\
.l3 b{{background:#9a6a00}}.l3 b::before{{content:'◑ '}}.l4 b{{background:#b04a00}}.l4 b::before{{content:'● '}}\
.ls b{{background:#555}}input,button{{font:inherit;min-height:44px}}a{{color:#0b57d0}}\
.em{{border:3px solid #b00020;padding:.5rem;margin:.5rem 0}}.al{{border:2px solid #9a6a00;padding:.5rem;margin:.5rem 0}}</style>\
<h1>{title}</h1>{banner}<p>{updated} {time} KST · {scope_link} · <a href=\"/crowd\">{map}</a></p>\
<p>{refresh_links}</p>\
<form method=get action=/crowd/lite>{all_field}{refresh_field}<label for=q>{search}</label> <input id=q name=q value=\"{q}\"> <button>{go}</button></form>\
<table><thead><tr><th scope=col>{place}<th scope=col>{level}<th scope=col>{people}<th scope=col>{when}</thead><tbody>\n{rows}</tbody></table>\
<p>{note}</p></html>",
        lang_code = lang.code(),
        title = t!(lang, crowd_lite.live_crowd_levels_light),
        updated = t!(lang, crowd_lite.updated),
        time = app::crowd::kst_hm(now),
        map = t!(lang, crowd_lite.map),
        all_field = if all {
            "<input type=hidden name=district value=all>"
        } else {
            ""
        },
        refresh_field = if refresh {
            "<input type=hidden name=refresh value=on>"
        } else {
            ""
        },
        search = t!(lang, crowd_lite.find_a_place),
        q = escape(&q),
        go = t!(lang, crowd_lite.search),
        place = t!(lang, crowd_lite.place),
        level = t!(lang, crowd_lite.level),
        people = t!(lang, crowd_lite.people),
        when = t!(lang, crowd_lite.observed),
        note = t!(lang, crowd_lite.please_avoid_busy_places),
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=15"),
            // No script at all; its one inline style block; forms to itself only.
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; \
                 form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
            ),
        ],
        html,
    )
        .into_response())
}

/// In emergency mode the public crowd map is the light list: a reader who is not signed in and
/// asks for `/crowd` is sent to `/crowd/lite` (same query), which carries the safety message and
/// loads in one small response. Staff keep the full map.
pub async fn light_in_emergency(
    State(state): State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let emergency = req.method() == axum::http::Method::GET
        && req.uri().path() == "/crowd"
        && app::ssr::cookie(req.headers(), app::ssr::SESSION_COOKIE).is_none()
        && state
            .services
            .crowd_live
            .alerts
            .current()
            .is_some_and(|f| f.value.emergency.is_some());
    if !emergency {
        return next.run(req).await;
    }
    let to = match req.uri().query() {
        Some(q) => format!("/crowd/lite?{q}"),
        None => "/crowd/lite".to_string(),
    };
    (
        axum::http::StatusCode::SEE_OTHER,
        [
            (header::LOCATION, to),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_escaping() {
        assert_eq!(thousands(36_000), "36,000");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(escape("<a href='x'>&"), "&lt;a href=&#39;x&#39;&gt;&amp;");
    }
}

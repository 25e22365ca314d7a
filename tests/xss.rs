//! Cross-site scripting: a hostile string goes into every field a person can write (dataset
//! fields, revision messages, comments, proposals, residents' reports, crowd places, alert
//! notes, the emergency message, harvest sources, departments, users, terms, API key names,
//! search and login parameters), then every page and feed that shows them is read, as staff and
//! as the public. Outside `<script>` blocks the markup never comes back as markup, no link is
//! `javascript:`, and each accepted field is seen escaped somewhere (so the test cannot pass by
//! showing nothing).

use std::collections::BTreeMap;

use dongne_tests::{dataset_version, get_json, public_dataset, send, Backend, TestApp};
use reqwest::StatusCode;
use serde_json::json;

const PASSWORD: &str = "dongne-demo";

/// The hostile string of field number `n`: it closes an attribute and opens an element.
fn probe(n: usize) -> String {
    format!("\"'><img src=x onerror=alert({n})>")
}

/// The same, once escaped as text.
fn escaped(n: usize) -> String {
    format!("&lt;img src=x onerror=alert({n})&gt;")
}

/// The HTML outside `<script>…</script>` blocks (JSON inside them is data, not markup; breaking
/// out of one would leave `<img` outside it).
fn outside_scripts(html: &str) -> String {
    let mut out = String::new();
    let lower = html.to_ascii_lowercase();
    let mut at = 0;
    while let Some(open) = lower[at..].find("<script").map(|i| at + i) {
        out.push_str(&html[at..open]);
        match lower[open..].find("</script").map(|i| open + i) {
            Some(close) => at = close + "</script".len(),
            None => return out,
        }
    }
    out.push_str(&html[at..]);
    out
}

/// Fields written so far: number → where it went (for messages).
#[derive(Default)]
struct Probes(BTreeMap<usize, String>);

impl Probes {
    /// The next probe for `what`.
    fn next(&mut self, what: &str) -> (usize, String) {
        let n = self.0.len() + 1;
        self.0.insert(n, what.to_string());
        (n, probe(n))
    }

    /// `what` was refused by validation: it is stored nowhere, so it need not be seen.
    fn refused(&mut self, n: usize) {
        self.0.remove(&n);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_written_field_is_escaped_on_every_page() {
    let Some(app) = TestApp::start(Backend::Sqlite).await else {
        return;
    };
    let (admin, _) = app.login("admin", PASSWORD).await;
    let (d, owner, other) = public_dataset(&app).await;
    let (steward, _) = app.login(&format!("{owner}-steward"), PASSWORD).await;
    let (outsider, _) = app.login(&format!("{other}-editor"), PASSWORD).await;
    let mut probes = Probes::default();

    // Every text field of the dataset, one edit each (a refused value is stored nowhere).
    for field in [
        "title_ko",
        "title_en",
        "description_ko",
        "description_en",
        "source_institution",
        "spatial_coverage",
        "contact_name",
        "contact_phone",
        "contact_email",
        "license",
    ] {
        let (n, p) = probes.next(&format!("dataset {field}"));
        let v = dataset_version(&app, d.id).await;
        let (s, e) = send(
            steward
                .patch(app.url(&format!("/api/v1/datasets/{}", d.id)))
                .header("if-match", format!("\"{v}\""))
                .json(&json!({ field: p, "message": probe(n) })),
        )
        .await;
        match s {
            StatusCode::OK => {}
            StatusCode::BAD_REQUEST => probes.refused(n),
            _ => panic!("{field}: {s} {e}"),
        }
    }
    let keyword = probes.next("keyword").1;
    let distribution = probes.next("distribution title").1;
    let column = probes.next("column description").1;
    let unit = probes.next("column unit").1;
    let v = dataset_version(&app, d.id).await;
    let (s, e) = send(
        steward
            .patch(app.url(&format!("/api/v1/datasets/{}", d.id)))
            .header("if-match", format!("\"{v}\""))
            .json(&json!({
                "keywords": [keyword],
                "distributions": [{ "title": distribution, "kind": "file", "url": "https://example.com/a.csv", "format": "CSV", "size_bytes": null }],
                "columns": [{ "name": "c1", "data_type": "text", "description": column, "unit": unit }],
            })),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "keywords, distributions, columns: {e}");
    // A link may not be a script.
    let v = dataset_version(&app, d.id).await;
    let (s, _) = send(
        steward
            .patch(app.url(&format!("/api/v1/datasets/{}", d.id)))
            .header("if-match", format!("\"{v}\""))
            .json(&json!({ "distributions": [{ "title": "x", "kind": "file", "url": "javascript:alert(1)", "format": "CSV", "size_bytes": null }] })),
    )
    .await;
    assert_eq!(
        s,
        StatusCode::BAD_REQUEST,
        "a javascript: download link is refused"
    );

    // A comment, a proposal from another department, a resident's report.
    let (_, p) = probes.next("comment");
    let (s, e) = send(
        steward
            .post(app.url(&format!("/api/v1/datasets/{}/comments", d.id)))
            .json(&json!({ "body": p })),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{e}");
    let (_, title) = probes.next("proposed title");
    let (_, message) = probes.next("proposal message");
    let v = dataset_version(&app, d.id).await;
    let (s, e) = send(
        outsider
            .post(app.url(&format!("/api/v1/datasets/{}/proposals", d.slug)))
            .header("if-match", format!("\"{v}\""))
            .json(&json!({ "title_en": title, "message": message })),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{e}");
    let (_, body) = probes.next("report text");
    let (contact_n, contact) = probes.next("report contact");
    let report = |contact: String| {
        app.client()
            .post(app.url(&format!("/datasets/{}/feedback", d.slug)))
            .header("accept", "application/json")
            .form(&[
                ("kind", "wrong_data".to_string()),
                ("body", format!("{body} is wrong")),
                ("contact", contact),
                ("website", String::new()),
            ])
    };
    let (mut s, mut e) = send(report(contact)).await;
    if s == StatusCode::BAD_REQUEST && e["error"]["field"] == "contact" {
        probes.refused(contact_n);
        (s, e) = send(report("resident@example.com".into())).await;
    }
    assert!(s.is_success(), "report: {s} {e}");

    // Crowd: a local place, an alert on it with a note, the emergency message.
    let (_, name_ko) = probes.next("place name_ko");
    let (_, name_en) = probes.next("place name_en");
    let (s, e) = send(admin.post(app.url("/api/v1/crowd/spots")).json(&json!({
        "code": "xss-point", "name_ko": name_ko, "name_en": name_en, "lat": 37.544, "lon": 127.05
    })))
    .await;
    assert_eq!(s, StatusCode::CREATED, "{e}");
    let token = e["token"].as_str().unwrap().to_string();
    let (s, e) = send(
        admin
            .post(app.url("/api/v1/crowd/rules"))
            .json(&json!({ "spot_code": "xss-point", "min_level": 2, "for_minutes": 0 })),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{e}");
    let (s, e) = send(
        app.client()
            .post(app.url("/api/v1/crowd/spots/xss-point/readings"))
            .header("authorization", format!("Bearer {token}"))
            .json(&json!({ "level": 4, "population_min": 9000, "population_max": 9500 })),
    )
    .await;
    assert!(s.is_success(), "{s} {e}");
    let log = get_json(&admin, &app, "/api/v1/crowd/alerts/log").await;
    let alert = log
        .as_array()
        .and_then(|a| a.iter().find(|a| a["alert"]["spot_code"] == "xss-point"))
        .unwrap_or_else(|| panic!("an alert on the place: {log}"))["alert"]["id"]
        .as_i64()
        .unwrap();
    let (_, note) = probes.next("alert note");
    let (s, e) = send(
        admin
            .post(app.url(&format!("/api/v1/crowd/alerts/{alert}/notes")))
            .json(&json!({ "body": note })),
    )
    .await;
    assert!(s.is_success(), "{s} {e}");
    let (_, message_ko) = probes.next("emergency message_ko");
    let (_, message_en) = probes.next("emergency message_en");
    let (s, e) = send(admin.post(app.url("/api/v1/crowd/emergency")).json(&json!({
        "spot_code": "xss-point", "message_ko": message_ko, "message_en": message_en
    })))
    .await;
    assert!(s.is_success(), "{s} {e}");

    // Administration: a harvest source, a department, a user, a term, an API key.
    let (_, source) = probes.next("harvest source name");
    let (s, e) = send(admin.post(app.url("/api/v1/harvest/sources")).json(&json!({
        "name": source, "kind": "ckan", "url": "https://data.example.org",
        "department": owner, "source_institution": "이웃 구청",
        "default_terms": [], "visibility": "public", "interval_minutes": null, "enabled": false
    })))
    .await;
    assert!(s.is_success(), "{s} {e}");
    let (_, dept_ko) = probes.next("department name_ko");
    let (_, dept_en) = probes.next("department name_en");
    let (s, e) = send(
        admin
            .post(app.url("/api/v1/admin/departments"))
            .json(&json!({
                "code": "xss-office", "name_ko": dept_ko, "name_en": dept_en
            })),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{e}");
    let (_, display) = probes.next("user display name");
    let (s, e) = send(admin.post(app.url("/api/v1/admin/users")).json(&json!({
        "username": "xss-editor", "display_name": display, "role": "editor",
        "department": "xss-office", "password": "a-long-password"
    })))
    .await;
    assert_eq!(s, StatusCode::OK, "{e}");
    let (_, label_ko) = probes.next("term label_ko");
    let (_, label_en) = probes.next("term label_en");
    let (s, e) = send(admin.post(app.url("/api/v1/admin/terms")).json(&json!({
        "scheme": "theme", "code": "xss-theme", "label_ko": label_ko, "label_en": label_en
    })))
    .await;
    assert_eq!(s, StatusCode::OK, "{e}");
    let v = dataset_version(&app, d.id).await;
    let (s, e) = send(
        admin
            .patch(app.url(&format!("/api/v1/datasets/{}", d.id)))
            .header("if-match", format!("\"{v}\""))
            .json(&json!({ "terms": ["theme:xss-theme"] })),
    )
    .await;
    assert_eq!(
        s,
        StatusCode::OK,
        "the dataset is filed under the term: {e}"
    );
    let (_, key) = probes.next("API key name");
    let (s, e) = send(
        admin
            .post(app.url("/api/v1/keys"))
            .json(&json!({ "name": key })),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{e}");

    // Every page that shows them, as the public and as staff, in both languages.
    // Reflected, not stored: they must not come back as markup, but need not come back at all
    // (the login page drops an unsafe `next`).
    let query = probe(900);
    let next = probe(901);
    let enc = |s: &str| app::search::encode(s);
    let slug = &d.slug;
    let public_pages = [
        "/".to_string(),
        "/datasets".into(),
        format!("/datasets?q={}", enc(&query)),
        format!("/datasets?theme=xss-theme&q={}", enc(&query)),
        format!("/datasets/{slug}"),
        "/crowd".into(),
        "/crowd/lite".into(),
        format!("/login?next={}", enc(&next)),
        "/sitemap.xml".into(),
    ];
    let staff_pages = [
        format!("/datasets/{slug}/edit"),
        format!("/datasets/{slug}/history"),
        "/review".into(),
        "/notifications".into(),
        "/freshness".into(),
        "/import".into(),
        "/admin".into(),
        "/admin/jobs".into(),
        "/admin/harvest".into(),
        "/admin/crowd".into(),
        "/account/keys".into(),
    ];
    let mut seen = String::new();
    let anon = app.client();
    let (viewer, _) = app.login("viewer", PASSWORD).await;
    let mut reads = vec![];
    for lang in ["ko", "en"] {
        // Each reader switches language as a person does (the choice is a cookie).
        for client in [&anon, &admin, &steward, &viewer, &outsider] {
            reads.push((client, "switch", lang, format!("/lang/{lang}")));
        }
        for path in &public_pages {
            reads.push((&anon, "public", lang, path.clone()));
            reads.push((&admin, "admin", lang, path.clone()));
        }
        for path in public_pages.iter().chain(&staff_pages) {
            reads.push((&steward, "steward", lang, path.clone()));
        }
        reads.push((&viewer, "viewer", lang, format!("/datasets/{slug}")));
        reads.push((&outsider, "outsider", lang, "/review".into()));
        for path in &staff_pages {
            reads.push((&admin, "admin", lang, path.clone()));
        }
    }
    for (client, who, lang, path) in reads {
        let r = client.get(app.url(&path)).send().await.unwrap();
        let status = r.status();
        // (A page someone may not see is 401/403; its body is checked all the same.)
        assert!(!status.is_server_error(), "{path} as {who}: {status}");
        let html = r.text().await.unwrap();
        let markup = outside_scripts(&html);
        for bad in ["<img src=x", "<script>alert"] {
            if let Some(at) = markup.find(bad) {
                let from = markup[..at]
                    .char_indices()
                    .rev()
                    .nth(120)
                    .map_or(0, |(i, _)| i);
                panic!(
                    "{path} as {who} ({lang}) shows markup from a field: …{}…",
                    &markup[from..(at + 60).min(markup.len())]
                );
            }
        }
        let lower = markup.to_ascii_lowercase();
        assert!(
            !lower.contains("href=\"javascript:") && !lower.contains("src=\"javascript:"),
            "{path} as {who}: a javascript: link"
        );
        seen.push_str(&html);
    }

    // Each stored field was shown (escaped) on some page: the probes really were rendered.
    let unseen: Vec<_> = probes
        .0
        .iter()
        .filter(|(n, _)| {
            !seen.contains(&escaped(**n)) && !seen.contains(&escaped(**n).replace("&gt;", ">"))
        })
        .map(|(n, what)| {
            let marker = format!("alert({n})");
            let context = seen.find(&marker).map(|at| {
                let from = seen[..at]
                    .char_indices()
                    .rev()
                    .nth(60)
                    .map_or(0, |(i, _)| i);
                seen[from..at + marker.len()].to_string()
            });
            (what.as_str(), context)
        })
        .collect();
    assert!(unseen.is_empty(), "never shown escaped: {unseen:?}");
}

//! The matrix itself: every route's rule and the smallest request that reaches its permission
//! check, in the order the checks run.

use reqwest::Method;
use serde_json::json;

use super::{Body, Check, Fixtures, Rule, PASSWORD, PROFILE_CSV};

/// Builds the matrix in order; [`Matrix::add`] fills the route's parameters.
struct Matrix<'a> {
    fixtures: &'a Fixtures,
    checks: Vec<Check>,
}

impl Matrix<'_> {
    fn add(&mut self, method: Method, route: &str, rule: Rule) -> &mut Check {
        self.checks.push(Check {
            url: self.fixtures.fill(route),
            method,
            route: route.to_string(),
            rule,
            body: Body::None,
            if_match: None,
        });
        self.checks.last_mut().unwrap()
    }

    /// A server function: `POST /api/{name}`.
    fn server_fn(&mut self, name: &str, rule: Rule) -> &mut Check {
        self.add(Method::POST, &format!("/api/{name}"), rule)
    }

    fn page(&mut self, route: &str, rule: Rule) -> &mut Check {
        self.add(Method::GET, route, rule)
    }
}

/// Every route's rule, in the order the checks run.
pub(super) fn matrix(f: &Fixtures) -> Vec<Check> {
    use Method as M;
    use Rule::*;
    let mut m = Matrix {
        fixtures: f,
        checks: Vec::new(),
    };
    let draft = f.draft.id;
    let draft_slug = f.draft.slug.as_str();
    let published_slug = f.published.slug.as_str();
    let job = f.job.to_string();
    let feedback = f.feedback.to_string();
    let proposal = f.proposal.to_string();
    let alert = f.alert.to_string();

    // Operations and discovery. `/metrics` is open to direct connections from this machine
    // (the tests' loopback); otherwise it needs the scrape token or an administrator.
    for route in [
        "/healthz",
        "/readyz",
        "/metrics",
        "/lang/{code}",
        "/crowd/lite",
        "/sitemap.xml",
        "/catalog.jsonld",
        "/catalog.ttl",
        "/robots.txt",
        "/api/v1/openapi.json",
        "/api/3/action/package_search",
        "/api/3/action/package_list",
        "/api/3/action/organization_list",
        "/api/3/action/group_list",
        "/api/3/action/tag_list",
        "/api/v1/datasets",
        "/api/v1/freshness",
        "/api/v1/export",
        "/api/v1/crowd",
        "/api/v1/crowd/events",
        "/api/v1/crowd/alerts",
        "/api/v1/crowd/spots/{code}",
        "/api/v1/crowd/spots/{code}/history",
    ] {
        m.add(M::GET, route, Public);
    }
    m.add(M::GET, "/api/v1/suggest", Public).query("q=a");
    // The catalog's public reads do not show another department's draft.
    m.add(M::GET, "/api/3/action/package_show", Owner)
        .query(&format!("id={draft_slug}"));
    m.add(M::POST, "/datasets/{slug}/feedback", Public).form(&[
        ("kind", "wrong_data"),
        ("body", "The RBAC matrix reports a problem."),
    ]);

    // The draft dataset and what hangs off it.
    m.add(M::GET, "/api/v1/datasets/{id}", Owner);
    m.add(M::GET, "/api/v1/datasets/{id}/comments", Owner);
    m.add(M::GET, "/api/v1/datasets/{id}/revisions", Owner);
    m.add(M::GET, "/api/v1/datasets/{id}/revisions/compare", Owner)
        .query("from=1&to=1");
    m.add(M::GET, "/api/v1/datasets/{id}/proposals", Owner);
    m.add(M::GET, "/api/v1/datasets/{id}/live", Owner);
    m.add(M::PATCH, "/api/v1/datasets/{id}", Owner)
        .if_match(draft)
        .json(json!({ "title_en": "RBAC matrix" }));
    let d = &f.draft;
    m.add(M::PUT, "/api/v1/datasets/{id}", Owner)
        .if_match(draft)
        .json(json!({
            "title_ko": d.title_ko, "title_en": "RBAC matrix, whole", "description_ko": d.description_ko,
            "description_en": d.description_en, "keywords": d.keywords, "license": d.license,
            "source_institution": d.source_institution, "update_cycle": d.update_cycle,
            "visibility": d.visibility, "status": d.status, "spatial_coverage": "",
            "contact_name": "", "contact_phone": "", "contact_email": "",
            "last_updated": "", "terms": [], "distributions": [], "columns": []
        }));
    m.add(M::POST, "/api/v1/datasets/{id}/comments", Owner)
        .json(json!({ "body": "RBAC matrix comment" }));
    m.add(M::POST, "/api/v1/datasets/{id}/proposals", Owner)
        .if_match(draft)
        .json(json!({ "title_en": "RBAC matrix proposal" }));
    m.add(
        M::POST,
        "/api/v1/datasets/{id}/revisions/{version}/revert",
        Owner,
    )
    .if_match(draft);
    m.add(M::POST, "/api/v1/datasets/{id}/profile", Owner)
        .query(&format!(
            "url={}&name=x.csv",
            app::search::encode(&f.draft_file_url)
        ))
        .body = Body::Csv(PROFILE_CSV);

    // Staff: working together, jobs, crowd operations, keys.
    for route in [
        "/api/v1/proposals",
        "/api/v1/notifications",
        "/api/v1/activity",
        "/api/v1/jobs",
        "/api/v1/crowd/alerts/log",
        "/api/v1/crowd/rules",
        "/api/v1/keys",
    ] {
        m.add(M::GET, route, Staff);
    }
    m.add(M::POST, "/api/v1/notifications/read", Staff);
    m.add(M::POST, "/api/v1/crowd/alerts/{id}/ack", Staff);
    m.add(M::POST, "/api/v1/crowd/alerts/{id}/notes", Staff)
        .json(json!({ "body": "RBAC matrix note" }));
    m.add(M::POST, "/api/v1/keys", Staff)
        .json(json!({ "name": "RBAC matrix" }));
    // Viewers only read: refused before the sheet is looked at.
    m.add(M::POST, "/api/v1/import", Editor);
    m.add(M::GET, "/api/v1/feedback", Editor);
    // The other department's proposal on the owning department's published dataset: staff who
    // see the dataset read it; its owners decide it (accepted here, so rejecting is too late).
    m.add(M::GET, "/api/v1/proposals/{pid}", Staff);
    m.add(M::POST, "/api/v1/proposals/{pid}/accept", Owner)
        .if_match(f.published.id);
    m.add(M::POST, "/api/v1/proposals/{pid}/reject", Owner)
        .json(json!({ "reason": "RBAC matrix" }));
    // The owning steward's job, and the report on the owning department's dataset.
    m.add(M::GET, "/api/v1/jobs/{id}", Owner);
    m.add(M::GET, "/api/v1/jobs/{id}/events", Owner);
    m.add(M::POST, "/api/v1/feedback/{id}/resolve", Owner);
    m.add(M::POST, "/api/v1/feedback/{id}/reopen", Owner);

    // Administration.
    m.add(M::POST, "/api/v1/admin/departments", Admin)
        .json(json!({}));
    m.add(M::POST, "/api/v1/admin/users", Admin).json(json!({}));
    m.add(M::POST, "/api/v1/admin/terms", Admin).json(json!({}));
    m.add(M::GET, "/api/v1/admin/keys", Admin);
    m.add(M::GET, "/api/v1/harvest/sources", Admin);
    m.add(M::POST, "/api/v1/harvest/sources", Admin)
        .json(json!({}));
    m.add(M::POST, "/api/v1/harvest/sources/{id}/run", Admin);
    m.add(M::POST, "/api/v1/crowd/rules", Admin)
        .json(json!({ "for_minutes": -1 }));
    m.add(M::POST, "/api/v1/crowd/emergency", Admin)
        .json(json!({}));
    m.add(M::POST, "/api/v1/crowd/spots", Admin).json(json!({}));
    m.add(M::POST, "/api/v1/crowd/spots/{code}/readings", Token)
        .json(json!({}));
    m.add(M::POST, "/api/v1/crowd/spots/{code}/token", Admin);

    // Pages: private ones answer 401/403/404 to those who may not see them.
    for route in ["/", "/datasets", "/freshness", "/crowd", "/login"] {
        m.page(route, Public);
    }
    m.page("/datasets/{slug}", Owner);
    m.page("/datasets/{slug}/history", Owner);
    m.page("/datasets/{slug}/edit", Owner);
    m.page("/jobs/{id}", Owner);
    for route in ["/import", "/review", "/notifications", "/account/keys"] {
        m.page(route, Staff);
    }
    // One's own jobs, and the crowd desk (alerts to acknowledge) are for all staff.
    m.page("/admin/jobs", Staff);
    m.page("/admin/crowd", Staff);
    for route in ["/admin", "/admin/harvest"] {
        m.page(route, Admin);
    }

    // Server functions. Arguments are decoded before the function runs, so each gets a valid
    // minimal body to reach its permission check.
    for name in ["current_user", "home", "freshness", "crowd", "crowd_alerts"] {
        m.server_fn(name, Public);
    }
    m.server_fn("search", Public).form(&[("query", "q=a")]);
    m.server_fn("suggest", Public).form(&[("q", "a")]);
    m.server_fn("crowd_spot", Public)
        .form(&[("code", &f.point)]);
    // Those answer nothing (null) to anonymous readers.
    m.server_fn("comments", Public)
        .form(&[("slug", published_slug)]);
    m.server_fn("dataset_feedback", Public)
        .form(&[("slug", published_slug)]);
    m.server_fn("activity", Public)
        .json(json!({ "scope": "MyDepartment" }));
    m.server_fn("dataset", Owner).form(&[("slug", draft_slug)]);
    m.server_fn("revisions", Owner)
        .form(&[("slug", draft_slug)]);
    m.server_fn("compare_revisions", Owner).form(&[
        ("slug", draft_slug),
        ("from", "1"),
        ("to", "1"),
    ]);
    m.server_fn("dataset_for_edit", Owner)
        .form(&[("slug", draft_slug)]);
    m.server_fn("proposed_columns", Owner)
        .form(&[("slug", draft_slug), ("profile", "1")]);
    m.server_fn("add_comment", Owner)
        .form(&[("slug", draft_slug), ("body", "RBAC matrix comment")]);
    let version = f.draft.version.to_string();
    m.server_fn("save_dataset", Owner).json(json!({
        "slug": draft_slug, "version": f.draft.version, "patch": { "title_en": "RBAC matrix" }
    }));
    m.server_fn("propose_change", Owner).json(json!({
        "slug": draft_slug, "version": f.draft.version, "patch": { "title_en": "RBAC proposal" }
    }));
    m.server_fn("revert_dataset", Owner).form(&[
        ("slug", draft_slug),
        ("version", &version),
        ("to", "1"),
    ]);
    for name in ["notifications", "mark_all_read", "jobs", "api_keys"] {
        m.server_fn(name, Staff);
    }
    m.server_fn("proposals", Staff)
        .json(json!({ "scope": "Review" }));
    m.server_fn("create_api_key", Staff)
        .form(&[("name", "RBAC matrix")]);
    m.server_fn("acknowledge_alert", Staff)
        .form(&[("id", &alert)]);
    m.server_fn("annotate_alert", Staff)
        .form(&[("id", &alert), ("body", "RBAC note")]);
    m.server_fn("job", Owner).form(&[("id", &job)]);
    m.server_fn("set_feedback_status", Owner)
        .form(&[("id", &feedback), ("status", "open")]);
    m.server_fn("reject_proposal", Owner)
        .form(&[("id", &proposal), ("reason", "RBAC matrix")]);
    m.server_fn("accept_proposal", Owner).json(json!({
        "id": f.proposal, "version": 0, "resolution": {}
    }));
    m.server_fn("crowd_admin", Staff);
    for name in ["admin_overview", "harvest_sources", "all_api_keys"] {
        m.server_fn(name, Admin);
    }
    m.server_fn("save_department", Admin).form(&[
        ("input[code]", ""),
        ("input[name_ko]", ""),
        ("input[name_en]", ""),
    ]);
    m.server_fn("save_user", Admin).form(&[
        ("input[username]", ""),
        ("input[display_name]", ""),
        ("input[role]", ""),
    ]);
    m.server_fn("save_term", Admin).form(&[
        ("input[scheme]", ""),
        ("input[code]", ""),
        ("input[label_ko]", ""),
        ("input[label_en]", ""),
    ]);
    m.server_fn("save_harvest_source", Admin).form(&[
        ("form[name]", ""),
        ("form[kind]", ""),
        ("form[url]", ""),
        ("form[department]", ""),
        ("form[source_institution]", ""),
        ("form[default_terms]", ""),
        ("form[visibility]", ""),
        ("form[interval_minutes]", ""),
    ]);
    m.server_fn("run_harvest_source", Admin)
        .form(&[("id", "0")]);
    m.server_fn("add_alert_rule", Admin).form(&[
        ("spot_code", ""),
        ("min_level", "x"),
        ("min_population", ""),
        ("for_minutes", "x"),
    ]);
    m.server_fn("start_emergency", Admin).form(&[
        ("spot_code", ""),
        ("message_ko", ""),
        ("message_en", ""),
    ]);
    m.server_fn("add_local_point", Admin).form(&[
        ("code", ""),
        ("name_ko", ""),
        ("name_en", ""),
        ("lat", "x"),
        ("lon", "x"),
    ]);

    // Last: writes that end a fixture or a session.
    m.add(M::POST, "/api/v1/proposals/{pid}/withdraw", Proposer);
    m.server_fn("withdraw_proposal", Proposer)
        .form(&[("id", &proposal)]);
    m.server_fn("delete_alert_rule", Admin).form(&[("id", "0")]);
    m.add(M::DELETE, "/api/v1/crowd/rules/{id}", Admin);
    m.server_fn("revoke_api_key", Owner)
        .form(&[("id", &f.key.to_string())]);
    m.add(M::DELETE, "/api/v1/keys/{id}", Owner);
    m.server_fn("end_emergency", Admin);
    m.add(M::DELETE, "/api/v1/crowd/emergency", Admin);
    m.server_fn("login", Public)
        .form(&[("username", "viewer"), ("password", PASSWORD)]);
    m.server_fn("logout", Public);
    m.checks
}

use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};
use types::t;

use crate::api::collab::{activity, comments, AddComment};
use crate::api::dataset;
use crate::api::portal::{dataset_feedback, SetFeedbackStatus};
use crate::collab::FeedScope;
use crate::components::common::ErrorBox;
use crate::components::layout::UserResource;
use crate::components::live::LiveBar;
use crate::components::profile::ProfileSection;
use crate::feedback::{FeedbackInfo, FeedbackKind, FeedbackStatus};
use crate::i18n::Lang;
use crate::model::{DatasetDetail, Role};
use crate::pages::notifications::{Feed, FeedResource};

#[component]
pub fn DatasetPage() -> impl IntoView {
    let lang = expect_context::<Lang>();
    let params = use_params_map();
    let slug = move || params.with(|p| p.get("slug").unwrap_or_default());
    let detail = Resource::new(slug, dataset);
    // Staff extras, created here (not inside the async view) so hydration finds them; both
    // answer `None` to anonymous readers.
    let add = ServerAction::<AddComment>::new();
    let talk = Resource::new(move || (slug(), add.version().get()), |(s, _)| comments(s));
    let feed = Resource::new(
        move || (slug(), add.version().get()),
        |(s, _)| activity(FeedScope::Dataset(s)),
    );
    let resolve = ServerAction::<SetFeedbackStatus>::new();
    let reports = Resource::new(
        move || (slug(), resolve.version().get()),
        |(s, _)| dataset_feedback(s),
    );
    let staff = StaffData {
        add,
        talk,
        feed,
        resolve,
        reports,
    };
    view! {
        <Suspense fallback=move || view! { <p class="loading">{t!(lang, dataset.loading)}</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(d) => view! { <DatasetView d staff/> }.into_any(),
                    Err(err) => view! { <ErrorBox err/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn or_dash(v: Option<String>) -> String {
    v.filter(|s| !s.is_empty())
        .unwrap_or_else(|| "—".to_string())
}

type CommentsResource =
    Resource<Result<Option<Vec<crate::collab::CommentInfo>>, crate::error::AppError>>;

type ReportsResource = Resource<Result<Option<Vec<FeedbackInfo>>, crate::error::AppError>>;

#[derive(Clone, Copy)]
struct StaffData {
    add: ServerAction<AddComment>,
    talk: CommentsResource,
    feed: FeedResource,
    resolve: ServerAction<SetFeedbackStatus>,
    reports: ReportsResource,
}

#[component]
fn DatasetView(d: DatasetDetail, staff: StaffData) -> impl IntoView {
    let lang = expect_context::<Lang>();
    let s = d.summary.clone();
    let title = s.title(lang).to_string();
    let description = lang.pick(&d.description_ko, &d.description_en).to_string();
    let edit = d.can_edit.then(|| {
        let href = format!("/datasets/{}/edit", s.slug);
        view! { <a class="button" href=href>{t!(lang, dataset.edit)}</a> }
    });
    let mut schemes: Vec<(String, Vec<String>)> = Vec::new();
    for t in &d.terms {
        let label = t.label(lang).to_string();
        match schemes.iter_mut().find(|(s, _)| *s == t.scheme) {
            Some((_, v)) => v.push(label),
            None => schemes.push((t.scheme.clone(), vec![label])),
        }
    }
    let terms = schemes
        .into_iter()
        .map(|(scheme, labels)| view! { <dt>{scheme_label(&scheme, lang)}</dt><dd>{labels.join(", ")}</dd> })
        .collect_view();
    let distributions = d.distributions.iter().map(|x| {
        let size = x.size_bytes.map(human_size).unwrap_or_default();
        view! {
            <tr>
                <td>{x.title.clone()}</td>
                <td>{x.format.clone()}</td>
                <td>{x.kind.clone()}</td>
                <td>{size}</td>
                <td><a href=x.url.clone() rel="nofollow noopener">{t!(lang, dataset.download_open)}</a></td>
            </tr>
        }
    }).collect_view();
    let columns = d
        .columns
        .iter()
        .map(|c| {
            view! {
                <tr>
                    <td><code>{c.name.clone()}</code></td>
                    <td>{c.data_type.clone()}</td>
                    <td>{or_dash(c.description.clone())}</td>
                    <td>{or_dash(c.unit.clone())}</td>
                </tr>
            }
        })
        .collect_view();
    let revisions = d.revisions.iter().map(|r| view! {
        <li>
            <strong>{format!("v{}", r.version)}</strong>
            " · " {r.author.clone().unwrap_or_else(|| t!(lang, dataset.system).to_string())}
            " · " <time datetime=r.created_at.to_rfc3339()>{r.created_at.format("%Y-%m-%d %H:%M").to_string()}</time>
            " · " {r.message.clone()}
        </li>
    }).collect_view();
    let temporal = match (d.temporal_start, d.temporal_end) {
        (None, None) => "—".to_string(),
        (a, b) => format!(
            "{} ~ {}",
            a.map(|x| x.to_string()).unwrap_or_default(),
            b.map(|x| x.to_string()).unwrap_or_default()
        ),
    };
    let meta_description: String = description.chars().take(160).collect();
    let canonical = format!(
        "{}/datasets/{}",
        site_origin(),
        crate::search::encode(&s.slug)
    );
    let json_ld = schema_org(&d, &canonical);
    view! {
        <Title text=title.clone()/>
        <Meta name="description" content=meta_description.clone()/>
        <Link rel="canonical" href=canonical.clone()/>
        <Meta property="og:type" content="website"/>
        <Meta property="og:url" content=canonical.clone()/>
        <Meta property="og:title" content=title.clone()/>
        <Meta property="og:description" content=meta_description/>
        <Meta property="og:locale" content=t!(lang, dataset.og_locale)/>
        <script type="application/ld+json" inner_html=json_ld></script>
        <article class="dataset">
            <p class="breadcrumb"><a href="/datasets">{t!(lang, dataset.datasets)}</a></p>
            <h1>{title}</h1>
            <p class="subtitle" lang=lang.other().code()>{s.title(lang.other()).to_string()}</p>
            <p class="badges">
                <span class="badge">{s.visibility.label(lang)}</span>
                <span class="badge">{s.status.label(lang)}</span>
                <span class="badge">{format!("v{}", d.version)}</span>
                {edit}
            </p>
            <div class="description markdown" inner_html=crate::markdown::to_safe_html(&description)></div>
            <section aria-labelledby="meta-h">
                <h2 id="meta-h">{t!(lang, dataset.about)}</h2>
                <dl class="meta-grid">
                    <dt>{t!(lang, dataset.department)}</dt><dd>{s.department.name(lang).to_string()}</dd>
                    <dt>{t!(lang, dataset.source)}</dt><dd>{s.source_institution.clone()}</dd>
                    <dt>{t!(lang, dataset.update_cycle)}</dt><dd>{s.update_cycle.label(lang)}</dd>
                    <dt>{t!(lang, dataset.last_updated)}</dt><dd>{or_dash(d.last_updated.map(|x| x.to_string()))}</dd>
                    <dt>{t!(lang, dataset.next_due)}</dt><dd>{or_dash(d.next_due.map(|x| x.to_string()))}</dd>
                    <dt>{t!(lang, dataset.license)}</dt><dd>{d.license.clone()}</dd>
                    <dt>{t!(lang, dataset.spatial_coverage)}</dt><dd>{or_dash(d.spatial_coverage.clone())}</dd>
                    <dt>{t!(lang, dataset.temporal_coverage)}</dt><dd>{temporal}</dd>
                    <dt>{t!(lang, dataset.keywords)}</dt><dd>{d.keywords.join(", ")}</dd>
                    <dt>{t!(lang, dataset.contact)}</dt><dd>{or_dash(d.contact_name.clone())} " " {or_dash(d.contact_phone.clone())}</dd>
                    {terms}
                </dl>
            </section>
            <section aria-labelledby="dist-h">
                <h2 id="dist-h">{t!(lang, dataset.distributions)}</h2>
                <div class="table-wrap"><table>
                    <thead><tr>
                        <th scope="col">{t!(lang, dataset.name)}</th><th scope="col">{t!(lang, dataset.format)}</th>
                        <th scope="col">{t!(lang, dataset.kind)}</th><th scope="col">{t!(lang, dataset.size)}</th><th scope="col"><span class="visually-hidden">{t!(lang, dataset.link)}</span></th>
                    </tr></thead>
                    <tbody>{distributions}</tbody>
                </table></div>
            </section>
            <section aria-labelledby="cols-h">
                <h2 id="cols-h">{t!(lang, dataset.data_dictionary)}</h2>
                <div class="table-wrap"><table>
                    <thead><tr>
                        <th scope="col">{t!(lang, dataset.column)}</th><th scope="col">{t!(lang, dataset.type_label)}</th>
                        <th scope="col">{t!(lang, dataset.description)}</th><th scope="col">{t!(lang, dataset.unit)}</th>
                    </tr></thead>
                    <tbody>{columns}</tbody>
                </table></div>
            </section>
            <ProfileSection slug=s.slug.clone() can_edit=d.can_edit distributions=d.distributions.clone() profiles=d.profiles.clone()/>
            // Staff only: anonymous readers get no revisions (authors and messages are internal).
            {(!d.revisions.is_empty()).then(|| view! {
                <section aria-labelledby="rev-h">
                    <h2 id="rev-h">{t!(lang, dataset.revisions)} " (" {d.revision_count} ")"</h2>
                    <ul class="revisions">{revisions}</ul>
                </section>
            })}
            <ReportProblem slug=s.slug.clone() department=s.department.name(lang).to_string()/>
            <StaffPanel slug=s.slug.clone() id=s.id version=d.version can_edit=d.can_edit staff/>
        </article>
    }
}

/// For signed-in staff: who else is here, proposing a change, history, discussion, activity.
#[component]
fn StaffPanel(
    slug: String,
    id: i32,
    version: i32,
    can_edit: bool,
    staff: StaffData,
) -> impl IntoView {
    let lang = expect_context::<Lang>();
    let user = expect_context::<UserResource>();
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let slug = slug.clone();
                Suspend::new(async move {
                    let u = user.await.ok().flatten()?;
                    let version = RwSignal::new(version);
                    let propose = (!can_edit && u.role != Role::Viewer).then(|| {
                        let href = format!("/datasets/{slug}/edit");
                        view! { <a class="button secondary" href=href data-testid="propose">{t!(lang, dataset.propose_a_change)}</a> }
                    });
                    let history = format!("/datasets/{slug}/history");
                    Some(view! {
                        <LiveBar dataset_id=id me=u.id editing=false version/>
                        <p class="actions">{propose} " " <a href=history>{t!(lang, dataset.full_history_and_compare)}</a></p>
                        <Reports list=staff.reports resolve=staff.resolve/>
                        <Discussion slug=slug.clone() add=staff.add list=staff.talk/>
                        <Feed title={t!(lang, dataset.activity).to_string()} items=staff.feed/>
                    })
                })
            }}
        </Suspense>
    }
}

/// Comments on the dataset (plain text, shown escaped). The form works before the wasm loads.
#[component]
fn Discussion(
    slug: String,
    add: ServerAction<AddComment>,
    list: CommentsResource,
) -> impl IntoView {
    let lang = expect_context::<Lang>();
    let failure = move || {
        add.value()
            .get()
            .and_then(|r| r.err())
            .map(|err| view! { <ErrorBox err/> })
    };
    view! {
        <section class="discussion" aria-labelledby="talk-h">
            <h2 id="talk-h">{t!(lang, dataset.discussion)}</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(Some(cs)) if !cs.is_empty() => view! {
                            <ul class="comments">{cs.into_iter().map(|c| view! {
                                <li>
                                    <p class="meta">{c.author.unwrap_or_default()} " · "
                                        <time datetime=c.created_at.to_rfc3339()>{c.created_at.format("%Y-%m-%d %H:%M").to_string()}</time></p>
                                    <p class="body">{c.body}</p>
                                </li>
                            }).collect_view()}</ul>
                        }.into_any(),
                        Ok(_) => view! { <p class="empty">{t!(lang, dataset.no_comments_yet)}</p> }.into_any(),
                        Err(err) => view! { <ErrorBox err/> }.into_any(),
                    }
                })}
            </Suspense>
            <ActionForm action=add>
                <input type="hidden" name="slug" value=slug/>
                <label for="comment-body">{t!(lang, dataset.add_a_comment)}</label>
                <textarea id="comment-body" name="body" rows="3" maxlength="2000" required></textarea>
                {failure}
                <p><button type="submit" class="button">{t!(lang, dataset.comment)}</button></p>
            </ActionForm>
        </section>
    }
}

/// "Report a problem": a plain form (it works before and without the wasm) that reaches the
/// department in charge. After sending, the page comes back with `?feedback=…`.
#[component]
fn ReportProblem(slug: String, department: String) -> impl IntoView {
    let lang = expect_context::<Lang>();
    let query = use_query_map();
    let (state, field) = query.with_untracked(|q| (q.get("feedback"), q.get("field")));
    let notice = state.as_deref().map(|st| {
        let (class, text) = match st {
            "sent" => ("notice", crate::feedback::sent_message(lang).to_string()),
            "limited" => (
                "notice error",
                t!(lang, dataset.too_many_reports_from_your).to_string(),
            ),
            _ => (
                "notice error",
                match field.as_deref() {
                    Some("kind") => t!(lang, dataset.choose_what_kind_of_problem),
                    Some("contact") => t!(lang, dataset.the_contact_must_be_at),
                    _ => t!(lang, dataset.write_10_to_2000_characters),
                }
                .to_string(),
            ),
        };
        view! { <p class=class role="status" data-testid="report-notice">{text}</p> }
    });
    let open = state.is_some();
    let action = format!("/datasets/{}/feedback", crate::search::encode(&slug));
    let kinds = FeedbackKind::ALL
        .iter()
        .map(|k| view! { <option value=k.code()>{k.label(lang)}</option> })
        .collect_view();
    view! {
        <section class="report" id="report" aria-labelledby="report-h">
            <h2 id="report-h">{t!(lang, dataset.report_a_problem)}</h2>
            {notice}
            <details open=open>
                <summary>{t!(lang, dataset.something_wrong_with_this_data)}</summary>
                <p class="hint">{t!(lang, dataset.report_goes_to, department = &department).to_string()}</p>
                <form method="post" action=action>
                    <label for="report-kind">{t!(lang, dataset.kind_of_problem)}</label>
                    <select id="report-kind" name="kind" required>{kinds}</select>
                    <label for="report-body">{t!(lang, dataset.what_is_wrong_10_characters)}</label>
                    <textarea id="report-body" name="body" rows="4" minlength="10" maxlength="2000" required></textarea>
                    <label for="report-contact">{t!(lang, dataset.contact_optional_if_you_want)}</label>
                    <input id="report-contact" name="contact" type="text" maxlength="200" autocomplete="email"/>
                    <div class="hp" aria-hidden="true">
                        <label for="report-website">"Website"</label>
                        <input id="report-website" name="website" type="text" tabindex="-1" autocomplete="off"/>
                    </div>
                    <p><button type="submit" class="button">{t!(lang, dataset.send)}</button></p>
                </form>
            </details>
        </section>
    }
}

/// Residents' reports about this dataset, for its department's stewards and editors.
#[component]
fn Reports(list: ReportsResource, resolve: ServerAction<SetFeedbackStatus>) -> impl IntoView {
    let lang = expect_context::<Lang>();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let items = list.await.ok().flatten().filter(|v| !v.is_empty())?;
                let open = items.iter().filter(|f| f.status == FeedbackStatus::Open).count();
                let rows = items.into_iter().map(|f| {
                    let next = match f.status {
                        FeedbackStatus::Open => (FeedbackStatus::Resolved, t!(lang, dataset.mark_resolved)),
                        FeedbackStatus::Resolved => (FeedbackStatus::Open, t!(lang, dataset.reopen)),
                    };
                    let by = f.resolved_by.clone().map(|n| format!(" · {n}"));
                    view! {
                        <li data-status=f.status.code()>
                            <p class="meta">
                                <span class="badge">{f.status.label(lang)}</span> " "
                                <strong>{f.kind.label(lang)}</strong> " · "
                                <time datetime=f.created_at.to_rfc3339()>{f.created_at.format("%Y-%m-%d %H:%M").to_string()}</time>
                                {by}
                            </p>
                            <p class="body">{f.body.clone()}</p>
                            {f.contact.clone().map(|c| view! { <p class="hint">{t!(lang, dataset.contact_2)}{c}</p> })}
                            <ActionForm action=resolve>
                                <input type="hidden" name="id" value=f.id/>
                                <input type="hidden" name="status" value=next.0.code()/>
                                <button type="submit" class="button secondary">{next.1}</button>
                            </ActionForm>
                        </li>
                    }
                }).collect_view();
                Some(view! {
                    <section class="reports" aria-labelledby="reports-h" data-testid="reports">
                        <h2 id="reports-h">{t!(lang, dataset.residents_reports)} " (" {open} ")"</h2>
                        <ul class="feedback-list">{rows}</ul>
                    </section>
                })
            })}
        </Suspense>
    }
}

pub fn scheme_label(code: &str, lang: Lang) -> String {
    match code {
        "theme" => t!(lang, dataset.theme),
        "department" => t!(lang, dataset.department_2),
        "dong" => t!(lang, dataset.administrative_dong),
        "source" => t!(lang, dataset.source_institution),
        "data_type" => t!(lang, dataset.data_type),
        "update_cycle" => t!(lang, dataset.update_cycle),
        other => other,
    }
    .to_string()
}

fn human_size(bytes: i64) -> String {
    let b = bytes as f64;
    if b >= 1_048_576.0 {
        format!("{:.1} MB", b / 1_048_576.0)
    } else if b >= 1024.0 {
        format!("{:.0} KB", b / 1024.0)
    } else {
        format!("{bytes} B")
    }
}

/// `scheme://host` of this site: `DONGNE_PUBLIC_URL` on the server (never the request's
/// `Host`: the page may be shared through the page cache), the page's own in the browser.
fn site_origin() -> String {
    #[cfg(feature = "ssr")]
    {
        crate::ssr::public_url()
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        crate::client::origin()
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        String::new()
    }
}

/// The dataset as schema.org `Dataset` JSON-LD (for search engines' dataset search) at its
/// absolute `url`, safe to place inside a `<script>` element.
pub fn schema_org(d: &DatasetDetail, url: &str) -> String {
    let s = &d.summary;
    let path = url;
    let mut v = serde_json::json!({
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "name": s.title_ko,
        "alternateName": s.title_en,
        "description": if d.description_ko.trim().is_empty() { s.title_ko.clone() } else { d.description_ko.clone() },
        "url": path,
        "identifier": s.id.to_string(),
        "keywords": d.keywords,
        "license": d.license,
        "inLanguage": ["ko", "en"],
        "isAccessibleForFree": true,
        "dateCreated": d.created_at.to_rfc3339(),
        "dateModified": s.updated_at.to_rfc3339(),
        "creator": { "@type": "Organization", "name": s.department.name_ko, "alternateName": s.department.name_en },
        "publisher": { "@type": "GovernmentOrganization", "name": "성동구", "alternateName": "Seongdong-gu" },
        "distribution": d.distributions.iter().map(|r| serde_json::json!({
            "@type": "DataDownload", "name": r.title, "encodingFormat": r.format, "contentUrl": r.url,
        })).collect::<Vec<_>>(),
    });
    if let Some(sp) = &d.spatial_coverage {
        v["spatialCoverage"] = serde_json::json!(sp);
    }
    if let (Some(a), Some(b)) = (d.temporal_start, d.temporal_end) {
        v["temporalCoverage"] = serde_json::json!(format!("{a}/{b}"));
    }
    // `</script>` (or `<!--`) inside a string must not end the element.
    v.to_string().replace('<', "\\u003c")
}

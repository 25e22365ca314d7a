use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

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
        <Suspense fallback=move || view! { <p class="loading">{lang.t("불러오는 중…", "Loading…")}</p> }>
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
    let description = lang.t(&d.description_ko, &d.description_en).to_string();
    let edit = d.can_edit.then(|| {
        let href = format!("/datasets/{}/edit", s.slug);
        view! { <a class="button" href=href>{lang.t("편집", "Edit")}</a> }
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
                <td><a href=x.url.clone() rel="nofollow noopener">{lang.t("내려받기/열기", "Download/open")}</a></td>
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
            " · " {r.author.clone().unwrap_or_else(|| lang.t("시스템", "system").to_string())}
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
        <Meta property="og:locale" content=if lang == Lang::Ko { "ko_KR" } else { "en_US" }/>
        <script type="application/ld+json" inner_html=json_ld></script>
        <article class="dataset">
            <p class="breadcrumb"><a href="/datasets">{lang.t("데이터 목록", "Datasets")}</a></p>
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
                <h2 id="meta-h">{lang.t("기본 정보", "About")}</h2>
                <dl class="meta-grid">
                    <dt>{lang.t("담당 부서", "Department")}</dt><dd>{s.department.name(lang).to_string()}</dd>
                    <dt>{lang.t("제공 기관", "Source")}</dt><dd>{s.source_institution.clone()}</dd>
                    <dt>{lang.t("갱신 주기", "Update cycle")}</dt><dd>{s.update_cycle.label(lang)}</dd>
                    <dt>{lang.t("최종 갱신", "Last updated")}</dt><dd>{or_dash(d.last_updated.map(|x| x.to_string()))}</dd>
                    <dt>{lang.t("다음 갱신 예정", "Next due")}</dt><dd>{or_dash(d.next_due.map(|x| x.to_string()))}</dd>
                    <dt>{lang.t("이용 허락", "License")}</dt><dd>{d.license.clone()}</dd>
                    <dt>{lang.t("공간 범위", "Spatial coverage")}</dt><dd>{or_dash(d.spatial_coverage.clone())}</dd>
                    <dt>{lang.t("시간 범위", "Temporal coverage")}</dt><dd>{temporal}</dd>
                    <dt>{lang.t("키워드", "Keywords")}</dt><dd>{d.keywords.join(", ")}</dd>
                    <dt>{lang.t("문의", "Contact")}</dt><dd>{or_dash(d.contact_name.clone())} " " {or_dash(d.contact_phone.clone())}</dd>
                    {terms}
                </dl>
            </section>
            <section aria-labelledby="dist-h">
                <h2 id="dist-h">{lang.t("제공 파일·API", "Distributions")}</h2>
                <div class="table-wrap"><table>
                    <thead><tr>
                        <th scope="col">{lang.t("이름", "Name")}</th><th scope="col">{lang.t("형식", "Format")}</th>
                        <th scope="col">{lang.t("유형", "Kind")}</th><th scope="col">{lang.t("크기", "Size")}</th><th scope="col"><span class="visually-hidden">{lang.t("링크", "Link")}</span></th>
                    </tr></thead>
                    <tbody>{distributions}</tbody>
                </table></div>
            </section>
            <section aria-labelledby="cols-h">
                <h2 id="cols-h">{lang.t("데이터 항목 정의", "Data dictionary")}</h2>
                <div class="table-wrap"><table>
                    <thead><tr>
                        <th scope="col">{lang.t("항목명", "Column")}</th><th scope="col">{lang.t("유형", "Type")}</th>
                        <th scope="col">{lang.t("설명", "Description")}</th><th scope="col">{lang.t("단위", "Unit")}</th>
                    </tr></thead>
                    <tbody>{columns}</tbody>
                </table></div>
            </section>
            <ProfileSection slug=s.slug.clone() can_edit=d.can_edit distributions=d.distributions.clone() profiles=d.profiles.clone()/>
            // Staff only: anonymous readers get no revisions (authors and messages are internal).
            {(!d.revisions.is_empty()).then(|| view! {
                <section aria-labelledby="rev-h">
                    <h2 id="rev-h">{lang.t("변경 이력", "Revisions")} " (" {d.revision_count} ")"</h2>
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
                        view! { <a class="button secondary" href=href data-testid="propose">{lang.t("변경 제안", "Propose a change")}</a> }
                    });
                    let history = format!("/datasets/{slug}/history");
                    Some(view! {
                        <LiveBar dataset_id=id me=u.id editing=false version/>
                        <p class="actions">{propose} " " <a href=history>{lang.t("전체 이력과 비교", "Full history and compare")}</a></p>
                        <Reports list=staff.reports resolve=staff.resolve/>
                        <Discussion slug=slug.clone() add=staff.add list=staff.talk/>
                        <Feed title=lang.t("활동", "Activity").to_string() items=staff.feed/>
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
            <h2 id="talk-h">{lang.t("토론", "Discussion")}</h2>
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
                        Ok(_) => view! { <p class="empty">{lang.t("아직 댓글이 없습니다.", "No comments yet.")}</p> }.into_any(),
                        Err(err) => view! { <ErrorBox err/> }.into_any(),
                    }
                })}
            </Suspense>
            <ActionForm action=add>
                <input type="hidden" name="slug" value=slug/>
                <label for="comment-body">{lang.t("댓글 쓰기", "Add a comment")}</label>
                <textarea id="comment-body" name="body" rows="3" maxlength="2000" required></textarea>
                {failure}
                <p><button type="submit" class="button">{lang.t("댓글 남기기", "Comment")}</button></p>
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
                lang.t(
                    "신고가 너무 많이 접수되었습니다. 잠시 뒤에 다시 보내 주세요.",
                    "Too many reports from your connection. Please try again later.",
                )
                .to_string(),
            ),
            _ => (
                "notice error",
                match field.as_deref() {
                    Some("kind") => lang.t(
                        "문제 유형을 고르세요.",
                        "Choose what kind of problem it is.",
                    ),
                    Some("contact") => lang.t(
                        "연락처는 200자 이하여야 합니다.",
                        "The contact must be at most 200 characters.",
                    ),
                    _ => lang.t(
                        "내용을 10자 이상 2000자 이하로, 링크는 2개까지 써 주세요.",
                        "Write 10 to 2000 characters, with at most 2 links.",
                    ),
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
            <h2 id="report-h">{lang.t("문제 신고", "Report a problem")}</h2>
            {notice}
            <details open=open>
                <summary>{lang.t("이 데이터에 문제가 있나요?", "Something wrong with this data?")}</summary>
                <p class="hint">{match lang {
                    Lang::Ko => format!("{department}에 전달됩니다. 개인정보는 쓰지 마세요."),
                    Lang::En => format!("This goes to {department}. Please do not include personal data."),
                }}</p>
                <form method="post" action=action>
                    <label for="report-kind">{lang.t("문제 유형", "Kind of problem")}</label>
                    <select id="report-kind" name="kind" required>{kinds}</select>
                    <label for="report-body">{lang.t("내용 (10자 이상)", "What is wrong (10 characters or more)")}</label>
                    <textarea id="report-body" name="body" rows="4" minlength="10" maxlength="2000" required></textarea>
                    <label for="report-contact">{lang.t("연락처 (선택, 답변이 필요할 때)", "Contact (optional, if you want an answer)")}</label>
                    <input id="report-contact" name="contact" type="text" maxlength="200" autocomplete="email"/>
                    <div class="hp" aria-hidden="true">
                        <label for="report-website">"Website"</label>
                        <input id="report-website" name="website" type="text" tabindex="-1" autocomplete="off"/>
                    </div>
                    <p><button type="submit" class="button">{lang.t("보내기", "Send")}</button></p>
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
                        FeedbackStatus::Open => (FeedbackStatus::Resolved, lang.t("처리 완료로 표시", "Mark resolved")),
                        FeedbackStatus::Resolved => (FeedbackStatus::Open, lang.t("다시 열기", "Reopen")),
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
                            {f.contact.clone().map(|c| view! { <p class="hint">{lang.t("연락처: ", "Contact: ")}{c}</p> })}
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
                        <h2 id="reports-h">{lang.t("주민 신고", "Residents' reports")} " (" {open} ")"</h2>
                        <ul class="feedback-list">{rows}</ul>
                    </section>
                })
            })}
        </Suspense>
    }
}

pub fn scheme_label(code: &str, lang: Lang) -> String {
    match code {
        "theme" => lang.t("분야", "Theme"),
        "department" => lang.t("부서", "Department"),
        "dong" => lang.t("행정동", "Administrative dong"),
        "source" => lang.t("제공 기관", "Source institution"),
        "data_type" => lang.t("데이터 유형", "Data type"),
        "update_cycle" => lang.t("갱신 주기", "Update cycle"),
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

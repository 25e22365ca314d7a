use leptos::prelude::*;
use types::t;

use crate::error::AppError;
use crate::i18n::Lang;
use crate::model::DatasetSummary;

/// Shows an error in the reader's language; on the server it also sets the HTTP status.
#[component]
pub fn ErrorBox(err: AppError) -> impl IntoView {
    let lang = expect_context::<Lang>();
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(err.status());
    }
    let login = matches!(err, AppError::Unauthenticated).then(|| {
        view! { <p><a href="/login">{t!(lang, common.sign_in)}</a></p> }
    });
    view! {
        <div class="error-box" role="alert">
            <p>{err.message(lang)}</p>
            {login}
        </div>
    }
}

#[component]
pub fn DatasetCard(d: DatasetSummary) -> impl IntoView {
    let lang = expect_context::<Lang>();
    let href = format!("/datasets/{}", d.slug);
    let internal = (d.visibility == crate::model::Visibility::Internal)
        .then(|| view! { <span class="badge badge-internal">{d.visibility.label(lang)}</span> });
    let draft = (d.status != crate::model::Status::Published)
        .then(|| view! { <span class="badge">{d.status.label(lang)}</span> });
    let themes = d
        .themes
        .iter()
        .map(|t| view! { <span class="tag">{t.label(lang).to_string()}</span> })
        .collect_view();
    view! {
        <li class="dataset-card">
            <h3><a href=href>{d.title(lang).to_string()}</a> {internal} {draft}</h3>
            <p class="summary">{d.summary(lang).to_string()}</p>
            <p class="meta">
                <span>{d.department.name(lang).to_string()}</span>
                " · "
                <span>{d.source_institution.clone()}</span>
                " · "
                <span>{d.update_cycle.label(lang)}</span>
                " · "
                <time datetime=d.updated_at.to_rfc3339()>{d.updated_at.format("%Y-%m-%d").to_string()}</time>
            </p>
            <p class="tags">{themes}</p>
        </li>
    }
}

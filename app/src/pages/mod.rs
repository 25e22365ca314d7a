pub mod admin;
pub mod catalog;
pub mod crowd;
pub mod crowd_admin;
pub mod dataset;
pub mod edit;
pub mod freshness;
pub mod harvest;
pub mod history;
pub mod home;
pub mod import;
pub mod jobs;
pub mod keys;
pub mod login;
pub mod notifications;
pub mod review;

use leptos::prelude::*;
use leptos_meta::Title;
use types::t;

use crate::components::common::ErrorBox;
use crate::error::AppError;
use crate::i18n::Lang;

#[component]
pub fn NotFound() -> impl IntoView {
    let lang = expect_context::<Lang>();
    view! {
        <Title text={t!(lang, pages.not_found)}/>
        <h1>{t!(lang, pages.page_not_found)}</h1>
        <ErrorBox err=AppError::not_found("page")/>
        <p><a href="/">{t!(lang, pages.home)}</a></p>
    }
}

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

use crate::components::common::ErrorBox;
use crate::error::AppError;
use crate::i18n::Lang;

#[component]
pub fn NotFound() -> impl IntoView {
    let lang = expect_context::<Lang>();
    view! {
        <Title text=lang.t("페이지 없음", "Not found")/>
        <h1>{lang.t("페이지를 찾을 수 없습니다", "Page not found")}</h1>
        <ErrorBox err=AppError::not_found("page")/>
        <p><a href="/">{lang.t("처음으로", "Home")}</a></p>
    }
}

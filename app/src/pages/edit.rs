use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::dataset_for_edit;
use crate::components::common::ErrorBox;
use crate::i18n::Lang;

/// The edit area. Access is checked on the server (login and department ownership); the
/// editing form itself arrives with the collaborative-editing work.
#[component]
pub fn EditPage() -> impl IntoView {
    let lang = expect_context::<Lang>();
    let params = use_params_map();
    let slug = move || params.with(|p| p.get("slug").unwrap_or_default());
    let detail = Resource::new(slug, dataset_for_edit);
    view! {
        <Title text=lang.t("데이터 편집", "Edit dataset")/>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(d) => {
                        let back = format!("/datasets/{}", d.summary.slug);
                        view! {
                            <h1>{d.summary.title(lang).to_string()}</h1>
                            <p data-testid="edit-allowed">
                                {match lang {
                                    Lang::Ko => format!("이 데이터(버전 {})를 편집할 수 있습니다.", d.version),
                                    Lang::En => format!("You may edit this dataset (version {}).", d.version),
                                }}
                            </p>
                            <p class="hint">{lang.t("메타데이터 편집 양식은 협업 편집 기능과 함께 제공됩니다.", "The metadata form comes with collaborative editing.")}</p>
                            <p><a href=back>{lang.t("데이터로 돌아가기", "Back to the dataset")}</a></p>
                        }.into_any()
                    }
                    Err(err) => view! { <ErrorBox err/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

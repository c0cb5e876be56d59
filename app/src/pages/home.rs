use leptos::prelude::*;
use leptos_meta::Title;

use crate::CurrentUserResource;

/// The landing page after sign-in.
#[component]
pub fn HomePage() -> impl IntoView {
    let user = expect_context::<CurrentUserResource>().0;
    view! {
        <Title text="Home" />
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let user = user.await.ok().flatten()?;
                let scope = if user.is_super_admin {
                    "You are a super admin: you can manage every organization."
                } else {
                    "You can manage your own profile and sessions."
                };
                Some(
                    view! {
                        <h1>{format!("Welcome, {}", user.name)}</h1>
                        <p>{scope}</p>
                    },
                )
            })}
        </Transition>
    }
}

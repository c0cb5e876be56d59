//! The notice after a change, and the buttons that make changes.

use leptos::{prelude::*, server_fn::ServerFn};
use leptos_router::hooks::{use_location, use_query_map};

use crate::notice::{NOTICE_PARAM, Notice};

/// The notice the running app shows after a change, shared by the pages
/// and the [`NoticeRegion`] of the layout.
#[derive(Clone, Copy)]
pub struct Notices(RwSignal<Option<String>>);

impl Notices {
    /// Made once, by the layout, for every page inside it.
    pub fn provide() -> Self {
        let notices = Self(RwSignal::new(None));
        provide_context(notices);
        notices
    }

    pub fn show(self, message: impl Into<String>) {
        self.0.set(Some(message.into()));
    }

    /// Shows `notice` whenever `action` succeeds.
    pub fn after<A>(action: ServerAction<A>, notice: Notice)
    where
        A: ServerFn + Clone + Send + Sync + 'static,
        A::Output: Send + Sync + 'static,
        A::Error: Send + Sync + 'static,
    {
        let Some(notices) = use_context::<Self>() else {
            return;
        };
        Effect::new(move |_| {
            if action.value().with(|value| matches!(value, Some(Ok(_)))) {
                notices.show(notice.message());
            }
        });
    }
}

/// Where notices appear, polite to screen readers: the app's own after a
/// change made here, or the one a redirect's address names after a form
/// posted without JavaScript. Emptied on the way to another page.
#[component]
pub fn NoticeRegion(notices: Notices) -> impl IntoView {
    let query = use_query_map();
    let location = use_location();
    Effect::new(move |previous: Option<String>| {
        let path = location.pathname.get();
        if previous.is_some_and(|previous| previous != path) {
            notices.0.set(None);
        }
        path
    });
    let message = move || {
        notices.0.get().or_else(|| {
            query
                .read()
                .get(NOTICE_PARAM)
                .and_then(|key| Notice::from_key(&key))
                .map(|n| n.message().to_owned())
        })
    };
    view! {
        <div role="status" class="notice" class:notice-shown=move || message().is_some()>
            {message}
        </div>
    }
}

/// A form's submit button: while the change is under way it says so and
/// cannot be pressed again.
#[component]
pub fn SubmitButton(
    label: &'static str,
    /// What it says meanwhile: "Saving…".
    busy: &'static str,
    #[prop(into)] pending: Signal<bool>,
    #[prop(default = "button-primary button-inline")] class: &'static str,
    #[prop(optional, into)] aria_label: Option<String>,
) -> impl IntoView {
    view! {
        <button
            type="submit"
            class=class
            disabled=move || pending.get()
            aria-busy=move || pending.get().then_some("true")
            aria-label=aria_label
        >
            {move || if pending.get() { busy } else { label }}
        </button>
    }
}

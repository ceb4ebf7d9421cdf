//! Confirmations and the query parameters that open them.

use leptos::html::Dialog;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

/// `path` with `params` as its query string, each key and value escaped by the router's own
/// `Url::escape` (pairs with an empty value are left out).
pub fn query_href(path: &str, params: &[(&str, &str)]) -> String {
    use leptos_router::location::Url;
    let query: Vec<String> = params
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(key, value)| format!("{}={}", Url::escape(key), Url::escape(value)))
        .collect();
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", query.join("&"))
    }
}

/// The query parameter `key` (empty when absent), tracked: a link that changes only the query
/// string (`?rename=…`, `?delete=…`) updates what reads it once the page is hydrated, since the
/// router keeps the page's view when only the query changes.
pub fn query_param(key: &'static str) -> Memo<String> {
    let query = use_query_map();
    Memo::new(move |_| query.with(|q| q.get(key)).unwrap_or_default())
}

/// A confirmation before a destructive action: a native `<dialog>` labelled `label`, saying
/// `text`, with the confirming form (`children`) and "Cancel", which goes to `cancel` (the page
/// without the query that opened it). Without JavaScript it is part of the page; with it, a
/// modal: focus moves to its first button, Escape cancels, and closing gives focus back to what
/// opened it.
#[component]
pub fn ConfirmDialog(
    label: String,
    text: String,
    #[prop(into)] cancel: String,
    children: Children,
) -> impl IntoView {
    let dialog = NodeRef::<Dialog>::new();
    let navigate = use_navigate();
    let back = cancel.clone();
    let close = move || {
        if let Some(dialog) = dialog.get_untracked() {
            dialog.close();
        }
        navigate(&back, Default::default());
    };
    let on_cancel = close.clone();
    show_as_modal(dialog);
    view! {
        <dialog
            node_ref=dialog
            open
            class="confirm"
            role="alertdialog"
            aria-label=label
            on:cancel=move |ev: leptos::ev::Event| {
                ev.prevent_default();
                on_cancel();
            }
        >
            <p>{text}</p>
            <div class="actions">
                {children()}
                <a
                    href=cancel
                    on:click=move |ev| {
                        ev.prevent_default();
                        close();
                    }
                >
                    "Cancel"
                </a>
            </div>
        </dialog>
    }
}

/// With wasm running, shows `dialog` as a modal once it is mounted (focus moves in, Escape
/// cancels, the page behind is inert); without, the dialog stays open in the page.
pub fn show_as_modal(dialog: NodeRef<Dialog>) {
    // Only in the browser: `cargo test --workspace` builds this crate with both features, and an
    // effect made while the server renders would be scheduled outside any local task set.
    #[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
    Effect::new(move || {
        if let Some(dialog) = dialog.get() {
            if dialog.open() {
                dialog.close();
            }
            let _ = dialog.show_modal();
        }
    });
    #[cfg(not(all(feature = "hydrate", target_arch = "wasm32")))]
    let _ = dialog;
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::query_href;

    #[test]
    fn query_strings_escape_every_value_and_leave_out_empty_ones() {
        assert_eq!(query_href("/admin/users", &[("team", "")]), "/admin/users");
        assert_eq!(
            query_href(
                "/admin/users",
                &[("q", "a b&c=d%"), ("team", ""), ("sort", "name")]
            ),
            "/admin/users?q=a%20b%26c%3Dd%25&sort=name"
        );
    }
}

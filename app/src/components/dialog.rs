//! Confirmations and the query parameters that open them.

use leptos::html::Dialog;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

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
    cancel: &'static str,
    children: Children,
) -> impl IntoView {
    let dialog = NodeRef::<Dialog>::new();
    let navigate = use_navigate();
    let close = move || {
        if let Some(dialog) = dialog.get_untracked() {
            dialog.close();
        }
        navigate(cancel, Default::default());
    };
    let on_cancel = close.clone();
    Effect::new(move || {
        if let Some(dialog) = dialog.get() {
            if dialog.open() {
                dialog.close();
            }
            let _ = dialog.show_modal();
        }
    });
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

//! Reusable pieces of UI.

mod actions;
mod dialog;
mod loaded;
mod password;
mod rows;
mod user_fields;

pub use actions::{ActionButton, ConfirmAction, FormAction};
pub use dialog::{ConfirmDialog, query_href, query_param, show_as_modal};
pub use loaded::Loaded;
pub use password::NewPasswordFields;
pub use rows::RenamableName;
pub use user_fields::{
    ConsumerPlacement, FieldChecks, InitialPassword, PersonFields, StoredPerson,
};

use crate::error::AppError;
use leptos::prelude::*;

/// The message for one field of a form, shown beside it, from the form's last answer.
#[component]
pub fn FieldError(
    /// The last error of the form's action.
    error: Signal<Option<AppError>>,
    /// The field's name, as in `AppError::Validation { field }`.
    field: &'static str,
) -> impl IntoView {
    // Always present, so a message appearing does not move the form under the pointer.
    view! {
        <p class="field-error" id=format!("{field}-error") aria-live="polite">
            {move || error.get().and_then(|e| e.field_message(field))}
        </p>
    }
}

/// The form's error that belongs to no single field.
#[component]
pub fn FormError(error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error
            .get()
            .filter(|e| !matches!(e, AppError::Validation { .. }))
            .map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })
    }
}

/// The error of an action's last answer, as a signal.
pub fn action_error<I, O>(action: ServerAction<I>) -> Signal<Option<AppError>>
where
    I: server_fn::ServerFn<Output = O, Error = AppError> + Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().and_then(|r| r.err()))
}

/// Text for a `<textarea>`'s content. Leptos writes a textarea's children into the server's HTML
/// as they are (it treats the element like `<script>`), so a stored value holding
/// `</textarea><form …>` would end the field and become markup: on the server the text is
/// escaped here (the browser decodes it back in the field). In the browser the text goes into
/// the DOM as a text node, which needs no escaping.
pub fn textarea_text(text: String) -> String {
    #[cfg(feature = "ssr")]
    {
        if text.contains(['&', '<', '>']) {
            return text
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
        }
    }
    text
}

/// A secret or code in a read-only field (select it to copy), with a "Copy" button once the page
/// is live: invite codes, an API key or a gateway token shown once.
#[component]
pub fn CopyField(
    value: String,
    /// The field's accessible name ("Invite code", "API key").
    label: &'static str,
    #[prop(default = 26)] size: u32,
) -> impl IntoView {
    let copied = RwSignal::new(false);
    let hydrated = RwSignal::new(false);
    #[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
    Effect::new(move |_| hydrated.set(true));
    let to_copy = value.clone();
    let copy = move |_| {
        #[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
        {
            let clipboard = window().navigator().clipboard();
            let _ = clipboard.write_text(&to_copy);
            copied.set(true);
        }
        #[cfg(not(all(feature = "hydrate", target_arch = "wasm32")))]
        let _ = &to_copy;
    };
    view! {
        <span class="code-field">
            <input readonly value=value aria-label=label class="code" size=size/>
            <Show when=move || hydrated.get()>
                <button type="button" class="secondary" on:click=copy.clone()>
                    {move || if copied.get() { "Copied" } else { "Copy" }}
                </button>
            </Show>
        </span>
    }
}

/// A secret shown once (an API key, a gateway token, an API token): what it is in bold, why to
/// copy it now, the field with "Copy", and anything more the page adds below (an expiry).
#[component]
pub fn ShownOnce(
    /// "Your new API token."
    title: String,
    /// "Copy it now: it cannot be shown again."
    text: &'static str,
    /// The field's accessible name.
    label: &'static str,
    value: String,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <div class="key-shown" role="status">
            <p><strong>{title}</strong>" "{text}</p>
            <CopyField label value size=52/>
            {children.map(|c| c())}
        </div>
    }
}

//! One-click actions on one thing, and their confirmations: a form that posts the thing's `id`
//! to a server function, working without JavaScript and, hydrated, without a reload.

use super::{ConfirmDialog, query_param};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::client::Client;
use leptos::server_fn::codec::{Json, PostUrl};
use leptos::server_fn::request::ClientReq;
use leptos::server_fn::{Http, ServerFn};
use leptos::web_sys::FormData;
use serde::de::DeserializeOwned;

/// A server function an `<ActionForm>` can post to (URL-encoded in, JSON out), whose errors are
/// [`AppError`]s a form shows: what `ActionForm`'s own bounds ask, written once.
pub trait FormAction:
    DeserializeOwned
    + ServerFn<
        Protocol = Http<PostUrl, Json>,
        Error = AppError,
        Output: Clone + Send + Sync + 'static,
        Client: Client<AppError, Request: ClientReq<AppError, FormData: From<FormData>>>,
    > + Clone
    + Send
    + Sync
    + 'static
{
}

impl<T> FormAction for T where
    T: DeserializeOwned
        + ServerFn<
            Protocol = Http<PostUrl, Json>,
            Error = AppError,
            Output: Clone + Send + Sync + 'static,
            Client: Client<AppError, Request: ClientReq<AppError, FormData: From<FormData>>>,
        > + Clone
        + Send
        + Sync
        + 'static
{
}

/// A button that runs `action` on `id` at once ("Send invite", "Approve").
#[component]
pub fn ActionButton<S: FormAction>(
    action: ServerAction<S>,
    id: String,
    label: String,
    #[prop(optional)] class: Option<&'static str>,
    /// The button's name for assistive technology when `label` alone is ambiguous in a list.
    #[prop(optional)]
    aria_label: Option<String>,
) -> impl IntoView {
    view! {
        <ActionForm action>
            <input type="hidden" name="id" value=id/>
            <button type="submit" class=class aria-label=aria_label>{label}</button>
        </ActionForm>
    }
}

/// The confirmation of `action` on `id`, open while the query parameter `key` names `id`: a
/// dialog named `label`, saying `text`, whose confirming button is `label` too, and "Cancel",
/// which goes to `cancel`.
#[component]
pub fn ConfirmAction<S: FormAction>(
    action: ServerAction<S>,
    key: &'static str,
    id: String,
    label: String,
    text: String,
    #[prop(into)] cancel: String,
) -> impl IntoView {
    let open = query_param(key);
    move || {
        (open.get() == id).then(|| {
            let (id, label) = (id.clone(), label.clone());
            view! {
                <ConfirmDialog label=label.clone() text=text.clone() cancel=cancel.clone()>
                    <ActionButton action id label class="danger"/>
                </ConfirmDialog>
            }
        })
    }
}

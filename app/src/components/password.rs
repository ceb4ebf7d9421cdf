//! A new password typed twice, as the change, reset, invitation and account pages ask for it.

use super::FieldError;
use crate::error::AppError;
use leptos::prelude::*;

/// The two fields of a new password, each with its message from `error`: `new_password` and
/// `confirm_new_password` ("New password"), or, for an account's `first` password (the
/// invitation page), `password` and `confirm_password` ("Password"). The server checks them
/// with `Password::parse_confirmed`, under the same names.
#[component]
pub fn NewPasswordFields(
    error: Signal<Option<AppError>>,
    #[prop(optional)] first: bool,
) -> impl IntoView {
    let (field, confirm, label, confirm_label) = if first {
        (
            "password",
            "confirm_password",
            "Password",
            "Confirm password",
        )
    } else {
        (
            "new_password",
            "confirm_new_password",
            "New password",
            "Confirm new password",
        )
    };
    view! {
        <label>{label} <input type="password" name=field autocomplete="new-password" required/></label>
        <FieldError error field/>
        <label>{confirm_label} <input type="password" name=confirm autocomplete="new-password" required/></label>
        <FieldError error field=confirm/>
    }
}

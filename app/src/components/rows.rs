//! The name cell of a list whose rows can be renamed and deleted in place (organizations,
//! teams): `?rename=<id>` turns the name into its rename form, `?delete=<id>` opens the
//! confirmation, both as links that work without JavaScript and, hydrated, without a reload.

use super::{ConfirmAction, FieldError, FormAction, action_error, query_param};
use leptos::prelude::*;

/// A row's name: a link to its page (with "Default" beside a default one), its rename form
/// while `?rename=` names it, and its delete confirmation, saying `delete_text`, while
/// `?delete=` does. `list` is the page without the query, where "Cancel" goes.
#[component]
pub fn RenamableName<R, D>(
    rename: ServerAction<R>,
    delete: ServerAction<D>,
    id: String,
    name: String,
    is_default: bool,
    href: String,
    list: &'static str,
    delete_text: String,
) -> impl IntoView
where
    R: FormAction,
    D: FormAction,
{
    let renaming = query_param("rename");
    let rename_error = action_error(rename);
    let name_cell = {
        let (id, name) = (id.clone(), name.clone());
        move || {
            if renaming.get() == id {
                let (id, name) = (id.clone(), name.clone());
                view! {
                    <ActionForm action=rename attr:class="filters">
                        <input type="hidden" name="id" value=id/>
                        <label>"New name" <input name="name" value=name/></label>
                        <button type="submit">"Rename"</button>
                        <a href=list>"Cancel"</a>
                    </ActionForm>
                    <FieldError error=rename_error field="name"/>
                }
                .into_any()
            } else {
                view! {
                    <a href=href.clone()>{name.clone()}</a>
                    {is_default.then(|| view! { " " <span class="status">"Default"</span> })}
                }
                .into_any()
            }
        }
    };
    let label = format!("Delete {name}");
    let confirm = (!is_default).then(|| {
        view! { <ConfirmAction action=delete key="delete" id label text=delete_text cancel=list/> }
    });
    view! { {name_cell}{confirm} }
}

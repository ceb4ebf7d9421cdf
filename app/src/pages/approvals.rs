//! `/admin/approvals`: self-registered consumers waiting for an admin's decision, and those declined.

use crate::api::approvals::{ApproveRegistration, RejectRegistration, registrants};
use crate::api::users::DeleteUser;
use crate::components::{ActionButton, ConfirmAction, FormError, Loaded, action_error, query_href};
use crate::domain::account::Registrant;
use crate::domain::format_time;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The page, where the confirmations' "Cancel" goes back to.
const LIST: &str = "/admin/approvals";

#[component]
pub fn ApprovalsPage() -> impl IntoView {
    let approve = ServerAction::<ApproveRegistration>::new();
    let reject = ServerAction::<RejectRegistration>::new();
    let delete = ServerAction::<DeleteUser>::new();
    let list = Resource::new(
        move || {
            (
                approve.version().get(),
                reject.version().get(),
                delete.version().get(),
            )
        },
        |_| registrants(),
    );
    let errors = [action_error(approve), action_error(reject)];
    let last_error = Signal::derive(move || errors.iter().find_map(|e| e.get()));
    // The decisions redirect here with `?decided=…`, with JavaScript or without.
    let query = use_query_map();
    let done = move || match query.with(|q| q.get("decided")).as_deref() {
        Some("approved") => Some("Registration approved. The registrant was emailed."),
        Some("rejected") => Some("Registration declined. The registrant was emailed."),
        _ => None,
    };
    view! {
        <Title text="Approvals · Portico"/>
        <h1>"Approvals"</h1>
        <p>"Consumers who registered themselves wait here until an admin approves them. "
           <a href="/admin/users?status=pending">"See them in Users"</a></p>
        <FormError error=last_error/>
        {move || done().map(|m| view! { <p class="notice" role="status">{m}</p> })}
        <Loaded resource=list let:all>
            {
                let (declined, pending): (Vec<Registrant>, Vec<Registrant>) =
                    all.into_iter().partition(|r| r.rejected);
                view! {
                    {if pending.is_empty() {
                        view! { <p class="empty">"No registrations are waiting for approval."</p> }.into_any()
                    } else {
                        view! { <RegistrantTable rows=pending approve reject delete=None/> }.into_any()
                    }}
                    {(!declined.is_empty()).then(|| view! {
                        <h2>"Declined"</h2>
                        <p>"They cannot sign in. Approve one to let them in after all, or delete them."</p>
                        <RegistrantTable rows=declined approve reject delete=Some(delete)/>
                    })}
                }
            }
        </Loaded>
    }
}

#[component]
fn RegistrantTable(
    rows: Vec<Registrant>,
    approve: ServerAction<ApproveRegistration>,
    reject: ServerAction<RejectRegistration>,
    /// Offered for declined registrants.
    delete: Option<ServerAction<DeleteUser>>,
) -> impl IntoView {
    view! {
        <table class="data">
            <thead><tr><th>"Name"</th><th>"Email"</th><th>"Registered"</th><th>"Actions"</th></tr></thead>
            <tbody>
                {rows.into_iter().map(|r| {
                    let name = format!("{} {}", r.first_name, r.last_name);
                    let reject_label = format!("Reject {name}");
                    let delete_label = format!("Delete {name}");
                    let confirm_reject = (!r.rejected).then(|| view! {
                        <ConfirmAction action=reject key="reject" id=r.id.clone() label=reject_label.clone()
                            text=format!("Reject {name}'s registration? They are emailed that it was declined.")
                            cancel=LIST/>
                    });
                    let confirm_delete = delete.map(|delete| view! {
                        <ConfirmAction action=delete key="delete" id=r.id.clone() label=delete_label.clone()
                            text=format!("Delete {name}? Their account is removed. This cannot be undone.")
                            cancel=LIST/>
                    });
                    view! {
                        <tr>
                            <td><a href=format!("/admin/users/{}", r.id)>{name.clone()}</a>{confirm_reject}{confirm_delete}</td>
                            <td>{r.email.clone()}</td>
                            <td>{format_time(r.created_at)}</td>
                            <td class="actions">
                                <ActionButton action=approve id=r.id.clone() label="Approve".to_owned()
                                    aria_label=format!("Approve {name}")/>
                                {(!r.rejected).then(|| view! {
                                    <a class="button secondary" role="button" aria-label=reject_label
                                        href=query_href(LIST, &[("reject", &r.id)])>"Reject"</a>
                                })}
                                {delete.is_some().then(|| view! {
                                    <a class="button danger" role="button" aria-label=delete_label
                                        href=query_href(LIST, &[("delete", &r.id)])>"Delete"</a>
                                })}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

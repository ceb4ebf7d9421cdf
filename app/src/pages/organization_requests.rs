//! Organization requests on the pages (SPEC §8.3): a consumer's "Create an organization" on My
//! dashboard, and the pending requests with "Approve" and "Reject" on Organizations.

use crate::api::organization_requests::{
    ApproveOrganizationRequest, RejectOrganizationRequest, RequestOrganization, my_organization,
    organization_requests,
};
use crate::components::{
    ConfirmDialog, FieldError, FormError, action_error, query_href, query_param,
};
use crate::domain::format_time;
use crate::domain::organization_request::{OwnRequest, PendingRequest, RequestStatus};
use leptos::prelude::*;

/// My dashboard's "Create an organization" for a consumer of the default organization, and
/// where their latest request stands.
#[component]
pub fn CreateOrganization(action: ServerAction<RequestOrganization>) -> impl IntoView {
    let offer = Resource::new(move || action.version().get(), |_| my_organization());
    let error = action_error(action);
    let typed = move || {
        error
            .get()
            .and_then(|e| e.echoed("name"))
            .unwrap_or_default()
    };
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let Ok(offer) = offer.await else { return ().into_any() };
                view! {
                    {offer.latest.map(|latest| view! { <LatestRequest latest/> })}
                    {offer.may_request.then(|| view! {
                        <h2>"Create an organization"</h2>
                        <p>"Ask for your company's organization. Once it exists you are its consumer admin and invite your colleagues."</p>
                        <ActionForm action attr:class="stack narrow-form">
                            <FormError error/>
                            <label>"Organization name"
                                <input name="name" autocomplete="organization" required value=typed aria-describedby="name-error"/>
                            </label>
                            <FieldError error field="name"/>
                            <button type="submit">"Create organization"</button>
                        </ActionForm>
                    })}
                }
                .into_any()
            })}
        </Suspense>
    }
}

#[component]
fn LatestRequest(latest: OwnRequest) -> impl IntoView {
    match latest.status {
        RequestStatus::Pending => view! {
            <p class="notice" role="status">
                {format!("Your request is pending review: \"{}\", asked {}. You are emailed when an admin decides.", latest.name, format_time(latest.created_at))}
            </p>
        }
        .into_any(),
        RequestStatus::Rejected => view! {
            <p role="status">{format!("Your request for \"{}\" was declined.", latest.name)}</p>
            {latest.reason.map(|reason| view! { <blockquote>{reason}</blockquote> })}
        }
        .into_any(),
        RequestStatus::Approved => ().into_any(),
    }
}

/// The actions of the pending requests, made by the page so its list of organizations follows.
#[derive(Clone, Copy)]
pub struct Decisions {
    pub approve: ServerAction<ApproveOrganizationRequest>,
    pub reject: ServerAction<RejectOrganizationRequest>,
}

impl Default for Decisions {
    fn default() -> Self {
        Self {
            approve: ServerAction::new(),
            reject: ServerAction::new(),
        }
    }
}

impl Decisions {
    /// Changes whenever a decision was made.
    pub fn version(self) -> (usize, usize) {
        (self.approve.version().get(), self.reject.version().get())
    }
}

/// Organizations' "Pending organization requests": each with "Approve" under a name the admin
/// may change, and "Reject" with an optional reason.
#[component]
pub fn PendingRequests(decisions: Decisions) -> impl IntoView {
    let requests = Resource::new(move || decisions.version(), |_| organization_requests());
    let approve_error = action_error(decisions.approve);
    let reject_error = action_error(decisions.reject);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let requests = match requests.await {
                    Ok(requests) if !requests.is_empty() => requests,
                    _ => return ().into_any(),
                };
                view! {
                    <h2>"Pending organization requests"</h2>
                    <FormError error=approve_error/>
                    <FieldError error=approve_error field="name"/>
                    <FormError error=reject_error/>
                    <FieldError error=reject_error field="reason"/>
                    <table class="data">
                        <thead><tr><th>"Organization name"</th><th>"Requester"</th><th>"Asked"</th><th>"Status"</th><th>"Actions"</th></tr></thead>
                        <tbody>
                            {requests.into_iter().map(|r| view! { <RequestRow request=r decisions/> }).collect_view()}
                        </tbody>
                    </table>
                }
                .into_any()
            })}
        </Suspense>
    }
}

#[component]
fn RequestRow(request: PendingRequest, decisions: Decisions) -> impl IntoView {
    let open = query_param("reject");
    let id = request.id.clone();
    let reject_href = query_href("/admin/organizations", &[("reject", &id)]);
    let approve_id = id.clone();
    let label = format!("Reject the request for {}", request.name);
    let text = format!(
        "Reject {}'s request for \"{}\"? They are emailed, with the reason if you give one.",
        request.requester_name, request.name
    );
    view! {
        <tr>
            <td>{request.name.clone()}</td>
            <td><a href=format!("/admin/users/{}", request.requester_id)>{request.requester_name.clone()}</a>" "<span class="hint">{request.requester_email.clone()}</span></td>
            <td>{format_time(request.created_at)}</td>
            <td>"Pending"</td>
            <td>
                <ActionForm action=decisions.approve attr:class="inline">
                    <input type="hidden" name="id" value=approve_id/>
                    <label>"Name" <input name="name" value=request.name.clone() required aria-label=format!("Name for the request of {}", request.requester_email)/></label>
                    <button type="submit">"Approve"</button>
                </ActionForm>
                <a class="button secondary" role="button" href=reject_href>"Reject"</a>
                {move || (open.get() == id).then(|| {
                    let id = id.clone();
                    view! {
                        <ConfirmDialog label=label.clone() text=text.clone() cancel="/admin/organizations">
                            <ActionForm action=decisions.reject attr:class="stack">
                                <input type="hidden" name="id" value=id/>
                                <label>"Reason" <textarea name="reason" rows="3" maxlength="1000"></textarea></label>
                                <button type="submit" class="danger">"Reject"</button>
                            </ActionForm>
                        </ConfirmDialog>
                    }
                })}
            </td>
        </tr>
    }
}

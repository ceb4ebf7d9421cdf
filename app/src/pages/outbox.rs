//! `/admin/settings/email/outbox`: every composed email with its delivery state and "Retry".

use crate::api::outbox::{RetryEmail, outbox};
use crate::components::{FormError, action_error};
use crate::domain::format_time;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn OutboxPage() -> impl IntoView {
    let retry = ServerAction::<RetryEmail>::new();
    let messages = Resource::new(move || retry.version().get(), |_| outbox());
    view! {
        <Title text="Outbox · Portico"/>
        <h1>"Outbox"</h1>
        <p class="hint">"Every email Portico composed. Without PORTICO_SMTP_URL they stay here; a one-time link shows while it is live and undelivered, and only when you may act for its recipient. Delivered emails are deleted after the retention period (Settings > General > Security)."</p>
        <FormError error=action_error(retry)/>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match messages.await {
                    Ok(list) if list.is_empty() => view! { <p class="empty">"No emails yet."</p> }.into_any(),
                    Ok(list) => view! {
                        <table class="data">
                            <thead><tr><th>"Created"</th><th>"To"</th><th>"Subject"</th><th>"Status"</th><th>"Attempts"</th><th>"Last error"</th><th></th></tr></thead>
                            <tbody>
                                {list.into_iter().map(|m| {
                                    let status = match (m.status.as_str(), m.sent_at) {
                                        ("sent", Some(at)) => format!("Sent {}", format_time(at)),
                                        ("failed", _) => "Failed".to_owned(),
                                        ("sending", _) => "Sending".to_owned(),
                                        _ => "Queued".to_owned(),
                                    };
                                    let retryable = m.status == "failed" || (m.status == "queued" && m.attempts > 0);
                                    let id = m.id.clone();
                                    view! {
                                        <tr>
                                            <td>{format_time(m.created_at)}</td>
                                            <td>{m.to_address}</td>
                                            <td>
                                                <details>
                                                    <summary>{m.subject}</summary>
                                                    <pre class="email-body">{m.text_body}</pre>
                                                </details>
                                            </td>
                                            <td>{status}</td>
                                            <td>{m.attempts}</td>
                                            <td>{m.last_error.unwrap_or_default()}</td>
                                            <td>{retryable.then(|| view! {
                                                <ActionForm action=retry>
                                                    <input type="hidden" name="id" value=id.clone()/>
                                                    <button type="submit">"Retry"</button>
                                                </ActionForm>
                                            })}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                    Err(e) => view! { <p role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

//! `/admin/settings/email/templates`: the emails Portico sends, each editable with a preview
//! (from sample values) and a test send to yourself.

use crate::api::templates::{
    ResetEmailTemplate, SaveEmailTemplate, SendTestEmail, email_template, email_templates,
};
use crate::components::{FieldError, FormError, action_error, query_href, textarea_text};
use crate::domain::email_template::TemplateView;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn EmailTemplatesPage() -> impl IntoView {
    let query = use_query_map();
    let kind = move || query.with(|q| q.get("kind")).unwrap_or_default();
    let save = ServerAction::<SaveEmailTemplate>::new();
    let reset = ServerAction::<ResetEmailTemplate>::new();
    let test = ServerAction::<SendTestEmail>::new();
    let list = Resource::new(
        move || (save.version().get(), reset.version().get()),
        |_| email_templates(),
    );
    let chosen = Resource::new(
        move || (kind(), save.version().get(), reset.version().get()),
        |(kind, ..)| async move {
            if kind.is_empty() {
                Ok(None)
            } else {
                email_template(kind).await.map(Some)
            }
        },
    );
    let notice = move || {
        query.with(|q| {
            if q.get("saved").is_some() {
                Some("Template saved. Emails composed from now on use it.")
            } else if q.get("reset").is_some() {
                Some("Template reset to the default.")
            } else if q.get("tested").is_some() {
                Some("Test email sent to you. See it in the Outbox.")
            } else {
                None
            }
        })
    };
    view! {
        <Title text="Email templates · Portico"/>
        <h1>"Email templates"</h1>
        <p class="hint">"Only super admins save or reset templates. In the HTML body a variable may be text or a whole link address (href=\"{{ reset_url }}\"), never part of an image or another address."</p>
        <p>"Each email has a subject, a text body and an HTML body. Variables like "
           <code>"{{ user.first_name }}"</code>" are filled in when the email is composed (and escaped in HTML)."</p>
        {move || notice().map(|m| view! { <p class="notice" role="status">{m}</p> })}
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(list) => view! {
                        <ul class="template-list">
                            {list.into_iter().map(|t| view! {
                                <li>
                                    <a href=query_href("/admin/settings/email/templates", &[("kind", &t.kind)])>{t.name}</a>
                                    {t.edited.then(|| view! { " " <span class="badge">"Edited"</span> })}
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <p role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match chosen.await {
                    Ok(Some(template)) => view! { <TemplateEditor template save reset test/> }.into_any(),
                    Ok(None) => ().into_any(),
                    Err(e) => view! { <p role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn TemplateEditor(
    template: TemplateView,
    save: ServerAction<SaveEmailTemplate>,
    reset: ServerAction<ResetEmailTemplate>,
    test: ServerAction<SendTestEmail>,
) -> impl IntoView {
    let error = action_error(save);
    let other_errors = [action_error(reset), action_error(test)];
    let other_error = Signal::derive(move || other_errors.iter().find_map(|e| e.get()));
    let echoed = move |field: &'static str, stored: &str| {
        error
            .get()
            .and_then(|e: AppError| e.echoed(field))
            .unwrap_or_else(|| stored.to_owned())
    };
    let (subject, text_body, html_body) = (
        template.subject.clone(),
        template.text_body.clone(),
        template.html_body.clone(),
    );
    let (k1, k2, k3) = (
        template.kind.clone(),
        template.kind.clone(),
        template.kind.clone(),
    );
    view! {
        <section class="template-editor" aria-labelledby="template-title">
            <h2 id="template-title">{template.name.clone()}</h2>
            <p class="hint">"Variables: " {template.variables.join(", ")}</p>
            <ActionForm action=save attr:class="stack">
                <FormError error/>
                <input type="hidden" name="kind" value=k1/>
                <label>"Subject" <input name="subject" required value=move || echoed("subject", &subject)/></label>
                <FieldError error field="subject"/>
                <label>"Text body" <textarea name="text_body" rows="8" required >{move || textarea_text(echoed("text_body", &text_body))}</textarea></label>
                <FieldError error field="text_body"/>
                <label>"HTML body" <textarea name="html_body" rows="8" required >{move || textarea_text(echoed("html_body", &html_body))}</textarea></label>
                <FieldError error field="html_body"/>
                <button type="submit">"Save template"</button>
            </ActionForm>
            <FormError error=other_error/>
            <div class="actions">
                <ActionForm action=test>
                    <input type="hidden" name="kind" value=k2/>
                    <button type="submit" class="secondary">"Send test email to me"</button>
                </ActionForm>
                {template.edited.then(|| view! {
                    <ActionForm action=reset>
                        <input type="hidden" name="kind" value=k3/>
                        <button type="submit" class="secondary">"Reset to default"</button>
                    </ActionForm>
                })}
            </div>
            <h3>"Preview"</h3>
            <p class="hint">"Filled in with sample values."</p>
            <dl class="details">
                <dt>"Subject"</dt><dd class="preview-subject">{template.preview_subject.clone()}</dd>
            </dl>
            <pre class="preview-text" aria-label="Text preview">{template.preview_text.clone()}</pre>
            <iframe class="preview-html" title="HTML preview" sandbox="" srcdoc=template.preview_html.clone()></iframe>
        </section>
    }
}

//! Waiting for a server function's answer: the loading line, then the value or the error.

use crate::error::AppError;
use leptos::prelude::*;

/// Renders `children` with `resource`'s value once it has loaded, "Loading…" until then, and
/// the error in an alert if the server function failed. Use it as
/// `<Loaded resource=rows let:rows> … </Loaded>`.
#[component]
pub fn Loaded<T, F, V>(resource: Resource<Result<T, AppError>>, children: F) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                let children = children.clone();
                Suspend::new(async move {
                    match resource.await {
                        Ok(value) => children(value).into_any(),
                        Err(e) => view! { <p role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

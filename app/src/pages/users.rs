//! `/admin/users`: the users table with search, filters, sort and keyset pages, and the
//! "Add user" dialog (a native `<dialog>` around an `ActionForm`, open when `?add=1`).

use crate::api::users::{CreateUser, PAGE_SIZE, count_users, list_users, user_choices};
use crate::components::{
    ConsumerPlacement, FieldChecks, FormError, InitialPassword, PersonFields, action_error,
    query_href, show_as_modal,
};
use crate::domain::user::{Choice, TeamChoice, UserPage, UserStatus};
use crate::domain::{Role, format_time};
use crate::error::AppError;
use leptos::html::Dialog;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::{use_navigate, use_query_map};

#[component]
pub fn UsersPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |key: &'static str| query.with(|q| q.get(key)).unwrap_or_default();
    let create = ServerAction::<CreateUser>::new();
    let choices = Resource::new(|| (), |_| user_choices());
    let page = Resource::new(
        move || {
            (
                param("q"),
                param("organization"),
                param("team"),
                param("status"),
                param("sort"),
                param("cursor"),
                create.version().get(),
            )
        },
        |(q, organization, team, status, sort, cursor, _)| {
            list_users(q, organization, team, status, sort, cursor)
        },
    );
    // A search's page counts up to a cap, so it stays fast at any size; past the cap the table
    // shows this exact count, which does not change with the page shown. Without a search the
    // page's own total is exact (read from the tally) and this asks nothing.
    let exact_total = Resource::new(
        move || {
            (
                param("q"),
                param("organization"),
                param("team"),
                param("status"),
                create.version().get(),
            )
        },
        |(q, organization, team, status, _)| async move {
            if q.trim().is_empty() {
                return Ok(None);
            }
            count_users(q, organization, team, status).await.map(Some)
        },
    );
    let opener = NodeRef::<leptos::html::A>::new();
    view! {
        <Title text="Users · Portico"/>
        <div class="page-head">
            <h1>"Users"</h1>
            <a class="button" href="/admin/users?add=1" node_ref=opener>"Add new user"</a>
        </div>
        {move || (!param("created").is_empty()).then(|| view! {
            <p class="notice" role="status">
                "User added. " <a href=format!("/admin/users/{}", param("created"))>"Open their page"</a>
            </p>
        })}
        {move || (!param("deleted").is_empty()).then(|| view! { <p class="notice" role="status">"User deleted."</p> })}
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let (organizations, teams) = choices.await.unwrap_or_default();
                view! { <Filters organizations=organizations.clone() teams=teams.clone()/> }
            })}
        </Suspense>
        <Suspense fallback=|| view! { <p>"Loading users…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <UsersTable page exact_total/> }.into_any(),
                    Err(e) => view! { <p role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
        <Show when=move || param("add") == "1">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let (organizations, teams) = choices.await.unwrap_or_default();
                    view! { <AddUserDialog action=create organizations teams opener/> }
                })}
            </Suspense>
        </Show>
    }
}

/// Search, filters and sort: a GET form, so the URL holds the view and it works without wasm.
#[component]
fn Filters(
    organizations: Vec<crate::domain::user::Choice>,
    teams: Vec<TeamChoice>,
) -> impl IntoView {
    let query = use_query_map();
    let param = move |key: &'static str| query.with_untracked(|q| q.get(key)).unwrap_or_default();
    let (org, team, status, sort) = (
        param("organization"),
        param("team"),
        param("status"),
        param("sort"),
    );
    view! {
        <Form method="GET" action="/admin/users" attr:class="filters" attr:role="search">
            <label>"Search" <input type="search" name="q" value=param("q") placeholder="Name or email"/></label>
            <label>"Organization"
                <select name="organization">
                    <option value="">"All"</option>
                    {organizations.into_iter().map(|o| {
                        let selected = o.id == org;
                        view! { <option value=o.id selected=selected>{o.name}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label>"Team"
                <select name="team">
                    <option value="">"All"</option>
                    {teams.into_iter().map(|t| {
                        let selected = t.id == team;
                        view! { <option value=t.id selected=selected>{t.name}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label>"Status"
                <select name="status">
                    <option value="">"All"</option>
                    {UserStatus::ALL.into_iter().map(|s| {
                        let selected = s.key() == status;
                        view! { <option value=s.key() selected=selected>{s.label()}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label>"Sort"
                <select name="sort">
                    <option value="created" selected=sort.is_empty() || sort == "created">"Newest first"</option>
                    <option value="name" selected=sort == "name">"Name"</option>
                    <option value="email" selected=sort == "email">"Email"</option>
                </select>
            </label>
            <button type="submit">"Apply"</button>
        </Form>
    }
}

#[component]
fn UsersTable(
    page: UserPage,
    exact_total: Resource<Result<Option<i64>, AppError>>,
) -> impl IntoView {
    let query = use_query_map();
    let next_href = page.next_cursor.clone().map(|cursor| {
        let kept: Vec<(&str, String)> = query.with_untracked(|q| {
            ["q", "organization", "team", "status", "sort"]
                .into_iter()
                .filter_map(|k| q.get(k).map(|v| (k, v)))
                .collect()
        });
        let mut params: Vec<(&str, &str)> = kept.iter().map(|(k, v)| (*k, v.as_str())).collect();
        params.push(("cursor", &cursor));
        query_href("/admin/users", &params)
    });
    let first_page = query.with_untracked(|q| q.get("cursor").is_some());
    let total = page.total;
    let capped = page.total_is_capped;
    let count = if capped {
        let more = format!("More than {} users", group_thousands(total));
        let shown = more.clone();
        view! {
            <Suspense fallback=move || more>
                {move || {
                    let shown = shown.clone();
                    Suspend::new(async move {
                        match exact_total.await {
                            Ok(Some(exact)) => count_text(exact),
                            _ => shown,
                        }
                    })
                }}
            </Suspense>
        }
        .into_any()
    } else {
        count_text(total).into_any()
    };
    if page.users.is_empty() && total == 0 {
        return view! {
            <p class="empty">"No API consumers match. Add one with “Add new user”, or change the filters."</p>
        }
        .into_any();
    }
    view! {
        <p class="count" role="status">{count}</p>
        <table class="data">
            <thead>
                <tr><th>"Name"</th><th>"Email"</th><th>"Organization"</th><th>"Teams"</th><th>"Status"</th><th>"Created"</th></tr>
            </thead>
            <tbody>
                {page.users.into_iter().map(|u| view! {
                    <tr>
                        <td><a href=format!("/admin/users/{}", u.id)>{format!("{} {}", u.first_name, u.last_name)}</a></td>
                        <td>{u.email}</td>
                        <td>{u.organization}</td>
                        <td>{u.teams.join(", ")}</td>
                        <td><span class=format!("status {}", u.status.key())>{u.status.label()}</span></td>
                        <td>{format_time(u.created_at)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        <nav class="pager" aria-label="Pages">
            {first_page.then(|| view! { <a href="/admin/users">"First page"</a> })}
            {next_href.map(|href| view! { <a href=href rel="next">"Next page"</a> })}
            <span class="muted">{format!("{PAGE_SIZE} per page")}</span>
        </nav>
    }
    .into_any()
}

/// "1 user", "10,000 users".
fn count_text(n: i64) -> String {
    match n {
        1 => "1 user".to_owned(),
        n => format!("{} users", group_thousands(n)),
    }
}

/// 10000 as "10,000".
fn group_thousands(n: i64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[component]
fn AddUserDialog(
    action: ServerAction<CreateUser>,
    organizations: Vec<Choice>,
    teams: Vec<TeamChoice>,
    opener: NodeRef<leptos::html::A>,
) -> impl IntoView {
    let dialog = NodeRef::<Dialog>::new();
    let error = action_error(action);
    let checks = FieldChecks::new(error);
    let default_org = organizations
        .first()
        .map(|o| o.id.clone())
        .unwrap_or_default();
    let navigate = use_navigate();
    let close = move || {
        // Close first: while the modal is open the rest of the page is inert and cannot take focus.
        if let Some(dialog) = dialog.get_untracked() {
            dialog.close();
        }
        if let Some(opener) = opener.get_untracked() {
            let _ = opener.focus();
        }
        navigate("/admin/users", Default::default());
    };
    show_as_modal(dialog);
    // On success the server redirects to `?created=…`, which closes the dialog.
    view! {
        <dialog node_ref=dialog open=true aria-labelledby="add-user-title" class="modal"
            on:cancel=move |ev: leptos::ev::Event| { ev.prevent_default(); close(); }>
            <h2 id="add-user-title">"Add user"</h2>
            <ActionForm action=action attr:class="stack" attr:novalidate=true>
                <FormError error/>
                <PersonFields checks autofocus=true/>
                <ConsumerPlacement checks prefix="add-user" organizations teams organization_id=default_org
                    member_of=Vec::new() role=Role::ConsumerTeamMember
                    teams_hint="None chosen: the organization's default team."/>
                <InitialPassword checks hint="Optional. Leave empty to send an invitation later. At least 12 characters."/>
                <div class="actions">
                    <button type="submit">"Save"</button>
                    <a class="button secondary" href="/admin/users" role="button">"Cancel"</a>
                </div>
            </ActionForm>
        </dialog>
    }
}

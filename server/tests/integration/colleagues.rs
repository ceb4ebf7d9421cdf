//! What a consumer admin changes of the people they share a team with (SPEC §8.2): "Edit",
//! "Remove from organization", "Resend invite" and "Revoke invite", and every way around them
//! refused with nothing changed.

use crate::dashboard::{PASSWORD, World, emails, invite, users_seen_by, world};
use crate::support::*;
use app::backend::db::NOT_THEIR_INVITATION;
use app::backend::db::{DEFAULT_ORGANIZATION_ID, DEFAULT_TEAM_ID};
use app::domain::colleague::{ColleagueDetail, LAST_CONSUMER_ADMIN};
use app::domain::user::UserStatus;
use app::error::AppError;
use reqwest::StatusCode;

async fn id_of(app: &TestApp, email: &str) -> String {
    app.scalar_text(&format!("select id from users where email = '{email}'"))
        .await
}

/// The "Edit" form as posted.
async fn edit(
    app: &TestApp,
    client: &reqwest::Client,
    id: &str,
    (first, last): (&str, &str),
    role: &str,
    teams: &[&str],
) -> reqwest::Response {
    let mut form = vec![
        ("id", id),
        ("form[first_name]", first),
        ("form[last_name]", last),
        ("form[role]", role),
    ];
    for team in teams {
        form.push(("form[team_ids][]", team));
    }
    app.call_with(client, "edit_colleague", &form).await
}

/// Everything of a user a consumer admin could change, to prove a refusal changed nothing.
async fn snapshot(app: &TestApp, id: &str) -> (String, Vec<String>, i64) {
    if app
        .count(&format!("select count(*) from users where id = '{id}'"))
        .await
        == 0
    {
        return (String::new(), Vec::new(), 0);
    }
    let row = app
        .scalar_text(&format!(
            "select first_name || '|' || last_name || '|' || role || '|' || organization_id || '|' || status \
             from users where id = '{id}'"
        ))
        .await;
    let tokens = app
        .count(&format!(
            "select count(*) from one_time_tokens where user_id = '{id}' and revoked_at is null"
        ))
        .await;
    (row, app.team_names(id).await, tokens)
}

#[tokio::test]
async fn a_consumer_admin_edits_names_role_and_only_the_teams_they_are_in() {
    let World { app, ops, .. } = world().await;
    let alice = app.signed_in_client("alice@acme.test", PASSWORD).await;
    let (alice_id, dave) = (
        id_of(&app, "alice@acme.test").await,
        id_of(&app, "dave@acme.test").await,
    );

    // Dave is in Devs (Alice's) and Ops (not hers): unticking Devs leaves Ops alone.
    let response = edit(
        &app,
        &alice,
        &dave,
        ("David", "Dunn-Smith"),
        "consumer-admin",
        &[],
    )
    .await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{:?}",
        response.text().await
    );
    assert_eq!(app.team_names(&dave).await, ["Ops"]);
    assert_eq!(
        app.scalar_text(&format!(
            "select first_name || ' ' || last_name || ' ' || role from users where id = '{dave}'"
        ))
        .await,
        "David Dunn-Smith consumer-admin"
    );
    assert_eq!(
        app.count(&format!(
            "select count(*) from audit_log where subject_id = '{dave}' and actor_id = '{alice_id}' \
             and action = 'user.updated'"
        ))
        .await,
        1
    );

    // Bob is in Devs only: in no team left, he joins Acme's default team.
    let bob = id_of(&app, "bob@acme.test").await;
    let response = edit(
        &app,
        &alice,
        &bob,
        ("Bob", "Baker"),
        "consumer-team-member",
        &[],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(app.team_names(&bob).await, ["Acme All users"]);

    // Once Alice is in Ops too (an admin adds her), she moves people into it.
    let response = app
        .call(
            "add_user_to_team",
            &[("user_id", alice_id.as_str()), ("team_id", ops.as_str())],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let carol = id_of(&app, "carol@acme.test").await;
    let response = edit(
        &app,
        &alice,
        &carol,
        ("Carol", "Cole"),
        "consumer-team-member",
        &[&ops],
    )
    .await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "Carol now shares Ops with Alice"
    );
    let detail: ColleagueDetail = app
        .call_with(&alice, "colleague", &[("id", &carol)])
        .await
        .json()
        .await
        .expect("detail");
    let ticked: Vec<(&str, bool)> = detail
        .teams
        .iter()
        .map(|t| (t.name.as_str(), t.member))
        .collect();
    assert_eq!(ticked, [("Devs", false), ("Ops", true)]);
    app.assert_counts().await;
}

#[tokio::test]
async fn out_of_reach_edits_removals_and_invitations_are_refused_with_nothing_changed() {
    let World { app, ops, devs, .. } = world().await;
    let alice = app.signed_in_client("alice@acme.test", PASSWORD).await;
    let bob_client = app.signed_in_client("bob@acme.test", PASSWORD).await;
    let fay_client = app.signed_in_client("fay@example.com", PASSWORD).await;
    let erin_client = app.signed_in_client("erin@globex.test", PASSWORD).await;
    let stranger = client(&app.base);
    let carol = id_of(&app, "carol@acme.test").await; // Acme, Ops only: no team shared with Alice
    let erin = id_of(&app, "erin@globex.test").await; // another organization
    let alice_id = id_of(&app, "alice@acme.test").await;
    let bob = id_of(&app, "bob@acme.test").await;
    let fay = id_of(&app, "fay@example.com").await;

    let attempts: Vec<(&str, &reqwest::Client, &str, StatusCode)> = vec![
        (
            "Alice on Carol (no shared team)",
            &alice,
            &carol,
            StatusCode::FORBIDDEN,
        ),
        (
            "Alice on Erin (Globex)",
            &alice,
            &erin,
            StatusCode::FORBIDDEN,
        ),
        (
            "Alice on an unknown id",
            &alice,
            "no-such-user",
            StatusCode::FORBIDDEN,
        ),
        (
            "Bob (team member) on Alice",
            &bob_client,
            &alice_id,
            StatusCode::FORBIDDEN,
        ),
        (
            "Erin (Globex's admin) on Bob",
            &erin_client,
            &bob,
            StatusCode::FORBIDDEN,
        ),
        (
            "Fay (default organization's admin) on herself",
            &fay_client,
            &fay,
            StatusCode::FORBIDDEN,
        ),
        (
            "the provider's admin on Bob",
            &app.client,
            &bob,
            StatusCode::FORBIDDEN,
        ),
        (
            "a stranger on Bob",
            &stranger,
            &bob,
            StatusCode::UNAUTHORIZED,
        ),
    ];
    for (who, client, target, expected) in attempts {
        let before = snapshot(&app, target).await;
        for (function, extra) in [
            ("colleague", vec![]),
            ("remove_colleague", vec![]),
            ("resend_colleague_invite", vec![]),
            ("revoke_colleague_invite", vec![]),
            (
                "edit_colleague",
                vec![
                    ("form[first_name]", "Hijacked"),
                    ("form[last_name]", "Name"),
                    ("form[role]", "consumer-admin"),
                    ("form[team_ids][]", devs.as_str()),
                ],
            ),
        ] {
            let mut form = vec![("id", target)];
            form.extend(extra);
            let (status, _) = error_of(app.call_with(client, function, &form).await).await;
            assert_eq!(status, expected, "{who}: {function}");
        }
        assert_eq!(
            snapshot(&app, target).await,
            before,
            "{who}: nothing changed"
        );
    }

    // Within reach, a team Alice is not in is a field error and changes nothing.
    let before = snapshot(&app, &bob).await;
    let (status, error) = error_of(
        edit(
            &app,
            &alice,
            &bob,
            ("Bob", "Baker"),
            "consumer-team-member",
            &[&ops],
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        error.field_message("team_ids").as_deref(),
        Some("Choose among your own teams.")
    );
    // Bad names and an admin's role are field errors like the admin side's.
    let (status, error) = error_of(
        edit(
            &app,
            &alice,
            &bob,
            (" ", "<b>Baker</b>"),
            "super-admin",
            &[],
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error.field_message("first_name").is_some(), "{error:?}");
    assert_eq!(
        error.field_message("role").as_deref(),
        Some("Choose a role.")
    );
    assert_eq!(snapshot(&app, &bob).await, before);
    assert_eq!(
        app.count(&format!(
            "select count(*) from audit_log where actor_id = '{alice_id}' and action <> 'session.login'"
        ))
        .await,
        0,
        "no refused attempt left a trace of a change"
    );
}

#[tokio::test]
async fn the_last_consumer_admin_is_neither_demoted_nor_removed_even_by_two_at_once() {
    let World { app, devs, .. } = world().await;
    let alice = app.signed_in_client("alice@acme.test", PASSWORD).await;
    let (alice_id, bob_id) = (
        id_of(&app, "alice@acme.test").await,
        id_of(&app, "bob@acme.test").await,
    );
    let last = AppError::Conflict {
        message: LAST_CONSUMER_ADMIN.into(),
    };
    // A consumer admin who never set a password (invited, never accepted) does not count.
    let response = app
        .call_with(
            &alice,
            "invite_colleague",
            &[
                ("form[first_name]", "Ivy"),
                ("form[last_name]", "Invited"),
                ("form[email]", "ivy@acme.test"),
                ("form[organization_id]", ""),
                ("form[role]", "consumer-admin"),
                ("form[team_ids][]", devs.as_str()),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let demote_self = edit(
        &app,
        &alice,
        &alice_id,
        ("Alice", "Able"),
        "consumer-team-member",
        &[&devs],
    )
    .await;
    assert_eq!(
        error_of(demote_self).await,
        (StatusCode::CONFLICT, last.clone())
    );
    let remove_self = app
        .call_with(&alice, "remove_colleague", &[("id", &alice_id)])
        .await;
    assert_eq!(error_of(remove_self).await, (StatusCode::CONFLICT, last));
    assert_eq!(
        app.scalar_text(&format!("select role from users where id = '{alice_id}'"))
            .await,
        "consumer-admin"
    );

    // With Bob made consumer admin, each demotes the other at the same moment: one wins, and
    // Acme keeps a consumer admin.
    let response = edit(
        &app,
        &alice,
        &bob_id,
        ("Bob", "Baker"),
        "consumer-admin",
        &[&devs],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let bob = app.signed_in_client("bob@acme.test", PASSWORD).await;
    let teams = [devs.as_str()];
    let (a, b) = tokio::join!(
        edit(
            &app,
            &alice,
            &bob_id,
            ("Bob", "Baker"),
            "consumer-team-member",
            &teams
        ),
        edit(
            &app,
            &bob,
            &alice_id,
            ("Alice", "Able"),
            "consumer-team-member",
            &teams
        ),
    );
    let statuses = [a.status(), b.status()];
    assert_eq!(count_of(&statuses, StatusCode::OK), 1, "{statuses:?}");
    assert_eq!(
        app.count(
            "select count(*) from users u join organizations o on o.id = u.organization_id \
             where o.name = 'Acme' and u.role = 'consumer-admin' and u.password_hash is not null"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn removal_moves_the_person_to_the_default_organization_and_deletes_nothing() {
    let World { app, .. } = world().await;
    let alice = app.signed_in_client("alice@acme.test", PASSWORD).await;
    let (alice_id, dave) = (
        id_of(&app, "alice@acme.test").await,
        id_of(&app, "dave@acme.test").await,
    );
    let dave_client = app.signed_in_client("dave@acme.test", PASSWORD).await;
    let response = app
        .call_with(&alice, "remove_colleague", &[("id", &dave)])
        .await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{:?}",
        response.text().await
    );
    assert_eq!(
        app.scalar_text(&format!(
            "select organization_id || ' ' || role || ' ' || status from users where id = '{dave}'"
        ))
        .await,
        format!("{DEFAULT_ORGANIZATION_ID} consumer-team-member active")
    );
    assert_eq!(
        app.scalar_text(&format!(
            "select team_id from team_memberships where user_id = '{dave}'"
        ))
        .await,
        DEFAULT_TEAM_ID,
        "every Acme team left, Ops (not Alice's) included"
    );
    assert_eq!(
        emails(&users_seen_by(&app, &alice, "").await),
        ["alice@acme.test", "bob@acme.test"]
    );
    let seen = users_seen_by(&app, &dave_client, "").await;
    assert_eq!(
        seen.organization, None,
        "Dave, still signed in, sees no company"
    );
    assert_eq!(
        app.count(&format!(
            "select count(*) from audit_log where subject_id = '{dave}' and actor_id = '{alice_id}' \
             and action = 'user.removed_from_organization' and detail = 'removed from Acme'"
        ))
        .await,
        1
    );
    // Once removed, Dave is out of Alice's reach.
    let (status, _) = error_of(
        app.call_with(&alice, "remove_colleague", &[("id", &dave)])
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    app.assert_counts().await;
}

#[tokio::test]
async fn a_consumer_admin_resends_and_revokes_the_invitations_of_their_people() {
    let World {
        app, acme, devs, ..
    } = world().await;
    let alice = app.signed_in_client("alice@acme.test", PASSWORD).await;
    let response = invite(&app, &alice, "newbie@acme.test", "", &[&devs]).await;
    assert_eq!(response.status(), StatusCode::OK);
    let newbie: String = response.json().await.expect("id");
    let live = format!(
        "select count(*) from one_time_tokens where user_id = '{newbie}' and purpose = 'invitation' \
         and revoked_at is null and used_at is null"
    );

    let response = app
        .call_with(&alice, "resend_colleague_invite", &[("id", &newbie)])
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(app.count(&live).await, 1, "the first link is revoked");
    assert_eq!(
        app.count(
            "select count(*) from email_outbox where to_address = 'newbie@acme.test' and kind = 'invitation'"
        )
        .await,
        2
    );

    let response = app
        .call_with(&alice, "revoke_colleague_invite", &[("id", &newbie)])
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(app.count(&live).await, 0);
    let detail: ColleagueDetail = app
        .call_with(&alice, "colleague", &[("id", &newbie)])
        .await
        .json()
        .await
        .expect("detail");
    assert_eq!(detail.status, UserStatus::NotInvited);
    assert!(!detail.invitation_pending);
    let (status, _) = error_of(
        app.call_with(&alice, "revoke_colleague_invite", &[("id", &newbie)])
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "nothing left to revoke");

    // An invitation a provider admin sent is not Alice's to resend or revoke.
    let response = app
        .call(
            "create_user",
            &[
                ("form[first_name]", "Pat"),
                ("form[last_name]", "Provided"),
                ("form[email]", "pat@acme.test"),
                ("form[organization_id]", acme.as_str()),
                ("form[role]", "consumer-team-member"),
                ("form[team_ids][]", devs.as_str()),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let pat: String = response.json().await.expect("id");
    assert_eq!(
        app.call("send_invite", &[("id", &pat)]).await.status(),
        StatusCode::OK
    );
    for function in ["resend_colleague_invite", "revoke_colleague_invite"] {
        let (status, error) =
            error_of(app.call_with(&alice, function, &[("id", &pat)]).await).await;
        assert_eq!(
            (status, error),
            (
                StatusCode::CONFLICT,
                AppError::Conflict {
                    message: NOT_THEIR_INVITATION.into()
                }
            ),
            "{function}"
        );
    }
    assert_eq!(
        app.count(&format!(
            "select count(*) from one_time_tokens where user_id = '{pat}' and revoked_at is null"
        ))
        .await,
        1
    );

    // Bob has a password: an invitation is refused.
    let bob = id_of(&app, "bob@acme.test").await;
    let (status, _) = error_of(
        app.call_with(&alice, "resend_colleague_invite", &[("id", &bob)])
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let alice_id = id_of(&app, "alice@acme.test").await;
    assert_eq!(
        app.count(&format!(
            "select count(*) from audit_log where subject_id = '{newbie}' and actor_id = '{alice_id}' \
             and action in ('invitation.resent', 'invitation.revoked')"
        ))
        .await,
        2
    );
}

#[tokio::test]
async fn the_edit_page_works_without_javascript_and_shows_names_as_text() {
    let World { app, devs, .. } = world().await;
    let alice = app.signed_in_client("alice@acme.test", PASSWORD).await;
    let bob = id_of(&app, "bob@acme.test").await;
    let response = edit(
        &app,
        &alice,
        &bob,
        ("<script>alert(1)</script>", "Baker"),
        "consumer-team-member",
        &[&devs],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    for path in [format!("/dashboard/users/{bob}"), "/dashboard".to_owned()] {
        let page = text_at(&alice, &app.url(&path)).await;
        assert!(
            page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{path}: {page}"
        );
        assert!(!page.contains("<script>alert(1)"), "{path}");
    }
    let page = text_at(&alice, &app.url(&format!("/dashboard/users/{bob}"))).await;
    assert!(page.contains("Remove from organization"), "{page}");
    assert!(page.contains(r#"name="form[team_ids][]""#), "{page}");

    // A form posted without JavaScript is answered with a redirect back to the page.
    let response = alice
        .post(app.url("/api/edit_colleague"))
        .header(reqwest::header::ACCEPT, "text/html")
        .header(
            reqwest::header::REFERER,
            app.url(&format!("/dashboard/users/{bob}")),
        )
        .form(&[
            ("id", bob.as_str()),
            ("form[first_name]", "Bob"),
            ("form[last_name]", "Baker"),
            ("form[role]", "consumer-team-member"),
            ("form[team_ids][]", devs.as_str()),
        ])
        .send()
        .await
        .expect("post");
    assert!(response.status().is_redirection(), "{}", response.status());
    assert_eq!(
        location(&response),
        format!("/dashboard/users/{bob}?saved=1")
    );

    // Bob, a team member, sees no edit links and cannot open the page.
    let bob_client = app.signed_in_client("bob@acme.test", PASSWORD).await;
    let page = text_at(&bob_client, &app.url("/dashboard")).await;
    assert!(!page.contains("/dashboard/users/"), "{page}");
    let page = text_at(&bob_client, &app.url(&format!("/dashboard/users/{bob}"))).await;
    assert!(page.contains("Only a consumer admin"), "{page}");
}

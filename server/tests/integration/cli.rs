//! The `portico` binary: configuration errors, `migrate` and `admin create`.

use crate::support::*;
use std::process::Stdio;
use tokio::io::AsyncWriteExt as _;
use tokio::process::Command;

fn portico() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_portico"));
    for (key, _) in std::env::vars() {
        if key.starts_with("PORTICO_") {
            command.env_remove(key);
        }
    }
    command
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .kill_on_drop(true);
    command
}

async fn run(command: &mut Command) -> (bool, String, String) {
    let output = command.output().await.expect("run portico");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn a_bad_setting_stops_the_start_with_one_line_naming_it() {
    let cases = [
        ("PORTICO_DATABASE_URL", "mysql://localhost/portico"),
        ("PORTICO_ADDR", "not-an-address"),
        ("PORTICO_PUBLIC_URL", "ftp://portal"),
        ("PORTICO_SMTP_URL", "http://mail"),
    ];
    for (key, value) in cases {
        let (ok, _, stderr) = run(portico().env(key, value).arg("migrate")).await;
        assert!(!ok, "{key}={value} was accepted");
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
        assert!(stderr.contains(key), "{stderr}");
    }
    let (ok, _, stderr) = run(portico()
        .env(
            "PORTICO_DATABASE_URL",
            "postgres://nobody:secret-pw@127.0.0.1:1/none",
        )
        .arg("migrate"))
    .await;
    assert!(!ok);
    assert!(stderr.contains("PORTICO_DATABASE_URL"), "{stderr}");
    assert!(
        !stderr.contains("secret-pw"),
        "secrets stay out of the output: {stderr}"
    );
}

#[tokio::test]
async fn admin_create_makes_an_admin_who_can_sign_in() {
    let database_url = fresh_database_url().await;
    let (ok, stdout, stderr) = run(portico()
        .env("PORTICO_DATABASE_URL", &database_url)
        .arg("migrate"))
    .await;
    assert!(ok, "{stderr}");
    assert!(stdout.contains("migrations applied"));

    let mut child = portico()
        .env("PORTICO_DATABASE_URL", &database_url)
        .args([
            "admin",
            "create",
            "--email",
            "Ops@Example.com",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"an operator's long password\n")
        .await
        .expect("write");
    let output = child.wait_with_output().await.expect("wait");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let app = spawn_with(TestOptions {
        admin: false,
        database_url: Some(database_url.clone()),
        ..Default::default()
    })
    .await;
    assert!(app.setup_link.is_none(), "an admin exists: no setup link");
    let login = app
        .login("ops@example.com", "an operator's long password")
        .await;
    assert_eq!(login.status(), reqwest::StatusCode::OK);

    let (ok, _, stderr) = run(portico().env("PORTICO_DATABASE_URL", &database_url).args([
        "admin",
        "create",
        "--email",
        "ops@example.com",
    ]))
    .await;
    assert!(!ok, "a second admin with the same email is refused");
    assert!(stderr.contains("already exists"), "{stderr}");
}

/// `portico doctor` recounts the users against the stored counts: silent agreement on a fresh
/// database, the difference named (and exit status 1) after a count was changed behind the
/// triggers' back, and `--fix` puts it right.
#[tokio::test]
async fn doctor_finds_a_drifted_count_and_fixes_it() {
    let app = spawn_as_admin().await;
    app.create_user_ok(&[]).await;
    let url = app.database_url.clone();
    let doctor = |fix: bool| {
        let mut command = portico();
        command.env("PORTICO_DATABASE_URL", &url).arg("doctor");
        if fix {
            command.arg("--fix");
        }
        command
    };
    let (ok, stdout, stderr) = run(&mut doctor(false)).await;
    assert!(ok, "{stdout}{stderr}");
    assert!(
        stdout.contains("every count equals its recount"),
        "{stdout}"
    );
    sqlx::query("insert into user_counts (scope, list_status, n) values ('', 'not-invited', 2)")
        .execute(app.state.store.pool())
        .await
        .expect("drift");
    let (ok, stdout, stderr) = run(&mut doctor(false)).await;
    assert!(!ok, "a drift fails the check");
    assert!(stdout.contains("stored 3, recounted 1"), "{stdout}");
    assert!(stderr.contains("portico doctor --fix"), "{stderr}");
    let (ok, stdout, _) = run(&mut doctor(true)).await;
    assert!(ok, "{stdout}");
    let (ok, stdout, _) = run(&mut doctor(false)).await;
    assert!(ok && stdout.contains("every count equals"), "{stdout}");
}

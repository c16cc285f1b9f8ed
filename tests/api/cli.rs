//! The `soundings` binary as an operator meets it: help, clean shutdown, and errors that name
//! the fix.

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const EXE: &str = env!("CARGO_BIN_EXE_soundings");

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn help_lists_every_command_with_a_sentence() {
    let out = Command::new(EXE).arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for command in [
        "serve", "migrate", "keys", "import", "report", "reports", "demo", "openapi",
    ] {
        assert!(
            help.contains(&format!("  {command} ")),
            "--help does not list {command}:\n{help}"
        );
    }
    let serve = String::from_utf8(
        Command::new(EXE)
            .args(["serve", "--help"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    for flag in [
        "--bind",
        "--database-url",
        "--public-url",
        "--disclosure-threshold",
        "[env: DATABASE_URL",
    ] {
        assert!(serve.contains(flag), "serve --help lacks {flag}:\n{serve}");
    }
}

#[tokio::test]
async fn the_server_stops_cleanly_on_ctrl_c() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = Command::new(EXE)
        .arg("serve")
        .env(
            "DATABASE_URL",
            format!(
                "sqlite://{}?mode=rwc",
                dir.path().join("s.sqlite").display()
            ),
        )
        .env("BIND", format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(resp) = client
            .get(format!("http://127.0.0.1:{port}/ready"))
            .send()
            .await
            && resp.status() == 200
        {
            break;
        }
        assert!(Instant::now() < deadline, "the server did not become ready");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let pid = Pid::from_raw(i32::try_from(child.id()).unwrap());
    kill(pid, Signal::SIGINT).expect("SIGINT is sent to the server");
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the server did not stop after Ctrl-C"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "the server exited with {status}");
}

#[test]
fn a_port_in_use_and_a_bad_database_url_are_explained() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(EXE)
        .arg("serve")
        .env(
            "DATABASE_URL",
            format!(
                "sqlite://{}?mode=rwc",
                dir.path().join("s.sqlite").display()
            ),
        )
        .env("BIND", format!("127.0.0.1:{port}"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("port may be in use") && err.contains("--bind"),
        "{err}"
    );

    let out = Command::new(EXE)
        .args(["migrate"])
        .env("DATABASE_URL", "postgres://nobody:secret@127.0.0.1:1/none")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("DATABASE_URL"), "{err}");
    assert!(!err.contains("secret"), "the password was printed: {err}");
}

#[test]
fn importing_organisations_prints_the_separator_it_read() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("trusts.csv");
    std::fs::write(
        &file,
        "code;name;kind;region;country;size_band\nRW6;Pennine Acute;acute;North West;England;large\n",
    )
    .unwrap();
    let out = Command::new(EXE)
        .args(["import", "organisations"])
        .arg(&file)
        .env(
            "DATABASE_URL",
            format!(
                "sqlite://{}?mode=rwc",
                dir.path().join("s.sqlite").display()
            ),
        )
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("Imported 1 organisations (semicolon-separated)."),
        "{stdout}"
    );
}

#[test]
fn migrate_status_lists_what_is_pending_without_applying_it() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("s.sqlite").display()
    );
    let migrate = |args: &[&str]| {
        let out = Command::new(EXE)
            .arg("migrate")
            .args(args)
            .env("DATABASE_URL", &url)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    // Asked twice, a new database still has everything to apply: looking changed nothing.
    for _ in 0..2 {
        let pending = migrate(&["--status"]);
        assert!(pending.contains("migration(s) to apply"), "{pending}");
        assert!(pending.contains("m20261203_000008_mail"), "{pending}");
    }
    assert!(migrate(&[]).contains("up to date"));
    assert_eq!(migrate(&["--status"]).trim(), "The schema is up to date.");
}

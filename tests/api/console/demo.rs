//! A newcomer finds the console: the landing page links it, and the demo prints its sign-in
//! address beside the admin key to paste there.

use super::sign_in;
use crate::helpers::{Backend, TestDatabase, spawn_app};
use std::process::Command;

async fn the_landing_page_links_the_console(backend: Backend) {
    let app = spawn_app(backend).await;
    let home = app.get("/").await.text().await.unwrap();
    assert!(home.contains("href=\"/admin/sign-in\""), "{home}");
    // The console's address, with or without its slash, leads to the sign-in form.
    for path in ["/admin", "/admin/"] {
        let resp = app.get(path).await;
        assert_eq!(resp.status(), 303, "{path}");
        assert!(
            resp.headers()["location"]
                .to_str()
                .unwrap()
                .starts_with("/admin/sign-in")
        );
    }
}

async fn the_demo_prints_the_console_address_and_its_admin_key_signs_in(backend: Backend) {
    let database = TestDatabase::new(backend).await;
    let out = Command::new(env!("CARGO_BIN_EXE_soundings"))
        .args(["demo", "--no-serve", "--organisations", "30"])
        .arg("--bind=127.0.0.1:18080")
        .env("DATABASE_URL", &database.url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8(out.stdout).unwrap();
    assert!(
        printed.contains("Operator console  http://127.0.0.1:18080/admin/sign-in"),
        "{printed}"
    );
    let admin_key = printed
        .lines()
        .find_map(|l| l.trim().strip_prefix("Admin"))
        .map(|k| k.trim().to_owned())
        .unwrap_or_else(|| panic!("{printed}"));
    let app = crate::helpers::spawn_app_on(database, |_| {}).await;
    let session = sign_in(&app, &admin_key).await;
    let rounds = super::console_get(&app, &session.cookie, "/admin/rounds").await;
    assert!(rounds.text().await.unwrap().contains("(admin)"));
}

crate::on_both_backends!(
    the_landing_page_links_the_console,
    the_demo_prints_the_console_address_and_its_admin_key_signs_in,
);

//! Who may use which console route, driven by the console's own table of routes
//! (`soundings::web::admin::ROUTES`), so that a route added there is tested here without a line
//! more: every route but the sign-in form refuses a browser without a session, with a
//! signed-out or expired session, and a form posted without the session's CSRF token or with
//! another; routes for admins refuse a researcher's session.

use super::{Session, console_get, console_post, sign_in};
use crate::helpers::{Backend, TestApp, spawn_app, spawn_app_with};
use soundings::web::admin::{Access, ConsoleRoute, ROUTES};

/// A concrete path for a route's template (`{code}` is a round, `{action}` a transition).
fn concrete(path: &str) -> String {
    path.replace("{code}", "r1")
        .replace("{action}", "close")
        .replace("{slug}", "tiny")
        .replace("{version}", "1")
        .replace("{id}", "1")
        .replace("{org}", "A1")
}

/// The routes that need a session, sign-out last (using it ends the session).
fn guarded() -> Vec<ConsoleRoute> {
    let mut routes: Vec<ConsoleRoute> = ROUTES
        .iter()
        .copied()
        .filter(|r| r.access != Access::Public)
        .collect();
    routes.sort_by_key(|r| r.path == "/admin/sign-out");
    assert!(routes.len() >= 8, "the table lists the console's routes");
    routes
}

/// What `route` answers the holder of `cookie` (with `csrf` as the form's token on a POST).
async fn call(app: &TestApp, route: &ConsoleRoute, cookie: &str, csrf: Option<&str>) -> u16 {
    let path = concrete(route.path);
    match route.method {
        "GET" => console_get(app, cookie, &path).await.status().as_u16(),
        "POST" => console_post(app, cookie, &path, csrf, &[])
            .await
            .status()
            .as_u16(),
        other => panic!("a console route with method {other}"),
    }
}

/// A refused caller without a usable session: a page sends them to sign in, a form is 401.
fn refused_without_session(route: &ConsoleRoute) -> u16 {
    if route.method == "GET" { 303 } else { 401 }
}

async fn every_console_route_refuses_a_browser_without_a_session(backend: Backend) {
    let app = spawn_app(backend).await;
    for route in guarded() {
        for cookie in [
            "",
            "soundings_console=cs_forged0000000000000000000000000000000000",
        ] {
            let status = call(&app, &route, cookie, Some("anything")).await;
            assert_eq!(
                status,
                refused_without_session(&route),
                "{} {} with cookie {cookie:?}",
                route.method,
                route.path
            );
        }
    }
}

async fn every_console_route_refuses_a_signed_out_session(backend: Backend) {
    let app = spawn_app(backend).await;
    let session = sign_in(&app, &app.admin_key).await;
    let out = console_post(
        &app,
        &session.cookie,
        "/admin/sign-out",
        Some(&session.csrf),
        &[],
    )
    .await;
    assert_eq!(out.status(), 303);
    for route in guarded() {
        let status = call(&app, &route, &session.cookie, Some(&session.csrf)).await;
        assert_eq!(
            status,
            refused_without_session(&route),
            "{} {}",
            route.method,
            route.path
        );
    }
}

async fn every_console_route_refuses_an_expired_session(backend: Backend) {
    let app = spawn_app_with(backend, |s| {
        s.console.idle = chrono::Duration::milliseconds(1000);
    })
    .await;
    let session = sign_in(&app, &app.admin_key).await;
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    for route in guarded() {
        let status = call(&app, &route, &session.cookie, Some(&session.csrf)).await;
        assert_eq!(
            status,
            refused_without_session(&route),
            "{} {}",
            route.method,
            route.path
        );
    }
}

async fn every_console_form_refuses_a_post_without_or_with_a_wrong_csrf_token(backend: Backend) {
    let app = spawn_app(backend).await;
    let session = sign_in(&app, &app.admin_key).await;
    let other: Session = sign_in(&app, &app.admin_key).await;
    assert_ne!(session.csrf, other.csrf, "each session has its own token");
    for route in guarded().iter().filter(|r| r.method == "POST") {
        for token in [None, Some(""), Some("0123abcd"), Some(other.csrf.as_str())] {
            let status = call(&app, route, &session.cookie, token).await;
            assert_eq!(status, 403, "{} with token {token:?}", route.path);
        }
    }
    // Nothing was done: the session still works.
    let page = console_get(&app, &session.cookie, "/admin/rounds").await;
    assert_eq!(page.status(), 200);
}

async fn a_researcher_is_refused_every_admin_route_and_admitted_to_the_rest(backend: Backend) {
    let app = spawn_app(backend).await;
    let researcher = sign_in(&app, &app.researcher_key).await;
    for route in guarded() {
        let status = call(&app, &route, &researcher.cookie, Some(&researcher.csrf)).await;
        match route.access {
            Access::Admin => assert_eq!(status, 403, "{} {}", route.method, route.path),
            _ => assert!(
                ![401, 403, 405].contains(&status),
                "{} {} answered {status}",
                route.method,
                route.path
            ),
        }
    }
}

async fn an_admin_is_admitted_to_every_console_route(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = sign_in(&app, &app.admin_key).await;
    for route in guarded() {
        let status = call(&app, &route, &admin.cookie, Some(&admin.csrf)).await;
        // The rounds named do not exist (404) and empty forms are invalid (422); what matters
        // is that the route exists and lets an admin in.
        assert!(
            ![401, 403, 405].contains(&status),
            "{} {} answered {status}",
            route.method,
            route.path
        );
    }
}

crate::on_both_backends!(
    every_console_route_refuses_a_browser_without_a_session,
    every_console_route_refuses_a_signed_out_session,
    every_console_route_refuses_an_expired_session,
    every_console_form_refuses_a_post_without_or_with_a_wrong_csrf_token,
    a_researcher_is_refused_every_admin_route_and_admitted_to_the_rest,
    an_admin_is_admitted_to_every_console_route,
);

//! Signing in to the console with an API key, the session cookie it gives, signing out, the
//! audit trail of both, and the limit on failed sign-ins.

use super::{console_get, console_post, post_sign_in, set_cookie, sign_in};
use crate::helpers::{Backend, spawn_app, spawn_app_with};
use soundings::domain::secret::hash_secret;
use soundings::store::console_sessions;

async fn an_admin_key_signs_in_with_an_http_only_strict_cookie_whose_id_is_stored_hashed(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let resp = post_sign_in(&app, &app.admin_key).await;
    assert_eq!(resp.status(), 303);
    assert_eq!(resp.headers()["location"], "/admin/");
    let (pair, header) = set_cookie(&resp, "soundings_console").unwrap();
    assert!(header.contains("HttpOnly"), "{header}");
    assert!(header.contains("SameSite=Strict"), "{header}");
    assert!(header.contains("Path=/admin"), "{header}");
    assert!(!header.contains("Secure"), "plain HTTP: {header}");
    let id = pair.split_once('=').unwrap().1;
    // Only the hash is stored: the id itself finds nothing, its hash finds the session.
    assert!(
        console_sessions::find(&app.db, id).await.unwrap().is_none(),
        "the id is not stored in clear"
    );
    assert!(
        console_sessions::find(&app.db, &hash_secret(id))
            .await
            .unwrap()
            .is_some()
    );
    let page = console_get(&app, &pair, "/admin/rounds").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("test admin (admin)"), "{html}");
    assert!(
        !html.contains(&app.admin_key),
        "the key is never shown again"
    );
}

async fn the_cookie_is_secure_when_the_request_came_over_https(backend: Backend) {
    let app = spawn_app(backend).await;
    let form = app.get("/admin/sign-in").await;
    let (cookie, _) = set_cookie(&form, "soundings_console_sign_in").unwrap();
    let csrf = super::csrf_in(&form.text().await.unwrap());
    let resp = app
        .client
        .post(app.url("/admin/sign-in"))
        .header("cookie", cookie)
        .header("x-forwarded-proto", "https")
        .form(&[("api_key", app.admin_key.as_str()), ("csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let (_, header) = set_cookie(&resp, "soundings_console").unwrap();
    assert!(header.contains("; Secure"), "{header}");
}

async fn a_wrong_key_is_refused_with_the_form_again_and_no_session(backend: Backend) {
    let app = spawn_app(backend).await;
    let resp = post_sign_in(&app, "snd_0000000000000000000000000000000000000000").await;
    assert_eq!(resp.status(), 401);
    assert!(set_cookie(&resp, "soundings_console").is_none());
    let html = resp.text().await.unwrap();
    assert!(html.contains("There is a problem"), "error summary: {html}");
    assert!(html.contains("href=\"#api-key\""), "{html}");
}

async fn a_sign_in_without_the_forms_token_is_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let resp = app
        .client
        .post(app.url("/admin/sign-in"))
        .form(&[("api_key", app.admin_key.as_str()), ("csrf", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    assert!(set_cookie(&resp, "soundings_console").is_none());
}

async fn failed_sign_ins_are_rate_limited_per_address(backend: Backend) {
    let app = spawn_app_with(backend, |s| s.client_limits.max_failed_attempts = 3).await;
    for _ in 0..3 {
        let resp = post_sign_in(&app, "snd_wrong").await;
        assert_eq!(resp.status(), 401);
    }
    // The sign-in address is closed to this client for a while, so even the right key waits.
    let resp = app.get("/admin/sign-in").await;
    assert_eq!(resp.status(), 429);
    assert!(resp.headers().contains_key("retry-after"));
    assert!(
        resp.text().await.unwrap().contains("<html"),
        "a page for people"
    );
}

async fn signing_out_ends_the_session_and_both_are_in_the_audit_trail_without_secrets(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let session = sign_in(&app, &app.researcher_key).await;
    let out = console_post(
        &app,
        &session.cookie,
        "/admin/sign-out",
        Some(&session.csrf),
        &[],
    )
    .await;
    assert_eq!(out.status(), 303);
    let (_, cleared) = set_cookie(&out, "soundings_console").unwrap();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    // The old cookie no longer works, for pages or forms.
    let page = console_get(&app, &session.cookie, "/admin/rounds").await;
    assert_eq!(page.status(), 303);
    assert_eq!(page.headers()["location"], "/admin/sign-in?why=ended");
    let post = console_post(
        &app,
        &session.cookie,
        "/admin/sign-out",
        Some(&session.csrf),
        &[],
    )
    .await;
    assert_eq!(post.status(), 401);

    let events: serde_json::Value = serde_json::from_str(
        &app.get_as(&app.admin_key, "/api/v1/audit-events")
            .await
            .text()
            .await
            .unwrap(),
    )
    .unwrap();
    let actions: Vec<&str> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"].as_str().unwrap().starts_with("console."))
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"console.sign_in"), "{events}");
    assert!(actions.contains(&"console.sign_out"), "{events}");
    let everything = events.to_string();
    let id = session.cookie.split_once('=').unwrap().1;
    assert!(!everything.contains(id), "no session id in the trail");
    assert!(
        !everything.contains(&app.researcher_key),
        "no key in the trail"
    );
    assert!(!everything.contains(&session.csrf), "no token in the trail");
}

async fn a_session_left_idle_past_its_limit_ends(backend: Backend) {
    let app = spawn_app_with(backend, |s| {
        s.console.idle = chrono::Duration::milliseconds(1500);
    })
    .await;
    let session = sign_in(&app, &app.admin_key).await;
    tokio::time::sleep(std::time::Duration::from_millis(1700)).await;
    let page = console_get(&app, &session.cookie, "/admin/rounds").await;
    assert_eq!(page.status(), 303);
    assert_eq!(page.headers()["location"], "/admin/sign-in?why=idle");
}

async fn a_busy_session_still_ends_at_its_absolute_limit(backend: Backend) {
    let app = spawn_app_with(backend, |s| {
        s.console.absolute = chrono::Duration::milliseconds(1500);
    })
    .await;
    let session = sign_in(&app, &app.admin_key).await;
    for _ in 0..3 {
        tokio::time::sleep(std::time::Duration::from_millis(600)).await;
        let _ = console_get(&app, &session.cookie, "/admin/rounds").await;
    }
    let page = console_get(&app, &session.cookie, "/admin/rounds").await;
    assert_eq!(page.headers()["location"], "/admin/sign-in?why=expired");
}

async fn revoking_the_key_ends_its_sessions(backend: Backend) {
    let app = spawn_app(backend).await;
    let session = sign_in(&app, &app.admin_key).await;
    let prefix: String = app.admin_key.chars().take(12).collect();
    soundings::store::api_keys::revoke(&app.db, &prefix)
        .await
        .unwrap();
    let page = console_get(&app, &session.cookie, "/admin/rounds").await;
    assert_eq!(page.status(), 303);
}

crate::on_both_backends!(
    an_admin_key_signs_in_with_an_http_only_strict_cookie_whose_id_is_stored_hashed,
    the_cookie_is_secure_when_the_request_came_over_https,
    a_wrong_key_is_refused_with_the_form_again_and_no_session,
    a_sign_in_without_the_forms_token_is_refused,
    failed_sign_ins_are_rate_limited_per_address,
    signing_out_ends_the_session_and_both_are_in_the_audit_trail_without_secrets,
    a_session_left_idle_past_its_limit_ends,
    a_busy_session_still_ends_at_its_absolute_limit,
    revoking_the_key_ends_its_sessions,
);

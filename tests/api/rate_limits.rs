//! Failed attempts at keys and secret links are limited per client address: past the allowance
//! (20 in 5 minutes by default) the address gets 429 with `Retry-After` on every request that
//! carries a key or link; other addresses carry on. Clients come from distinct loopback
//! addresses (127.0.0.2, ...), which Linux routes to the same server.

use crate::helpers::{Backend, TestApp, problem, spawn_app_with};
use crate::respond_api::tiny_round;
use reqwest::Method;
use serde_json::json;
use soundings::app::config::{ClientLimits, DEFAULT_MAX_FAILED_ATTEMPTS};
use std::net::IpAddr;
use std::time::Duration;

/// A client whose connections come from `ip`.
fn client_from(ip: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(ip.parse::<IpAddr>().unwrap())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A well-formed secret that was never handed out.
fn unknown_secret() -> String {
    uuid::Uuid::new_v4().simple().to_string() + "00000000"
}

/// Asserts a 429 with a sensible `Retry-After` (at most `window_s`), and returns it in seconds.
fn retry_after(resp: &reqwest::Response, window_s: u64) -> u64 {
    assert_eq!(resp.status(), 429, "{}", resp.url());
    let seconds: u64 = resp.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (1..=window_s).contains(&seconds),
        "Retry-After {seconds} s outside 1..={window_s}"
    );
    seconds
}

async fn app_with_default_limits(backend: Backend) -> TestApp {
    spawn_app_with(backend, |s| s.client_limits = ClientLimits::default()).await
}

async fn wrong_keys_past_the_limit_get_429_and_other_addresses_are_unaffected(backend: Backend) {
    let app = app_with_default_limits(backend).await;
    let attacker = client_from("127.0.0.2");
    let bystander = client_from("127.0.0.3");
    let me = app.url("/api/v1/me");
    for i in 0..DEFAULT_MAX_FAILED_ATTEMPTS {
        let resp = attacker
            .get(&me)
            .bearer_auth(format!("snd_guess{i}"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 401, "attempt {i}");
    }
    let refused = attacker
        .get(&me)
        .bearer_auth("snd_guess")
        .send()
        .await
        .unwrap();
    retry_after(&refused, 300);
    let body = problem(refused).await;
    assert_eq!(body["type"], "/problems/too-many-requests");
    assert!(
        body["detail"].as_str().unwrap().contains("Try again in"),
        "{body}"
    );

    // The refused address is refused even with a good key (it cannot tell a right guess from a
    // wrong one), but pages without credentials still answer.
    let good = attacker
        .get(&me)
        .bearer_auth(&app.researcher_key)
        .send()
        .await
        .unwrap();
    assert_eq!(good.status(), 429);
    let health = attacker.get(app.url("/health")).send().await.unwrap();
    assert_eq!(health.status(), 200);

    // Another address: its successes and its own failures are untouched.
    let ok = bystander
        .get(&me)
        .bearer_auth(&app.researcher_key)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let wrong = bystander
        .get(&me)
        .bearer_auth("snd_typo")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    // Successes never count: many of them leave the address free.
    for _ in 0..(DEFAULT_MAX_FAILED_ATTEMPTS * 2) {
        let ok = bystander
            .get(&me)
            .bearer_auth(&app.admin_key)
            .send()
            .await
            .unwrap();
        assert_eq!(ok.status(), 200);
    }
}

async fn wrong_links_past_the_limit_get_429_as_a_page_or_problem_json(backend: Backend) {
    let app = app_with_default_limits(backend).await;
    tiny_round(&app).await;
    app.create_organisations(&["A1"]).await;
    let link = app.invite("t1", "A1").await;

    // One address per kind of link, so that each reaches its own limit.
    let cases = [
        ("127.0.0.2", Method::GET, "/respond/{}", "text/html"),
        (
            "127.0.0.3",
            Method::PUT,
            "/api/v1/respond/{}/answers",
            "application/problem+json",
        ),
        ("127.0.0.4", Method::GET, "/share/{}", "text/html"),
        (
            "127.0.0.5",
            Method::GET,
            "/respond/{}/sections/s1",
            "text/html",
        ),
    ];
    for (ip, method, template, content_type) in cases {
        let client = client_from(ip);
        let send = |secret: String| {
            let req = client.request(method.clone(), app.url(&template.replace("{}", &secret)));
            let req = if method == Method::PUT {
                req.json(&json!({ "revision": 0, "answers": {} }))
            } else {
                req
            };
            req.send()
        };
        for i in 0..DEFAULT_MAX_FAILED_ATTEMPTS {
            let resp = send(unknown_secret()).await.unwrap();
            assert_eq!(resp.status(), 404, "{ip} {template}: attempt {i}");
        }
        let refused = send(unknown_secret()).await.unwrap();
        retry_after(&refused, 300);
        let got = refused.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(got.starts_with(content_type), "{template}: {got}");
        let text = refused.text().await.unwrap();
        assert!(text.contains("Too many"), "{template}: {text}");
        assert!(text.contains("Try again in"), "{template}: {text}");
    }

    // The organisation's own link, from its own address, still works.
    let own = app.get(&link).await;
    assert_eq!(own.status(), 200);
}

async fn an_address_may_try_again_once_its_oldest_failure_leaves_the_window(backend: Backend) {
    let app = spawn_app_with(backend, |s| {
        s.client_limits.max_failed_attempts = 3;
        s.client_limits.failed_attempts_window = Duration::from_secs(2);
    })
    .await;
    let client = client_from("127.0.0.2");
    let me = app.url("/api/v1/me");
    for _ in 0..3 {
        let resp = client
            .get(&me)
            .bearer_auth("snd_wrong")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 401);
    }
    let refused = client
        .get(&me)
        .bearer_auth(&app.admin_key)
        .send()
        .await
        .unwrap();
    let wait = retry_after(&refused, 2);
    tokio::time::sleep(Duration::from_secs(wait) + Duration::from_millis(100)).await;
    let resp = client
        .get(&me)
        .bearer_auth(&app.admin_key)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "still refused after Retry-After");
}

async fn x_forwarded_for_is_believed_only_from_as_many_proxies_as_configured(backend: Backend) {
    // No trusted proxy: a client cannot dodge the limit by inventing forwarded addresses.
    let app = app_with_default_limits(backend).await;
    let me = app.url("/api/v1/me");
    for i in 0..=DEFAULT_MAX_FAILED_ATTEMPTS {
        let resp = app
            .client
            .get(&me)
            .bearer_auth("snd_wrong")
            .header("x-forwarded-for", format!("198.51.100.{i}"))
            .send()
            .await
            .unwrap();
        let expected = if i < DEFAULT_MAX_FAILED_ATTEMPTS {
            401
        } else {
            429
        };
        assert_eq!(resp.status(), expected, "attempt {i}");
    }

    // One trusted proxy: the address it appended (the last entry) is the client's.
    let app = spawn_app_with(backend, |s| {
        s.client_limits = ClientLimits {
            trusted_proxies: 1,
            ..ClientLimits::default()
        }
    })
    .await;
    let via_proxy = |forwarded: &str| {
        app.client
            .get(app.url("/api/v1/me"))
            .bearer_auth("snd_wrong")
            .header("x-forwarded-for", forwarded.to_owned())
            .send()
    };
    for _ in 0..DEFAULT_MAX_FAILED_ATTEMPTS {
        assert_eq!(via_proxy("203.0.113.9").await.unwrap().status(), 401);
    }
    assert_eq!(via_proxy("203.0.113.9").await.unwrap().status(), 429);
    // A forged entry in front of the proxy's own changes nothing...
    assert_eq!(
        via_proxy("10.1.2.3, 203.0.113.9").await.unwrap().status(),
        429
    );
    // ...and another client behind the same proxy is not refused.
    assert_eq!(via_proxy("203.0.113.10").await.unwrap().status(), 401);
}

crate::on_both_backends!(
    wrong_keys_past_the_limit_get_429_and_other_addresses_are_unaffected,
    wrong_links_past_the_limit_get_429_as_a_page_or_problem_json,
    an_address_may_try_again_once_its_oldest_failure_leaves_the_window,
    x_forwarded_for_is_believed_only_from_as_many_proxies_as_configured,
);

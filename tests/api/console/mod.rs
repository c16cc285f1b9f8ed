//! The operator console at `/admin/` (issue 19): signing in and out, sessions and their expiry,
//! CSRF, who may use which route (driven by the console's own route table), and its pages.

mod access;
mod audit;
mod browser;
mod demo;
mod organisations;
mod results;
mod round_orgs;
mod rounds;
mod sign_in;
pub mod surveys;

use crate::helpers::TestApp;
use crate::helpers::respondent::hidden_value;

/// A signed-in browser, as far as a test needs one: the session cookie and the CSRF token that
/// the console's pages put in their forms.
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

/// The CSRF token in a page's form.
pub fn csrf_in(html: &str) -> String {
    hidden_value(html, "csrf").expect("a form with a CSRF token")
}

/// `name=value` of the cookie `name` among a response's `Set-Cookie` headers, with the header.
pub fn set_cookie(resp: &reqwest::Response, name: &str) -> Option<(String, String)> {
    resp.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| {
            let pair = v.split(';').next().unwrap_or_default().to_owned();
            (pair, v.to_owned())
        })
}

/// Posts the sign-in form with `key` as a browser would (GET the form for its token and cookie).
pub async fn post_sign_in(app: &TestApp, key: &str) -> reqwest::Response {
    let form = app.get("/admin/sign-in").await;
    assert_eq!(form.status(), 200);
    let (cookie, _) = set_cookie(&form, "soundings_console_sign_in").expect("sign-in cookie");
    let csrf = csrf_in(&form.text().await.unwrap());
    app.client
        .post(app.url("/admin/sign-in"))
        .header("cookie", cookie)
        .form(&[("api_key", key), ("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap()
}

/// Signs in with `key` and returns the session.
pub async fn sign_in(app: &TestApp, key: &str) -> Session {
    let resp = post_sign_in(app, key).await;
    assert_eq!(resp.status(), 303, "sign-in redirects into the console");
    let (cookie, _) = set_cookie(&resp, "soundings_console").expect("session cookie");
    let page = console_get(app, &cookie, "/admin/rounds").await;
    assert_eq!(page.status(), 200);
    let csrf = csrf_in(&page.text().await.unwrap());
    Session { cookie, csrf }
}

/// A GET with the session cookie.
pub async fn console_get(app: &TestApp, cookie: &str, path: &str) -> reqwest::Response {
    app.client
        .get(app.url(path))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
}

/// A form POST with the session cookie; `csrf` is added as the form's token when given.
pub async fn console_post(
    app: &TestApp,
    cookie: &str,
    path: &str,
    csrf: Option<&str>,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut form: Vec<(&str, &str)> = fields.to_vec();
    if let Some(token) = csrf {
        form.push(("csrf", token));
    }
    app.client
        .post(app.url(path))
        .header("cookie", cookie)
        .form(&form)
        .send()
        .await
        .unwrap()
}

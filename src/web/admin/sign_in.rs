//! Signing in to the console with an API key, and signing out. The key is pasted once and
//! exchanged for a session (`service::console`); a wrong key answers 401, which
//! `app::rate_limit` counts against the client's address like a wrong key sent to the API.

use super::page::{problem, render};
use super::session::{
    SESSION_COOKIE, SIGN_IN_COOKIE, cookie, cross_site, field, over_https, read_cookie,
};
use crate::domain::console_session::{sign_in_token, token_matches};
use crate::domain::secret::Secret;
use crate::service::console::{self, ConsoleUser};
use crate::web::Site;
use poem::http::{HeaderValue, StatusCode, header};
use poem::web::{Data, Form, Query, Redirect};
use poem::{IntoResponse, Request, Response, handler};
use serde_json::json;

#[derive(serde::Deserialize)]
pub struct SignInQuery {
    why: Option<String>,
}

/// `GET /admin/sign-in`: the form, with a fresh double-submit token.
#[handler]
pub async fn form(site: Data<&Site>, req: &Request, Query(q): Query<SignInQuery>) -> Response {
    let notice = match q.why.as_deref() {
        Some("idle") => Some("You were signed out because the console was not used for a while."),
        Some("expired") => Some("Your session reached its time limit. Sign in again."),
        Some("ended") | Some("signed-out") => Some("You have signed out."),
        _ => None,
    };
    sign_in_page(&site, req, notice, None, StatusCode::OK)
}

/// The sign-in form (with an error when a try failed), setting a new sign-in cookie.
fn sign_in_page(
    site: &Site,
    req: &Request,
    notice: Option<&str>,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let nonce = Secret::generate("");
    let token = sign_in_token(site.csrf_key(), nonce.expose());
    let errors: Vec<_> = error
        .map(|e| json!({ "href": "#api-key", "text": e }))
        .into_iter()
        .collect();
    let mut resp = render(
        site,
        None,
        "admin/sign_in.html",
        json!({ "token": token, "notice": notice, "errors": errors, "error": error }),
        status,
    );
    set_cookie(
        &mut resp,
        &cookie(SIGN_IN_COOKIE, nonce.expose(), over_https(site, req), None),
    );
    resp
}

/// `POST /admin/sign-in`: checks the form's token and the key; on success starts a session and
/// goes to the console.
#[handler]
pub async fn sign_in(
    site: Data<&Site>,
    req: &Request,
    posted: poem::Result<Form<Vec<(String, String)>>>,
) -> Response {
    let fields = super::session::fields_of(posted);
    let nonce = read_cookie(req, SIGN_IN_COOKIE).unwrap_or_default();
    let posted = field(&fields, "csrf").unwrap_or_default();
    if nonce.is_empty()
        || cross_site(req)
        || !token_matches(posted, &sign_in_token(site.csrf_key(), &nonce))
    {
        return sign_in_page(
            &site,
            req,
            None,
            Some("The sign-in form was out of date. Paste your key again and sign in."),
            StatusCode::FORBIDDEN,
        );
    }
    let key = field(&fields, "api_key").unwrap_or_default().trim();
    if key.is_empty() {
        return sign_in_page(
            &site,
            req,
            None,
            Some("Enter your API key"),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    match console::sign_in(&site, key).await {
        Ok(Some((user, secret))) => {
            tracing::info!(key.prefix = %user.key_prefix, "console sign-in");
            let secure = over_https(&site, req);
            let mut resp = Redirect::see_other("/admin/").into_response();
            set_cookie(
                &mut resp,
                &cookie(SESSION_COOKIE, secret.expose(), secure, None),
            );
            set_cookie(&mut resp, &cookie(SIGN_IN_COOKIE, "", secure, Some(0)));
            resp
        }
        Ok(None) => sign_in_page(
            &site,
            req,
            None,
            Some("This API key is unknown or has been revoked. Check that you pasted all of it."),
            StatusCode::UNAUTHORIZED,
        ),
        Err(err) => {
            tracing::error!(error.cause = %err, "console sign-in failed");
            problem(
                &site,
                None,
                StatusCode::SERVICE_UNAVAILABLE,
                "Sorry, there is a problem with the service",
                "Try again in a few minutes.",
            )
        }
    }
}

/// `POST /admin/sign-out`: ends the session (behind the guard, so with its CSRF token).
#[handler]
pub async fn sign_out(site: Data<&Site>, user: Data<&ConsoleUser>, req: &Request) -> Response {
    if let Err(err) = console::sign_out(&site, &user).await {
        return super::page::service_error(&site, &user, err);
    }
    let mut resp = Redirect::see_other("/admin/sign-in?why=signed-out").into_response();
    set_cookie(
        &mut resp,
        &cookie(SESSION_COOKIE, "", over_https(&site, req), Some(0)),
    );
    resp
}

fn set_cookie(resp: &mut Response, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
}

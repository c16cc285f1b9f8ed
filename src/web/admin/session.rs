//! The console's guard: every `/admin` request except the sign-in form must carry a live
//! session's cookie, and every POST the session's CSRF token. Applied to the whole console as
//! one middleware, so that no page can forget it; the pages find the [`ConsoleUser`] in the
//! request's data.

use super::page::problem;
use crate::domain::console_session::token_matches;
use crate::domain::role::Role;
use crate::service::console::{self, ConsoleUser, NoSession};
use crate::web::Site;
use poem::http::{Method, StatusCode, header};
use poem::web::Redirect;
use poem::{Endpoint, IntoResponse, Middleware, Request, Response, Result};

/// The cookie that holds the session id (only its hash is stored).
pub const SESSION_COOKIE: &str = "soundings_console";
/// The cookie that holds the sign-in form's random value (see `sign_in_token`).
pub const SIGN_IN_COOKIE: &str = "soundings_console_sign_in";
/// Where the console's cookies are sent: nowhere outside it.
const COOKIE_PATH: &str = "/admin";
/// The sign-in form, the one console page reachable without a session.
pub const SIGN_IN_PATH: &str = "/admin/sign-in";

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, limited to the console, and Secure when the
/// request reached us over HTTPS. `max_age` 0 deletes the cookie; `None` makes it last as long
/// as the browser (the session's expiry is decided on the server).
pub fn cookie(name: &str, value: &str, secure: bool, max_age: Option<u64>) -> String {
    let mut c = format!("{name}={value}; Path={COOKIE_PATH}; HttpOnly; SameSite=Strict");
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        c.push_str("; Secure");
    }
    c
}

/// Whether the browser reached this server over HTTPS: the public URL is `https://`, or a proxy
/// in front says so. Believing a forged `X-Forwarded-Proto` only makes a cookie stricter.
pub fn over_https(site: &Site, req: &Request) -> bool {
    site.public_url.starts_with("https://")
        || req
            .headers()
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"))
}

/// The value of cookie `name` in the request, if it carries one.
pub fn read_cookie(req: &Request, name: &str) -> Option<String> {
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// A posted form's fields (the console's forms are URL-encoded).
pub fn form_fields(body: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

/// A posted form's fields; a form that cannot be read has none (and fails the checks that
/// follow, never with a 500).
pub fn fields_of(
    form: poem::Result<poem::web::Form<Vec<(String, String)>>>,
) -> Vec<(String, String)> {
    form.map(|poem::web::Form(f)| f).unwrap_or_default()
}

/// The first value of `name` in a form.
pub fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Whether a browser says the request came from another site (`Sec-Fetch-Site`).
pub fn cross_site(req: &Request) -> bool {
    req.headers()
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        == Some("cross-site")
}

/// 403 unless the signed-in person's role allows `required` (the API's rule, `Role::allows`).
pub fn require(site: &Site, user: &ConsoleUser, required: Role) -> Option<Response> {
    (!user.role.allows(required)).then(|| {
        problem(
            site,
            Some(user),
            StatusCode::FORBIDDEN,
            "You may not do this",
            &format!(
                "This needs the {required} role; you signed in with a key of the {} role. Ask an operator to do it.",
                user.role
            ),
        )
    })
}

/// The guard, as middleware over the console's routes.
pub struct Guard;

impl<E: Endpoint> Middleware<E> for Guard {
    type Output = GuardEndpoint<E>;

    fn transform(&self, ep: E) -> Self::Output {
        GuardEndpoint(ep)
    }
}

pub struct GuardEndpoint<E>(E);

impl<E: Endpoint> Endpoint for GuardEndpoint<E> {
    type Output = Response;

    async fn call(&self, mut req: Request) -> Result<Response> {
        if req.original_uri().path() == SIGN_IN_PATH {
            return self.0.call(req).await.map(IntoResponse::into_response);
        }
        let Some(site) = req.data::<Site>().cloned() else {
            return Ok(StatusCode::INTERNAL_SERVER_ERROR.into_response());
        };
        let writes = req.method() != Method::GET && req.method() != Method::HEAD;
        let found = match read_cookie(&req, SESSION_COOKIE) {
            Some(id) => console::session(&site, &id, &site.console).await,
            None => Ok(Err(NoSession::Unknown)),
        };
        let user = match found {
            Ok(Ok(user)) => user,
            Ok(Err(why)) => return Ok(no_session(&site, why, writes)),
            Err(err) => {
                tracing::error!(error.cause = %err, "could not check a console session");
                return Ok(problem(
                    &site,
                    None,
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Sorry, there is a problem with the service",
                    "Try again in a few minutes.",
                ));
            }
        };
        if writes {
            let body = req.take_body().into_bytes().await?;
            let posted = posted_token(&req, &body).await;
            if cross_site(&req) || !token_matches(&posted, &user.csrf) {
                return Ok(problem(
                    &site,
                    Some(&user),
                    StatusCode::FORBIDDEN,
                    "This form could not be accepted",
                    "The form was out of date or did not come from this site. Go back, reload the page and try again; nothing was changed.",
                ));
            }
            req.set_body(body);
        }
        req.set_data(user);
        self.0.call(req).await.map(IntoResponse::into_response)
    }
}

/// The `csrf` field of a posted form, URL-encoded or multipart (a file upload); empty when
/// there is none or the body cannot be read as a form.
async fn posted_token(req: &Request, body: &[u8]) -> String {
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        return field(&form_fields(body), "csrf")
            .unwrap_or_default()
            .to_owned();
    }
    use poem::FromRequest;
    let mut copy = poem::web::RequestBody::new(poem::Body::from(body.to_vec()));
    let Ok(mut form) = poem::web::Multipart::from_request(req, &mut copy).await else {
        return String::new();
    };
    while let Ok(Some(part)) = form.next_field().await {
        if part.name() == Some("csrf") {
            return part.text().await.unwrap_or_default();
        }
    }
    String::new()
}

/// Without a usable session: a page is sent to the sign-in form; a form post is refused (401),
/// since what it would have done cannot be done without signing in again.
fn no_session(site: &Site, why: NoSession, writes: bool) -> Response {
    let reason = match why {
        NoSession::Unknown => "unknown",
        NoSession::Idle => "idle",
        NoSession::Expired => "expired",
        NoSession::Ended => "ended",
    };
    if !writes {
        return Redirect::see_other(format!("{SIGN_IN_PATH}?why={reason}")).into_response();
    }
    problem(
        site,
        None,
        StatusCode::UNAUTHORIZED,
        "Sign in to continue",
        "Your console session has ended, so nothing was changed. Sign in again, then repeat what you were doing.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_http_only_strict_and_secure_only_over_https() {
        let c = cookie(SESSION_COOKIE, "abc", false, None);
        assert_eq!(
            c,
            "soundings_console=abc; Path=/admin; HttpOnly; SameSite=Strict"
        );
        let c = cookie(SESSION_COOKIE, "", true, Some(0));
        assert!(c.ends_with("; Max-Age=0; Secure"));
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let req = Request::builder()
            .header("cookie", "a=1; soundings_console=xyz; b=2")
            .finish();
        assert_eq!(read_cookie(&req, SESSION_COOKIE).as_deref(), Some("xyz"));
        assert_eq!(read_cookie(&req, SIGN_IN_COOKIE), None);
    }
}

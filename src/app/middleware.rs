//! Cross-cutting layers applied to every route: the request span and id, the body size and time
//! limits, the time limit on answering, security headers, and turning any unhandled error into
//! problem+json.

use crate::api::problem::{
    Problem, error_response, kind, problem_from_poem_error, problem_response,
};
use crate::templates::Templates;
use poem::http::{HeaderValue, StatusCode, header};
use poem::{Body, Endpoint, IntoResponse, Middleware, Request, Response, Result};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing::Instrument;

/// Opens one span per request (request id, method, path, status, latency), echoes the request id in
/// `X-Request-Id`, and renders any error that reached this far as problem+json.
pub struct RequestTrace;

impl<E: Endpoint> Middleware<E> for RequestTrace {
    type Output = RequestTraceEndpoint<E>;

    fn transform(&self, ep: E) -> Self::Output {
        RequestTraceEndpoint(ep)
    }
}

pub struct RequestTraceEndpoint<E>(E);

impl<E: Endpoint> Endpoint for RequestTraceEndpoint<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> Result<Response> {
        let request_id = req
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .filter(|v| !v.is_empty() && v.len() <= 64 && v.bytes().all(|b| b.is_ascii_graphic()))
            .map(str::to_owned)
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let span = tracing::info_span!(
            "request",
            request.id = %request_id,
            http.method = %req.method(),
            http.path = %loggable_path(req.uri().path()),
            http.status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        async move {
            let started = Instant::now();
            let mut resp = match self.0.call(req).await {
                Ok(resp) => resp.into_response(),
                Err(err) => error_response(err),
            };
            let latency = started.elapsed();
            let span = tracing::Span::current();
            span.record("http.status", resp.status().as_u16());
            span.record("latency_ms", latency.as_secs_f64() * 1000.0);
            tracing::info!("request finished");
            if let Ok(value) = HeaderValue::from_str(&request_id) {
                resp.headers_mut().insert("x-request-id", value);
            }
            Ok(resp)
        }
        .instrument(span)
        .await
    }
}

/// The path as it may be logged: secrets in respondent and share links are replaced, so a log file
/// never holds a working link.
pub fn loggable_path(path: &str) -> String {
    for prefix in ["/respond/", "/share/", "/api/v1/respond/"] {
        if let Some(rest) = path.strip_prefix(prefix) {
            let tail = rest.find('/').map(|i| &rest[i..]).unwrap_or("");
            return format!("{prefix}{{secret}}{tail}");
        }
    }
    path.to_owned()
}

/// Refuses bodies larger than `max` bytes with 413, whether or not the client declared a length,
/// and bodies that take longer than `timeout` to arrive with 408 (a client trickling its body
/// must not hold a request open). The body is read here, so nothing past the limit is buffered.
pub struct BodyLimit {
    pub max: usize,
    pub timeout: Duration,
}

impl<E: Endpoint> Middleware<E> for BodyLimit {
    type Output = BodyLimitEndpoint<E>;

    fn transform(&self, ep: E) -> Self::Output {
        BodyLimitEndpoint {
            inner: ep,
            max: self.max,
            timeout: self.timeout,
        }
    }
}

pub struct BodyLimitEndpoint<E> {
    inner: E,
    max: usize,
    timeout: Duration,
}

impl<E: Endpoint> Endpoint for BodyLimitEndpoint<E> {
    type Output = Response;

    async fn call(&self, mut req: Request) -> Result<Response> {
        let refusal = |req: &Request, kind: kind::Kind, detail: String| {
            Ok(refuse(
                req.uri().path(),
                req.data::<Arc<Templates>>().map(|t| &**t),
                &Problem::new(kind, detail),
            ))
        };
        let too_large = format!("The body is larger than the limit of {} bytes.", self.max);
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        if declared.is_some_and(|len| len > self.max) {
            return refusal(&req, kind::TOO_LARGE, too_large);
        }
        let body = req.take_body();
        match tokio::time::timeout(self.timeout, body.into_bytes_limit(self.max)).await {
            Ok(Ok(bytes)) => req.set_body(Body::from_bytes(bytes)),
            Ok(Err(poem::error::ReadBodyError::PayloadTooLarge)) => {
                return refusal(&req, kind::TOO_LARGE, too_large);
            }
            Ok(Err(err)) => {
                return refusal(
                    &req,
                    kind::MALFORMED,
                    format!("The body could not be read: {err}"),
                );
            }
            Err(_) => {
                tracing::info!(
                    timeout_s = self.timeout.as_secs_f64(),
                    "request body too slow; refused"
                );
                return refusal(
                    &req,
                    kind::REQUEST_TIMEOUT,
                    format!(
                        "The body did not arrive within {} seconds; send it again.",
                        self.timeout.as_secs()
                    ),
                );
            }
        }
        self.inner.call(req).await.map(IntoResponse::into_response)
    }
}

/// Stops a request that takes longer than the limit to answer, with 503: a stalled database or a
/// runaway request must not hold a connection (and a transaction, which is rolled back) forever.
pub struct RequestTimeout(pub Duration);

impl<E: Endpoint> Middleware<E> for RequestTimeout {
    type Output = RequestTimeoutEndpoint<E>;

    fn transform(&self, ep: E) -> Self::Output {
        RequestTimeoutEndpoint {
            inner: ep,
            timeout: self.0,
        }
    }
}

pub struct RequestTimeoutEndpoint<E> {
    inner: E,
    timeout: Duration,
}

impl<E: Endpoint> Endpoint for RequestTimeoutEndpoint<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> Result<Response> {
        let path = req.uri().path().to_owned();
        let templates = req.data::<Arc<Templates>>().cloned();
        match tokio::time::timeout(self.timeout, self.inner.call(req)).await {
            Ok(result) => result.map(IntoResponse::into_response),
            Err(_) => {
                tracing::warn!(
                    timeout_s = self.timeout.as_secs_f64(),
                    "request took too long; stopped"
                );
                let detail = format!(
                    "The request took longer than {} seconds and was stopped. Try again shortly (a change that was stopped was either made in full or not at all).",
                    self.timeout.as_secs()
                );
                Ok(refuse(
                    &path,
                    templates.as_deref(),
                    &Problem::new(kind::UNAVAILABLE, detail),
                ))
            }
        }
    }
}

/// Refuses a request outside the handlers: a page for people on the respondent and share pages,
/// problem+json everywhere else.
pub fn refuse(path: &str, templates: Option<&Templates>, problem: &Problem) -> Response {
    let is_page =
        path.starts_with("/respond/") || path.starts_with("/share/") || path.starts_with("/admin/");
    match templates {
        Some(templates) if is_page => {
            let mut resp = templates.page(
                "respond/problem.html",
                serde_json::json!({ "title": problem.title, "message": problem.detail }),
            );
            resp.set_status(
                StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            );
            resp
        }
        _ => problem_response(problem),
    }
}

/// Headers that every response carries. Pages get a strict Content-Security-Policy; the bundled
/// API explorer at `/docs` needs inline script and style, so it gets a policy of its own.
pub struct SecurityHeaders;

impl<E: Endpoint> Middleware<E> for SecurityHeaders {
    type Output = SecurityHeadersEndpoint<E>;

    fn transform(&self, ep: E) -> Self::Output {
        SecurityHeadersEndpoint(ep)
    }
}

pub struct SecurityHeadersEndpoint<E>(E);

const PAGE_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                        form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";
const DOCS_CSP: &str = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; \
                        img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

impl<E: Endpoint> Endpoint for SecurityHeadersEndpoint<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> Result<Response> {
        let path = req.uri().path();
        let is_docs = path.starts_with("/docs");
        // API answers (some carry secret links) and respondent pages are private to their caller.
        let private = path.starts_with("/api/")
            || path.starts_with("/respond/")
            || path.starts_with("/share/")
            || path.starts_with("/admin");
        let path = path.to_owned();
        let templates = req.data::<Arc<Templates>>().cloned();
        // Errors are rendered here rather than further out, so that they carry these headers too;
        // one that no handler shaped (a query a page cannot read, say) is a page on pages.
        let mut resp = match self.0.call(req).await {
            Ok(resp) => resp.into_response(),
            Err(err) if err.is_from_response() => err.into_response(),
            Err(err) => refuse(&path, templates.as_deref(), &problem_from_poem_error(&err)),
        };
        let method_not_allowed = resp.status() == poem::http::StatusCode::METHOD_NOT_ALLOWED;
        let headers = resp.headers_mut();
        if method_not_allowed
            && let Some(allow) = crate::app::allow_header::allowed_methods(&path)
                .and_then(|a| HeaderValue::from_str(&a).ok())
        {
            headers.insert(header::ALLOW, allow);
        }
        let csp = if is_docs { DOCS_CSP } else { PAGE_CSP };
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(csp),
        );
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        if private && !headers.contains_key(header::CACHE_CONTROL) {
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
        Ok(resp)
    }
}

#[cfg(test)]
mod tests {
    use super::loggable_path;

    #[test]
    fn secrets_in_paths_are_not_logged() {
        assert_eq!(
            loggable_path("/respond/abc123/sections/strategy"),
            "/respond/{secret}/sections/strategy"
        );
        assert_eq!(loggable_path("/share/abc123"), "/share/{secret}");
        assert_eq!(
            loggable_path("/api/v1/organisations"),
            "/api/v1/organisations"
        );
    }
}

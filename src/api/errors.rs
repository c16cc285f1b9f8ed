//! Which error statuses each operation answers, so that the OpenAPI document lists only those.
//!
//! A handler returns [`Answer<T, S>`]: `S` is a set of statuses written in its signature, e.g.
//! `Answer<Json<Round>, { KEY | NOT_FOUND }>`, and the document lists exactly that set plus
//! [`EVERY_OPERATION`], each with the problem+json schema. Inside, handlers work with the one
//! [`ApiError`] as before; `?` turns it into the operation's [`Problems`]. A handler that answers a
//! status its signature does not name fails a debug assertion, so the test suite (built with debug
//! assertions) catches a document that would tell clients less than the truth.

use super::problem::{ApiError, Problem};
use crate::service::ServiceError;
use poem::{IntoResponse, Response};
use poem_openapi::ApiResponse;
use poem_openapi::registry::{MetaHeader, MetaMediaType, MetaResponse, MetaResponses, Registry};
use poem_openapi::types::Type;

/// One bit per error status an operation may answer; combine them with `|`.
pub mod status {
    pub const BAD_REQUEST: u32 = 1 << 0;
    pub const UNAUTHORIZED: u32 = 1 << 1;
    pub const FORBIDDEN: u32 = 1 << 2;
    pub const NOT_FOUND: u32 = 1 << 3;
    pub const REQUEST_TIMEOUT: u32 = 1 << 4;
    pub const CONFLICT: u32 = 1 << 5;
    pub const GONE: u32 = 1 << 6;
    pub const PAYLOAD_TOO_LARGE: u32 = 1 << 7;
    pub const UNSUPPORTED_MEDIA_TYPE: u32 = 1 << 8;
    pub const UNPROCESSABLE: u32 = 1 << 9;
    pub const TOO_MANY_REQUESTS: u32 = 1 << 10;
    pub const INTERNAL: u32 = 1 << 11;
    pub const UNAVAILABLE: u32 = 1 << 12;

    /// Any valid key: a missing, wrong or revoked one is 401.
    pub const KEY: u32 = UNAUTHORIZED;
    /// A key of a given role: another role's key is 403.
    pub const ROLE: u32 = UNAUTHORIZED | FORBIDDEN;
    /// A body that is read (400), of a media type the operation takes (415), and validated (422).
    pub const BODY: u32 = BAD_REQUEST | UNSUPPORTED_MEDIA_TYPE | UNPROCESSABLE;

    /// What the middleware may answer before any operation runs, so every operation lists it:
    /// a NUL character in the path, the query string or the body (400, `app::nul`), a body too
    /// slow (408) or too large (413) (bodies are read whatever the method), too many
    /// failed keys or links from this address (429: every operation takes a key or a link), an
    /// unexpected failure (500), and a database that does not answer or a request that ran out
    /// of time (503).
    pub const EVERY_OPERATION: u32 = BAD_REQUEST
        | REQUEST_TIMEOUT
        | PAYLOAD_TOO_LARGE
        | TOO_MANY_REQUESTS
        | INTERNAL
        | UNAVAILABLE;
}

pub use status::EVERY_OPERATION;

/// Each status bit with its code and what it means for any operation that lists it.
const STATUSES: [(u32, u16, &str); 13] = [
    (
        status::BAD_REQUEST,
        400,
        "The request could not be read: malformed JSON, a missing or mistyped parameter, or a NUL \
         character (U+0000) in a parameter, a field or the body (`/problems/nul-character`).",
    ),
    (
        status::UNAUTHORIZED,
        401,
        "No API key, or one that is wrong or revoked.",
    ),
    (
        status::FORBIDDEN,
        403,
        "The key is valid but its role may not do this.",
    ),
    (status::NOT_FOUND, 404, "The resource does not exist."),
    (
        status::REQUEST_TIMEOUT,
        408,
        "The body did not arrive within the server's time limit (a slow or stalled client).",
    ),
    (
        status::CONFLICT,
        409,
        "The change conflicts with the resource's current state (e.g. a published version, a stale revision).",
    ),
    (
        status::GONE,
        410,
        "The resource is no longer available (e.g. the round has closed).",
    ),
    (
        status::PAYLOAD_TOO_LARGE,
        413,
        "The body is larger than the server accepts.",
    ),
    (
        status::UNSUPPORTED_MEDIA_TYPE,
        415,
        "The body's content type is not one this operation accepts.",
    ),
    (
        status::UNPROCESSABLE,
        422,
        "The request was read but is not valid; `errors` names each bad field.",
    ),
    (
        status::TOO_MANY_REQUESTS,
        429,
        "Too many failed attempts with a wrong key or secret link came from this client address; \
         every request with a key or link is refused until `Retry-After` seconds have passed.",
    ),
    (
        status::INTERNAL,
        500,
        "An unexpected failure; the cause is logged on the server, not sent.",
    ),
    (
        status::UNAVAILABLE,
        503,
        "The database is unreachable or the request ran out of time; try again shortly.",
    ),
];

/// The error of an operation that may answer the statuses in `S` (and [`EVERY_OPERATION`]).
#[derive(Debug)]
pub struct Problems<const S: u32>(ApiError);

/// What a handler returns: its answer, or a problem with one of the statuses `S` names.
pub type Answer<T, const S: u32> = Result<T, Problems<S>>;

impl<const S: u32> Problems<S> {
    /// Whether the set documents `code`.
    pub fn lists(code: u16) -> bool {
        STATUSES
            .iter()
            .any(|&(bit, c, _)| c == code && (S | EVERY_OPERATION) & bit != 0)
    }
}

impl<const S: u32> From<ApiError> for Problems<S> {
    fn from(err: ApiError) -> Self {
        let code = err.problem().status;
        debug_assert!(
            Self::lists(code),
            "an operation answered {code}, which its signature does not list: {:?}",
            err.problem()
        );
        Problems(err)
    }
}

impl<const S: u32> From<ServiceError> for Problems<S> {
    fn from(err: ServiceError) -> Self {
        ApiError::from(err).into()
    }
}

impl<const S: u32> IntoResponse for Problems<S> {
    fn into_response(self) -> Response {
        super::problem::problem_response(self.0.problem())
    }
}

impl<const S: u32> From<Problems<S>> for poem::Error {
    fn from(err: Problems<S>) -> Self {
        poem::Error::from_response(err.into_response())
    }
}

impl<const S: u32> ApiResponse for Problems<S> {
    fn meta() -> MetaResponses {
        let responses = STATUSES
            .iter()
            .filter(|&&(bit, _, _)| (S | EVERY_OPERATION) & bit != 0)
            .map(|&(_, code, description)| MetaResponse {
                description,
                status: Some(code),
                status_range: None,
                content: vec![MetaMediaType {
                    content_type: "application/problem+json",
                    schema: Problem::schema_ref(),
                }],
                headers: if code == 429 {
                    vec![MetaHeader {
                        name: "Retry-After".to_owned(),
                        description: Some("Seconds to wait before trying again.".to_owned()),
                        required: true,
                        deprecated: false,
                        schema: u64::schema_ref(),
                    }]
                } else {
                    Vec::new()
                },
            })
            .collect();
        MetaResponses { responses }
    }

    fn register(registry: &mut Registry) {
        Problem::register(registry);
    }
}

#[cfg(test)]
mod tests {
    use super::status::*;
    use super::*;

    #[test]
    fn a_set_lists_its_statuses_and_the_global_ones_and_nothing_else() {
        type Lookup = Problems<{ KEY | NOT_FOUND }>;
        for code in [400, 401, 404, 408, 413, 429, 500, 503] {
            assert!(Lookup::lists(code), "{code}");
        }
        for code in [403, 409, 410, 415, 422] {
            assert!(!Lookup::lists(code), "{code}");
        }
        let documented: Vec<u16> = Lookup::meta()
            .responses
            .iter()
            .filter_map(|r| r.status)
            .collect();
        assert_eq!(documented, [400, 401, 404, 408, 413, 429, 500, 503]);
    }
}

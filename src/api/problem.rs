//! The one error type of the JSON API, rendered as RFC 9457 `application/problem+json`.
//!
//! Every failure a handler can meet becomes an [`ApiError`] here and nowhere else. A 5xx body is
//! generic; its real cause is logged once, where it is converted.

use crate::domain::validation::FieldIssue;
use crate::service::ServiceError;
use poem::http::StatusCode;
use poem_openapi::Object;
use serde::Serialize;

/// An RFC 9457 problem document.
#[derive(Clone, Debug, Object, Serialize)]
pub struct Problem {
    /// A stable identifier of the kind of problem, e.g. `/problems/validation-failed`.
    #[oai(rename = "type")]
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind of problem; the same for every occurrence.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong this time, in words a person can act on.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// For validation failures: one entry per bad field, with its path in the request.
    #[oai(skip_serializing_if_is_empty, default)]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// One invalid field: where it is in the request, and what is wrong with it.
#[derive(Clone, Debug, Object, Serialize, PartialEq, Eq)]
pub struct FieldError {
    /// Where the field is, e.g. `sections[2].questions[4].options` or `line 7: code`.
    pub path: String,
    pub message: String,
}

impl FieldError {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// The problem kinds of the API: `(status, type slug, title)`. Adding a kind means adding it here.
pub mod kind {
    use poem::http::StatusCode;
    pub type Kind = (StatusCode, &'static str, &'static str);
    pub const MALFORMED: Kind = (
        StatusCode::BAD_REQUEST,
        "malformed-request",
        "The request could not be read",
    );
    pub const UNAUTHENTICATED: Kind = (
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
        "A valid API key is required",
    );
    pub const FORBIDDEN: Kind = (
        StatusCode::FORBIDDEN,
        "forbidden",
        "This key's role may not do that",
    );
    /// U+0000 in a path or query parameter, a form field or a body: no text may hold it (PostgreSQL
    /// cannot store it), so it is refused before any handler runs (`app::nul`).
    pub const NUL_CHARACTER: Kind = (
        StatusCode::BAD_REQUEST,
        "nul-character",
        "The request contains a NUL character",
    );
    pub const NOT_FOUND: Kind = (StatusCode::NOT_FOUND, "not-found", "No such resource");
    pub const METHOD_NOT_ALLOWED: Kind = (
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        "This method is not allowed here",
    );
    pub const CONFLICT: Kind = (
        StatusCode::CONFLICT,
        "conflict",
        "The request conflicts with the current state",
    );
    pub const GONE: Kind = (StatusCode::GONE, "gone", "No longer available");
    pub const REQUEST_TIMEOUT: Kind = (
        StatusCode::REQUEST_TIMEOUT,
        "request-timeout",
        "The request did not arrive in time",
    );
    pub const TOO_LARGE: Kind = (
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload-too-large",
        "The request body is too large",
    );
    pub const UNSUPPORTED_MEDIA: Kind = (
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported-media-type",
        "This content type is not accepted here",
    );
    pub const VALIDATION: Kind = (
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation-failed",
        "The request is not valid",
    );
    pub const TOO_MANY_REQUESTS: Kind = (
        StatusCode::TOO_MANY_REQUESTS,
        "too-many-requests",
        "Too many failed attempts",
    );
    pub const INTERNAL: Kind = (
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "Something went wrong on our side",
    );
    pub const UNAVAILABLE: Kind = (
        StatusCode::SERVICE_UNAVAILABLE,
        "unavailable",
        "The service is temporarily unavailable",
    );
}

impl Problem {
    pub fn new(kind: kind::Kind, detail: impl Into<Option<String>>) -> Self {
        let (status, slug, title) = kind;
        Problem {
            kind: format!("/problems/{slug}"),
            title: title.to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            errors: Vec::new(),
        }
    }
}

/// A failure a handler met, as the problem document it will answer. Handlers return it through
/// [`super::errors::Problems`], whose type names the statuses the operation documents.
#[derive(Debug)]
pub struct ApiError(Problem);

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn from_problem(problem: Problem) -> Self {
        ApiError(problem)
    }

    pub fn problem(&self) -> &Problem {
        &self.0
    }

    pub fn unauthenticated(detail: &str) -> Self {
        Self::from_problem(Problem::new(kind::UNAUTHENTICATED, detail.to_owned()))
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::from_problem(Problem::new(kind::FORBIDDEN, detail.into()))
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::from_problem(Problem::new(kind::NOT_FOUND, detail.into()))
    }

    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::from_problem(Problem::new(kind::CONFLICT, detail.into()))
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::from_problem(Problem::new(kind::MALFORMED, detail.into()))
    }

    /// A 422 naming every invalid field.
    pub fn validation(detail: impl Into<String>, errors: Vec<FieldError>) -> Self {
        let mut problem = Problem::new(kind::VALIDATION, detail.into());
        problem.errors = errors;
        Self::from_problem(problem)
    }

    /// A 500. The cause is logged here, once, and not sent to the client.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error.cause = %cause, "internal error");
        Self::from_problem(Problem::new(kind::INTERNAL, None))
    }

    pub fn unavailable(cause: impl std::fmt::Display) -> Self {
        tracing::warn!(error.cause = %cause, "database unavailable");
        Self::from_problem(Problem::new(
            kind::UNAVAILABLE,
            "The database did not answer; try again shortly.".to_owned(),
        ))
    }
}

impl From<FieldIssue> for FieldError {
    fn from(issue: FieldIssue) -> Self {
        FieldError {
            path: issue.path,
            message: issue.message,
        }
    }
}

impl ApiError {
    /// A 422 for input that failed domain validation.
    pub fn invalid(what: &str, issues: Vec<FieldIssue>) -> Self {
        let count = issues.len();
        let detail = format!(
            "The {what} has {count} problem{}; see `errors`.",
            if count == 1 { "" } else { "s" }
        );
        Self::validation(detail, issues.into_iter().map(FieldError::from).collect())
    }
}

/// The one mapping of an operation's error to problem+json.
impl From<ServiceError> for ApiError {
    fn from(err: ServiceError) -> Self {
        match err {
            ServiceError::NotFound(detail) => ApiError::not_found(detail),
            ServiceError::Conflict(detail) => ApiError::conflict(detail),
            ServiceError::Gone(detail) => Self::from_problem(Problem::new(kind::GONE, detail)),
            ServiceError::Invalid { detail, issues } => {
                ApiError::validation(detail, issues.into_iter().map(FieldError::from).collect())
            }
            ServiceError::Malformed(detail) => ApiError::bad_request(detail),
            ServiceError::TooLarge(detail) => {
                Self::from_problem(Problem::new(kind::TOO_LARGE, detail))
            }
            ServiceError::Busy(detail) => {
                Self::from_problem(Problem::new(kind::UNAVAILABLE, detail))
            }
            ServiceError::Forbidden(detail) => ApiError::forbidden(detail),
            ServiceError::Unavailable(cause) => ApiError::unavailable(cause),
            ServiceError::Internal(cause) => ApiError::internal(cause),
        }
    }
}

/// The problem document for an error raised by poem itself (routing, extractors, size limits).
pub fn problem_from_poem_error(err: &poem::Error) -> Problem {
    let status = err.status();
    let kind = match status {
        StatusCode::UNAUTHORIZED => kind::UNAUTHENTICATED,
        StatusCode::FORBIDDEN => kind::FORBIDDEN,
        StatusCode::NOT_FOUND => kind::NOT_FOUND,
        StatusCode::METHOD_NOT_ALLOWED => kind::METHOD_NOT_ALLOWED,
        StatusCode::PAYLOAD_TOO_LARGE => kind::TOO_LARGE,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => kind::UNSUPPORTED_MEDIA,
        StatusCode::REQUEST_TIMEOUT => kind::REQUEST_TIMEOUT,
        StatusCode::TOO_MANY_REQUESTS => kind::TOO_MANY_REQUESTS,
        StatusCode::SERVICE_UNAVAILABLE => kind::UNAVAILABLE,
        s if s.is_server_error() => {
            tracing::error!(error.cause = %err, "internal error");
            return Problem::new(kind::INTERNAL, None);
        }
        _ => kind::MALFORMED,
    };
    let detail = match status {
        StatusCode::NOT_FOUND => "There is nothing at this address.".to_owned(),
        StatusCode::METHOD_NOT_ALLOWED => "This address does not accept that method.".to_owned(),
        StatusCode::UNAUTHORIZED => {
            "Send a valid, unrevoked API key as `Authorization: Bearer <key>`.".to_owned()
        }
        _ => {
            let text = err.to_string();
            match text.strip_prefix("parse request payload error: ") {
                Some(reason) => format!("The request body could not be parsed: {reason}"),
                None => text,
            }
        }
    };
    Problem::new(kind, detail)
}

/// The response for an error that reached the outer middleware. Errors made from a response (an
/// [`ApiError`] returned by a handler) keep it; anything else becomes problem+json.
pub fn error_response(err: poem::Error) -> poem::Response {
    if err.is_from_response() {
        err.into_response()
    } else {
        problem_response(&problem_from_poem_error(&err))
    }
}

/// A problem document as a plain poem response, for errors outside the OpenAPI service.
pub fn problem_response(problem: &Problem) -> poem::Response {
    let body = serde_json::to_vec(problem).unwrap_or_default();
    poem::Response::builder()
        .status(StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
        .content_type("application/problem+json")
        .body(body)
}

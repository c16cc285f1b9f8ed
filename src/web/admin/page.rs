//! Rendering a console page: every page gets who is signed in (for the header and its sign-out
//! form) and the session's CSRF token (for its forms).

use crate::service::ServiceError;
use crate::service::console::ConsoleUser;
use crate::web::Site;
use poem::Response;
use poem::http::StatusCode;
use serde_json::{Value, json};

/// Renders `template` with `ctx` and, when someone is signed in, `user` and `csrf`.
pub fn render(
    site: &Site,
    user: Option<&ConsoleUser>,
    template: &str,
    mut ctx: Value,
    status: StatusCode,
) -> Response {
    if let (Some(user), Some(map)) = (user, ctx.as_object_mut()) {
        map.insert(
            "user".into(),
            json!({ "name": user.key_name, "prefix": user.key_prefix, "role": user.role.as_str(),
                    "admin": user.role == crate::domain::role::Role::Admin }),
        );
        map.insert("csrf".into(), json!(user.csrf));
    }
    let mut resp = site.templates.page(template, ctx);
    if resp.status() == StatusCode::OK {
        resp.set_status(status);
    }
    resp
}

/// A page that says what went wrong and what to do.
pub fn problem(
    site: &Site,
    user: Option<&ConsoleUser>,
    status: StatusCode,
    title: &str,
    message: &str,
) -> Response {
    render(
        site,
        user,
        "admin/problem.html",
        json!({ "title": title, "message": message }),
        status,
    )
}

/// The page for a service error that no form can show next to a field: not found, a conflict
/// (e.g. a round in the wrong state), or the service failing (logged, not shown).
pub fn service_error(site: &Site, user: &ConsoleUser, err: ServiceError) -> Response {
    let (status, title, message) = match &err {
        ServiceError::NotFound(m) => (StatusCode::NOT_FOUND, "Not found", m.clone()),
        ServiceError::Conflict(m) => (StatusCode::CONFLICT, "That cannot be done now", m.clone()),
        ServiceError::Gone(m) => (StatusCode::GONE, "No longer available", m.clone()),
        ServiceError::Invalid { detail, .. } | ServiceError::Malformed(detail) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "That could not be accepted",
            detail.clone(),
        ),
        ServiceError::TooLarge(m) => (
            StatusCode::PAYLOAD_TOO_LARGE,
            "That could not be accepted",
            m.clone(),
        ),
        ServiceError::Forbidden(m) => (StatusCode::FORBIDDEN, "You may not do this", m.clone()),
        ServiceError::Busy(m) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "The service is busy",
            m.clone(),
        ),
        ServiceError::Unavailable(_) | ServiceError::Internal(_) => {
            tracing::error!(error.cause = %err, "console operation failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "Sorry, there is a problem with the service",
                "Try again in a few minutes.".to_owned(),
            )
        }
    };
    problem(site, Some(user), status, title, &message)
}

/// A form's errors as its page shows them: the summary's entries (each linking to its field,
/// whose id is `{prefix}-{path}`), and the message under each field, by path.
pub fn form_errors(
    issues: &[crate::domain::validation::FieldIssue],
    prefix: &str,
    label: impl Fn(&str) -> String,
) -> Value {
    let summary: Vec<Value> = issues
        .iter()
        .map(|i| {
            json!({ "href": format!("#{prefix}-{}", i.path),
                    "text": format!("{}: {}", label(&i.path), i.message) })
        })
        .collect();
    let by_field: serde_json::Map<String, Value> = issues
        .iter()
        .map(|i| (i.path.clone(), json!(i.message)))
        .collect();
    json!({ "errors": summary, "field_errors": by_field })
}

/// `ctx` with `extra`'s fields added.
pub fn with(mut ctx: Value, extra: Value) -> Value {
    if let (Some(map), Value::Object(more)) = (ctx.as_object_mut(), extra) {
        map.extend(more);
    }
    ctx
}

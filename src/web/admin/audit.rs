//! The audit trail in the console, for admins (as in the API): newest first, filtered by actor,
//! action and time with GET parameters, a page at a time.

use super::page::{render, service_error};
use super::session::require;
use crate::domain::role::Role;
use crate::service::audit_events::{self, AuditFilter};
use crate::service::console::ConsoleUser;
use crate::web::Site;
use chrono::{DateTime, NaiveDate, Utc};
use poem::http::StatusCode;
use poem::web::{Data, Query};
use poem::{Response, handler};
use serde_json::json;

const PER_PAGE: u64 = 50;

#[derive(serde::Deserialize, Default)]
pub struct AuditQuery {
    actor: Option<String>,
    action: Option<String>,
    /// First day shown (`YYYY-MM-DD`, UTC).
    from: Option<String>,
    /// Last day shown (`YYYY-MM-DD`, UTC), inclusive.
    to: Option<String>,
    page: Option<u64>,
}

fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The start of a `YYYY-MM-DD` day, and of the day after it, in UTC.
fn day(s: &str) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
    let start = d.and_hms_opt(0, 0, 0)?.and_utc();
    Some((start, start + chrono::Duration::days(1)))
}

/// `GET /admin/audit`
#[handler]
pub async fn list(
    site: Data<&Site>,
    user: Data<&ConsoleUser>,
    Query(q): Query<AuditQuery>,
) -> Response {
    if let Some(refused) = require(&site, &user, Role::Admin) {
        return refused;
    }
    let mut errors = Vec::new();
    let mut window = |name: &str, value: Option<&str>, end: bool| {
        let parsed = value.map(|v| day(v).map(|(start, next)| if end { next } else { start }));
        if let Some(None) = parsed {
            let label = if end { "To" } else { "From" };
            errors.push(json!({ "href": format!("#audit-{name}"),
                "text": format!("{label}: must be a date such as 2026-12-06") }));
        }
        parsed.flatten()
    };
    let since = window("from", given(&q.from), false);
    let until = window("to", given(&q.to), true);
    let page = q.page.unwrap_or(1).clamp(1, 1_000_000);
    let filter = AuditFilter {
        actor: given(&q.actor),
        action: given(&q.action),
        since,
        until,
        offset: (page - 1) * PER_PAGE,
        limit: PER_PAGE,
        ..Default::default()
    };
    let (events, total) = match audit_events::list(&site, filter).await {
        Ok(found) => found,
        Err(err) => return service_error(&site, &user, err),
    };
    let pages = total.div_ceil(PER_PAGE).max(1);
    let link = |p: u64| {
        let mut pairs = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("actor", &q.actor),
            ("action", &q.action),
            ("from", &q.from),
            ("to", &q.to),
        ] {
            if let Some(v) = given(v) {
                pairs.append_pair(k, v);
            }
        }
        pairs.append_pair("page", &p.to_string());
        format!("/admin/audit?{}", pairs.finish())
    };
    let rows: Vec<_> = events
        .iter()
        .map(|e| {
            json!({ "at": e.occurred_at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            "actor": e.actor, "action": e.action, "subject": e.subject_id, "details": e.details })
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render(
        &site,
        Some(&user),
        "admin/audit.html",
        json!({ "events": rows, "total": total, "page": page, "pages": pages, "errors": errors,
                "q": { "actor": q.actor, "action": q.action, "from": q.from, "to": q.to },
                "previous": (page > 1).then(|| link(page - 1)),
                "next": (page < pages).then(|| link(page + 1)) }),
        status,
    )
}

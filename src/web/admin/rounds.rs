//! Rounds in the console: the list, a new round, a round's dashboard (response rate overall and
//! by kind and region, each organisation's status), and open/close/reopen after a confirmation.
//! Every figure and every change goes through the service functions the API calls.

use super::chart::{Bar, bar_chart, chart_groupings};
use super::page::{form_errors, render, service_error, with};
use super::round_orgs;
use super::session::{field, require};
use crate::domain::role::Role;
use crate::domain::round::RoundAction;
use crate::domain::validation::FieldIssue;
use crate::service::console::ConsoleUser;
use crate::service::rounds::{self, NewRound, RoundView};
use crate::service::{ServiceError, releases, research};
use crate::web::Site;
use chrono::{DateTime, NaiveDateTime, Utc};
use poem::http::StatusCode;
use poem::web::{Data, Form, Path, Query, Redirect};
use poem::{IntoResponse, Response, handler};
use serde_json::{Value, json};

fn round_json(v: &RoundView) -> Value {
    json!({
        "code": v.round.code, "name": v.round.name, "survey": v.survey, "version": v.version,
        "status": v.status.as_str(), "accepting": v.accepting_responses,
        "opens_at": v.round.opens_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        "closes_at": v.round.closes_at.format("%Y-%m-%d %H:%M UTC").to_string(),
    })
}

/// `GET /admin/rounds`
#[handler]
pub async fn list(site: Data<&Site>, user: Data<&ConsoleUser>) -> Response {
    match rounds::list(&site, None).await {
        Ok(found) => render(
            &site,
            Some(&user),
            "admin/rounds.html",
            json!({ "rounds": found.iter().map(round_json).collect::<Vec<_>>() }),
            StatusCode::OK,
        ),
        Err(err) => service_error(&site, &user, err),
    }
}

/// `GET /admin/rounds/new`
#[handler]
pub async fn new_form(site: Data<&Site>, user: Data<&ConsoleUser>) -> Response {
    if let Some(refused) = require(&site, &user, Role::Admin) {
        return refused;
    }
    new_page(&site, &user, &[], Vec::new(), StatusCode::OK)
}

/// The form for a new round, holding what was typed and the errors against it.
fn new_page(
    site: &Site,
    user: &ConsoleUser,
    typed: &[(String, String)],
    issues: Vec<FieldIssue>,
    status: StatusCode,
) -> Response {
    let value = |name: &str| field(typed, name).unwrap_or_default().to_owned();
    let values = json!({ "values": { "code": value("code"), "name": value("name"),
        "survey": value("survey"), "version": value("version"),
        "opens_at": value("opens_at"), "closes_at": value("closes_at") } });
    let ctx = with(
        form_errors(&issues, "round", |p| label(p).to_owned()),
        values,
    );
    render(site, Some(user), "admin/round_new.html", ctx, status)
}

/// The label a form field is shown under, for the error summary.
fn label(path: &str) -> &str {
    match path {
        "code" => "Code",
        "name" => "Name",
        "survey" => "Survey",
        "version" => "Version",
        "opens_at" => "Opens",
        "closes_at" => "Closes",
        other => other,
    }
}

/// A `datetime-local` input (no zone; read as UTC) or an RFC 3339 time.
fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
                .iter()
                .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
                .map(|t| t.and_utc())
        })
}

/// `POST /admin/rounds`: creates a draft round through `service::rounds::create`.
#[handler]
pub async fn create(
    site: Data<&Site>,
    user: Data<&ConsoleUser>,
    form: poem::Result<Form<Vec<(String, String)>>>,
) -> Response {
    if let Some(refused) = require(&site, &user, Role::Admin) {
        return refused;
    }
    let fields = super::session::fields_of(form);
    let text = |name: &str| field(&fields, name).unwrap_or_default().to_owned();
    let mut issues = Vec::new();
    let version = text("version").trim().parse::<i32>();
    if version.is_err() {
        issues.push(FieldIssue::new("version", "must be a whole number, e.g. 1"));
    }
    let opens_at = parse_time(&text("opens_at"));
    let closes_at = parse_time(&text("closes_at"));
    for (name, parsed) in [("opens_at", opens_at), ("closes_at", closes_at)] {
        if parsed.is_none() {
            issues.push(FieldIssue::new(name, "must be a date and time"));
        }
    }
    let (Ok(version), Some(opens_at), Some(closes_at), true) =
        (version, opens_at, closes_at, issues.is_empty())
    else {
        return new_page(
            &site,
            &user,
            &fields,
            issues,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    let new = NewRound {
        code: text("code"),
        name: text("name"),
        survey: text("survey"),
        version,
        opens_at,
        closes_at,
    };
    match rounds::create(&site, &user.actor(), new).await {
        Ok(created) => {
            Redirect::see_other(format!("/admin/rounds/{}", created.round.code)).into_response()
        }
        Err(ServiceError::Invalid { issues, .. }) => new_page(
            &site,
            &user,
            &fields,
            issues,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(ServiceError::Conflict(message)) => new_page(
            &site,
            &user,
            &fields,
            vec![FieldIssue::new("code", message)],
            StatusCode::CONFLICT,
        ),
        Err(err) => service_error(&site, &user, err),
    }
}

/// Search and filter of the organisations on a round's dashboard.
#[derive(serde::Deserialize, Default)]
pub struct OrgFilter {
    /// Part of an organisation's code or name.
    q: Option<String>,
    /// One of `round_orgs::STATUSES`.
    status: Option<String>,
    /// Set after a change: which one.
    done: Option<String>,
    /// Set after a release: its number.
    released: Option<i32>,
}

/// `GET /admin/rounds/{code}`: the round's dashboard.
#[handler]
pub async fn show(
    site: Data<&Site>,
    user: Data<&ConsoleUser>,
    Path(code): Path<String>,
    Query(filter): Query<OrgFilter>,
) -> Response {
    let round = match rounds::get(&site, &code).await {
        Ok(r) => r,
        Err(err) => return service_error(&site, &user, err),
    };
    let mut charts = Vec::new();
    for (title, grouping) in chart_groupings() {
        // The same figures as `GET /rounds/{code}/progress`, withheld where it withholds them.
        let groups = match research::progress(&site, &code, &grouping).await {
            Ok(g) => g,
            Err(err) => return service_error(&site, &user, err),
        };
        let bars: Vec<Bar> = groups
            .iter()
            .map(|g| Bar {
                label: g.group.label(),
                share: g.response_rate,
                text: None,
            })
            .collect();
        let rows: Vec<Value> = groups
            .iter()
            .map(|g| {
                json!({
                    "label": g.group.label(), "invited": g.invited.value,
                    "started": g.responded.value.map(|r| r.started),
                    "submitted": g.responded.value.map(|r| r.submitted),
                    "rate": g.response_rate.map(|r| format!("{}%", (r * 100.0).round())),
                    "reason": g.responded.reason,
                })
            })
            .collect();
        if !rows.is_empty() {
            charts.push(json!({ "title": title, "chart": bar_chart(&bars), "rows": rows }));
        }
    }
    // Who was invited is an admin's business (the API's `list_invitations` is admin-only).
    let mut organisations = None;
    if user.role == Role::Admin {
        let q = filter.q.as_deref().unwrap_or_default();
        let wanted = filter.status.as_deref().filter(|s| !s.is_empty());
        match round_orgs::rows(&site, &code, q, wanted).await {
            Ok((rows, total)) => {
                organisations = Some(json!({ "rows": rows, "total": total,
                    "more": total > round_orgs::MAX_LISTED, "max": round_orgs::MAX_LISTED }));
            }
            Err(err) => return service_error(&site, &user, err),
        }
    }
    let made = match releases::list(&site, &code).await {
        Ok((_, made)) => made,
        Err(err) => return service_error(&site, &user, err),
    };
    let made: Vec<Value> = made
        .iter()
        .map(|r| {
            json!({ "number": r.number, "made_at": r.made_at.format("%Y-%m-%d %H:%M UTC").to_string(),
                    "respondents": r.respondents, "digest": r.digest })
        })
        .collect();
    render(
        &site,
        Some(&user),
        "admin/round.html",
        json!({
            "round": round_json(&round), "charts": charts, "organisations": organisations,
            "q": filter.q, "status": filter.status, "done": filter.done,
            "statuses": round_orgs::STATUSES,
            "actions": actions(&round),
            "releases": made, "released": filter.released, "threshold": site.threshold().0,
        }),
        StatusCode::OK,
    )
}

/// `POST /admin/rounds/{code}/releases`: releases the closed round's results through
/// `service::releases::make`, as the API does; a refusal (open round, too small a change since
/// the last release) is the error page with the reason.
#[handler]
pub async fn release(
    site: Data<&Site>,
    user: Data<&ConsoleUser>,
    Path(code): Path<String>,
) -> Response {
    if let Some(refused) = require(&site, &user, Role::Admin) {
        return refused;
    }
    match releases::make(&site, &user.actor(), &code).await {
        Ok(made) => Redirect::see_other(format!(
            "/admin/rounds/{code}?released={}#releases",
            made.number
        ))
        .into_response(),
        Err(err) => service_error(&site, &user, err),
    }
}

/// The transitions the round's state allows now, as the domain decides them.
fn actions(round: &RoundView) -> Vec<&'static str> {
    [RoundAction::Open, RoundAction::Close, RoundAction::Reopen]
        .into_iter()
        .filter(|a| {
            round
                .status
                .apply(*a, round.round.closes_at, Utc::now())
                .is_ok()
        })
        .map(RoundAction::as_str)
        .collect()
}

/// The transition named in the path, for an admin; otherwise the page that refuses.
fn admin_action(
    site: &Site,
    user: &ConsoleUser,
    action: &str,
) -> Result<RoundAction, Box<Response>> {
    if let Some(refused) = require(site, user, Role::Admin) {
        return Err(Box::new(refused));
    }
    [RoundAction::Open, RoundAction::Close, RoundAction::Reopen]
        .into_iter()
        .find(|a| a.as_str() == action)
        .ok_or_else(|| {
            Box::new(service_error(
                site,
                user,
                ServiceError::not_found("There is no such action."),
            ))
        })
}

/// `GET /admin/rounds/{code}/confirm/{action}`: asks before opening, closing or reopening.
#[handler]
pub async fn confirm(
    site: Data<&Site>,
    user: Data<&ConsoleUser>,
    Path((code, action)): Path<(String, String)>,
) -> Response {
    let action = match admin_action(&site, &user, &action) {
        Ok(action) => action,
        Err(refused) => return *refused,
    };
    match rounds::get(&site, &code).await {
        Ok(round) => render(
            &site,
            Some(&user),
            "admin/round_confirm.html",
            json!({ "round": round_json(&round), "action": action.as_str() }),
            StatusCode::OK,
        ),
        Err(err) => service_error(&site, &user, err),
    }
}

/// `POST /admin/rounds/{code}/{action}`: opens, closes or reopens through
/// `service::rounds::transition` (a race with another operator answers 409).
#[handler]
pub async fn transition(
    site: Data<&Site>,
    user: Data<&ConsoleUser>,
    Path((code, action)): Path<(String, String)>,
) -> Response {
    let action = match admin_action(&site, &user, &action) {
        Ok(action) => action,
        Err(refused) => return *refused,
    };
    match rounds::transition(&site, &user.actor(), &code, action).await {
        Ok(round) => Redirect::see_other(format!(
            "/admin/rounds/{}?done={}",
            round.round.code,
            action.as_str()
        ))
        .into_response(),
        Err(err) => service_error(&site, &user, err),
    }
}

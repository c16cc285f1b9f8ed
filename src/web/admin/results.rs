//! A round's results in the console: the national summary (its published, disclosure-controlled
//! figures with their charts) as a page and a PDF for either role; for admins, each submitted
//! organisation's board report (page and PDF) and its share links (made with an expiry, shown
//! once; revoked). The same `service::reports` and `service::shares` calls as the API, and the
//! same report templates, so the console shows exactly what the API and share links show.

use super::chart::{Bar, bar_chart, chart_groupings};
use super::page::{render, service_error};
use super::session::{field, fields_of, require};
use crate::domain::benchmark::OVERALL;
use crate::domain::language::Language;
use crate::domain::response::Progress;
use crate::domain::role::Role;
use crate::report::html::{pdf_file_name, report_html, summary_html};
use crate::service::console::ConsoleUser;
use crate::service::{ServiceError, invitations, reports, research, shares};
use crate::web::Site;
use crate::web::lang::LangQuery;
use poem::http::{StatusCode, header};
use poem::web::{Data, Form, Html, Path, Query, Redirect};
use poem::{IntoResponse, Response, handler};
use serde_json::json;

/// How long a share link works unless the operator chooses otherwise, as in the API.
const DEFAULT_SHARE_DAYS: u32 = 30;

/// Most trusts listed with their reports at once; past it the page says to search.
const MAX_LISTED: usize = 200;

/// `?q=`: part of a trust's code or name, to find its report among many.
#[derive(serde::Deserialize, Default)]
pub struct Search {
    q: Option<String>,
}

/// `GET /admin/rounds/{code}/results`
#[handler]
pub async fn page(
    site: Data<&Site>,
    user: Data<&ConsoleUser>,
    Path(code): Path<String>,
    Query(search): Query<Search>,
) -> Response {
    let round = match crate::service::rounds::get(&site, &code).await {
        Ok(r) => r,
        Err(err) => return service_error(&site, &user, err),
    };
    // The published statistics, withheld where the API withholds them (the round's snapshot).
    let mut charts = Vec::new();
    for (title, grouping) in chart_groupings() {
        let stats = match research::statistics(&site, &code, &grouping).await {
            Ok(s) => s,
            Err(err) => return service_error(&site, &user, err),
        };
        let bars: Vec<Bar> = stats
            .iter()
            .filter(|g| g.dimension == OVERALL)
            .map(|g| {
                let median = g.stats.value.as_ref().map(|s| s.median);
                Bar {
                    label: g.group.label(),
                    share: median.map(|m| m / 100.0),
                    text: median.map(|m| format!("{m:.1}")),
                }
            })
            .collect();
        if !bars.is_empty() {
            charts.push(json!({ "title": title, "chart": bar_chart(&bars) }));
        }
    }
    let (mut submitted, mut links, mut more) = (None, None, false);
    if user.role == Role::Admin {
        match invitations::list(&site, &code).await {
            Ok(found) => {
                let q = search
                    .q
                    .as_deref()
                    .unwrap_or_default()
                    .trim()
                    .to_lowercase();
                let matching: Vec<_> = found
                    .iter()
                    .filter(|i| i.response_status == Progress::Submitted)
                    .filter(|i| {
                        q.is_empty()
                            || i.organisation.code.to_lowercase().contains(&q)
                            || i.organisation.name.to_lowercase().contains(&q)
                    })
                    .map(|i| json!({ "code": i.organisation.code, "name": i.organisation.name }))
                    .collect();
                more = matching.len() > MAX_LISTED;
                submitted = Some(matching.into_iter().take(MAX_LISTED).collect::<Vec<_>>());
            }
            Err(err) => return service_error(&site, &user, err),
        }
        match shares::list(&site, &code).await {
            Ok(found) => {
                links = Some(
                    found
                        .iter()
                        .map(|s| json!({ "id": s.share.id, "organisation": s.organisation,
                            "status": s.status.as_str(),
                            "expires_at": s.share.expires_at.format("%Y-%m-%d %H:%M UTC").to_string() }))
                        .collect::<Vec<_>>(),
                );
            }
            Err(err) => return service_error(&site, &user, err),
        }
    }
    render(
        &site,
        Some(&user),
        "admin/results.html",
        json!({ "code": code, "name": round.round.name, "submitted": submitted, "shares": links,
                "charts": charts, "q": search.q, "more": more, "max": MAX_LISTED,
                "default_days": DEFAULT_SHARE_DAYS }),
        StatusCode::OK,
    )
}

fn pdf(bytes: Vec<u8>, disposition: String) -> Response {
    bytes
        .with_content_type("application/pdf")
        .with_header(header::CONTENT_DISPOSITION, disposition)
        .into_response()
}

/// `?lang=cy` shows a report in Welsh. The console itself is in English, so that is the default
/// whatever the browser prefers.
fn report_language(query: &LangQuery) -> Language {
    Language::choose(query.lang.as_deref(), None, None)
}

/// The query that keeps a PDF link in the page's language; none for English, so English links
/// keep the form the API's pages give them.
fn lang_query(language: Language) -> String {
    match language {
        Language::En => String::new(),
        other => format!("?lang={other}"),
    }
}

fn template_failed(site: &Site, user: &ConsoleUser, err: minijinja::Error) -> Response {
    service_error(site, user, ServiceError::internal(err))
}

/// `GET /admin/rounds/{code}/summary`: the summary report, as the API's summary page.
#[handler]
pub async fn summary(
    site: Data<&Site>,
    user: Data<&ConsoleUser>,
    Path(code): Path<String>,
    Query(lang): Query<LangQuery>,
) -> Response {
    let language = report_language(&lang);
    match reports::summary(&site, &code, language).await {
        Ok(s) => match summary_html(
            &site.templates,
            &s,
            &format!("/admin/rounds/{code}/summary.pdf{}", lang_query(language)),
        ) {
            Ok(html) => Html(html).into_response(),
            Err(err) => template_failed(&site, &user, err),
        },
        Err(err) => service_error(&site, &user, err),
    }
}

/// `GET /admin/rounds/{code}/summary.pdf`
#[handler]
pub async fn summary_pdf(
    site: Data<&Site>,
    user: Data<&ConsoleUser>,
    Path(code): Path<String>,
    Query(lang): Query<LangQuery>,
) -> Response {
    let made = match reports::summary(&site, &code, report_language(&lang)).await {
        Ok(s) => reports::summary_pdf(s).await,
        Err(err) => Err(err),
    };
    match made {
        Ok(bytes) => pdf(
            bytes,
            format!("attachment; filename=\"soundings-{code}-summary.pdf\""),
        ),
        Err(err) => service_error(&site, &user, err),
    }
}

/// `GET /admin/rounds/{code}/reports/{organisation}`: a board report, for admins (as in the API).
#[handler]
pub async fn report(
    site: Data<&Site>,
    user: Data<&ConsoleUser>,
    Path((code, org)): Path<(String, String)>,
    Query(lang): Query<LangQuery>,
) -> Response {
    if let Some(refused) = require(&site, &user, Role::Admin) {
        return refused;
    }
    let language = report_language(&lang);
    match reports::report(&site, &code, &org, language).await {
        Ok(r) => match report_html(
            &site.templates,
            &r,
            &format!(
                "/admin/rounds/{code}/reports/{org}/report.pdf{}",
                lang_query(language)
            ),
        ) {
            Ok(html) => Html(html).into_response(),
            Err(err) => template_failed(&site, &user, err),
        },
        Err(err) => service_error(&site, &user, err),
    }
}

/// `GET /admin/rounds/{code}/reports/{organisation}/report.pdf`
#[handler]
pub async fn report_pdf(
    site: Data<&Site>,
    user: Data<&ConsoleUser>,
    Path((code, org)): Path<(String, String)>,
    Query(lang): Query<LangQuery>,
) -> Response {
    if let Some(refused) = require(&site, &user, Role::Admin) {
        return refused;
    }
    let made = match reports::report(&site, &code, &org, report_language(&lang)).await {
        Ok(r) => {
            let name = pdf_file_name(&r);
            reports::report_pdf(r).await.map(|bytes| (bytes, name))
        }
        Err(err) => Err(err),
    };
    match made {
        Ok((bytes, name)) => pdf(bytes, name),
        Err(err) => service_error(&site, &user, err),
    }
}

/// `POST /admin/rounds/{code}/reports/{organisation}/shares`: a share link for `days` days,
/// shown once.
#[handler]
pub async fn share(
    site: Data<&Site>,
    user: Data<&ConsoleUser>,
    Path((code, org)): Path<(String, String)>,
    form: poem::Result<Form<Vec<(String, String)>>>,
) -> Response {
    if let Some(refused) = require(&site, &user, Role::Admin) {
        return refused;
    }
    let fields = fields_of(form);
    let days = field(&fields, "days")
        .and_then(|d| d.trim().parse::<u32>().ok())
        .unwrap_or(DEFAULT_SHARE_DAYS);
    match shares::create(&site, &user.actor(), &code, &org, days).await {
        Ok(made) => render(
            &site,
            Some(&user),
            "admin/round_outcome.html",
            json!({ "code": code, "title": "Share link made",
                "lines": [format!("It opens {}'s report until {}.", made.organisation,
                    made.share.expires_at.format("%Y-%m-%d %H:%M UTC"))],
                "links": [{ "code": made.organisation, "name": "Board report", "link": made.link }] }),
            StatusCode::OK,
        ),
        Err(err) => service_error(&site, &user, err),
    }
}

/// `POST /admin/rounds/{code}/shares/{id}/revoke`
#[handler]
pub async fn revoke_share(
    site: Data<&Site>,
    user: Data<&ConsoleUser>,
    Path((code, id)): Path<(String, String)>,
) -> Response {
    if let Some(refused) = require(&site, &user, Role::Admin) {
        return refused;
    }
    let Ok(id) = id.parse::<i32>() else {
        return service_error(
            &site,
            &user,
            ServiceError::not_found("There is no such share link."),
        );
    };
    match shares::revoke(&site, &user.actor(), id).await {
        Ok(_) => {
            Redirect::see_other(format!("/admin/rounds/{code}/results#shares")).into_response()
        }
        Err(err) => service_error(&site, &user, err),
    }
}

//! Importing organisations from CSV in the console, in two steps: the file is checked and shown
//! (every bad line named, nothing written), then imported when the operator confirms. Both steps
//! go through `service::organisations` (`preview_csv`, then `import_csv`, which checks again in
//! its transaction), the same code as the API's and the command line's import.

use super::page::{render, service_error};
use super::session::{field, require};
use crate::domain::role::Role;
use crate::domain::validation::FieldIssue;
use crate::service::console::ConsoleUser;
use crate::service::organisations::{self, CodesTaken};
use crate::service::{MAX_LISTED_ISSUES, ServiceError};
use crate::web::Site;
use poem::http::StatusCode;
use poem::web::{Data, Form};
use poem::{Response, handler};
use serde_json::json;

/// The CSV's columns, for the form's hint and the preview's table.
const COLUMNS: &str =
    "code, name, kind, region, country, size_band (and optionally contact_email, contact_name)";

/// `GET /admin/organisations/import`
#[handler]
pub async fn import_form(site: Data<&Site>, user: Data<&ConsoleUser>) -> Response {
    if let Some(refused) = require(&site, &user, Role::Admin) {
        return refused;
    }
    form_page(&site, &user, "", &[], StatusCode::OK)
}

/// The form, holding the text and its errors (each a line of the file and what is wrong).
fn form_page(
    site: &Site,
    user: &ConsoleUser,
    csv: &str,
    issues: &[FieldIssue],
    status: StatusCode,
) -> Response {
    let errors: Vec<_> = issues
        .iter()
        .map(|i| json!({ "href": "#import-csv", "text": format!("{}: {}", i.path, i.message) }))
        .collect();
    render(
        site,
        Some(user),
        "admin/org_import.html",
        json!({ "csv": csv, "errors": errors, "columns": COLUMNS }),
        status,
    )
}

fn taken(CodesTaken(lines): CodesTaken) -> Vec<FieldIssue> {
    lines
        .into_iter()
        .map(|(line, code)| {
            FieldIssue::new(
                format!("line {line}: code"),
                format!("{code} already exists"),
            )
        })
        .collect()
}

/// A file's problems as the form lists them: each bad line, then the total when the service cut
/// the list short (its sentence gives the total).
fn listed(detail: String, mut issues: Vec<FieldIssue>) -> Vec<FieldIssue> {
    if issues.len() >= MAX_LISTED_ISSUES {
        issues.push(FieldIssue::new("csv", detail));
    }
    issues
}

fn csv_of(form: poem::Result<Form<Vec<(String, String)>>>) -> String {
    field(&super::session::fields_of(form), "csv")
        .unwrap_or_default()
        .to_owned()
}

/// `POST /admin/organisations/import/preview`: checks the file and shows what would be created.
#[handler]
pub async fn preview(
    site: Data<&Site>,
    user: Data<&ConsoleUser>,
    form: poem::Result<Form<Vec<(String, String)>>>,
) -> Response {
    if let Some(refused) = require(&site, &user, Role::Admin) {
        return refused;
    }
    let csv = csv_of(form);
    if csv.trim().is_empty() {
        let issue = [FieldIssue::new("csv", "paste the CSV file's text")];
        return form_page(&site, &user, &csv, &issue, StatusCode::UNPROCESSABLE_ENTITY);
    }
    match organisations::preview_csv(&site, &csv).await {
        Ok(Ok(checked)) => {
            let rows: Vec<_> = checked
                .rows
                .iter()
                .map(|(line, o)| {
                    json!({ "line": line, "code": o.code, "name": o.name, "kind": o.kind,
                    "region": o.region, "country": o.country, "size_band": o.size_band })
                })
                .collect();
            let contacts: usize = checked.contacts.iter().map(|(_, c)| c.len()).sum();
            render(
                &site,
                Some(&user),
                "admin/org_import_preview.html",
                json!({ "csv": csv, "rows": rows, "contacts": contacts }),
                StatusCode::OK,
            )
        }
        Ok(Err(codes)) => form_page(
            &site,
            &user,
            &csv,
            &taken(codes),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(ServiceError::Invalid { detail, issues }) => form_page(
            &site,
            &user,
            &csv,
            &listed(detail, issues),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(ServiceError::Malformed(message)) => {
            let issue = [FieldIssue::new("csv", message)];
            form_page(&site, &user, &csv, &issue, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(err) => service_error(&site, &user, err),
    }
}

/// `POST /admin/organisations/import`: imports the file previewed (all or nothing).
#[handler]
pub async fn import(
    site: Data<&Site>,
    user: Data<&ConsoleUser>,
    form: poem::Result<Form<Vec<(String, String)>>>,
) -> Response {
    if let Some(refused) = require(&site, &user, Role::Admin) {
        return refused;
    }
    let csv = csv_of(form);
    match organisations::import_csv(&site, &user.actor(), &csv).await {
        Ok(Ok(done)) => render(
            &site,
            Some(&user),
            "admin/problem.html",
            json!({ "title": "Organisations imported",
                    "message": format!("{} organisations were created.", done.created) }),
            StatusCode::OK,
        ),
        // Another change since the preview: the file is checked again and shown with its errors.
        Ok(Err(codes)) => form_page(&site, &user, &csv, &taken(codes), StatusCode::CONFLICT),
        Err(ServiceError::Invalid { detail, issues }) => form_page(
            &site,
            &user,
            &csv,
            &listed(detail, issues),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(err) => service_error(&site, &user, err),
    }
}

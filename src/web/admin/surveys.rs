//! Surveys in the console: every survey and its versions; uploading a definition (YAML or JSON,
//! pasted), with its validation errors by path; a version's preview, every section as a
//! respondent would see it (the respondent pages' own macro); and publishing after a
//! confirmation. Each step is the `service::surveys` function the API calls.

use super::page::{render, service_error};
use super::session::{field, fields_of, require};
use crate::domain::definition::Format;
use crate::domain::language::Language;
use crate::domain::role::Role;
use crate::domain::validation::FieldIssue;
use crate::service::console::ConsoleUser;
use crate::service::surveys::{self, Saved, VersionView};
use crate::service::{ServiceError, ServiceResult};
use crate::web::Site;
use poem::http::StatusCode;
use poem::web::{Data, Form, Path, Redirect};
use poem::{IntoResponse, Response, handler};
use serde_json::{Value, json};

fn version_json(v: &VersionView) -> Value {
    json!({ "version": v.version.version, "status": v.version.status, "sha256": v.version.sha256,
            "title": v.definition.title.get(Language::En), "sections": v.definition.sections.len(),
            "questions": v.definition.sections.iter().map(|s| s.questions.len()).sum::<usize>() })
}

/// `GET /admin/surveys`
#[handler]
pub async fn list(site: Data<&Site>, user: Data<&ConsoleUser>) -> Response {
    match surveys::list(&site).await {
        Ok(found) => {
            let surveys: Vec<Value> = found
                .iter()
                .map(|s| {
                    json!({ "slug": s.survey.slug, "title": s.survey.title,
                    "versions": s.versions.iter().map(version_json).collect::<Vec<_>>() })
                })
                .collect();
            render(
                &site,
                Some(&user),
                "admin/surveys.html",
                json!({ "surveys": surveys }),
                StatusCode::OK,
            )
        }
        Err(err) => service_error(&site, &user, err),
    }
}

/// `GET /admin/surveys/upload`
#[handler]
pub async fn upload_form(site: Data<&Site>, user: Data<&ConsoleUser>) -> Response {
    if let Some(refused) = require(&site, &user, Role::Admin) {
        return refused;
    }
    upload_page(&site, &user, "", "yaml", &[], StatusCode::OK)
}

fn upload_page(
    site: &Site,
    user: &ConsoleUser,
    document: &str,
    format: &str,
    issues: &[FieldIssue],
    status: StatusCode,
) -> Response {
    // Errors are about places in the document (`sections[2].questions[4].options`), all of
    // which are in the one text area the summary links to.
    let errors: Vec<Value> = issues
        .iter()
        .map(|i| json!({ "href": "#survey-definition", "text": format!("{}: {}", i.path, i.message) }))
        .collect();
    render(
        site,
        Some(user),
        "admin/survey_upload.html",
        json!({ "document": document, "format": format, "errors": errors }),
        status,
    )
}

/// Saves `text` as a draft: the survey is made first if its slug is new (with the
/// definition's title), then the version is saved as the API's `PUT` saves it.
async fn save(
    site: &Site,
    actor: &str,
    text: &str,
    format: Format,
) -> ServiceResult<(String, i32)> {
    let definition = surveys::parse_definition(text, format).await?;
    let slug = definition.slug.clone();
    if let Err(ServiceError::NotFound(_)) = surveys::get(site, &slug).await {
        surveys::create(site, actor, &slug, &definition.title).await?;
    }
    let version = i32::try_from(definition.version).unwrap_or(i32::MAX);
    match surveys::save_draft(site, actor, &slug, version, (text, format), false).await? {
        Saved::Created(v) | Saved::Replaced(v) => Ok((slug, v.version.version)),
        Saved::Valid(_) => Err(ServiceError::internal("a draft was checked, not saved")),
    }
}

/// The answer to an upload: the saved version, or the form again with the document and why it
/// was refused (a document past a limit on its size is 413, other problems 422).
fn answer_upload(
    site: &Site,
    user: &ConsoleUser,
    saved: ServiceResult<(String, i32)>,
    document: &str,
    format_name: &str,
) -> Response {
    let (issues, status) = match saved {
        Ok((slug, version)) => {
            return Redirect::see_other(format!("/admin/surveys/{slug}/versions/{version}"))
                .into_response();
        }
        Err(ServiceError::Invalid { issues, .. }) => (issues, StatusCode::UNPROCESSABLE_ENTITY),
        Err(ServiceError::Malformed(message)) | Err(ServiceError::Conflict(message)) => (
            vec![FieldIssue::new("definition", message)],
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(ServiceError::TooLarge(message)) => (
            vec![FieldIssue::new("definition", message)],
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        Err(err) => return service_error(site, user, err),
    };
    upload_page(site, user, document, format_name, &issues, status)
}

/// `POST /admin/surveys/upload`: checks and saves a definition as a draft version.
#[handler]
pub async fn upload(
    site: Data<&Site>,
    user: Data<&ConsoleUser>,
    form: poem::Result<Form<Vec<(String, String)>>>,
) -> Response {
    if let Some(refused) = require(&site, &user, Role::Admin) {
        return refused;
    }
    let fields = fields_of(form);
    let document = field(&fields, "definition").unwrap_or_default();
    let format_name = field(&fields, "format").unwrap_or("yaml");
    let format = if format_name == "json" {
        Format::Json
    } else {
        Format::Yaml
    };
    if document.trim().is_empty() {
        let issue = [FieldIssue::new("definition", "paste the survey definition")];
        return upload_page(
            &site,
            &user,
            document,
            format_name,
            &issue,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let saved = save(&site, &user.actor(), document, format).await;
    answer_upload(&site, &user, saved, document, format_name)
}

/// `POST /admin/surveys/upload-file`: the same, with the definition as a file (`.yaml`,
/// `.yml` or `.json`, told by its name) sent as `multipart/form-data`.
#[handler]
pub async fn upload_file(
    site: Data<&Site>,
    user: Data<&ConsoleUser>,
    form: poem::Result<poem::web::Multipart>,
) -> Response {
    if let Some(refused) = require(&site, &user, Role::Admin) {
        return refused;
    }
    let mut file: Option<(String, String)> = None;
    if let Ok(mut form) = form {
        while let Ok(Some(part)) = form.next_field().await {
            if part.name() == Some("file") {
                let name = part.file_name().unwrap_or_default().to_lowercase();
                file = part.text().await.ok().map(|text| (name, text));
            }
        }
    }
    let Some((name, document)) = file.filter(|(_, text)| !text.trim().is_empty()) else {
        let issue = [FieldIssue::new(
            "file",
            "choose a definition file (YAML or JSON)",
        )];
        return upload_page(
            &site,
            &user,
            "",
            "yaml",
            &issue,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    let (format, format_name) = if name.ends_with(".json") {
        (Format::Json, "json")
    } else {
        (Format::Yaml, "yaml")
    };
    let saved = save(&site, &user.actor(), &document, format).await;
    answer_upload(&site, &user, saved, &document, format_name)
}

fn version_number(version: &str) -> ServiceResult<i32> {
    version
        .parse()
        .map_err(|_| ServiceError::not_found("There is no such version."))
}

/// `GET /admin/surveys/{slug}/versions/{version}`: the version and its preview.
#[handler]
pub async fn show(
    site: Data<&Site>,
    user: Data<&ConsoleUser>,
    Path((slug, version)): Path<(String, String)>,
) -> Response {
    let found = match version_number(&version) {
        Ok(n) => surveys::version(&site, &slug, n).await,
        Err(err) => Err(err),
    };
    match found {
        Ok(v) => render(
            &site,
            Some(&user),
            "admin/survey_version.html",
            json!({ "slug": slug, "sv": version_json(&v),
                    "description": v.definition.description.get(Language::En),
                    // The console is in English; a Welsh version's texts are checked by path
                    // when it is uploaded.
                    "preview": crate::web::respond::preview(&v.definition, Language::En) }),
            StatusCode::OK,
        ),
        Err(err) => service_error(&site, &user, err),
    }
}

/// `GET /admin/surveys/{slug}/versions/{version}/publish`: asks before publishing.
#[handler]
pub async fn confirm_publish(
    site: Data<&Site>,
    user: Data<&ConsoleUser>,
    Path((slug, version)): Path<(String, String)>,
) -> Response {
    if let Some(refused) = require(&site, &user, Role::Admin) {
        return refused;
    }
    let found = match version_number(&version) {
        Ok(n) => surveys::version(&site, &slug, n).await,
        Err(err) => Err(err),
    };
    match found {
        Ok(v) => render(
            &site,
            Some(&user),
            "admin/survey_publish.html",
            json!({ "slug": slug, "sv": version_json(&v) }),
            StatusCode::OK,
        ),
        Err(err) => service_error(&site, &user, err),
    }
}

/// `POST /admin/surveys/{slug}/versions/{version}/publish`
#[handler]
pub async fn publish(
    site: Data<&Site>,
    user: Data<&ConsoleUser>,
    Path((slug, version)): Path<(String, String)>,
) -> Response {
    if let Some(refused) = require(&site, &user, Role::Admin) {
        return refused;
    }
    let done = match version_number(&version) {
        Ok(n) => surveys::publish(&site, &user.actor(), &slug, n).await,
        Err(err) => Err(err),
    };
    match done {
        Ok(v) => Redirect::see_other(format!(
            "/admin/surveys/{slug}/versions/{}",
            v.version.version
        ))
        .into_response(),
        Err(err) => service_error(&site, &user, err),
    }
}

//! Organisations in the console: the register (paged, filtered by kind, region or country), an
//! organisation's attributes to edit, and its contacts (add, remove). Reading is for either
//! role, as in the API; changes are for admins. The CSV import is in `org_import`.

use super::page::{form_errors, render, service_error, with};
use super::session::{field, require};
use crate::domain::role::Role;
use crate::domain::validation::FieldIssue;
use crate::service::console::ConsoleUser;
use crate::service::contacts::{self, ContactFields};
use crate::service::organisations::{self, Changes, Filter};
use crate::service::{ServiceError, records::Organisation};
use crate::web::Site;
use poem::http::StatusCode;
use poem::web::{Data, Form, Path, Query, Redirect};
use poem::{IntoResponse, Response, handler};
use serde_json::{Value, json};

/// Organisations per page of the register.
const PER_PAGE: u64 = 50;

/// The attributes of an organisation, as the form names them.
const ATTRIBUTES: [&str; 7] = [
    "code",
    "name",
    "kind",
    "region",
    "country",
    "size_band",
    "language",
];

#[derive(serde::Deserialize, Default)]
pub struct ListQuery {
    kind: Option<String>,
    region: Option<String>,
    country: Option<String>,
    page: Option<u64>,
}

fn non_empty(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// `GET /admin/organisations`
#[handler]
pub async fn list(
    site: Data<&Site>,
    user: Data<&ConsoleUser>,
    Query(q): Query<ListQuery>,
) -> Response {
    let filter = Filter {
        kind: non_empty(&q.kind),
        region: non_empty(&q.region),
        country: non_empty(&q.country),
    };
    let page = q.page.unwrap_or(1).max(1);
    match organisations::list(&site, &filter, (page - 1) * PER_PAGE, PER_PAGE).await {
        Ok((found, total)) => {
            let pages = total.div_ceil(PER_PAGE).max(1);
            let query = |p: u64| {
                let mut pairs = url::form_urlencoded::Serializer::new(String::new());
                for (k, v) in [
                    ("kind", &filter.kind),
                    ("region", &filter.region),
                    ("country", &filter.country),
                ] {
                    if let Some(v) = v {
                        pairs.append_pair(k, v);
                    }
                }
                pairs.append_pair("page", &p.to_string());
                format!("/admin/organisations?{}", pairs.finish())
            };
            render(
                &site,
                Some(&user),
                "admin/organisations.html",
                json!({
                    "organisations": found.iter().map(org_json).collect::<Vec<_>>(),
                    "total": total, "page": page, "pages": pages,
                    "previous": (page > 1).then(|| query(page - 1)),
                    "next": (page < pages).then(|| query(page + 1)),
                    "filter": { "kind": filter.kind, "region": filter.region, "country": filter.country },
                }),
                StatusCode::OK,
            )
        }
        Err(err) => service_error(&site, &user, err),
    }
}

fn org_json(o: &Organisation) -> Value {
    json!({ "code": o.code, "name": o.name, "kind": o.kind, "region": o.region,
            "country": o.country, "size_band": o.size_band,
            "language": o.language.as_deref().unwrap_or_default() })
}

/// `GET /admin/organisations/{code}`: the organisation, its form and its contacts.
#[handler]
pub async fn show(
    site: Data<&Site>,
    user: Data<&ConsoleUser>,
    Path(code): Path<String>,
) -> Response {
    match organisations::find(&site, &code).await {
        Ok(org) => {
            org_page(
                &site,
                &user,
                &code,
                org_json(&org),
                &[],
                &[],
                StatusCode::OK,
            )
            .await
        }
        Err(err) => service_error(&site, &user, err),
    }
}

/// The organisation's page, with the values in its form and errors against either form.
async fn org_page(
    site: &Site,
    user: &ConsoleUser,
    code: &str,
    values: Value,
    issues: &[FieldIssue],
    contact_issues: &[FieldIssue],
    status: StatusCode,
) -> Response {
    // Contacts are personal data: the API shows them to admins only.
    let contacts = if user.role == Role::Admin {
        match contacts::list(site, code).await {
            Ok(found) => Some(
                found
                    .iter()
                    .map(
                        |c| json!({ "id": c.id, "email": c.email, "name": c.name, "role": c.role }),
                    )
                    .collect::<Vec<_>>(),
            ),
            Err(err) => return service_error(site, user, err),
        }
    } else {
        None
    };
    let mut all = issues.to_vec();
    all.extend(contact_issues.iter().map(|i| FieldIssue {
        path: format!("contact-{}", i.path),
        message: i.message.clone(),
    }));
    let ctx = with(
        form_errors(&all, "org", |p| p.replace(['_', '-'], " ")),
        json!({ "code": code, "values": values, "contacts": contacts }),
    );
    render(site, Some(user), "admin/organisation.html", ctx, status)
}

/// `POST /admin/organisations/{code}`: saves the attributes through
/// `service::organisations::update` (the code may change; the page then moves with it).
#[handler]
pub async fn update(
    site: Data<&Site>,
    user: Data<&ConsoleUser>,
    Path(code): Path<String>,
    form: poem::Result<Form<Vec<(String, String)>>>,
) -> Response {
    if let Some(refused) = require(&site, &user, Role::Admin) {
        return refused;
    }
    let fields = super::session::fields_of(form);
    let value = |k: &str| field(&fields, k);
    let changes = Changes {
        code: value("code"),
        name: value("name"),
        kind: value("kind"),
        region: value("region"),
        country: value("country"),
        size_band: value("size_band"),
        language: value("language"),
    };
    match organisations::update(&site, &user.actor(), &code, changes).await {
        Ok(saved) => Redirect::see_other(format!("/admin/organisations/{}?saved=1", saved.code))
            .into_response(),
        Err(ServiceError::Invalid { issues, .. }) => {
            org_page(
                &site,
                &user,
                &code,
                typed(&fields),
                &issues,
                &[],
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(ServiceError::Conflict(message)) => {
            let issue = [FieldIssue::new("code", message)];
            org_page(
                &site,
                &user,
                &code,
                typed(&fields),
                &issue,
                &[],
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(err) => service_error(&site, &user, err),
    }
}

/// What was typed into the organisation's form.
fn typed(fields: &[(String, String)]) -> Value {
    let map: serde_json::Map<String, Value> = ATTRIBUTES
        .iter()
        .map(|k| ((*k).to_owned(), json!(field(fields, k).unwrap_or_default())))
        .collect();
    Value::Object(map)
}

/// `POST /admin/organisations/{code}/contacts`: adds a contact (`service::contacts::add`).
#[handler]
pub async fn add_contact(
    site: Data<&Site>,
    user: Data<&ConsoleUser>,
    Path(code): Path<String>,
    form: poem::Result<Form<Vec<(String, String)>>>,
) -> Response {
    if let Some(refused) = require(&site, &user, Role::Admin) {
        return refused;
    }
    let fields = super::session::fields_of(form);
    let optional = |k: &str| field(&fields, k).map(str::trim).filter(|v| !v.is_empty());
    let contact = ContactFields {
        email: field(&fields, "email").unwrap_or_default(),
        name: optional("name"),
        role: optional("role"),
    };
    match contacts::add(&site, &user.actor(), &code, contact).await {
        Ok(_) => {
            Redirect::see_other(format!("/admin/organisations/{code}#contacts")).into_response()
        }
        Err(ServiceError::Invalid { issues, .. }) => {
            match organisations::find(&site, &code).await {
                Ok(org) => {
                    org_page(
                        &site,
                        &user,
                        &code,
                        org_json(&org),
                        &[],
                        &issues,
                        StatusCode::UNPROCESSABLE_ENTITY,
                    )
                    .await
                }
                Err(err) => service_error(&site, &user, err),
            }
        }
        Err(err) => service_error(&site, &user, err),
    }
}

/// `POST /admin/organisations/{code}/contacts/{id}/remove`
#[handler]
pub async fn remove_contact(
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
            ServiceError::not_found("There is no such contact."),
        );
    };
    match contacts::remove(&site, &user.actor(), &code, id).await {
        Ok(()) => {
            Redirect::see_other(format!("/admin/organisations/{code}#contacts")).into_response()
        }
        Err(err) => service_error(&site, &user, err),
    }
}

//! `/organisations`: the bodies surveyed. Admins create, update and import them; researchers may
//! read them (their attributes define peer groups).

use super::ApiTags;
use super::auth::ApiKeyAuth;
use super::errors::{Answer, status::*};
use super::media_types::CsvBody;
use super::pagination::{MAX_PER_PAGE, PageInfo, Paging};
use super::problem::{ApiError, FieldError};
use crate::api::text::Text;
use crate::domain::organisation::{self as domain, RawOrganisation};
use crate::domain::role::Role;
use crate::service::organisations::{self, Changes, CodesTaken, Filter};
use crate::service::{Services, records};
use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi};

#[derive(Default)]
pub struct OrganisationsApi;

/// An organisation and the attributes that define its peer groups.
#[derive(Object)]
pub struct Organisation {
    /// Unique code, upper-case (e.g. an ODS code such as `RW6`).
    pub code: String,
    pub name: String,
    /// e.g. `acute`, `mental_health`, `community`, `ambulance`, `integrated_care_board`, `health_board`.
    pub kind: String,
    pub region: String,
    pub country: String,
    /// e.g. `small`, `medium`, `large`.
    pub size_band: String,
    /// The language its e-mails are written in: `en` or `cy` (Welsh); null when not chosen
    /// (e-mails are then in English).
    #[oai(nullable)]
    pub language: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<records::Organisation> for Organisation {
    fn from(m: records::Organisation) -> Self {
        Organisation {
            code: m.code,
            name: m.name,
            kind: m.kind,
            region: m.region,
            country: m.country,
            size_band: m.size_band,
            language: m.language,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// The attributes of a new organisation. Codes are upper-cased; kind and size band are
/// normalised to lower-case keys (`Mental Health` becomes `mental_health`).
#[derive(Object)]
pub struct NewOrganisation {
    #[oai(validator(max_length = 200))]
    pub code: Text,
    #[oai(validator(max_length = 1000))]
    pub name: Text,
    #[oai(validator(max_length = 200))]
    pub kind: Text,
    #[oai(validator(max_length = 400))]
    pub region: Text,
    #[oai(validator(max_length = 200))]
    pub country: Text,
    #[oai(validator(max_length = 200))]
    pub size_band: Text,
    /// `en` or `cy`: the language of its e-mails (absent or empty: not chosen, English).
    #[oai(validator(max_length = 8))]
    pub language: Option<Text>,
}

/// Changes to an organisation; absent fields keep their value.
#[derive(Object)]
pub struct OrganisationChanges {
    #[oai(validator(max_length = 200))]
    #[oai(nullable)]
    pub code: Option<Text>,
    #[oai(validator(max_length = 1000))]
    #[oai(nullable)]
    pub name: Option<Text>,
    #[oai(validator(max_length = 200))]
    #[oai(nullable)]
    pub kind: Option<Text>,
    #[oai(validator(max_length = 400))]
    #[oai(nullable)]
    pub region: Option<Text>,
    #[oai(validator(max_length = 200))]
    #[oai(nullable)]
    pub country: Option<Text>,
    #[oai(validator(max_length = 200))]
    #[oai(nullable)]
    pub size_band: Option<Text>,
    /// `en` or `cy`; an empty string clears the choice.
    #[oai(validator(max_length = 8))]
    #[oai(nullable)]
    pub language: Option<Text>,
}

/// A page of organisations.
#[derive(Object)]
pub struct OrganisationPage {
    pub items: Vec<Organisation>,
    #[oai(flatten)]
    pub page: PageInfo,
}

/// The outcome of a CSV import.
#[derive(Object)]
pub struct ImportSummary {
    /// How many organisations were created.
    pub created: u64,
    // No doc comment here: poem-openapi would wrap the enum's `$ref` in an `allOf` to carry it,
    // which openapi-python-client cannot read. The enum's own description says what it is.
    pub delimiter: CsvDelimiter,
}

/// The separator the CSV file was read with, as its header row showed: `,`, `;` (as Excel saves
/// in locales with a decimal comma) or a tab.
#[derive(Enum)]
#[oai(rename_all = "lowercase")]
pub enum CsvDelimiter {
    Comma,
    Semicolon,
    Tab,
}

impl From<domain::Delimiter> for CsvDelimiter {
    fn from(d: domain::Delimiter) -> Self {
        match d {
            domain::Delimiter::Comma => CsvDelimiter::Comma,
            domain::Delimiter::Semicolon => CsvDelimiter::Semicolon,
            domain::Delimiter::Tab => CsvDelimiter::Tab,
        }
    }
}

#[derive(ApiResponse)]
pub enum Created {
    /// The organisation was created.
    #[oai(status = 201)]
    Created(Json<Organisation>),
}

#[OpenApi(tag = "ApiTags::Organisations")]
#[allow(
    clippy::too_many_arguments,
    reason = "poem-openapi takes each query parameter as an argument"
)]
impl OrganisationsApi {
    /// Create an organisation
    ///
    /// Who may call: admin. 409 if the code is taken; 422 names each invalid field.
    #[oai(
        path = "/organisations",
        method = "post",
        operation_id = "create_organisation"
    )]
    async fn create(
        &self,
        auth: ApiKeyAuth,
        state: Data<&Services>,
        body: Json<NewOrganisation>,
    ) -> Answer<Created, { ROLE | BODY | CONFLICT }> {
        auth.0.require(Role::Admin)?;
        let b = &body.0;
        let raw = RawOrganisation {
            code: &b.code,
            name: &b.name,
            kind: &b.kind,
            region: &b.region,
            country: &b.country,
            size_band: &b.size_band,
            language: b.language.as_deref().unwrap_or(""),
        };
        let created = organisations::create(&state, &auth.0.actor(), raw).await?;
        Ok(Created::Created(Json(created.into())))
    }

    /// List organisations
    ///
    /// Who may call: admin or researcher. Filters match exactly; results are in code order,
    /// `per_page` items a page (default 50, at most 500).
    #[oai(
        path = "/organisations",
        method = "get",
        operation_id = "list_organisations"
    )]
    async fn list(
        &self,
        auth: ApiKeyAuth,
        state: Data<&Services>,
        /// Only organisations of this kind (e.g. `acute`).
        kind: Query<Option<String>>,
        /// Only organisations in this region.
        region: Query<Option<String>>,
        /// Only organisations in this country.
        country: Query<Option<String>>,
        /// Page number, from 1.
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))]
        page: Query<Option<u64>>,
        /// Items per page.
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))]
        per_page: Query<Option<u64>>,
    ) -> Answer<Json<OrganisationPage>, { KEY | BAD_REQUEST }> {
        auth.0.require(Role::Researcher)?;
        let paging = Paging::new(page.0, per_page.0.map(|n| n.min(MAX_PER_PAGE)));
        let filter = Filter {
            kind: kind.0,
            region: region.0,
            country: country.0,
        };
        let (items, total) =
            organisations::list(&state, &filter, paging.offset(), paging.per_page).await?;
        Ok(Json(OrganisationPage {
            items: items.into_iter().map(Into::into).collect(),
            page: paging.info(total),
        }))
    }

    /// Get an organisation
    ///
    /// Who may call: admin or researcher.
    #[oai(
        path = "/organisations/:code",
        method = "get",
        operation_id = "get_organisation"
    )]
    async fn get(
        &self,
        auth: ApiKeyAuth,
        state: Data<&Services>,
        code: Path<String>,
    ) -> Answer<Json<Organisation>, { KEY | NOT_FOUND }> {
        auth.0.require(Role::Researcher)?;
        let found = organisations::find(&state, &code.0).await?;
        Ok(Json(found.into()))
    }

    /// Update an organisation
    ///
    /// Who may call: admin. Absent fields keep their value; 409 if a new code is taken.
    #[oai(
        path = "/organisations/:code",
        method = "patch",
        operation_id = "update_organisation"
    )]
    async fn update(
        &self,
        auth: ApiKeyAuth,
        state: Data<&Services>,
        code: Path<String>,
        body: Json<OrganisationChanges>,
    ) -> Answer<Json<Organisation>, { ROLE | BODY | NOT_FOUND | CONFLICT }> {
        auth.0.require(Role::Admin)?;
        let c = &body.0;
        let changes = Changes {
            code: c.code.as_deref(),
            name: c.name.as_deref(),
            kind: c.kind.as_deref(),
            region: c.region.as_deref(),
            country: c.country.as_deref(),
            size_band: c.size_band.as_deref(),
            language: c.language.as_deref(),
        };
        let updated = organisations::update(&state, &auth.0.actor(), &code.0, changes).await?;
        Ok(Json(updated.into()))
    }

    /// Import organisations from CSV
    ///
    /// Who may call: admin. The body is `text/csv`, or the same bytes as `application/octet-stream`
    /// (as generated clients send a file), with a header row naming the columns `code`, `name`,
    /// `kind`, `region`, `country` and `size_band` (any order; an optional `language` column,
    /// `en` or `cy`, sets the e-mail language; other columns are ignored),
    /// separated by commas, semicolons (as Excel saves in many European locales) or tabs; the
    /// answer says which it read. A header that fits none of them gets one 422 naming the columns.
    /// All or nothing: if any row is bad, or any code already exists, nothing is imported and the
    /// 422 lists every bad row by line number.
    #[oai(
        path = "/organisations/import",
        method = "post",
        operation_id = "import_organisations"
    )]
    async fn import(
        &self,
        auth: ApiKeyAuth,
        state: Data<&Services>,
        body: CsvBody,
    ) -> Answer<Json<ImportSummary>, { ROLE | BODY | CONFLICT }> {
        auth.0.require(Role::Admin)?;
        let imported = match organisations::import_csv(&state, &auth.0.actor(), &body.text).await? {
            Ok(imported) => imported,
            Err(taken) => return Err(codes_taken(taken).into()),
        };
        Ok(Json(ImportSummary {
            created: imported.created as u64,
            delimiter: imported.delimiter.into(),
        }))
    }
}

/// The 422 of an import whose file names codes that already exist: one error per such line.
fn codes_taken(CodesTaken(lines): CodesTaken) -> ApiError {
    let errors = lines
        .into_iter()
        .map(|(line, code)| {
            FieldError::new(
                format!("line {line}: code"),
                format!("{code} already exists"),
            )
        })
        .collect::<Vec<_>>();
    ApiError::validation(
        format!(
            "{} code(s) in the file already exist; nothing was imported.",
            errors.len()
        ),
        errors,
    )
}

//! Organisations: the register every round invites from.

use super::records::Organisation;
use super::{ServiceError, ServiceResult, Services, record};
use crate::domain::organisation::{
    Delimiter, OrganisationInput, OrganisationsCsv, RawOrganisation, parse_csv,
};
use crate::store::{DbError, audit, organisations};
use serde_json::json;
use std::collections::HashSet;

/// The organisation with this code (codes are compared in upper case, as stored).
pub async fn find(services: &Services, code: &str) -> ServiceResult<Organisation> {
    let code = code.trim().to_ascii_uppercase();
    organisations::find_by_code(&services.db, &code)
        .await?
        .ok_or_else(|| {
            ServiceError::not_found(format!("There is no organisation with code {code}."))
        })
}

/// The organisation with this id.
pub async fn by_id(services: &Services, id: i32) -> ServiceResult<Organisation> {
    organisations::find_by_id(&services.db, id)
        .await?
        .ok_or_else(|| ServiceError::internal(format!("organisation {id} is missing")))
}

/// Which organisations to list; `None` matches everything.
pub use crate::store::organisations::Filter;

/// Changes to an organisation; `None` keeps the stored value.
#[derive(Default)]
pub struct Changes<'a> {
    pub code: Option<&'a str>,
    pub name: Option<&'a str>,
    pub kind: Option<&'a str>,
    pub region: Option<&'a str>,
    pub country: Option<&'a str>,
    pub size_band: Option<&'a str>,
    /// `en`, `cy`, or empty to clear the choice.
    pub language: Option<&'a str>,
}

/// Creates an organisation from the attributes as given (codes upper-cased, keys normalised).
pub async fn create(
    services: &Services,
    actor: &str,
    raw: RawOrganisation<'_>,
) -> ServiceResult<Organisation> {
    let input = parse(raw)?;
    let tx = services.db.begin_write().await?;
    let created = organisations::create(&*tx, &input)
        .await
        .map_err(|e| duplicate_code(e, &input.code))?;
    record(
        &*tx,
        actor,
        "organisation.create",
        &created.code,
        json!({ "name": created.name, "kind": created.kind }),
    )
    .await?;
    tx.commit().await?;
    Ok(created)
}

/// Changes the organisation with `code`; the code itself may change too.
pub async fn update(
    services: &Services,
    actor: &str,
    code: &str,
    changes: Changes<'_>,
) -> ServiceResult<Organisation> {
    let existing = find(services, code).await?;
    let input = parse(RawOrganisation {
        code: changes.code.unwrap_or(&existing.code),
        name: changes.name.unwrap_or(&existing.name),
        kind: changes.kind.unwrap_or(&existing.kind),
        region: changes.region.unwrap_or(&existing.region),
        country: changes.country.unwrap_or(&existing.country),
        size_band: changes.size_band.unwrap_or(&existing.size_band),
        language: changes
            .language
            .unwrap_or(existing.language.as_deref().unwrap_or("")),
    })?;
    let before = existing.code.clone();
    let tx = services.db.begin_write().await?;
    let updated = organisations::update(&*tx, existing, &input)
        .await
        .map_err(|e| duplicate_code(e, &input.code))?;
    record(
        &*tx,
        actor,
        "organisation.update",
        &updated.code,
        json!({ "previous_code": before }),
    )
    .await?;
    tx.commit().await?;
    Ok(updated)
}

/// A page of organisations in code order, and how many match in all.
pub async fn list(
    services: &Services,
    filter: &Filter,
    offset: u64,
    limit: u64,
) -> ServiceResult<(Vec<Organisation>, u64)> {
    Ok(organisations::list(&services.db, filter, offset, limit).await?)
}

fn parse(raw: RawOrganisation<'_>) -> ServiceResult<OrganisationInput> {
    OrganisationInput::parse(raw).map_err(|issues| ServiceError::invalid("organisation", issues))
}

fn duplicate_code(err: DbError, code: &str) -> ServiceError {
    match err {
        DbError::Conflict(_) => {
            ServiceError::conflict(format!("An organisation with code {code} already exists."))
        }
        other => other.into(),
    }
}

/// What a CSV import created, and the separator its header row showed.
#[derive(Clone, Copy, Debug)]
pub struct Imported {
    pub created: usize,
    pub delimiter: Delimiter,
}

/// A CSV import refused because codes in the file already exist: each by its line in the file.
#[derive(Clone, Debug)]
pub struct CodesTaken(pub Vec<(usize, String)>);

/// Imports organisations from CSV text, all or nothing: a file with any bad row is
/// `ServiceError::Invalid` (naming every bad line), one with codes that already exist is
/// `CodesTaken`, and nothing is written in either case. The API and the command line both import
/// through here, and phrase the refusals each in their own way.
///
/// The codes are checked and the rows written in one write transaction. On SQLite that takes the
/// write lock first, so a second import waits and then sees the first one's codes. On PostgreSQL
/// two imports can both find a code free; the second one's insert then meets the unique index,
/// which becomes `ServiceError::Conflict` (a 409), never a half import or a 500.
pub async fn import_csv(
    services: &Services,
    actor: &str,
    text: &str,
) -> ServiceResult<Result<Imported, CodesTaken>> {
    let OrganisationsCsv { delimiter, rows } =
        parse_csv(text).map_err(|issues| ServiceError::invalid("CSV file", issues))?;
    // Issue 18: optional contact_email / contact_name columns.
    let contacts = crate::domain::mail::csv_contacts(text, delimiter.byte())
        .map_err(|issues| ServiceError::invalid("CSV file", issues))?;
    let codes: Vec<String> = rows.iter().map(|(_, org)| org.code.clone()).collect();
    let tx = services.db.begin_write().await?;
    let existing = organisations::find_by_codes(&*tx, &codes).await?;
    if !existing.is_empty() {
        let taken: HashSet<&str> = existing.iter().map(|o| o.code.as_str()).collect();
        let lines = rows
            .iter()
            .filter(|(_, org)| taken.contains(org.code.as_str()))
            .map(|(line, org)| (*line, org.code.clone()))
            .collect();
        return Ok(Err(CodesTaken(lines)));
    }
    let inputs: Vec<OrganisationInput> = rows.into_iter().map(|(_, org)| org).collect();
    organisations::insert_many(&*tx, &inputs)
        .await
        .map_err(|err| match err {
            DbError::Conflict(_) => ServiceError::conflict(
                "Another change added organisations with codes in this file while it was being \
                 imported; nothing was imported. Import the file again to see which codes exist.",
            ),
            other => other.into(),
        })?;
    super::contacts::add_imported(&*tx, &contacts).await?;
    audit::record(
        &*tx,
        audit::Event {
            actor,
            action: "organisation.import",
            subject_type: "organisation",
            subject_id: None,
            details: json!({ "created": inputs.len() }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(Imported {
        created: inputs.len(),
        delimiter,
    }))
}

/// The organisations with these codes (those that exist), in no particular order.
pub async fn with_codes(services: &Services, codes: &[String]) -> ServiceResult<Vec<Organisation>> {
    Ok(organisations::find_by_codes(&services.db, codes).await?)
}

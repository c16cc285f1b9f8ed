//! The JSON API under `/api/v1`, described with poem-openapi: one `#[OpenApi]` struct per resource,
//! combined in [`api_service`]. Handlers parse and authorise, call `domain` and `store`, and shape the
//! answer; every error goes out as an [`problem::ApiError`].

mod audit;
pub mod auth;
mod benchmarks;
mod contacts;
mod delegates;
pub mod errors;
pub mod health;
mod invitations;
mod mail;
mod me;
pub mod media_types;
mod organisations;
pub mod pagination;
pub mod problem;
mod releases;
pub mod reports;
mod research;
mod respond;
mod round_delegations;
mod rounds;
mod surveys;
pub mod text;
pub mod withheld;

/// The API's rows of progress and statistics, which the console's CSV downloads also write, so
/// that a file from either has the same columns and figures.
pub use research::{ProgressRow, StatisticsRow, progress_row, statistics_row};

use poem_openapi::{OpenApiService, Tags};

/// Where the API is mounted; also the server URL in the OpenAPI document, so clients call the right path.
pub const API_PREFIX: &str = "/api/v1";

#[derive(Tags)]
pub enum ApiTags {
    /// The calling key itself.
    Session,
    /// The organisations surveyed and benchmarked.
    Organisations,
    /// Survey instruments and their versioned definitions.
    Surveys,
    /// Fieldings of a survey version over a time window.
    Rounds,
    /// Organisations' secret links to rounds.
    Invitations,
    /// Organisations' contacts, invitations and reminders by e-mail, and their delivery log.
    Mail,
    /// The trail of operator actions.
    Audit,
    /// A respondent's own response, reached with the invitation link's secret.
    Respond,
    /// Aggregated and pseudonymised data for researchers, with disclosure control.
    Research,
    /// Board reports as pages and PDFs, and their share links.
    Reports,
}

pub type Apis = (
    me::MeApi,
    organisations::OrganisationsApi,
    surveys::SurveysApi,
    (rounds::RoundsApi, releases::ReleasesApi),
    (
        invitations::InvitationsApi,
        round_delegations::RoundDelegationsApi,
    ),
    (contacts::ContactsApi, mail::MailApi),
    audit::AuditApi,
    (respond::RespondApi, delegates::DelegatesApi),
    research::ResearchApi,
    research::ResearchExportsApi,
    benchmarks::BenchmarksApi,
    reports::ReportsApi,
);

/// The OpenAPI document as served, pretty-printed; `soundings openapi` writes it to `openapi/`.
pub fn openapi_document() -> String {
    api_service().spec()
}

/// The OpenAPI service with every resource. The document it produces is checked in as
/// `openapi/openapi.json`; a test fails when the two drift apart.
pub fn api_service() -> OpenApiService<Apis, ()> {
    OpenApiService::new(Apis::default(), "Soundings API", env!("CARGO_PKG_VERSION"))
        .description(
            "Surveys many organisations and benchmarks each against its peers. Every operation names \
             who may call it: most need an API key (`Authorization: Bearer <key>`, created with \
             `soundings keys create`) of the role they state; the `/respond/{secret}` operations are \
             reached with an organisation's invitation link instead. Errors are \
             `application/problem+json` documents (RFC 9457) with a stable `type`.",
        )
        .server(API_PREFIX)
}

//! The operator console at `/admin/` (issue 19): server-rendered pages over the same service
//! functions the API calls. A person signs in with an API key (`sign_in`), which becomes a
//! session (`session`: the cookie, the guard, CSRF); each area has a module of its own. Every
//! route is listed in [`ROUTES`] with who may use it; `tests/api/console/` drives its access
//! tests from that table, and the `Allow` header of a 405 reads it.

mod audit;
mod chart;
mod downloads;
mod org_import;
mod organisations;
mod page;
mod results;
mod round_orgs;
mod rounds;
mod session;
mod sign_in;
mod surveys;

use poem::web::Redirect;
use poem::{EndpointExt, IntoEndpoint, Route, get, handler, post};

/// Who may use a console route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone (the sign-in form).
    Public,
    /// Anyone signed in, with a key of either role.
    Session,
    /// Signed in with an admin key; a researcher gets 403.
    Admin,
}

/// One console route: its method, its path (`{name}` is one path segment) and who may use it.
#[derive(Clone, Copy, Debug)]
pub struct ConsoleRoute {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
}

const fn route(method: &'static str, path: &'static str, access: Access) -> ConsoleRoute {
    ConsoleRoute {
        method,
        path,
        access,
    }
}

/// Every console route. A route added to [`routes`] must be added here, or its access tests
/// (which read this table) never run.
pub const ROUTES: &[ConsoleRoute] = &[
    route("GET", "/admin/sign-in", Access::Public),
    route("POST", "/admin/sign-in", Access::Public),
    route("POST", "/admin/sign-out", Access::Session),
    route("GET", "/admin/", Access::Session),
    route("GET", "/admin/rounds", Access::Session),
    route("POST", "/admin/rounds", Access::Admin),
    route("GET", "/admin/rounds/new", Access::Admin),
    route("GET", "/admin/rounds/{code}", Access::Session),
    route(
        "GET",
        "/admin/rounds/{code}/confirm/{action}",
        Access::Admin,
    ),
    route(
        "POST",
        "/admin/rounds/{code}/status/{action}",
        Access::Admin,
    ),
    route("POST", "/admin/rounds/{code}/organisations", Access::Admin),
    route("POST", "/admin/rounds/{code}/remind", Access::Admin),
    route("POST", "/admin/rounds/{code}/releases", Access::Admin),
    route("GET", "/admin/rounds/{code}/results", Access::Session),
    route("GET", "/admin/rounds/{code}/summary", Access::Session),
    route("GET", "/admin/rounds/{code}/progress.csv", Access::Session),
    route(
        "GET",
        "/admin/rounds/{code}/statistics.csv",
        Access::Session,
    ),
    route("GET", "/admin/rounds/{code}/summary.pdf", Access::Session),
    route("GET", "/admin/rounds/{code}/reports/{org}", Access::Admin),
    route(
        "GET",
        "/admin/rounds/{code}/reports/{org}/report.pdf",
        Access::Admin,
    ),
    route(
        "POST",
        "/admin/rounds/{code}/reports/{org}/shares",
        Access::Admin,
    ),
    route(
        "POST",
        "/admin/rounds/{code}/shares/{id}/revoke",
        Access::Admin,
    ),
    route("GET", "/admin/audit", Access::Admin),
    route("GET", "/admin/surveys", Access::Session),
    route("GET", "/admin/surveys/upload", Access::Admin),
    route("POST", "/admin/surveys/upload", Access::Admin),
    route("POST", "/admin/surveys/upload-file", Access::Admin),
    route(
        "GET",
        "/admin/surveys/{slug}/versions/{version}",
        Access::Session,
    ),
    route(
        "GET",
        "/admin/surveys/{slug}/versions/{version}/publish",
        Access::Admin,
    ),
    route(
        "POST",
        "/admin/surveys/{slug}/versions/{version}/publish",
        Access::Admin,
    ),
    route("GET", "/admin/organisations", Access::Session),
    route("GET", "/admin/organisations/import", Access::Admin),
    route("POST", "/admin/organisations/import/preview", Access::Admin),
    route("POST", "/admin/organisations/import", Access::Admin),
    route("GET", "/admin/organisations/{code}", Access::Session),
    route("POST", "/admin/organisations/{code}", Access::Admin),
    route(
        "POST",
        "/admin/organisations/{code}/contacts",
        Access::Admin,
    ),
    route(
        "POST",
        "/admin/organisations/{code}/contacts/{id}/remove",
        Access::Admin,
    ),
];

/// The console's routes, behind the session guard.
pub fn routes() -> impl IntoEndpoint {
    Route::new()
        .at("/", get(home))
        .at("/sign-in", get(sign_in::form).post(sign_in::sign_in))
        .at("/sign-out", post(sign_in::sign_out))
        .at("/rounds", get(rounds::list).post(rounds::create))
        .at("/rounds/new", get(rounds::new_form))
        .at("/rounds/:code", get(rounds::show))
        .at("/rounds/:code/confirm/:action", get(rounds::confirm))
        .at("/rounds/:code/status/:action", post(rounds::transition))
        .at("/rounds/:code/organisations", post(round_orgs::act))
        .at("/rounds/:code/remind", post(round_orgs::remind))
        .at("/rounds/:code/releases", post(rounds::release))
        .at("/rounds/:code/results", get(results::page))
        .at("/rounds/:code/summary", get(results::summary))
        .at("/rounds/:code/progress.csv", get(downloads::progress))
        .at("/rounds/:code/statistics.csv", get(downloads::statistics))
        .at("/rounds/:code/summary.pdf", get(results::summary_pdf))
        .at("/rounds/:code/reports/:org", get(results::report))
        .at(
            "/rounds/:code/reports/:org/report.pdf",
            get(results::report_pdf),
        )
        .at("/rounds/:code/reports/:org/shares", post(results::share))
        .at(
            "/rounds/:code/shares/:id/revoke",
            post(results::revoke_share),
        )
        .at("/audit", get(audit::list))
        .at("/surveys", get(surveys::list))
        .at(
            "/surveys/upload",
            get(surveys::upload_form).post(surveys::upload),
        )
        .at("/surveys/upload-file", post(surveys::upload_file))
        .at("/surveys/:slug/versions/:version", get(surveys::show))
        .at(
            "/surveys/:slug/versions/:version/publish",
            get(surveys::confirm_publish).post(surveys::publish),
        )
        .at("/organisations", get(organisations::list))
        .at(
            "/organisations/import",
            get(org_import::import_form).post(org_import::import),
        )
        .at("/organisations/import/preview", post(org_import::preview))
        .at(
            "/organisations/:code",
            get(organisations::show).post(organisations::update),
        )
        .at(
            "/organisations/:code/contacts",
            post(organisations::add_contact),
        )
        .at(
            "/organisations/:code/contacts/:id/remove",
            post(organisations::remove_contact),
        )
        .with(session::Guard)
}

/// `GET /admin/`: the console starts at the rounds.
#[handler]
async fn home() -> Redirect {
    Redirect::see_other("/admin/rounds")
}

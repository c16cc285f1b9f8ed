//! The minijinja environment, loaded once with every template embedded at build time.
//!
//! Template names end in `.html`, which turns on auto-escaping: values are escaped unless a
//! template explicitly marks them safe.

use minijinja::Environment;
use poem::http::StatusCode;
use poem::web::Html;
use poem::{IntoResponse, Response};
use serde::Serialize;

/// Every template, by name. Adding a template means adding it here.
const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("index.html", include_str!("../templates/index.html")),
    (
        "respond/_macros.html",
        include_str!("../templates/respond/_macros.html"),
    ),
    (
        "respond/start.html",
        include_str!("../templates/respond/start.html"),
    ),
    (
        "respond/section.html",
        include_str!("../templates/respond/section.html"),
    ),
    (
        "respond/review.html",
        include_str!("../templates/respond/review.html"),
    ),
    (
        "respond/submitted.html",
        include_str!("../templates/respond/submitted.html"),
    ),
    (
        "respond/_colleagues.html",
        include_str!("../templates/respond/_colleagues.html"),
    ),
    (
        "respond/_ready.html",
        include_str!("../templates/respond/_ready.html"),
    ),
    (
        "respond/colleague.html",
        include_str!("../templates/respond/colleague.html"),
    ),
    (
        "respond/problem.html",
        include_str!("../templates/respond/problem.html"),
    ),
    (
        "report/report.html",
        include_str!("../templates/report/report.html"),
    ),
    (
        "report/summary.html",
        include_str!("../templates/report/summary.html"),
    ),
];

pub struct Templates {
    env: Environment<'static>,
}

impl Templates {
    /// Loads every template; a syntax error in one is a bug, reported when the app starts.
    pub fn load() -> Result<Self, minijinja::Error> {
        let mut env = Environment::new();
        env.add_global("version", env!("CARGO_PKG_VERSION"));
        for (name, source) in TEMPLATES {
            env.add_template(name, source)?;
        }
        Ok(Self { env })
    }

    /// Renders `name` with `ctx` as an HTML response. A rendering failure is logged and answered
    /// with a plain 500 page, never with the template error itself.
    pub fn page(&self, name: &str, ctx: impl Serialize) -> Response {
        match self.render(name, ctx) {
            Ok(html) => Html(html).into_response(),
            Err(err) => {
                tracing::error!(error.cause = %err, template = name, "template failed");
                Html("<!doctype html><title>Error</title><h1>Something went wrong on our side</h1>")
                    .with_status(StatusCode::INTERNAL_SERVER_ERROR)
                    .into_response()
            }
        }
    }

    pub fn render(&self, name: &str, ctx: impl Serialize) -> Result<String, minijinja::Error> {
        self.env
            .get_template(name)?
            .render(minijinja::value::Serde(&ctx))
    }
}

//! The minijinja environment, loaded once with every template embedded at build time.
//!
//! Template names end in `.html`, which turns on auto-escaping: values are escaped unless a
//! template explicitly marks them safe.
//!
//! Every template can call `t("key", name=value, ...)`, which looks the key up in the message
//! catalogue (`crate::catalogue`) in the language of the template's `lang` variable (English
//! when it has none), and `lang_attr`, the value for an `lang` attribute.

use crate::catalogue::{self, Arg};
use crate::domain::language::Language;
use minijinja::value::{Kwargs, Value};
use minijinja::{Environment, State};
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
    (
        "admin/_layout.html",
        include_str!("../templates/admin/_layout.html"),
    ),
    (
        "admin/_macros.html",
        include_str!("../templates/admin/_macros.html"),
    ),
    (
        "admin/sign_in.html",
        include_str!("../templates/admin/sign_in.html"),
    ),
    (
        "admin/problem.html",
        include_str!("../templates/admin/problem.html"),
    ),
    (
        "admin/rounds.html",
        include_str!("../templates/admin/rounds.html"),
    ),
    (
        "admin/round_new.html",
        include_str!("../templates/admin/round_new.html"),
    ),
    (
        "admin/round_confirm.html",
        include_str!("../templates/admin/round_confirm.html"),
    ),
    (
        "admin/round_outcome.html",
        include_str!("../templates/admin/round_outcome.html"),
    ),
    (
        "admin/organisations.html",
        include_str!("../templates/admin/organisations.html"),
    ),
    (
        "admin/organisation.html",
        include_str!("../templates/admin/organisation.html"),
    ),
    (
        "admin/org_import.html",
        include_str!("../templates/admin/org_import.html"),
    ),
    (
        "admin/org_import_preview.html",
        include_str!("../templates/admin/org_import_preview.html"),
    ),
    (
        "admin/surveys.html",
        include_str!("../templates/admin/surveys.html"),
    ),
    (
        "admin/survey_upload.html",
        include_str!("../templates/admin/survey_upload.html"),
    ),
    (
        "admin/survey_version.html",
        include_str!("../templates/admin/survey_version.html"),
    ),
    (
        "admin/survey_publish.html",
        include_str!("../templates/admin/survey_publish.html"),
    ),
    (
        "admin/results.html",
        include_str!("../templates/admin/results.html"),
    ),
    (
        "admin/audit.html",
        include_str!("../templates/admin/audit.html"),
    ),
    (
        "admin/round.html",
        include_str!("../templates/admin/round.html"),
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
        env.add_function("t", translate);
        env.add_function("lang_attr", lang_attr);
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

/// The language a template renders in: its `lang` variable, English if it has none.
fn language_of(state: &State) -> Language {
    state
        .lookup("lang")
        .and_then(|v| v.as_str().and_then(Language::parse))
        .unwrap_or_default()
}

/// `t("key", name=value)`: the catalogue's message in the page's language.
fn translate(state: &State, key: &str, kwargs: Kwargs) -> Result<String, minijinja::Error> {
    let mut args = Vec::new();
    for name in kwargs.args() {
        let value: Value = kwargs.get(name)?;
        let arg = match value.as_i64() {
            Some(n) if value.is_integer() => Arg::from(n),
            _ => match f64::try_from(value.clone()) {
                Ok(n) if value.is_number() => Arg::from(n),
                _ => Arg::from(value.to_string()),
            },
        };
        args.push((name, arg));
    }
    kwargs.assert_all_used()?;
    Ok(catalogue::text(language_of(state), key, &args))
}

/// `lang_attr()`: the page's language as an HTML `lang` value (`en-GB` or `cy`).
fn lang_attr(state: &State) -> &'static str {
    match language_of(state) {
        Language::En => "en-GB",
        Language::Cy => "cy",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_translate_by_their_lang_variable() {
        let mut env = Environment::new();
        env.add_function("t", translate);
        env.add_function("lang_attr", lang_attr);
        env.add_template(
            "x.html",
            "{{ lang_attr() }}|{{ t('respond-section-of', number=2, count=5) }}",
        )
        .unwrap();
        let tpl = env.get_template("x.html").unwrap();
        assert_eq!(
            tpl.render(minijinja::context! { lang => "cy" }).unwrap(),
            "cy|Adran 2 o 5"
        );
        assert_eq!(
            tpl.render(minijinja::context! {}).unwrap(),
            "en-GB|Section 2 of 5"
        );
    }
}

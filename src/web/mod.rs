//! HTML pages and the plain endpoints around them (`/`, `/health`, `/ready`, static assets).
//! Pages are rendered with minijinja from `templates/`, embedded in the binary.

pub mod admin;
mod assets;
mod lang;
mod pages;
mod respond;
mod share;

use crate::demo::DemoLinks;
use crate::domain::console_session::SessionPolicy;
use crate::service::Services;
use crate::templates::Templates;
use poem::{Route, get};
use std::sync::Arc;

/// What the pages reach: the services every front end calls, the pages' templates, and (in demo
/// mode) the demo's links for the landing page. It derefs to [`Services`], so a page passes it
/// wherever an operation takes the services.
#[derive(Clone)]
pub struct Site {
    pub services: Services,
    pub templates: Arc<Templates>,
    pub demo: Option<Arc<DemoLinks>>,
    /// Respondent pages as last rendered (see `respond::cache`).
    pub pages: respond::PageCache,
    /// How long operator console sessions last.
    pub console: SessionPolicy,
}

impl std::ops::Deref for Site {
    type Target = Services;

    fn deref(&self) -> &Services {
        &self.services
    }
}

/// The routes served outside the JSON API.
pub fn routes() -> Route {
    Route::new()
        .at("/", get(pages::landing))
        .at("/static/site.css", get(assets::site_css))
        .nest("/respond", respond::routes())
        .nest("/admin", admin::routes())
        .at("/share/:secret", get(share::page))
        .at("/share/:secret/report.pdf", get(share::pdf))
}

//! HTML pages and the plain endpoints around them (`/`, `/health`, `/ready`, static assets).
//! Pages are rendered with minijinja from `templates/`, embedded in the binary.

mod assets;
mod health;
mod pages;
mod respond;
mod share;
pub mod templates;

use poem::{Route, get};

/// The routes served outside the JSON API.
pub fn routes() -> Route {
    Route::new()
        .at("/", get(pages::landing))
        .at("/health", get(health::health))
        .at("/ready", get(health::ready))
        .at("/static/site.css", get(assets::site_css))
        .nest("/respond", respond::routes())
        .at("/share/:secret", get(share::page))
        .at("/share/:secret/report.pdf", get(share::pdf))
}

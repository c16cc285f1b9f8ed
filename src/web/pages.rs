//! Public pages.

use crate::app::state::AppState;
use poem::web::Data;
use poem::{Response, handler};
use serde_json::json;

/// `GET /`: what Soundings is, and where to go next; in demo mode also the demo's links and keys.
#[handler]
pub async fn landing(state: Data<&AppState>) -> Response {
    state.templates.page(
        "index.html",
        json!({
            "demo": state.settings.demo,
            "base": &*state.public_url,
        }),
    )
}

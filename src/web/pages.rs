//! Public pages.

use crate::web::Site;
use poem::web::Data;
use poem::{Response, handler};
use serde_json::json;

/// `GET /`: what Soundings is, and where to go next; in demo mode also the demo's links and keys.
#[handler]
pub async fn landing(site: Data<&Site>) -> Response {
    site.templates.page(
        "index.html",
        json!({
            "demo": site.demo,
            "base": &*site.public_url,
        }),
    )
}

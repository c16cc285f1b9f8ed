//! Static assets embedded in the binary, so a deployment is one file and pages need no CDN.

use poem::http::header;
use poem::{IntoResponse, Response, handler};

const SITE_CSS: &str = include_str!("../../templates/static/site.css");

#[handler]
pub async fn site_css() -> Response {
    SITE_CSS
        .with_content_type("text/css; charset=utf-8")
        .with_header(header::CACHE_CONTROL, "public, max-age=3600")
        .into_response()
}

//! What every request handler can reach: the database pool, the settings and the templates.

use crate::config::Settings;
use crate::store::Database;
use crate::web::templates::Templates;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub db: Database,
    pub settings: Arc<Settings>,
    pub templates: Arc<Templates>,
    /// Base of the links this server hands out, without a trailing slash.
    pub public_url: Arc<str>,
}

//! Liveness and readiness, for load balancers and orchestrators. Public: they reveal nothing.

use super::problem::{Problem, kind, problem_response};
use crate::service::Services;
use poem::web::{Data, Json};
use poem::{IntoResponse, Response, handler};
use serde_json::json;
use std::time::Duration;

/// How long `/ready` waits for the database before it says the service is not ready.
const READY_TIMEOUT: Duration = Duration::from_secs(2);

/// `GET /health`: the process is alive. Never touches the database.
#[handler]
pub async fn health() -> Response {
    Json(json!({ "status": "ok" })).into_response()
}

/// `GET /ready`: the database answers. 503 problem+json when it does not, so a load balancer stops
/// sending traffic here until it is back.
#[handler]
pub async fn ready(state: Data<&Services>) -> Response {
    match state.ready(READY_TIMEOUT).await {
        Ok(()) => Json(json!({ "status": "ready" })).into_response(),
        Err(err) => {
            tracing::warn!(error.cause = %err, "not ready");
            problem_response(&Problem::new(
                kind::UNAVAILABLE,
                "The database is not reachable.".to_owned(),
            ))
        }
    }
}

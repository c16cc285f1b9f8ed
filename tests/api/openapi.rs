use crate::helpers::{Backend, spawn_app};

/// The checked-in document is the contract clients code against. Regenerate it with
/// `cargo run -- openapi` after changing the API.
#[tokio::test]
async fn the_served_openapi_document_matches_the_checked_in_file() {
    let app = spawn_app(Backend::Sqlite).await;
    let served: serde_json::Value = app.get("/openapi.json").await.json().await.unwrap();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json");
    let file = std::fs::read_to_string(path).expect("openapi/openapi.json is checked in");
    let checked_in: serde_json::Value = serde_json::from_str(&file).unwrap();
    assert!(
        served == checked_in,
        "openapi/openapi.json is out of date: run `cargo run -- openapi` and commit the result"
    );
    assert_eq!(
        served["servers"][0]["url"], "/api/v1",
        "clients must be told the API's prefix"
    );
}

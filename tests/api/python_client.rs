//! The client a Python researcher would generate from `openapi/openapi.json` with
//! openapi-python-client: it generates without a single warning, and its typed calls run a round
//! against the real server (import organisations from CSV, open a round, invite, answer, read
//! statistics and a benchmark, download PDFs).

use crate::helpers::venv::cached_venv;
use crate::helpers::{Backend, spawn_app};
use crate::respond_api::TINY;
use soundings::testing::run;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Pinned, so that a new release cannot change what "no warning" means under the suite.
const GENERATOR: &str = "openapi-python-client==0.29.1";

/// A virtualenv with the generator (see [`cached_venv`]).
fn generator_venv() -> PathBuf {
    cached_venv(GENERATOR)
}

fn with_venv_path(venv: &Path) -> String {
    // The generator formats its output with ruff, which it installs beside itself.
    format!(
        "{}:{}",
        venv.join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_generated_python_client_has_no_warnings_and_runs_a_round_through_typed_calls() {
    let work = tempfile::tempdir().unwrap();
    let package = work.path().join("soundings_client");
    let venv = tokio::task::spawn_blocking(generator_venv).await.unwrap();

    let generated = run(Command::new(venv.join("bin/openapi-python-client"))
        .arg("generate")
        .arg("--path")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json"))
        .arg("--output-path")
        .arg(&package)
        .args(["--meta", "none"])
        .env("PATH", with_venv_path(&venv)))
    .unwrap_or_else(|e| panic!("the generator failed: {e}"));
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&generated.stdout),
        String::from_utf8_lossy(&generated.stderr)
    );
    // It says "Warning(s) encountered", "WARNING parsing …", "Unable to process schema …" or
    // "Skipping …" for anything it leaves out or cannot finish.
    for sign in ["warning", "unable", "skipping", "error"] {
        assert!(
            !log.to_lowercase().contains(sign),
            "the generator said {sign:?}:\n{log}"
        );
    }
    for operation in [
        "organisations/import_organisations.py",
        "surveys/put_survey_version.py",
        "reports/get_report_pdf.py",
        "reports/get_summary_report_pdf.py",
    ] {
        assert!(
            package.join("api").join(operation).exists(),
            "{operation} was not generated"
        );
    }

    let app = spawn_app(Backend::Sqlite).await;
    let definition: serde_json::Value = serde_norway::from_str(TINY).unwrap();
    let definition_file = work.path().join("tiny.json");
    std::fs::write(&definition_file, definition.to_string()).unwrap();
    let pdf = work.path().join("report.pdf");
    let mut walk = Command::new(venv.join("bin/python"));
    walk.arg(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/api/python_client/walkthrough.py"
    ))
    .arg(app.url("/api/v1"))
    .args([&app.admin_key, &app.researcher_key])
    .arg(&definition_file)
    .arg(&pdf)
    .env("PYTHONPATH", work.path());
    let walked = tokio::task::spawn_blocking(move || run(&mut walk))
        .await
        .unwrap()
        .unwrap_or_else(|e| panic!("the Python walk-through failed: {e}"));
    assert!(
        String::from_utf8_lossy(&walked.stdout).contains("walked through 6 organisations"),
        "{}",
        String::from_utf8_lossy(&walked.stdout)
    );
    let bytes = std::fs::read(&pdf).unwrap();
    assert_eq!(&bytes[..4], b"%PDF");
}

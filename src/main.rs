//! The `soundings` binary: parse the command line, then hand over to the library.

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    soundings::cli::run().await
}

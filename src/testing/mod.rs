//! Support for tests and benchmarks, not used by the server: throwaway PostgreSQL clusters, and
//! running the tools they need.

pub mod postgres;

use std::process::{Command, Output, Stdio};

/// Runs a command to completion with no input; `Err` names it and holds its output when it fails.
pub fn run(cmd: &mut Command) -> Result<Output, String> {
    let output = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    if output.status.success() {
        Ok(output)
    } else {
        Err(format!(
            "{cmd:?} failed ({}):\n{}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

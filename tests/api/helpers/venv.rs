//! Python tools the suite runs (the client generator, an SMTP server), each in a virtualenv of
//! its own kept under the target directory, so reruns skip the install.

use soundings::testing::run;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A virtualenv with `requirement` (pinned, `name==version`) installed. A venv records its own
/// path, so it is built in place; a marker written last tells a finished one from an install
/// that was interrupted, which is started again. Tests asking at once build one at a time.
pub fn cached_venv(requirement: &str) -> PathBuf {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one_at_a_time = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "venv-{}",
        requirement.replace("==", "-").replace('.', "_")
    ));
    let done = venv.join("installed");
    if done.exists() {
        return venv;
    }
    let _ = std::fs::remove_dir_all(&venv);
    run(Command::new("python3").args(["-m", "venv"]).arg(&venv)).unwrap_or_else(|e| {
        panic!("python3 -m venv failed (apt-get install python3-venv; .ci/test does): {e}")
    });
    run(Command::new(venv.join("bin/pip")).args(["install", "--quiet", requirement]))
        .unwrap_or_else(|e| {
            panic!("pip install {requirement} failed (PyPI must be reachable): {e}")
        });
    std::fs::write(&done, requirement).unwrap();
    venv
}

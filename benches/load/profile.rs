//! `LOAD_PROFILE=1`: while a phase runs, the server is sampled with `perf record` (the CPU
//! clock, since these machines' hypervisor hides the hardware counters), and after it the
//! phase's hottest functions are printed twice: by their own time and with what they call
//! (issue 22 asks for the profile's top entries in the README). Needs `perf` (Debian's
//! `linux-perf`); without it the run goes on unprofiled and says so.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

/// Lines of each view that are printed.
const TOP: usize = 25;

pub struct Profile {
    perf: Child,
    data: PathBuf,
    name: String,
}

/// Starts sampling process `pid` for the phase `name`, if `LOAD_PROFILE` is set.
pub fn start(pid: u32, dir: &Path, name: &str) -> Option<Profile> {
    std::env::var_os("LOAD_PROFILE")?;
    let data = dir.join(format!("{name}.perf.data"));
    let started = Command::new("perf")
        .args(["record", "-e", "cpu-clock", "-F", "499", "-g", "-p"])
        .arg(pid.to_string())
        .arg("-o")
        .arg(&data)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    match started {
        Ok(perf) => {
            // perf attaches to the process's threads before it samples them.
            std::thread::sleep(std::time::Duration::from_millis(300));
            Some(Profile {
                perf,
                data,
                name: name.to_owned(),
            })
        }
        Err(e) => {
            eprintln!("LOAD_PROFILE: perf did not start ({e}); apt-get install linux-perf");
            None
        }
    }
}

/// Stops sampling, if it started, and prints the phase's top entries.
pub fn finish(profile: Option<Profile>) {
    if let Some(profile) = profile {
        profile.finish();
    }
}

impl Profile {
    fn finish(mut self) {
        // perf record writes its file out and exits on SIGINT, as on Ctrl-C.
        if let Ok(pid) = i32::try_from(self.perf.id()) {
            let _ = kill(Pid::from_raw(pid), Signal::SIGINT);
        }
        let _ = self.perf.wait();
        for (view, flag) in [
            ("own time", "--no-children"),
            ("with callees", "--children"),
        ] {
            let report = Command::new("perf")
                .args([
                    "report", "--stdio", flag, "--sort", "symbol", "-g", "none", "-i",
                ])
                .arg(&self.data)
                .output();
            let Ok(report) = report else {
                eprintln!("LOAD_PROFILE: perf report failed");
                return;
            };
            eprintln!("Profile of {} ({view}), top {TOP}:", self.name);
            for line in String::from_utf8_lossy(&report.stdout)
                .lines()
                .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
                .take(TOP)
            {
                eprintln!("  {}", line.trim_end());
            }
        }
    }
}

//! The servers under load, each in a process of its own: the release `soundings serve` binary
//! exactly as it runs in production (request logging included), and a trivial poem handler for
//! comparison (this benchmark binary started again with [`HELLO_FLAG`]). Separate processes give
//! both the same footing, and the Soundings server's peak resident memory is its own (`VmHWM`
//! in `/proc/<pid>/status`), not the load generator's.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// The release binary Cargo built beside this benchmark.
pub const SOUNDINGS: &str = env!("CARGO_BIN_EXE_soundings");
/// Started with this argument, the benchmark binary serves the trivial handler instead.
pub const HELLO_FLAG: &str = "--serve-hello";

/// A running `soundings serve`; killed when dropped.
pub struct Soundings {
    child: Child,
    pub port: u16,
    log: PathBuf,
}

impl Soundings {
    /// Starts `soundings serve` on a free loopback port, logging at its default level to `log`,
    /// and waits until it says it is serving.
    pub fn start(database_url: &str, log: &Path) -> anyhow::Result<Self> {
        let file = std::fs::File::create(log)?;
        let child = Command::new(SOUNDINGS)
            .arg("serve")
            .env("DATABASE_URL", database_url)
            .env("BIND", "127.0.0.1:0")
            .env("NO_COLOR", "1")
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(file.try_clone()?)
            .stderr(file)
            .spawn()
            .with_context(|| format!("cannot start {SOUNDINGS}"))?;
        let mut server = Soundings {
            child,
            port: 0,
            log: log.to_owned(),
        };
        server.port = server.wait_for_port()?;
        Ok(server)
    }

    fn wait_for_port(&mut self) -> anyhow::Result<u16> {
        let started = Instant::now();
        const MARK: &str = "http://127.0.0.1:";
        while started.elapsed() < Duration::from_secs(120) {
            if let Some(status) = self.child.try_wait()? {
                bail!("soundings serve exited ({status}):\n{}", self.log_tail());
            }
            let text = std::fs::read_to_string(&self.log).unwrap_or_default();
            if let Some(at) = text.find(MARK) {
                let digits: String = text[at + MARK.len()..]
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                return Ok(digits.parse()?);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        bail!("soundings serve did not start:\n{}", self.log_tail())
    }

    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The most resident memory the process has had so far, in bytes.
    pub fn peak_rss(&self) -> Option<u64> {
        peak_rss(self.child.id())
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The last lines of the server's log, for error messages.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }

    /// Resident memory now and at its peak so far, in megabytes, for progress lines.
    pub fn memory(&self) -> String {
        let (rss, hwm) = memory_kb(self.child.id()).unwrap_or_default();
        format!("server memory {} MB, peak {} MB", rss / 1024, hwm / 1024)
    }

    /// The last few error and warning lines of the server's log.
    pub fn log_errors(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text
            .lines()
            .filter(|l| l.contains("ERROR") || l.contains("WARN"))
            .collect();
        lines[lines.len().saturating_sub(5)..].join("\n")
    }

    /// Stops the server and returns its peak resident memory.
    /// Stops the server as an operator would (SIGTERM, so SQLite checkpoints its log on the
    /// way out), killing it if it has not gone within ten seconds.
    pub fn stop(mut self) -> Option<u64> {
        let peak = self.peak_rss();
        if let Ok(pid) = i32::try_from(self.child.id()) {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(pid),
                nix::sys::signal::Signal::SIGTERM,
            );
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return peak;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        peak
    }
}

impl Drop for Soundings {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `VmHWM` (peak resident set) of a live process, in bytes.
pub fn peak_rss(pid: u32) -> Option<u64> {
    memory_kb(pid).map(|(_, hwm)| hwm * 1024)
}

/// `VmRSS` and `VmHWM` (resident set now and at its peak) of a live process, in kB.
pub fn memory_kb(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<u64>().ok())
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

/// The trivial handler in a process of its own; killed when dropped.
pub struct Hello {
    child: Child,
    pub port: u16,
}

impl Hello {
    pub fn start() -> anyhow::Result<Self> {
        let mut child = Command::new(std::env::current_exe()?)
            .arg(HELLO_FLAG)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()?;
        let stdout = child.stdout.take().context("no stdout")?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let port = line
            .trim()
            .parse()
            .context("the hello server gave no port")?;
        Ok(Hello { child, port })
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }
}

impl Drop for Hello {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[poem::handler]
fn hello() -> &'static str {
    "Hello, world!"
}

/// Serves the trivial handler on a free loopback port, printing the port, with the same runtime
/// `soundings serve` uses (tokio's multi-threaded default); runs until killed.
pub fn serve_hello() -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        println!("{}", listener.local_addr()?.port());
        let acceptor = poem::listener::TcpAcceptor::from_std(listener)?;
        poem::Server::new_with_acceptor(acceptor)
            .run(poem::Route::new().at("/", poem::get(hello)))
            .await?;
        Ok(())
    })
}

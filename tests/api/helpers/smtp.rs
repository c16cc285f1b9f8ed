//! A real SMTP server for the mail tests: aiosmtpd (PyPI) in a cached virtualenv, one process
//! per test on a free loopback port, storing what it accepts in a Maildir the test reads. A
//! scripted handler (`tests/api/mail/scripted_handler.py`) can refuse the first messages.

use super::venv::cached_venv;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Pinned, so that a new release cannot change the server under the suite.
const AIOSMTPD: &str = "aiosmtpd==1.4.6";
const HANDLER: &str = include_str!("../mail/scripted_handler.py");

/// A virtualenv with aiosmtpd (see [`cached_venv`]).
fn venv() -> PathBuf {
    cached_venv(AIOSMTPD)
}

/// How the server answers.
#[derive(Clone, Copy, Debug)]
pub enum Behaviour {
    /// Accepts every message.
    Accept,
    /// Answers `code` to the first `count` messages, then accepts.
    Refuse { code: u16, count: u32 },
    /// Stores every message but holds back its "250 OK" until [`SmtpServer::release`].
    Hold,
}

pub struct SmtpServer {
    child: Option<Child>,
    pub port: u16,
    /// Holds the Maildir (`new/`, `cur/`, `tmp/`) and the handler module.
    dir: tempfile::TempDir,
    behaviour: Behaviour,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap()
}

impl SmtpServer {
    pub async fn start(behaviour: Behaviour) -> Self {
        let venv = tokio::task::spawn_blocking(venv).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("scripted_handler.py"), HANDLER).unwrap();
        let _ = venv;
        let mut server = SmtpServer {
            child: None,
            port: free_port(),
            dir,
            behaviour,
        };
        server.spawn();
        server
    }

    fn maildir(&self) -> PathBuf {
        self.dir.path().join("maildir")
    }

    fn spawn(&mut self) {
        let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
            "venv-{}",
            AIOSMTPD.replace("==", "-").replace('.', "_")
        ));
        let maildir = self.maildir();
        let mut command = Command::new(venv.join("bin/python"));
        command
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{}", self.port))
            .env("PYTHONPATH", self.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        match self.behaviour {
            Behaviour::Accept => {
                command
                    .args(["-c", "aiosmtpd.handlers.Mailbox"])
                    .arg(&maildir);
            }
            Behaviour::Hold => {
                command
                    .args(["-c", "scripted_handler.Holding"])
                    .arg(&maildir);
            }
            Behaviour::Refuse { code, count } => {
                command
                    .args(["-c", "scripted_handler.Scripted"])
                    .arg(&maildir)
                    .arg(code.to_string())
                    .arg(count.to_string());
            }
        }
        self.child = Some(command.spawn().expect("start aiosmtpd"));
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            if let Some(Ok(Some(status))) = self.child.as_mut().map(Child::try_wait) {
                panic!("aiosmtpd exited ({status}) before listening");
            }
            assert!(Instant::now() < deadline, "aiosmtpd did not listen in time");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// `SMTP_URL` for this server.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Stops the server (SIGKILL): connections are refused until [`SmtpServer::restart`].
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again on the same port and Maildir, accepting everything.
    pub fn restart(&mut self) {
        self.stop();
        self.behaviour = Behaviour::Accept;
        self.spawn();
    }

    /// Every message stored so far, parsed.
    pub fn messages(&self) -> Vec<Received> {
        let mut found = Vec::new();
        for sub in ["new", "cur"] {
            let Ok(entries) = std::fs::read_dir(self.maildir().join(sub)) else {
                continue;
            };
            for entry in entries.flatten() {
                let raw = std::fs::read(entry.path()).unwrap();
                found.push(Received::parse(&raw));
            }
        }
        found
    }

    /// Waits (up to `within`) until at least `count` messages are stored, and returns them all.
    pub async fn wait_for(&self, count: usize, within: Duration) -> Vec<Received> {
        let deadline = Instant::now() + within;
        loop {
            let found = self.messages();
            if found.len() >= count {
                return found;
            }
            assert!(
                Instant::now() < deadline,
                "{} of {count} messages arrived in {within:?}",
                found.len()
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// How many messages a holding server has stored and is holding the reply to (or held).
    pub fn held(&self) -> usize {
        std::fs::read_to_string(self.maildir().join("held"))
            .map(|log| log.lines().count())
            .unwrap_or(0)
    }

    /// Waits until a holding server holds `count` messages.
    pub async fn wait_until_held(&self, count: usize, within: Duration) {
        let deadline = Instant::now() + within;
        while self.held() < count {
            assert!(
                Instant::now() < deadline,
                "{count} messages not held in {within:?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Lets a holding server answer the messages it holds, and every later one at once.
    pub fn release(&self) {
        std::fs::write(self.maildir().join("release"), b"").expect("release file");
    }

    /// When the scripted handler refused each message, in order (seconds since the epoch).
    pub fn refusals(&self) -> Vec<f64> {
        std::fs::read_to_string(self.maildir().join("refusals"))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.trim().parse().ok())
            .collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// One delivered message, decoded.
#[derive(Debug)]
pub struct Received {
    pub to: String,
    pub from: String,
    pub subject: String,
    pub message_id: String,
    pub text: String,
    pub html: String,
    /// The header block as sent (still encoded).
    pub raw_headers: String,
}

impl Received {
    pub fn parse(raw: &[u8]) -> Self {
        let mail = mailparse::parse_mail(raw).expect("a parsable message");
        let header = |name: &str| {
            mail.headers
                .iter()
                .find(|h| h.get_key().eq_ignore_ascii_case(name))
                .map(|h| h.get_value())
                .unwrap_or_default()
        };
        let mut text = String::new();
        let mut html = String::new();
        for part in &mail.subparts {
            match part.ctype.mimetype.as_str() {
                "text/plain" => text = part.get_body().unwrap(),
                "text/html" => html = part.get_body().unwrap(),
                _ => {}
            }
        }
        let raw_text = String::from_utf8_lossy(raw);
        Received {
            to: header("To"),
            from: header("From"),
            subject: header("Subject"),
            message_id: header("Message-ID"),
            text,
            html,
            raw_headers: raw_text.split("\n\n").next().unwrap_or_default().to_owned(),
        }
    }

    /// The respondent link in the plain-text part.
    pub fn link(&self) -> String {
        self.text
            .split_whitespace()
            .find(|w| w.contains("/respond/"))
            .unwrap_or_else(|| panic!("no link in:\n{}", self.text))
            .to_owned()
    }
}

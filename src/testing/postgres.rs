//! Throwaway PostgreSQL clusters, started from the machine's server binaries (initdb, pg_ctl; as
//! the `postgres` user through `runuser` when run as root, since initdb refuses root).
//!
//! The integration tests share one cluster per test binary with durability off (their data is
//! thrown away); the load benchmark starts its own with PostgreSQL's default durability, so that
//! its write figures include a real fsync per commit. Every cluster listens on 127.0.0.1 only and
//! is removed when it is dropped; [`PgCluster::remove_when_process_exits`] covers clusters kept in
//! a static, which Rust never drops.

use super::run;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const INSTALL_HINT: &str = "PostgreSQL server binaries (initdb, pg_ctl) were not found. Install them \
     (Debian/Ubuntu: `apt-get install -y postgresql`), put them on PATH or in PG_BIN_DIR, or set \
     TEST_DATABASE_URL=postgres://user:password@host/postgres to use a running server.";

/// Whether commits wait for the disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Durability {
    /// fsync, synchronous commit and full-page writes off: fast, for data that is thrown away.
    Off,
    /// PostgreSQL's defaults: an acknowledged commit is on disk, as in production.
    On,
}

pub struct PgCluster {
    root: PathBuf,
    bin: PathBuf,
    port: u16,
    /// Whether commands must run as the `postgres` user (initdb refuses to run as root).
    as_postgres: bool,
    durability: Durability,
}

impl PgCluster {
    /// Creates and starts a new cluster on a free port, listening on 127.0.0.1 only, with
    /// durability off (for tests).
    pub fn start() -> Result<Self, String> {
        Self::start_with(Durability::Off)
    }

    /// Creates and starts a new cluster on a free port, listening on 127.0.0.1 only.
    pub fn start_with(durability: Durability) -> Result<Self, String> {
        let bin = find_bin_dir().ok_or_else(|| INSTALL_HINT.to_owned())?;
        let as_postgres = is_root();
        let root =
            std::env::temp_dir().join(format!("soundings-pg-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&root)
            .map_err(|e| format!("cannot create {}: {e}", root.display()))?;
        if as_postgres {
            run(Command::new("chown").args(["postgres:postgres"]).arg(&root))?;
        }
        let cluster = PgCluster {
            root,
            bin,
            port: free_port()?,
            as_postgres,
            durability,
        };
        let data = cluster.root.join("data");
        cluster.pg(
            "initdb",
            &[
                "-D",
                path_str(&data)?,
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
        )?;
        cluster.start_server()?;
        Ok(cluster)
    }

    /// (Re)starts the server of an existing cluster, on the same port.
    pub fn start_server(&self) -> Result<(), String> {
        let durability = match self.durability {
            Durability::Off => "-c fsync=off -c synchronous_commit=off -c full_page_writes=off",
            Durability::On => "-c fsync=on -c synchronous_commit=on -c full_page_writes=on",
        };
        let opts = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 {durability} -c max_connections=400",
            self.port,
            path_str(&self.root)?
        );
        let data = self.root.join("data");
        let log = self.root.join("server.log");
        self.pg(
            "pg_ctl",
            &[
                "-D",
                path_str(&data)?,
                "-l",
                path_str(&log)?,
                "-o",
                &opts,
                "-w",
                "-t",
                "60",
                "start",
            ],
        )
    }

    /// Stops the server at once, dropping every connection (the data directory stays).
    pub fn stop_server(&self) -> Result<(), String> {
        let data = self.root.join("data");
        self.pg(
            "pg_ctl",
            &["-D", path_str(&data)?, "-m", "immediate", "-w", "stop"],
        )
    }

    pub fn admin_url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    pub fn url_for(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    /// Creates the empty database `name` on the cluster and returns its URL (for benchmarks that
    /// measure on a database of their own).
    pub async fn create_database(&self, name: &str) -> Result<String, String> {
        use sea_orm::ConnectionTrait;
        let admin = sea_orm::Database::connect(self.admin_url())
            .await
            .map_err(|e| format!("cannot connect to the cluster: {e}"))?;
        admin
            .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await
            .map_err(|e| format!("cannot create database {name}: {e}"))?;
        admin.close().await.map_err(|e| e.to_string())?;
        Ok(self.url_for(name))
    }

    /// Starts a process that stops this cluster and deletes its files once `pid` has exited. The
    /// shared cluster lives in a static, which Rust never drops, so this is how it gets cleaned up.
    pub fn remove_when_process_exits(&self, pid: u32) -> Result<(), String> {
        let data = self.root.join("data");
        let stop = self.command_line(
            "pg_ctl",
            &["-D", path_str(&data)?, "-m", "immediate", "stop"],
        );
        let script = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; {stop} >/dev/null 2>&1; rm -rf '{}'",
            path_str(&self.root)?
        );
        Command::new("sh")
            .args(["-c", &script])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map(|_| ())
            .map_err(|e| format!("cannot start the cluster watchdog: {e}"))
    }

    fn pg(&self, program: &str, args: &[&str]) -> Result<(), String> {
        let exe = self.bin.join(program);
        let mut cmd = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&exe);
            c
        } else {
            Command::new(&exe)
        };
        cmd.args(args).current_dir(&self.root);
        run(&mut cmd).map(drop)
    }

    fn command_line(&self, program: &str, args: &[&str]) -> String {
        let exe = self.bin.join(program);
        let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
        let runner = if self.as_postgres {
            "runuser -u postgres -- "
        } else {
            ""
        };
        format!("{runner}'{}' {}", exe.display(), quoted.join(" "))
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let _ = self.stop_server();
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// The directory holding initdb and pg_ctl: `PG_BIN_DIR`, the newest Debian-style
/// `/usr/lib/postgresql/<version>/bin`, or the directory of `initdb` on PATH.
fn find_bin_dir() -> Option<PathBuf> {
    if let Ok(dir) = std::env::var("PG_BIN_DIR") {
        return Some(PathBuf::from(dir)).filter(|d| d.join("initdb").exists());
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return Some(bin);
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .find(|dir| dir.join("initdb").exists() && dir.join("pg_ctl").exists())
    })
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}

fn path_str(path: &Path) -> Result<&str, String> {
    path.to_str()
        .ok_or_else(|| format!("path is not UTF-8: {}", path.display()))
}

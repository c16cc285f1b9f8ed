//! A headless Chromium driven over the WebDriver protocol (chromedriver, through `fantoccini`), for
//! tests that must use the pages as a person with a keyboard would. Requires Debian's `chromium`
//! and `chromium-driver`.

use fantoccini::elements::Element;
use fantoccini::error::CmdError;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;
use serde_json::{Value, json};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const SPACE: &str = "\u{E00D}";
pub const ENTER: &str = "\u{E007}";

pub struct Browser {
    driver: Child,
    client: Client,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver and a headless Chromium. Fails, never skips, when they are missing.
    pub async fn start() -> Browser {
        let driver_path = which("chromedriver").unwrap_or_else(|| {
            panic!("chromedriver is not installed: run `apt-get install -y chromium chromium-driver` (.ci/test, the README's test command, does)")
        });
        let chromium = which("chromium").or_else(|| which("chromium-browser")).unwrap_or_else(|| {
            panic!("Chromium is not installed: run `apt-get install -y chromium chromium-driver` (.ci/test, the README's test command, does)")
        });
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        // chromedriver and the Chromium it starts share a process group of their own, so that
        // dropping the browser ends all of them, even when a test fails half-way.
        let driver = Command::new(driver_path)
            .process_group(0)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let base = format!("http://127.0.0.1:{port}");
        let profile = tempfile::tempdir().expect("profile dir");
        // Chromium looks up Google's and its search engine's hosts at start (autofill, accounts,
        // updates) even with background networking off. This machine may reach no address but
        // loopback, so every name is made to fail inside Chromium, before any DNS query leaves
        // it; the app is reached by its loopback IP, which no rule touches. (Chromium still
        // `connect`s a UDP socket to a public IPv6 address to learn its route; that sends nothing.)
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         "--disable-default-apps", "--disable-extensions", "--disable-domain-reliability",
                         "--disable-client-side-phishing-detection", "--no-pings", "--no-default-browser-check",
                         "--disable-features=AutofillServerCommunication,OptimizationHints,MediaRouter,DialMediaRouteProvider,NetworkTimeServiceQuerying",
                         "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
                         "--disable-dev-shm-usage", format!("--user-data-dir={}", profile.path().display())]
            }
        });
        let Value::Object(caps) = caps else {
            unreachable!("the capabilities are an object")
        };
        // chromedriver takes a moment to listen.
        let deadline = Instant::now() + Duration::from_secs(20);
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&base)
            .await
            .unwrap_or_else(|err| panic!("no session: {err}"));
        Browser {
            driver,
            client,
            _profile: profile,
        }
    }

    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.expect("webdriver goto");
    }

    pub async fn url(&self) -> String {
        self.client
            .current_url()
            .await
            .expect("webdriver url")
            .to_string()
    }

    pub async fn source(&self) -> String {
        self.client.source().await.expect("webdriver source")
    }

    /// The element matching a CSS selector, if there is one.
    pub async fn find(&self, css: &str) -> Option<Element> {
        match self.client.find(Locator::Css(css)).await {
            Ok(element) => Some(element),
            Err(err) if err.is_no_such_element() => None,
            Err(err) => panic!("webdriver find {css}: {err}"),
        }
    }

    /// Types into an element, as the keyboard would (focusing it first).
    pub async fn keys(&self, element: &Element, text: &str) {
        element.send_keys(text).await.expect("webdriver keys");
    }

    pub async fn clear(&self, element: &Element) {
        element.clear().await.expect("webdriver clear");
    }

    /// Waits until the page's URL changes from `from`.
    pub async fn wait_for_navigation(&self, from: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let now = self.url().await;
            if now != from {
                return now;
            }
            assert!(
                Instant::now() < deadline,
                "the page did not move on from {from}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// chromedriver's `goog/cdp/execute`: a Chrome DevTools command run in the page. WebDriver has no
/// command for these, so it is sent through fantoccini as a command of our own.
#[derive(Debug)]
struct Cdp {
    cmd: String,
    params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        let session = session_id.unwrap_or_default();
        base_url.join(&format!("session/{session}/goog/cdp/execute"))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (poem::http::Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (poem::http::Method::POST, Some(body.to_string()))
    }
}

impl Browser {
    /// Runs a Chrome DevTools command in the page (chromedriver's `goog/cdp/execute`).
    pub async fn cdp(&self, cmd: &str, params: Value) -> Value {
        let cmd = Cdp {
            cmd: cmd.to_owned(),
            params,
        };
        self.client
            .issue_cmd(cmd)
            .await
            .unwrap_or_else(|err: CmdError| panic!("webdriver cdp: {err}"))
    }

    /// Makes the page `width` CSS pixels wide (and `height` high), as a screen of that size
    /// would: the window itself cannot be made as narrow as a phone.
    pub async fn viewport(&self, width: u32, height: u32) {
        self.cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": false }),
        )
        .await;
    }

    /// Sends these headers with every request from now on (e.g. an API key for an HTML route).
    pub async fn send_headers(&self, headers: Value) {
        self.cdp("Network.enable", json!({})).await;
        self.cdp("Network.setExtraHTTPHeaders", json!({ "headers": headers }))
            .await;
    }

    /// Runs a script in the page and returns what it returns.
    pub async fn script(&self, body: &str) -> Value {
        self.client
            .execute(body, Vec::new())
            .await
            .expect("webdriver script")
    }

    /// Runs an asynchronous script in the page with `args`: it calls its last argument with
    /// what it returns.
    pub async fn script_async(&self, body: &str, args: Vec<Value>) -> Value {
        self.client
            .execute_async(body, args)
            .await
            .expect("webdriver async script")
    }

    /// A PNG of what the viewport shows.
    pub async fn screenshot(&self) -> Vec<u8> {
        self.client
            .screenshot()
            .await
            .expect("webdriver screenshot")
    }

    /// Ends the session, which closes Chromium.
    pub async fn quit(&self) {
        let _ = self.client.clone().close().await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // The whole group: chromedriver and every Chromium process it started. Signalled with
        // killpg, never by running `kill -TERM -PGID`: Debian 12's procps kill (4.0.2) reads
        // "-12345" as kill(-1), which signals every process on the machine, CI's runner included.
        if let Ok(pgid) = i32::try_from(self.driver.id())
            && pgid > 1
        {
            let _ = killpg(Pid::from_raw(pgid), Signal::SIGTERM);
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn which(program: &str) -> Option<String> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(program))
            .find(|p| p.exists())
            .map(|p| p.display().to_string())
    })
}

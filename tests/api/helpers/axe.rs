//! axe-core, the accessibility engine that browsers' own audits use, run inside the real
//! Chromium of the browser tests: a page passes when axe finds no violation of WCAG 2.0, 2.1
//! and 2.2 at levels A and AA. The engine comes from the npm registry (the `axe-core` package,
//! pinned) and is kept under the target directory, so reruns skip the install.

use super::browser::Browser;
use serde_json::Value;
use soundings::testing::run;
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

/// The axe-core release the suite audits with; a new one may add rules, so it changes only here.
const AXE_CORE: &str = "axe-core@4.14.1";

/// The WCAG levels a page must meet: A and AA of 2.0, 2.1 and 2.2 (axe's tags for them).
const WCAG_TAGS: [&str; 6] = [
    "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa",
];

/// The text of `axe.min.js`, installed with npm on first use. Tests asking at once install once.
fn axe_source() -> &'static str {
    static SOURCE: OnceLock<String> = OnceLock::new();
    SOURCE.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("npm-{}", AXE_CORE.replace(['@', '.'], "_")));
        let script = dir.join("node_modules/axe-core/axe.min.js");
        if !script.exists() {
            // Into a fresh folder first, then moved: a test run stopped mid-install leaves no
            // half-installed package that a later run would take for a whole one.
            let partial = dir.with_extension("partial");
            let _ = std::fs::remove_dir_all(&partial);
            std::fs::create_dir_all(&partial).expect("a folder for axe-core");
            run(Command::new("npm")
                .args(["install", "--no-audit", "--no-fund", "--silent", "--prefix"])
                .arg(&partial)
                .arg(AXE_CORE))
            .unwrap_or_else(|e| {
                panic!("npm install {AXE_CORE} failed (Node.js's npm and its registry are needed; .ci/test checks for npm): {e}")
            });
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::rename(&partial, &dir).expect("axe-core moved into place");
        }
        std::fs::read_to_string(&script).expect("axe.min.js is readable")
    })
}

/// One rule a page breaks, as axe reports it.
#[derive(Debug)]
pub struct Violation {
    pub rule: String,
    pub impact: String,
    pub help: String,
    /// CSS selectors of the elements that break it.
    pub targets: Vec<String>,
}

impl Browser {
    /// What axe-core finds wrong with the page now shown, against WCAG 2.2 A and AA.
    pub async fn axe_violations(&self) -> Vec<Violation> {
        self.script(axe_source()).await;
        let options = serde_json::json!({
            "runOnly": { "type": "tag", "values": WCAG_TAGS },
            "resultTypes": ["violations"],
        });
        let found = self
            .script_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, arguments[0])
                    .then(r => done(r.violations))
                    .catch(e => done({ error: String(e) }));",
                vec![options],
            )
            .await;
        if let Some(error) = found.get("error") {
            panic!("axe-core could not run: {error}");
        }
        found
            .as_array()
            .expect("axe returns a list of violations")
            .iter()
            .map(|v| Violation {
                rule: text(&v["id"]),
                impact: text(&v["impact"]),
                help: text(&v["help"]),
                targets: v["nodes"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|n| n["target"].to_string())
                    .collect(),
            })
            .collect()
    }

    /// Fails, naming each rule and element, unless axe finds nothing wrong with the page now
    /// shown. `what` names the page in the message.
    pub async fn assert_accessible(&self, what: &str) {
        let violations = self.axe_violations().await;
        assert!(
            violations.is_empty(),
            "{what} ({}) breaks WCAG 2.2 AA by axe-core:\n{}",
            self.url().await,
            violations
                .iter()
                .map(|v| format!(
                    "  {} ({}): {} at {}",
                    v.rule,
                    v.impact,
                    v.help,
                    v.targets.join(", ")
                ))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

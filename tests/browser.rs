//! The reviewers' page in a real browser: headless Chromium opens a page
//! that fills in and submits the form of `policyc serve`'s `/ui/mn_irts`
//! (as a reviewer pasting facts would), and the DOM it rendered is checked
//! for the determination.
//!
//! Needs `chromium` on the PATH (Debian's package). Without it the test
//! says so and does nothing, unless `POLICYC_BROWSER_TESTS=required` (as in
//! `.ci/run`), which makes a missing browser a failure.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly on purpose"
)]

mod common;

use std::process::{Command, Stdio};

/// Escapes text for an HTML element or attribute.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn chromium() -> Option<&'static str> {
    let found = Command::new("chromium")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if found {
        return Some("chromium");
    }
    if std::env::var("POLICYC_BROWSER_TESTS").as_deref() == Ok("required") {
        panic!("chromium is not installed, and POLICYC_BROWSER_TESTS=required");
    }
    eprintln!("chromium is not installed: the browser test did not run");
    None
}

#[test]
fn a_reviewer_submits_facts_and_sees_the_determination() {
    let Some(browser) = chromium() else { return };
    let (mut server, addr) = common::serve(&["--policies", "policies"]);
    let dir = common::scratch("browser", "submit");
    let mut seen = Vec::new();
    for (example, value, checklist) in [
        ("examples/irts/admission/admitted.json", "true", None),
        (
            "examples/irts/admission/undetermined_missing_locus_level.json",
            "unknown",
            Some("recipient.locus.level"),
        ),
    ] {
        let text = std::fs::read_to_string(example).unwrap();
        let mut facts: serde_json::Value = serde_json::from_str(&text).unwrap();
        let as_of = facts.as_object_mut().unwrap().remove("as_of").unwrap();
        // The page a reviewer would fill in, submitted as they would.
        let page = format!(
            "<!doctype html><form id=\"f\" method=\"post\" action=\"http://{addr}/ui/mn_irts\">\
             <textarea name=\"facts\">{}</textarea><input name=\"as_of\" value=\"{}\"></form>\
             <script>document.getElementById(\"f\").submit()</script>",
            escape(&facts.to_string()),
            as_of.as_str().unwrap()
        );
        let file = dir.join("submit.html");
        std::fs::write(&file, page).unwrap();
        let output = Command::new(browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--virtual-time-budget=10000",
                "--dump-dom",
            ])
            .arg(format!("file://{}", file.display()))
            .output()
            .unwrap();
        let dom = String::from_utf8_lossy(&output.stdout).into_owned();
        let start = dom
            .find("id=\"decision-admission\"")
            .unwrap_or_else(|| panic!("{example}: no admission decision rendered:\n{dom}"));
        let section = dom.get(start..).unwrap_or_default();
        let section = section.get(..section.find("</section>").unwrap()).unwrap();
        assert!(
            section.contains(&format!("data-value=\"{value}\"")),
            "{example}: {section}"
        );
        match checklist {
            Some(fact) => assert!(
                section.contains(&format!("☐ <code>{fact}</code>")),
                "{section}"
            ),
            None => assert!(!section.contains("Facts to document"), "{section}"),
        }
        seen.push(value);
    }
    assert_eq!(seen, ["true", "unknown"]);
    let _ = server.kill();
    let _ = server.wait();
}

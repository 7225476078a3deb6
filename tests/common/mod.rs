#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail loudly on purpose"
)]

//! Helpers shared by the integration tests: load a policy, evaluate a facts
//! file against it, and render results without colour.

#![allow(dead_code, reason = "each test binary uses a different subset")]

use policyc::check::Checked;
use policyc::source::SourceFile;
use policyc::{Determination, Format, Options, Policy, Prepared};
use std::path::Path;

/// Reads a file relative to the crate root.
pub fn source(path: &Path) -> SourceFile {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    SourceFile::new(path.display().to_string(), text)
}

/// Parses and checks a policy that must be valid: all its versions.
pub fn policy(path: &Path) -> Policy {
    Policy::from_path(path).unwrap_or_else(|d| panic!("{}: {d}", path.display()))
}

/// Parses and checks a policy that must be valid (its latest version, for
/// describing it).
pub fn checked(path: &Path) -> Checked {
    policy(path).latest().clone()
}

/// A determination with the prepared decisions that made it, for rendering.
pub struct Evaluated {
    /// The decisions, prepared with explanations.
    pub prepared: Prepared,
    /// The result.
    pub determination: Determination,
}

/// Evaluates the decision named by the facts file's folder, with explanations.
pub fn evaluate_folder_decision(policy: &Policy, facts_path: &Path) -> Evaluated {
    let folder = facts_path
        .parent()
        .and_then(Path::file_name)
        .and_then(|n| n.to_str())
        .expect("folder name");
    evaluate_decisions(policy, facts_path, &[folder])
}

/// Evaluates every decision of `policy` for a facts file, with explanations.
pub fn evaluate(policy: &Policy, facts_path: &Path) -> Evaluated {
    evaluate_decisions(policy, facts_path, &[])
}

/// Evaluates some decisions (all when empty), with explanations, as of the
/// facts file's own date.
pub fn evaluate_decisions(policy: &Policy, facts_path: &Path, decisions: &[&str]) -> Evaluated {
    let input = source(facts_path);
    let format = Format::from_name(&input.name);
    let facts = policy
        .facts(&input, format)
        .unwrap_or_else(|e| panic!("{}: {e}", facts_path.display()));
    let as_of = facts.as_of().expect("example facts carry as_of");
    let prepared = policy
        .prepare(decisions, Options { explain: true })
        .unwrap_or_else(|e| panic!("{}: {e}", facts_path.display()));
    let determination = prepared.evaluate(&facts, as_of, None).expect("evaluates");
    Evaluated {
        prepared,
        determination,
    }
}

/// The human rendering (no colour) and the JSON rendering of a determination.
pub fn render(evaluated: &Evaluated) -> (String, String) {
    let Evaluated {
        prepared,
        determination,
    } = evaluated;
    let human = prepared.human(determination, false);
    let json = serde_json::to_string_pretty(&prepared.json(determination)).expect("json");
    (human, json)
}

/// Runs the `policyc` binary without colour; returns (exit code, stdout, stderr).
pub fn policyc(args: &[&str]) -> (i32, String, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_policyc"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// An empty scratch folder for one test, under the build's temporary folder
/// (`group/name`), emptied first if an earlier run left it.
pub fn scratch(group: &str, name: &str) -> std::path::PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(group)
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Starts `policyc serve --addr 127.0.0.1:0 ARGS` and waits until it says
/// where it listens; its standard error is then drained in the background.
/// Returns the process (kill it when done) and its address.
pub fn serve(args: &[&str]) -> (std::process::Child, String) {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_policyc"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(args)
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("runs");
    let stderr = child.stderr.take().expect("its standard error");
    let mut lines = std::io::BufReader::new(stderr).lines();
    let addr = loop {
        let line = lines
            .next()
            .expect("the server said where it listens")
            .expect("text");
        if let Some(addr) = line.strip_prefix("listening on http://") {
            break addr.to_owned();
        }
    };
    std::thread::spawn(move || lines.for_each(drop));
    (child, addr)
}

/// A running server, stopped when dropped.
pub struct Server {
    /// The process.
    pub child: std::process::Child,
    /// Where it listens.
    pub addr: String,
}

impl Server {
    /// Starts `policyc serve` on port 0 with `args`; waits for its address.
    pub fn start(args: &[&str]) -> Server {
        let mut all = vec!["--workers", "2"];
        all.extend_from_slice(args);
        let (child, addr) = serve(&all);
        Server { child, addr }
    }

    /// Sends one request; returns the status and the body.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        content_type: Option<&str>,
        body: &[u8],
    ) -> (u16, String) {
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.addr,
            body.len()
        );
        if let Some(kind) = content_type {
            head.push_str(&format!("Content-Type: {kind}\r\n"));
        }
        head.push_str("\r\n");
        let mut raw = head.into_bytes();
        raw.extend_from_slice(body);
        let (status, body) = self.raw(&raw);
        (status.expect("a status line"), body)
    }

    /// Sends raw bytes; returns the status (if the server answered with
    /// one) and the body.
    pub fn raw(&self, bytes: &[u8]) -> (Option<u16>, String) {
        let mut stream = std::net::TcpStream::connect(&self.addr).unwrap();
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(10)))
            .unwrap();
        // The write side stays open: the server would take a half-closed
        // connection for a caller gone away.
        let _ = std::io::Write::write_all(&mut stream, bytes);
        let mut response = Vec::new();
        let _ = std::io::Read::read_to_end(&mut stream, &mut response);
        let text = String::from_utf8_lossy(&response).into_owned();
        let status = text.split(' ').nth(1).and_then(|code| code.parse().ok());
        let body = text
            .split_once("\r\n\r\n")
            .map(|(_, body)| body.to_owned())
            .unwrap_or_default();
        (status, body)
    }

    /// POSTs a JSON body.
    pub fn post_json(&self, path: &str, body: &str) -> (u16, String) {
        self.request("POST", path, Some("application/json"), body.as_bytes())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

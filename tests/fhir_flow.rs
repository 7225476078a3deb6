//! The prior-authorization flow of docs/fhir.md, run exactly as written:
//! each `policyc` and `curl` line of its "The flow" section, in order, with
//! each `# expect:` line checked against the output of the command before.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests fail loudly on purpose"
)]

mod common;

use std::collections::HashMap;

/// Splits a command line as a shell would for these lines: white space
/// separates words, single quotes group them.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in line.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                any = true;
            }
            c if c.is_whitespace() && !quoted => {
                if any {
                    out.push(std::mem::take(&mut word));
                    any = false;
                }
            }
            c => {
                word.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(word);
    }
    out
}

/// The shell lines of the section's `sh` blocks.
fn flow_lines() -> Vec<String> {
    let doc = std::fs::read_to_string("docs/fhir.md").unwrap();
    let start = doc.find("## The flow").expect("docs/fhir.md has its flow");
    let rest = &doc[start + 3..];
    let section = &rest[..rest.find("\n## ").unwrap_or(rest.len())];
    let mut lines = Vec::new();
    let mut inside = false;
    for line in section.lines() {
        let line = line.trim();
        if line.starts_with("```") {
            inside = !inside && line == "```sh";
            continue;
        }
        if inside && !line.is_empty() {
            lines.push(line.to_owned());
        }
    }
    lines
}

#[test]
fn the_documented_flow_runs_end_to_end() {
    let dir = common::scratch("fhir_flow", "files");
    let lines = flow_lines();
    assert!(lines.len() >= 10, "{lines:?}");
    let mut written: HashMap<String, String> = HashMap::new();
    let mut server: Option<common::Server> = None;
    let mut last = String::new();
    let mut checked = 0;
    for line in &lines {
        if let Some(expected) = line.strip_prefix("# expect: ") {
            assert!(
                last.contains(expected),
                "`{expected}` is not in the output:\n{last}"
            );
            checked += 1;
            continue;
        }
        let mut args = words(line);
        let program = args.remove(0);
        match program.as_str() {
            "policyc" if args.first().map(String::as_str) == Some("serve") => {
                assert_eq!(args.last().map(String::as_str), Some("&"), "{line}");
                let serve: Vec<&str> = args[1..args.len() - 1].iter().map(String::as_str).collect();
                server = Some(common::Server::start(&serve));
            }
            "policyc" => {
                let mut into = None;
                if let Some(at) = args.iter().position(|a| a == ">") {
                    into = Some(args[at + 1].clone());
                    args.truncate(at);
                }
                let args: Vec<String> = args
                    .into_iter()
                    .map(|a| written.get(&a).cloned().unwrap_or(a))
                    .collect();
                let refs: Vec<&str> = args.iter().map(String::as_str).collect();
                let (code, stdout, stderr) = common::policyc(&refs);
                assert_eq!(code, 0, "{line}\n{stderr}");
                if let Some(name) = into {
                    let path = dir.join(&name);
                    std::fs::write(&path, &stdout).unwrap();
                    written.insert(name, path.display().to_string());
                }
                last = stdout;
            }
            "curl" => {
                let server = server.as_ref().expect("the flow starts the server first");
                let url = args.iter().find(|a| a.starts_with("http://")).unwrap();
                let path = &url[url
                    .find("/cds-services")
                    .or_else(|| url.find("/v1"))
                    .or_else(|| url.find("/fhir"))
                    .unwrap()..];
                let body = args
                    .iter()
                    .find_map(|a| a.strip_prefix('@'))
                    .map(|file| std::fs::read_to_string(file).unwrap());
                let (status, text) = match body {
                    Some(body) => server.post_json(path, &body),
                    None => server.request("GET", path, None, b""),
                };
                assert_eq!(status, 200, "{line}\n{text}");
                last = text;
            }
            other => panic!("the flow has a command the test does not run: {other}"),
        }
    }
    assert!(checked >= 15, "{checked} expectations");
}

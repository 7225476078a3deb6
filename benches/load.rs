//! A bounded loopback load test of `policyc serve`: the IRTS admission
//! decision for generated members, over keep-alive HTTP/1.1 connections at
//! several concurrency levels, with the decision log off and on; and, in the
//! same run, in-process `evaluate_json` on one thread as the reference.
//!
//! ```sh
//! cargo build --release && cargo run --release --example load -- [REQUESTS]
//! ```
//!
//! Only 127.0.0.1 is spoken to, the server is started and stopped here, and
//! each level sends a fixed number of requests (default 20,000), so the run
//! ends by itself.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs,
    reason = "a measuring tool: it stops loudly on anything unexpected"
)]

#[path = "members.rs"]
mod members;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const MEMBERS: usize = 256;

fn bodies() -> Vec<String> {
    let mut rng = members::Seeded::new(20_260_301);
    (0..MEMBERS)
        .map(|_| {
            let line = members::member(&mut rng);
            let mut facts: serde_json::Value = serde_json::from_str(&line).unwrap();
            let as_of = facts.as_object_mut().unwrap().remove("as_of").unwrap();
            format!(r#"{{"facts": {facts}, "as_of": {as_of}, "decisions": ["admission"]}}"#)
        })
        .collect()
}

struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(log: Option<&str>) -> Server {
    let binary = std::env::var("POLICYC_BIN").unwrap_or_else(|_| "target/release/policyc".into());
    let mut command = Command::new(binary);
    command.args(["serve", "--policies", "policies", "--addr", "127.0.0.1:0"]);
    if let Some(log) = log {
        command.args(["--decision-log", log]);
    }
    if let Ok(workers) = std::env::var("POLICYC_LOAD_WORKERS") {
        command.args(["--workers", &workers]);
    }
    let mut child = command
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("run `cargo build --release` first, or set POLICYC_BIN");
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("the server starts").unwrap();
        if let Some(addr) = line.strip_prefix("listening on http://") {
            break addr.to_owned();
        }
    };
    std::thread::spawn(move || lines.for_each(drop));
    Server { child, addr }
}

/// One keep-alive connection: sends a request, reads one response.
struct Connection {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Connection {
    fn open(addr: &str) -> Connection {
        let stream = TcpStream::connect(addr).unwrap();
        stream.set_nodelay(true).unwrap();
        Connection {
            reader: BufReader::new(stream.try_clone().unwrap()),
            writer: stream,
        }
    }

    /// The response's status.
    fn post(&mut self, body: &str) -> u16 {
        let request = format!(
            "POST /v1/policies/mn_irts/evaluate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        self.writer.write_all(request.as_bytes()).unwrap();
        let mut line = String::new();
        self.reader.read_line(&mut line).unwrap();
        let status: u16 = line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let mut length = 0usize;
        loop {
            line.clear();
            self.reader.read_line(&mut line).unwrap();
            if line == "\r\n" || line.is_empty() {
                break;
            }
            if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = value.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body).unwrap();
        status
    }
}

struct Level {
    clients: usize,
    requests: usize,
    seconds: f64,
    p50: Duration,
    p99: Duration,
    errors: usize,
}

fn run_level(addr: &str, bodies: &[String], clients: usize, requests: usize) -> Level {
    let per_client = requests / clients;
    let started = Instant::now();
    let results: Vec<(Vec<Duration>, usize)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..clients)
            .map(|c| {
                scope.spawn(move || {
                    let mut connection = Connection::open(addr);
                    let mut latencies = Vec::with_capacity(per_client);
                    let mut errors = 0;
                    for i in 0..per_client {
                        let body = &bodies[(c * 7919 + i) % bodies.len()];
                        let sent = Instant::now();
                        if connection.post(body) != 200 {
                            errors += 1;
                        }
                        latencies.push(sent.elapsed());
                    }
                    (latencies, errors)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let seconds = started.elapsed().as_secs_f64();
    let errors = results.iter().map(|r| r.1).sum();
    let mut latencies: Vec<Duration> = results.into_iter().flat_map(|r| r.0).collect();
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 - 1.0) * q) as usize];
    Level {
        clients,
        requests: per_client * clients,
        seconds,
        p50: at(0.50),
        p99: at(0.99),
        errors,
    }
}

/// In-process `evaluate_json` on this thread, per second.
fn in_process(bodies: &[String], requests: usize) -> f64 {
    let policy = policyc::Policy::from_path("policies/mn_irts.policy").unwrap();
    let prepared = policy
        .prepare(&["admission"], policyc::Options::default())
        .unwrap();
    let lines: Vec<String> = {
        let mut rng = members::Seeded::new(20_260_301);
        (0..bodies.len())
            .map(|_| members::member(&mut rng))
            .collect()
    };
    let started = Instant::now();
    for i in 0..requests {
        let result = prepared
            .evaluate_json(&lines[i % lines.len()], None, None)
            .unwrap();
        std::hint::black_box(result);
    }
    requests as f64 / started.elapsed().as_secs_f64()
}

fn main() {
    let requests: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000);
    let bodies = bodies();
    let reference = in_process(&bodies, requests);
    println!("in-process evaluate_json, one thread: {reference:.0} per second");
    println!();
    println!(
        "| decision log | clients | requests | per second | vs in-process | p50 | p99 | errors |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let log_path = std::env::temp_dir().join(format!("policyc-load-{}.ndjson", std::process::id()));
    let _ = std::fs::remove_file(&log_path);
    let mut logged = 0;
    for log in [None, Some(log_path.to_str().unwrap())] {
        let server = start(log);
        for clients in [1, 2, 4, 8, 16] {
            let level = run_level(&server.addr, &bodies, clients, requests);
            if log.is_some() {
                logged += level.requests - level.errors;
            }
            let rate = level.requests as f64 / level.seconds;
            println!(
                "| {} | {} | {} | {rate:.0} | {:.2} | {:.2} ms | {:.2} ms | {} |",
                if log.is_some() { "on" } else { "off" },
                level.clients,
                level.requests,
                rate / reference,
                level.p50.as_secs_f64() * 1e3,
                level.p99.as_secs_f64() * 1e3,
                level.errors,
            );
        }
    }
    let lines = std::fs::read_to_string(&log_path)
        .map(|t| t.lines().count())
        .unwrap_or(0);
    println!();
    println!("decision log: {lines} lines for {logged} answered requests");
    let _ = std::fs::remove_file(&log_path);
    assert_eq!(lines, logged, "every answered request has its log line");
}

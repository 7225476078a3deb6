//! Writes synthetic IRTS members as NDJSON for batch runs, from the same
//! fixed-seed generator as the benchmarks, with some lines corrupted on
//! purpose to exercise error lines:
//!
//! `cargo run --release --example members -- LINES [CORRUPTED] > members.ndjson`

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs,
    reason = "a generator run by hand"
)]

mod members;

use std::io::{self, BufWriter, Write};

/// The ways a line is spoilt, in turn.
const CORRUPTIONS: usize = 8;

fn main() {
    let mut args = std::env::args().skip(1);
    let usage = "usage: members LINES [CORRUPTED]";
    let lines: u64 = args.next().and_then(|a| a.parse().ok()).expect(usage);
    let corrupted: u64 = args.next().map_or(0, |a| a.parse().expect(usage));
    let mut rng = members::Seeded::new(20_260_301);
    // Which lines to corrupt: spread evenly, shifted by the generator.
    let every = lines.checked_div(corrupted).unwrap_or(u64::MAX).max(1);
    let out = io::stdout().lock();
    let mut out = BufWriter::with_capacity(1 << 16, out);
    let mut spoilt = 0u64;
    for index in 0..lines {
        let line = members::member(&mut rng);
        if spoilt < corrupted && index % every == every / 2 {
            let kind = (spoilt as usize) % CORRUPTIONS;
            out.write_all(&corrupt(&line, kind)).unwrap();
            spoilt += 1;
        } else {
            out.write_all(line.as_bytes()).unwrap();
        }
        out.write_all(b"\n").unwrap();
    }
    out.flush().unwrap();
}

/// The line spoilt in the way numbered `kind`.
fn corrupt(line: &str, kind: usize) -> Vec<u8> {
    match kind {
        // Cut off half way: invalid JSON.
        0 => line.as_bytes()[..line.len() / 2].to_vec(),
        // A number written as text.
        1 => line
            .replacen("\"level\": ", "\"level\": \"high\", \"x\": ", 1)
            .into_bytes(),
        // A day that does not exist.
        2 => line.replacen("2026-03-01", "2023-02-29", 1).into_bytes(),
        // A key given twice.
        3 => {
            let open = line.strip_suffix("}}").unwrap_or(line);
            format!("{open}, \"homeless\": false}}}}").into_bytes()
        }
        // A blank line.
        4 => Vec::new(),
        // Not an object.
        5 => b"[\"not\", \"an\", \"object\"]".to_vec(),
        // Bytes that are not UTF-8.
        6 => {
            let mut bytes = line.as_bytes()[..20].to_vec();
            bytes.extend_from_slice(&[0xff, 0xfe, 0x80]);
            bytes
        }
        // A yes/no fact written as text.
        _ => line
            .replacen("\"completed\": ", "\"completed\": \"yes\", \"z\": ", 1)
            .into_bytes(),
    }
}

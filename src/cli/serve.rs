//! `policyc serve`: starts the decision service and reports, as it goes,
//! what it serves and why it stopped.

use super::{Outcome, Output, ServeArgs};
use crate::server::{self, Config, ServeError};
use std::io::Write;

/// Runs the service until SIGTERM or Ctrl-C. Progress goes straight to
/// standard error, since the service runs for as long as it is left to.
pub(crate) fn serve(args: &ServeArgs, output: &mut Output) -> Outcome {
    let token = match &args.token_file {
        None => None,
        Some(path) => match std::fs::read_to_string(path) {
            Ok(text) => match text.lines().next().map(str::trim) {
                Some(token) if !token.is_empty() => Some(token.to_owned()),
                _ => {
                    output.stderr.push_str(&format!(
                        "error: the token file `{}` is empty: write the token on its first line\n",
                        path.display()
                    ));
                    return Outcome::Usage;
                }
            },
            Err(e) => {
                output.stderr.push_str(&format!(
                    "error: cannot read the token file `{}`: {e}\n",
                    path.display()
                ));
                return Outcome::Usage;
            }
        },
    };
    let workers = args
        .workers
        .map(std::num::NonZeroUsize::get)
        .or_else(|| std::thread::available_parallelism().ok().map(|n| n.get()))
        .unwrap_or(1);
    let config = Config {
        policies: args.policies.clone(),
        addr: args.addr,
        decision_log: args.decision_log.clone(),
        log_facts: args.log_facts,
        max_body: args.max_body,
        workers,
        admin: args.admin,
        token,
        max_concurrent: args.max_concurrent,
        timeout: std::time::Duration::from_millis(args.timeout_ms.max(1)),
    };
    let mut stderr = std::io::stderr();
    match server::run(&config, &mut stderr) {
        Ok(()) => {
            let _ = writeln!(stderr, "stopped");
            Outcome::Success
        }
        Err(error) => {
            output.stderr.push_str(&format!("error: {error}\n"));
            match error {
                ServeError::NothingToServe(_) | ServeError::SameName { .. } => Outcome::InputErrors,
                _ => Outcome::Usage,
            }
        }
    }
}

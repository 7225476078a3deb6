//! `policyc serve`: the decision service. Every policy under a folder is
//! loaded and checked at start; callers get over HTTP the determinations
//! `policyc eval` prints, each logged for audit when a decision log is set.
//!
//! Built on the library facade only (`Policy`, `Prepared`, `batch::Batch`),
//! on axum and tokio. Binds to 127.0.0.1 unless told otherwise;
//! authentication is the deployment gateway's, as with OPA's server.

mod api;
mod error;
mod fhir;
mod log;
mod metrics;
mod record;
mod routes;
mod ui;

use crate::engine::{Diagnostics, Options, Policy, Prepared};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use std::collections::BTreeMap;
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How the service runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// The folder whose `.policy` files (at any depth) are served.
    pub policies: PathBuf,
    /// Where to listen.
    pub addr: SocketAddr,
    /// The decision log, if any: one JSON line per determination.
    pub decision_log: Option<PathBuf>,
    /// Whether log lines carry the facts themselves (member health data);
    /// otherwise only their SHA-256.
    pub log_facts: bool,
    /// The largest request body accepted, in bytes.
    pub max_body: usize,
    /// Evaluation threads (tokio workers).
    pub workers: usize,
    /// Whether `POST /v1/admin/reload` is open (SIGHUP always reloads).
    pub admin: bool,
    /// A bearer token every `/v1/` request must carry, if set.
    pub token: Option<String>,
    /// Requests handled at once; more wait their turn, before their body
    /// is read.
    pub max_concurrent: usize,
    /// The longest an evaluation (one member or one batch) may take before
    /// the caller is told so.
    pub timeout: std::time::Duration,
}

/// A policy being served.
#[derive(Debug)]
pub(crate) struct Served {
    /// The name in its header, which is its name in URLs.
    pub name: String,
    /// The file it was read from.
    pub path: PathBuf,
    /// The checked policy.
    pub policy: Policy,
    /// SHA-256 of its source text (imports included), hex.
    pub hash: String,
    /// Every decision, prepared without and with explanations.
    pub all: [Prepared; 2],
    /// Its FHIR mapping file (`NAME.fhir.yaml` beside it), which gives it
    /// CDS Hooks services.
    pub mapping: Option<Arc<crate::fhir::Mapping>>,
    /// Why the last reload could not replace it, if it could not: the file
    /// no longer checks, and this, its last good version, is still served.
    pub reload_error: Option<String>,
}

/// The policies being served, swapped whole on a reload.
pub(crate) type Catalogue = BTreeMap<String, Arc<Served>>;

/// What the handlers share.
#[derive(Debug)]
pub(crate) struct State {
    /// The policies; a request takes the catalogue current when it starts
    /// and finishes on it, whatever a reload does meanwhile.
    catalogue: std::sync::RwLock<Arc<Catalogue>>,
    /// The folder the policies are read from.
    pub folder: PathBuf,
    /// Whether `POST /v1/admin/reload` is open.
    pub admin: bool,
    pub log: Option<log::DecisionLog>,
    pub log_facts: bool,
    /// The bearer token `/v1/` requests must carry, if any.
    pub token: Option<String>,
    /// What `/metrics` reports.
    pub metrics: metrics::Metrics,
    /// The evaluation time limit.
    pub timeout: std::time::Duration,
    /// The base URL of the FHIR resources served (`…/fhir`), known once
    /// the listener is bound.
    pub fhir_base: std::sync::OnceLock<String>,
}

impl State {
    /// The base URL the Questionnaires are published under.
    pub(crate) fn fhir_base(&self) -> String {
        self.fhir_base
            .get()
            .cloned()
            .unwrap_or_else(|| crate::fhir::DEFAULT_BASE.to_owned())
    }

    /// The policies as they are now.
    pub(crate) fn catalogue(&self) -> Arc<Catalogue> {
        match self.catalogue.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// The policy named in a URL, or the 404 listing those served.
    pub(crate) fn policy(&self, name: &str) -> Result<Arc<Served>, error::ApiError> {
        let catalogue = self.catalogue();
        catalogue.get(name).cloned().ok_or_else(|| {
            let names: Vec<String> = catalogue.keys().cloned().collect();
            error::ApiError::no_policy(name, &names)
        })
    }

    /// Reads the folder again. A policy that checks replaces the one of its
    /// name; a file that no longer checks keeps its last good version
    /// served, marked with the failure; a removed file's policy goes.
    /// Returns one line per failure.
    pub(crate) fn reload(&self) -> Result<Vec<String>, ServeError> {
        let (served, failed) = load(&self.folder)?;
        let old = self.catalogue();
        let mut next: Catalogue = served
            .into_iter()
            .map(|s| (s.name.clone(), Arc::new(s)))
            .collect();
        let mut failures = Vec::new();
        for (path, diagnostics) in failed {
            let message = diagnostics.to_string();
            failures.push(format!("{}: {message}", path.display()));
            if let Some(kept) = old.values().find(|s| s.path == path) {
                let mut kept = Served::clone_of(kept);
                kept.reload_error = Some(message);
                next.insert(kept.name.clone(), Arc::new(kept));
            }
        }
        match self.catalogue.write() {
            Ok(mut guard) => *guard = Arc::new(next),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(next),
        }
        Ok(failures)
    }
}

impl Served {
    /// The same policy, shared, to be marked afresh.
    fn clone_of(served: &Served) -> Served {
        Served {
            name: served.name.clone(),
            path: served.path.clone(),
            policy: served.policy.clone(),
            hash: served.hash.clone(),
            all: served.all.clone(),
            mapping: served.mapping.clone(),
            reload_error: None,
        }
    }
}

/// Why the service could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The policies folder cannot be read.
    #[error("cannot read the policies folder `{path}`: {reason}")]
    Folder {
        /// The folder.
        path: String,
        /// Why.
        reason: String,
    },
    /// No policy checked.
    #[error("no policy under `{0}` checks; the server serves none and does not start")]
    NothingToServe(String),
    /// Two files declare the same policy name.
    #[error("`{first}` and `{second}` are both policy `{name}`; a name is served once")]
    SameName {
        /// The name.
        name: String,
        /// One file.
        first: String,
        /// The other.
        second: String,
    },
    /// The decision log cannot be opened for appending.
    #[error("cannot write the decision log `{path}`: {reason}")]
    Log {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// The address cannot be listened on, or the runtime cannot start.
    #[error("cannot listen on {addr}: {reason}")]
    Listen {
        /// The address.
        addr: String,
        /// Why.
        reason: String,
    },
}

/// Every `.policy` file under `dir`, in path order.
fn policy_files(dir: &Path) -> Result<Vec<PathBuf>, ServeError> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(folder) = pending.pop() {
        let entries = std::fs::read_dir(&folder).map_err(|e| ServeError::Folder {
            path: folder.display().to_string(),
            reason: e.to_string(),
        })?;
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "policy") {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// The policies that checked, and each file that did not with its
/// diagnostics.
pub(crate) type Loaded = (Vec<Served>, Vec<(PathBuf, Diagnostics)>);

/// Loads and checks every policy under `dir`: those that check, and the
/// diagnostics of those that do not.
pub(crate) fn load(dir: &Path) -> Result<Loaded, ServeError> {
    let mut served: Vec<Served> = Vec::new();
    let mut failed = Vec::new();
    for path in policy_files(dir)? {
        let policy = match Policy::from_path(&path) {
            Ok(policy) => policy,
            Err(diagnostics) => {
                failed.push((path, diagnostics));
                continue;
            }
        };
        let name = policy.latest().header().name.text.clone();
        if let Some(other) = served.iter().find(|s| s.name == name) {
            return Err(ServeError::SameName {
                name,
                first: other.path.display().to_string(),
                second: path.display().to_string(),
            });
        }
        let hash = policy.content_hash();
        let prepare = |explain| policy.prepare(&[], Options { explain });
        let (Ok(quiet), Ok(explained)) = (prepare(false), prepare(true)) else {
            continue;
        };
        let mapping_path = crate::fhir::Mapping::path_beside(&path);
        let mapping = match std::fs::read_to_string(&mapping_path) {
            Ok(text) => {
                let source =
                    crate::source::SourceFile::new(mapping_path.display().to_string(), text);
                match crate::fhir::Mapping::from_source(&policy, source) {
                    Ok(mapping) => Some(Arc::new(mapping)),
                    Err(diagnostics) => {
                        failed.push((mapping_path, diagnostics));
                        None
                    }
                }
            }
            Err(_) => None,
        };
        served.push(Served {
            name,
            path,
            hash,
            all: [quiet, explained],
            mapping,
            policy,
            reload_error: None,
        });
    }
    Ok((served, failed))
}

/// Lower-case hexadecimal.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// The routes, over `state`.
pub(crate) fn router(state: Arc<State>, max_body: usize, max_concurrent: usize) -> Router {
    routes::router()
        .fallback(api::not_found)
        .layer(DefaultBodyLimit::max(max_body))
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&state),
            api::measure,
        ))
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&state),
            api::authorize,
        ))
        .layer(tower::limit::GlobalConcurrencyLimitLayer::new(
            max_concurrent.max(1),
        ))
        .with_state(state)
}

/// Loads the policies, opens the log, listens, and serves until SIGTERM or
/// Ctrl-C; what it serves and every policy that failed go to `report`.
pub fn run(config: &Config, report: &mut dyn Write) -> Result<(), ServeError> {
    let (served, failed) = load(&config.policies)?;
    let style = crate::diagnostic::Style::Human { color: false };
    for (_, diagnostics) in &failed {
        let _ = report.write_all(diagnostics.render(style).as_bytes());
    }
    if served.is_empty() {
        return Err(ServeError::NothingToServe(
            config.policies.display().to_string(),
        ));
    }
    let log = match &config.decision_log {
        Some(path) => Some(log::DecisionLog::open(path).map_err(|e| ServeError::Log {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?),
        None => None,
    };
    for s in &served {
        let _ = writeln!(report, "serving {} from {}", s.name, s.path.display());
    }
    if let Some(log) = &log {
        let _ = writeln!(report, "decision log: {}", log.path().display());
    }
    let catalogue: Catalogue = served
        .into_iter()
        .map(|s| (s.name.clone(), Arc::new(s)))
        .collect();
    let state = Arc::new(State {
        catalogue: std::sync::RwLock::new(Arc::new(catalogue)),
        folder: config.policies.clone(),
        admin: config.admin,
        log,
        log_facts: config.log_facts,
        token: config.token.clone(),
        metrics: metrics::Metrics::new(),
        timeout: config.timeout,
        fhir_base: std::sync::OnceLock::new(),
    });
    let listen_error = |reason: String| ServeError::Listen {
        addr: config.addr.to_string(),
        reason,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(config.workers.max(1))
        .enable_all()
        .build()
        .map_err(|e| listen_error(e.to_string()))?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(config.addr)
            .await
            .map_err(|e| listen_error(e.to_string()))?;
        let bound = listener
            .local_addr()
            .map_err(|e| listen_error(e.to_string()))?;
        let _ = state.fhir_base.set(format!("http://{bound}/fhir"));
        let _ = writeln!(report, "listening on http://{bound}");
        let _ = report.flush();
        tokio::spawn(reload_on_hangup(Arc::clone(&state)));
        // Answers go out as soon as they are written: without TCP_NODELAY a
        // keep-alive caller's next request waits on Nagle's algorithm.
        let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
            let _ = tcp.set_nodelay(true);
        });
        axum::serve(
            listener,
            router(state, config.max_body, config.max_concurrent),
        )
        .with_graceful_shutdown(shutdown())
        .await
        .map_err(|e| listen_error(e.to_string()))
    })
}

/// Reloads the policies on each SIGHUP, reporting failures on standard
/// error.
async fn reload_on_hangup(state: Arc<State>) {
    let Ok(mut hangups) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
    else {
        return;
    };
    while hangups.recv().await.is_some() {
        let state = Arc::clone(&state);
        let outcome = tokio::task::spawn_blocking(move || state.reload()).await;
        match outcome {
            Ok(Ok(failures)) => {
                eprintln!("reloaded the policies");
                failures.iter().for_each(|f| eprintln!("reload: {f}"));
            }
            Ok(Err(e)) => eprintln!("reload failed, the policies are unchanged: {e}"),
            Err(_) => eprintln!("reload failed, the policies are unchanged"),
        }
    }
}

/// Resolves on SIGTERM or Ctrl-C: in-flight requests then finish, and each
/// has written its log line before answering.
async fn shutdown() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {},
        () = terminate => {},
    }
}

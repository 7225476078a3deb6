//! Resolves `import "file.policy"`: the imported file's enums, records,
//! facts and rules join the importing policy (its decisions join as rules,
//! so they can be referred to without becoming outputs).
//!
//! Each imported file is parsed at an offset past every file read before it,
//! so every span of the merged policy is a global offset and diagnostics can
//! point into whichever file it falls in (`SourceFile::locate`). A file
//! imported twice is read once; an import that leads back to a file being
//! imported is a cycle error at the `import` line.

use crate::ast::{DefinitionKind, Item, PolicyFile};
use crate::source::{SourceFile, Span};
use crate::syntax::{self, SyntaxError};
use miette::Diagnostic;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use thiserror::Error;

/// A problem with an `import` line.
#[derive(Debug, Clone, PartialEq, Eq, Error, Diagnostic)]
#[non_exhaustive]
pub enum ImportError {
    /// A file that cannot be read, e.g. a misspelt path.
    #[error("cannot import `{path}`: {reason}")]
    #[diagnostic(code(policyc::import::not_found), help("{help}"))]
    NotFound {
        /// The import line.
        #[label("imported here")]
        span: Span,
        /// The path as written.
        path: String,
        /// Why it cannot be read.
        reason: String,
        /// "did you mean", and where paths start.
        help: String,
    },
    /// Files that import each other.
    #[error("imports form a cycle: {cycle}")]
    #[diagnostic(
        code(policyc::import::cycle),
        help("move the definitions both files need into a third file that imports neither")
    )]
    Cycle {
        /// The import line that closes the cycle.
        #[label("this import leads back to a file being imported")]
        span: Span,
        /// `a.policy → b.policy → a.policy`.
        cycle: String,
    },
}

/// A policy with its imports merged in, and the sources its spans point into.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The merged policy.
    pub file: PolicyFile,
    /// The importing file, carrying the imported files.
    pub source: SourceFile,
}

/// Why a policy could not be loaded, with the sources to render against.
#[derive(Debug, Clone)]
pub struct LoadFailure {
    /// The sources read so far.
    pub source: SourceFile,
    /// Syntax errors in any of the files.
    pub syntax: Vec<SyntaxError>,
    /// Problems with `import` lines.
    pub imports: Vec<ImportError>,
}

/// Parses `source` (read from `path`) and merges in what it imports.
pub fn load(source: SourceFile, path: &Path) -> Result<Loaded, LoadFailure> {
    let mut resolver = Resolver {
        files: Vec::new(),
        next_base: source.text.len() + 1,
        seen: Vec::new(),
        syntax: Vec::new(),
        imports: Vec::new(),
    };
    let root = syntax::parse(&source);
    let with_imports = |files: &[(usize, SourceFile)]| SourceFile {
        imported: Arc::from(files.to_vec()),
        ..source.clone()
    };
    let file = match root {
        Ok(file) => file,
        Err(errors) => {
            return Err(LoadFailure {
                source: with_imports(&[]),
                syntax: errors,
                imports: Vec::new(),
            });
        }
    };
    let key = canonical(path);
    resolver.seen.push(key.clone());
    let mut items = resolver.imported(&file, folder(path), &[key]);
    items.extend(
        file.items
            .into_iter()
            .filter(|i| !matches!(i, Item::Import(_))),
    );
    let source = with_imports(&resolver.files);
    if resolver.syntax.is_empty() && resolver.imports.is_empty() {
        Ok(Loaded {
            file: PolicyFile {
                header: file.header,
                items,
            },
            source,
        })
    } else {
        Err(LoadFailure {
            source,
            syntax: resolver.syntax,
            imports: resolver.imports,
        })
    }
}

struct Resolver {
    /// Imported files and the offsets their spans start at.
    files: Vec<(usize, SourceFile)>,
    next_base: usize,
    /// Files already read.
    seen: Vec<PathBuf>,
    syntax: Vec<SyntaxError>,
    imports: Vec<ImportError>,
}

impl Resolver {
    /// The items `file` imports (recursively), in import order.
    fn imported(&mut self, file: &PolicyFile, dir: &Path, chain: &[PathBuf]) -> Vec<Item> {
        let mut items = Vec::new();
        for item in &file.items {
            let Item::Import(import) = item else { continue };
            let path = dir.join(&import.path);
            let key = canonical(&path);
            if chain.contains(&key) {
                let names: Vec<String> = chain.iter().chain([&key]).map(|p| short(p)).collect();
                self.imports.push(ImportError::Cycle {
                    span: import.span,
                    cycle: names.join(" → "),
                });
                continue;
            }
            if self.seen.contains(&key) {
                continue;
            }
            self.seen.push(key.clone());
            let text = match std::fs::read_to_string(&path) {
                Ok(text) => text,
                Err(e) => {
                    self.imports.push(ImportError::NotFound {
                        span: import.span,
                        path: import.path.clone(),
                        reason: e.to_string(),
                        help: not_found_help(&path),
                    });
                    continue;
                }
            };
            let Some(parsed) = self.parse_at_offset(&path, text) else {
                continue;
            };
            let mut chain = chain.to_vec();
            chain.push(key);
            items.extend(self.imported(&parsed, folder(&path), &chain));
            items.extend(parsed.items.into_iter().filter_map(shared_item));
        }
        items
    }

    /// Parses an imported file so that its spans start at the next free offset.
    fn parse_at_offset(&mut self, path: &Path, text: String) -> Option<PolicyFile> {
        let base = self.next_base;
        self.next_base += text.len() + 1;
        // Leading spaces are skipped by the grammar, so every span of the
        // padded text is the file's own offset plus `base`.
        let padded = SourceFile::new(
            path.display().to_string(),
            format!("{}{text}", " ".repeat(base)),
        );
        self.files
            .push((base, SourceFile::new(path.display().to_string(), text)));
        match syntax::parse(&padded) {
            Ok(file) => Some(file),
            Err(errors) => {
                self.syntax.extend(errors);
                None
            }
        }
    }
}

/// What an imported file contributes: enums, records, facts and rules; its
/// decisions as rules; not its versions or imports (already followed).
fn shared_item(item: Item) -> Option<Item> {
    match item {
        Item::Definition(mut def) => {
            def.kind = DefinitionKind::Rule;
            Some(Item::Definition(def))
        }
        Item::Enum(_) | Item::Record(_) | Item::Facts(_) => Some(item),
        Item::Version(_) | Item::Import(_) => None,
    }
}

/// "did you mean" among the `.policy` files beside the missing one.
fn not_found_help(path: &Path) -> String {
    let nearby: Vec<String> = std::fs::read_dir(folder(path))
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".policy"))
                .collect()
        })
        .unwrap_or_default();
    let wanted = short(path);
    match crate::suggest::closest(&wanted, nearby.iter().map(String::as_str)) {
        Some(best) => {
            format!("did you mean `{best}`? Paths are relative to the importing file's folder")
        }
        None => "the path is relative to the importing file's folder".to_owned(),
    }
}

fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

fn folder(path: &Path) -> &Path {
    path.parent().unwrap_or(Path::new("."))
}

fn short(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

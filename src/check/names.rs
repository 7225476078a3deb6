//! Resolves dotted names: element fields, rules and decisions, facts, and
//! enumeration values, with "did you mean" help when nothing matches.

use super::declare::Declarations;
use super::error::CheckError;
use super::expr::ExprChecker;
use super::ir::{DefId, FactRef, Node, NodeKind};
use super::types::{RecordId, Type};
use crate::ast::Name;
use crate::suggest;
use crate::value::Value;
use std::cell::RefCell;
use std::hash::BuildHasher;
use std::rc::Rc;

impl ExprChecker<'_> {
    /// Whether a one-word name resolves without an expected enum type.
    pub(super) fn resolves_alone(&self, names: &[Name]) -> bool {
        let [only] = names else { return true };
        let word = only.text.as_str();
        self.element_field(word).is_some()
            || self.params.iter().any(|(name, _)| name == word)
            || (word == "it" && !self.scopes.is_empty())
            || self.decl.definitions.contains_key(word)
            || self.decl.facts.contains_key(word)
    }

    /// Whether the bare name `name`, taken as a `what` of type `ty`, is also
    /// a value of the enum expected here that `ty` does not fit: then it is
    /// reported, saying how to write the value.
    fn hides_value(&mut self, name: &Name, hint: Option<&Type>, ty: &Type, what: &str) -> bool {
        let Some(Type::Enum(id)) = hint else {
            return false;
        };
        let Some(info) = self.decl.schema.enumeration(*id) else {
            return false;
        };
        if ty == &Type::Enum(*id) || !info.variants.contains(&name.text) {
            return false;
        }
        self.errors.push(CheckError::ShadowedValue {
            span: name.span,
            name: name.text.clone(),
            taken: format!("{what} `{}` ({})", name.text, self.decl.schema.describe(ty)),
            enumeration: info.name.clone(),
        });
        true
    }

    /// Resolves a path; `hint` is the type expected here, used for bare
    /// enumeration values.
    pub(super) fn resolve_path(&mut self, names: &[Name], hint: Option<&Type>) -> Option<Node> {
        let (first, rest) = names.split_first()?;
        let span = names
            .last()
            .map_or(first.span, |last| first.span.to(last.span));
        if let Some((level, slot, ty)) = self.element_field(&first.text) {
            let base = Node {
                kind: NodeKind::Element {
                    level,
                    slots: Box::new([slot]),
                },
                ty,
                span: first.span,
            };
            return self.fields_of(base, &first.text, rest);
        }
        if first.text == "it" && !self.scopes.is_empty() {
            let level = self.scopes.len() as u32 - 1;
            let ty = self.scopes.last()?.clone();
            let base = Node {
                kind: NodeKind::Element {
                    level,
                    slots: Box::new([]),
                },
                ty,
                span: first.span,
            };
            return self.fields_of(base, "it", rest);
        }
        if let Some(index) = self.params.iter().position(|(name, _)| *name == first.text) {
            let ty = self.params.get(index)?.1.clone();
            let base = Node {
                kind: NodeKind::Param(index as u32),
                ty,
                span: first.span,
            };
            return self.fields_of(base, &first.text, rest);
        }
        if let Some((index, _)) = self.decl.definitions.get(&first.text) {
            let id = DefId(*index as u32);
            if let Some(Some(params)) = self.signatures.get(*index)
                && !params.is_empty()
            {
                let list: Vec<String> = params
                    .iter()
                    .map(|(name, ty)| format!("{name}: {}", self.decl.schema.display(ty)))
                    .collect();
                self.errors.push(CheckError::RuleArguments {
                    span: first.span,
                    message: format!("rule `{}` takes arguments", first.text),
                    help: format!(
                        "call it with its arguments: `{}({})`",
                        first.text,
                        list.join(", ")
                    ),
                });
                return None;
            }
            // A definition whose own check failed has no type; its error is
            // already reported, so stay silent here.
            let ty = self.types.get(*index).cloned().flatten()?;
            if rest.is_empty() && self.hides_value(first, hint, &ty, "rule or decision") {
                return None;
            }
            self.dependencies.push(id);
            let base = Node {
                kind: NodeKind::Definition(id),
                ty,
                span: first.span,
            };
            return self.fields_of(base, &first.text, rest);
        }
        if let Some((slot, _)) = self.decl.facts.get(&first.text) {
            let node = self.fact_path(*slot, first, rest, span)?;
            if rest.is_empty() && self.hides_value(first, hint, &node.ty, "fact") {
                return None;
            }
            return Some(node);
        }
        if let Some(resolved) = self.enum_value(names, hint, span) {
            return resolved;
        }
        self.unknown_name(first, hint);
        None
    }

    /// The innermost element scope with a field of this name.
    fn element_field(&self, word: &str) -> Option<(u32, u32, Type)> {
        self.scopes
            .iter()
            .enumerate()
            .rev()
            .find_map(|(level, ty)| {
                let Type::Record(id) = ty else { return None };
                let record = self.decl.schema.record(*id)?;
                let slot = record.fields.iter().position(|f| f.name == word)?;
                let field = record.fields.get(slot)?;
                Some((level as u32, slot as u32, field.ty.clone()))
            })
    }

    /// Follows `rest` as record fields from `base`.
    pub(super) fn fields_of(
        &mut self,
        mut base: Node,
        written: &str,
        rest: &[Name],
    ) -> Option<Node> {
        let mut written = written.to_owned();
        for name in rest {
            let (slot, ty) = self.record_field(&base.ty, name, &written)?;
            let span = base.span.to(name.span);
            base = Node {
                kind: NodeKind::Field(Box::new(base), slot),
                ty,
                span,
            };
            written.push('.');
            written.push_str(&name.text);
        }
        Some(base)
    }

    /// A fact path: slots through records from the facts root.
    fn fact_path(
        &mut self,
        slot: usize,
        first: &Name,
        rest: &[Name],
        span: crate::source::Span,
    ) -> Option<Node> {
        let root = self.decl.schema.facts?;
        let mut ty = self.decl.schema.field(root, slot)?.ty.clone();
        let mut slots = vec![slot as u32];
        let mut written = first.text.clone();
        for name in rest {
            let (next, next_ty) = self.record_field(&ty, name, &written)?;
            slots.push(next);
            ty = next_ty;
            written.push('.');
            written.push_str(&name.text);
        }
        Some(Node {
            kind: NodeKind::Fact(FactRef {
                slots: slots.into_boxed_slice(),
                path: written.into(),
            }),
            ty,
            span,
        })
    }

    /// The slot and type of field `name` of a value of type `ty`.
    pub(super) fn record_field(
        &mut self,
        ty: &Type,
        name: &Name,
        written: &str,
    ) -> Option<(u32, Type)> {
        let Type::Record(id) = ty else {
            let help = match ty {
                Type::List(_) => format!(
                    "`{written}` is a list: use an aggregate such as `exists({written} where {} …)`",
                    name.text
                ),
                _ => format!(
                    "`{written}` is {}, which has no fields",
                    self.decl.schema.display(ty)
                ),
            };
            self.errors.push(CheckError::UnknownField {
                span: name.span,
                record: written.to_owned(),
                field: name.text.clone(),
                help,
            });
            return None;
        };
        let record = self.decl.schema.record(*id)?;
        if let Some(slot) = record.fields.iter().position(|f| f.name == name.text) {
            let field = record.fields.get(slot)?;
            return Some((slot as u32, field.ty.clone()));
        }
        let help = field_help(self, *id, &name.text);
        self.errors.push(CheckError::UnknownField {
            span: name.span,
            record: written.to_owned(),
            field: name.text.clone(),
            help,
        });
        None
    }

    /// `Enum.value`, or a bare `value` where an enum is expected: `None` when
    /// the path does not name an enumeration, `Some(None)` when it does but
    /// the value is not one of its values (reported here).
    fn enum_value(
        &mut self,
        names: &[Name],
        hint: Option<&Type>,
        span: crate::source::Span,
    ) -> Option<Option<Node>> {
        let (id, variant) = match names {
            [enum_name, variant] => {
                let (Type::Enum(id), _) = self.decl.types.get(&enum_name.text)? else {
                    return None;
                };
                (*id, variant)
            }
            [variant] => match hint {
                Some(Type::Enum(id)) => (*id, variant),
                _ => return None,
            },
            _ => return None,
        };
        let info = self.decl.schema.enumeration(id)?;
        let Some(index) = info.variants.iter().position(|v| *v == variant.text) else {
            let help =
                match suggest::closest(&variant.text, info.variants.iter().map(String::as_str)) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => format!(
                        "`{}` has the values {}",
                        info.name,
                        info.variants.join(", ")
                    ),
                };
            self.errors.push(CheckError::UnknownName {
                span: variant.span,
                name: variant.text.clone(),
                help,
            });
            return Some(None);
        };
        Some(Some(Node {
            kind: NodeKind::Literal(Value::Enum(index as u32)),
            ty: Type::Enum(id),
            span,
        }))
    }

    fn unknown_name(&mut self, name: &Name, hint: Option<&Type>) {
        // The few names of this place (element fields, the expected enum's
        // values) are searched directly; the policy's own names through the
        // index built once for its declarations.
        let mut nearby: Vec<&str> = Vec::new();
        for ty in &self.scopes {
            if let Type::Record(id) = ty
                && let Some(r) = self.decl.schema.record(*id)
            {
                nearby.extend(r.fields.iter().map(|f| f.name.as_str()));
            }
        }
        if let Some(Type::Enum(id)) = hint
            && let Some(info) = self.decl.schema.enumeration(*id)
        {
            nearby.extend(info.variants.iter().map(String::as_str));
        }
        let here = suggest::closest(&name.text, nearby.iter().copied())
            .map(|best| (suggest::distance(&name.text, best), best.to_owned()));
        let index = declared_index(self.decl);
        let declared = index
            .nearest(&name.text)
            .map(|(distance, best)| (distance, best.to_owned()));
        let best = match (here, declared) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let help = match best {
            Some((_, best)) => format!("did you mean `{best}`?"),
            None => "declare it as a fact in the `facts` block, or as a `rule`".to_owned(),
        };
        self.errors.push(CheckError::UnknownName {
            span: name.span,
            name: name.text.clone(),
            help,
        });
    }
}

/// Which declarations an index was built for: each map's hasher (every
/// `HashMap` of a thread gets its own keys, and `Declarations` is never
/// cloned) and its length (the maps are filled before any expression is
/// checked).
type IndexKey = ([u64; 3], [usize; 3]);

thread_local! {
    /// The "did you mean" index of the declarations being checked on this
    /// thread, built at the first unknown name.
    static DECLARED: RefCell<Option<(IndexKey, Rc<suggest::Index>)>> = const { RefCell::new(None) };
}

/// The index of every rule, decision, fact and type name of `decl`, built
/// once per policy.
fn declared_index(decl: &Declarations) -> Rc<suggest::Index> {
    let probe = |h: &std::hash::RandomState| h.hash_one("policyc did-you-mean");
    let key: IndexKey = (
        [
            probe(decl.definitions.hasher()),
            probe(decl.facts.hasher()),
            probe(decl.types.hasher()),
        ],
        [decl.definitions.len(), decl.facts.len(), decl.types.len()],
    );
    DECLARED.with(|cell| {
        let mut cached = cell.borrow_mut();
        if let Some((built_for, index)) = cached.as_ref()
            && *built_for == key
        {
            return Rc::clone(index);
        }
        let names = decl
            .definitions
            .keys()
            .chain(decl.facts.keys())
            .chain(decl.types.keys())
            .map(String::as_str);
        let index = Rc::new(suggest::Index::new(names));
        *cached = Some((key, Rc::clone(&index)));
        index
    })
}

fn field_help(checker: &ExprChecker<'_>, id: RecordId, field: &str) -> String {
    let Some(record) = checker.decl.schema.record(id) else {
        return String::new();
    };
    let names: Vec<&str> = record.fields.iter().map(|f| f.name.as_str()).collect();
    match suggest::closest(field, names.iter().copied()) {
        Some(best) => format!("did you mean `{best}`?"),
        None => format!("its fields are {}", names.join(", ")),
    }
}

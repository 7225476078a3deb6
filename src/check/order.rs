//! Dependencies between rules, their topological order, and cycle reports.

use super::declare::Declarations;
use super::error::CheckError;
use super::ir::DefId;
use crate::ast::{self, ExprKind};
use std::collections::VecDeque;

/// For each definition, the definitions its body names (by first path segment).
pub(crate) fn dependencies(defs: &[&ast::Definition], decl: &Declarations) -> Vec<Vec<DefId>> {
    defs.iter()
        .map(|def| {
            let mut found = Vec::new();
            let mut stack = vec![&def.body];
            while let Some(expr) = stack.pop() {
                let target = match &expr.kind {
                    ExprKind::Path(names) => names.first(),
                    // A call of a rule with parameters.
                    ExprKind::Call(name, _) => Some(name),
                    _ => None,
                };
                let param = |n: &ast::Name| def.params.iter().any(|p| p.name.text == n.text);
                let target = target
                    .filter(|n| !param(n))
                    .and_then(|n| decl.definitions.get(&n.text));
                if let Some((index, _)) = target {
                    found.push(DefId(*index as u32));
                }
                stack.extend(expr.children());
            }
            found.sort_unstable();
            found.dedup();
            found
        })
        .collect()
}

/// The definitions in dependency order (Kahn's algorithm). Definitions on a
/// cycle are left out and one error names each cycle.
pub(crate) fn topological(
    defs: &[&ast::Definition],
    deps: &[Vec<DefId>],
    errors: &mut Vec<CheckError>,
) -> Vec<DefId> {
    let count = defs.len();
    let mut waiting: Vec<usize> = deps.iter().map(Vec::len).collect();
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (index, list) in deps.iter().enumerate() {
        for dep in list {
            if let Some(d) = dependents.get_mut(dep.0 as usize) {
                d.push(index);
            }
        }
    }
    let mut ready: VecDeque<usize> = (0..count).filter(|i| waiting.get(*i) == Some(&0)).collect();
    let mut order = Vec::with_capacity(count);
    while let Some(index) = ready.pop_front() {
        order.push(DefId(index as u32));
        for dependent in dependents.get(index).map_or(&[][..], |d| d.as_slice()) {
            if let Some(w) = waiting.get_mut(*dependent) {
                *w -= 1;
                if *w == 0 {
                    ready.push_back(*dependent);
                }
            }
        }
    }
    report_cycles(defs, deps, &waiting, errors);
    order
}

/// Finds each cycle among the definitions still waiting and reports it once.
fn report_cycles(
    defs: &[&ast::Definition],
    deps: &[Vec<DefId>],
    waiting: &[usize],
    errors: &mut Vec<CheckError>,
) {
    let stuck = |i: usize| waiting.get(i).is_some_and(|w| *w > 0);
    let mut reported = vec![false; defs.len()];
    for start in (0..defs.len()).filter(|i| stuck(*i)) {
        // Follow stuck dependencies until a definition repeats: that is a cycle.
        let mut path = vec![start];
        let mut current = start;
        let cycle_start = loop {
            let next = deps
                .get(current)
                .and_then(|d| d.iter().map(|id| id.0 as usize).find(|i| stuck(*i)));
            let Some(next) = next else { break None };
            if let Some(position) = path.iter().position(|p| *p == next) {
                break Some(position);
            }
            path.push(next);
            current = next;
        };
        let Some(position) = cycle_start else {
            continue;
        };
        let cycle: Vec<usize> = path
            .get(position..)
            .map(<[usize]>::to_vec)
            .unwrap_or_default();
        if cycle
            .iter()
            .any(|i| reported.get(*i).copied().unwrap_or(true))
        {
            continue;
        }
        for i in &cycle {
            if let Some(r) = reported.get_mut(*i) {
                *r = true;
            }
        }
        let names: Vec<&str> = cycle
            .iter()
            .chain(cycle.first())
            .filter_map(|i| defs.get(*i).map(|d| d.name.text.as_str()))
            .collect();
        if let Some(first) = cycle.first().and_then(|i| defs.get(*i)) {
            errors.push(CheckError::Cycle {
                span: first.name.span,
                cycle: names.join(" → "),
            });
        }
    }
}

/// Rejects a definition deeper than the expression limit once the rules it
/// uses are counted at their own depth (a rule's explanation hangs below
/// each use of it, so this bounds every walk over explanations too). The
/// depth counted is the body's plus the deepest definition it uses: never
/// less than the real depth.
pub(crate) fn bound_depth(
    defs: &[&ast::Definition],
    deps: &[Vec<DefId>],
    order: &[DefId],
    errors: &mut Vec<CheckError>,
) {
    let limit = crate::syntax::MAX_EXPRESSION_DEPTH;
    let mut depth = vec![0usize; defs.len()];
    for id in order {
        let index = id.0 as usize;
        let (Some(def), Some(uses)) = (defs.get(index), deps.get(index)) else {
            continue;
        };
        let below = uses
            .iter()
            .filter_map(|d| depth.get(d.0 as usize))
            .max()
            .copied()
            .unwrap_or(0);
        let total = def.body.depth().saturating_add(below);
        if let Some(slot) = depth.get_mut(index) {
            *slot = total;
        }
        // Reported once, where the chain first passes the limit.
        if total > limit && below <= limit {
            errors.push(CheckError::TooDeep {
                span: def.name.span,
                name: def.name.text.clone(),
                limit,
            });
        }
    }
}

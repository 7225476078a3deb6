//! The layout of declarations: the file, the header, enums, records, facts,
//! rules and decisions, types, and the `{ … }` blocks that hold comments.

use super::Printer;
use super::comments::{self, Comment};
use super::doc::{Doc, concat, group, nest, text};
use super::expr::quoted;
use crate::ast::*;

/// Where a child of a block starts and ends in the source.
type Place = (usize, usize);

/// How a `{ … }` block is laid out.
#[derive(Debug, Clone, Copy)]
pub(super) enum Block {
    /// One entry per line, each followed by a comma (criteria lists).
    HardCommas,
    /// One entry per line, no commas (`facts`).
    Hard,
    /// One entry per line with a blank line between entries (the rules and
    /// decisions of a `version`).
    Paragraphs,
    /// On one line with `, ` between entries if it fits; else one entry per
    /// line, with a comma after each when `commas` (record literals) and
    /// none otherwise (record types, enums).
    Soft {
        /// Whether broken entries end with a comma.
        commas: bool,
    },
}

impl Printer<'_> {
    /// The whole file: header and items, one blank line apart.
    pub(super) fn file(&mut self, file: &PolicyFile) -> Doc {
        let mut places = vec![(file.header.span.start, file.header.span.end)];
        places.extend(file.items.iter().map(|item| self.item_place(item)));
        let mut parts = Vec::new();
        for (index, &(start, end)) in places.iter().enumerate() {
            if index > 0 {
                parts.extend([Doc::HardLine, Doc::HardLine]);
            }
            let leading = self.queue.before(start);
            let doc = match index.checked_sub(1).and_then(|i| file.items.get(i)) {
                Some(item) => self.item(item),
                None => self.header(&file.header),
            };
            let limit = places.get(index + 1).map_or(usize::MAX, |p| p.0);
            let around = self.queue.after_child(end, limit);
            parts.extend(comments::own_lines(&leading, true, false));
            parts.extend(comments::own_lines(&around.before, true, false));
            parts.push(doc);
            parts.extend(around.after.iter().map(|c| comments::end_of_line(c, false)));
        }
        let rest = self.queue.rest();
        if !rest.is_empty() {
            parts.push(Doc::HardLine);
            parts.extend(end_lines(&rest));
        }
        concat(parts)
    }

    fn item_place(&self, item: &Item) -> Place {
        let end_of_block = |from: usize| comments::block_end(self.source, from).unwrap_or(from);
        match item {
            Item::Enum(def) => (def.name.span.start, end_of_block(def.name.span.end)),
            Item::Record(def) => (def.name.span.start, end_of_block(def.name.span.end)),
            Item::Facts(def) => (def.span.start, end_of_block(def.span.end)),
            Item::Definition(def) => (def.span.start, def.span.end),
            Item::Version(def) => (def.span.start, def.span.end),
            Item::Import(import) => (import.span.start, import.span.end),
        }
    }

    fn header(&mut self, header: &Header) -> Doc {
        let field =
            |key: &str, value: String| concat(vec![Doc::HardLine, text(format!("{key} {value}"))]);
        concat(vec![
            text(format!("policy {}", header.name.text)),
            nest(
                2,
                concat(vec![
                    field("title", quoted(&header.title)),
                    field("jurisdiction", quoted(&header.jurisdiction)),
                    field("source", quoted(&header.source)),
                    field("effective", header.effective.to_string()),
                ]),
            ),
        ])
    }

    fn item(&mut self, item: &Item) -> Doc {
        match item {
            Item::Enum(def) => self.enum_def(def),
            Item::Record(def) => {
                let end = self.item_place(item).1;
                let fields = self.fields(&def.fields, end, Block::Soft { commas: false });
                concat(vec![text(format!("record {} ", def.name.text)), fields])
            }
            Item::Facts(def) => {
                let end = self.item_place(item).1;
                concat(vec![
                    text("facts "),
                    self.fields(&def.fields, end, Block::Hard),
                ])
            }
            Item::Definition(def) => self.definition(def),
            Item::Version(def) => self.version(def),
            Item::Import(import) => text(format!("import {}", quoted(&import.path))),
        }
    }

    /// `version "name" effective DATE [until DATE] {`, its rules and
    /// decisions a blank line apart, `}`.
    fn version(&mut self, def: &VersionDef) -> Doc {
        let mut head = format!("version {} effective {}", quoted(&def.name), def.effective);
        if let Some(until) = def.until {
            head.push_str(&format!(" until {until}"));
        }
        head.push(' ');
        let end = def.span.end.saturating_sub(1);
        let place = |_: &Printer<'_>, d: &Definition| (d.span.start, d.span.end);
        let body = self.block(
            &def.definitions,
            end,
            Block::Paragraphs,
            place,
            Self::definition,
        );
        concat(vec![text(head), body])
    }

    fn enum_def(&mut self, def: &EnumDef) -> Doc {
        let end = comments::block_end(self.source, def.name.span.end).unwrap_or(0);
        let mut head = format!("enum {}", def.name.text);
        if let Some(doc) = &def.doc {
            head.push(' ');
            head.push_str(&quoted(doc));
        }
        head.push(' ');
        let place = |p: &Printer<'_>, v: &Variant| {
            let end = match v.doc {
                Some(_) => comments::past_text(p.source, v.name.span.end),
                None => v.name.span.end,
            };
            (v.name.span.start, end)
        };
        let build = |_: &mut Printer<'_>, v: &Variant| match &v.doc {
            Some(doc) => text(format!("{} {}", v.name.text, quoted(doc))),
            None => text(v.name.text.clone()),
        };
        let variants = self.block(
            &def.variants,
            end,
            Block::Soft { commas: false },
            place,
            build,
        );
        concat(vec![text(head), variants])
    }

    /// `rule`/`decision`: the name and type, then the words, the citation and
    /// `= body` on lines of their own (or `= body` on the first line when
    /// there are neither words nor citation).
    fn definition(&mut self, def: &Definition) -> Doc {
        let keyword = match def.kind {
            DefinitionKind::Rule => "rule",
            DefinitionKind::Decision => "decision",
        };
        let mut parts = vec![text(format!("{keyword} {}", def.name.text))];
        if !def.params.is_empty() {
            let mut params = vec![text("(")];
            for (index, param) in def.params.iter().enumerate() {
                if index > 0 {
                    params.push(text(", "));
                }
                params.push(text(format!("{}: ", param.name.text)));
                params.push(self.type_expr(&param.ty));
            }
            params.push(text(")"));
            parts.push(concat(params));
        }
        if let Some(ty) = &def.ty {
            parts.push(text(": "));
            parts.push(nest(2, self.type_expr(ty)));
        }
        if def.label.is_none() && def.citation.is_none() {
            parts.push(text(" = "));
            parts.push(self.expr(&def.body, 0));
            return concat(parts);
        }
        let mut lines = Vec::new();
        if let Some(label) = &def.label {
            lines.extend([Doc::HardLine, text(quoted(label))]);
        }
        if let Some(citation) = &def.citation {
            lines.extend([
                Doc::HardLine,
                text(format!("cite {}", quoted(&citation.text))),
            ]);
        }
        lines.extend([Doc::HardLine, text("= "), nest(2, self.expr(&def.body, 0))]);
        parts.push(nest(2, concat(lines)));
        concat(parts)
    }

    /// A type as written; record types in braces.
    pub(super) fn type_expr(&mut self, ty: &TypeExpr) -> Doc {
        match ty {
            TypeExpr::Named(name) => text(name.text.clone()),
            TypeExpr::List(inner, _) => concat(vec![text("list of "), self.type_expr(inner)]),
            TypeExpr::Record(fields, span) => {
                self.fields(fields, span.end, Block::Soft { commas: false })
            }
        }
    }

    fn fields(&mut self, fields: &[FieldDecl], end: usize, layout: Block) -> Doc {
        let place = |p: &Printer<'_>, f: &FieldDecl| {
            let end = match f.doc {
                Some(_) => comments::past_text(p.source, f.ty.span().end),
                None => f.ty.span().end,
            };
            (f.name.span.start, end)
        };
        let build = |p: &mut Printer<'_>, f: &FieldDecl| {
            let mut parts = vec![text(format!("{}: ", f.name.text)), p.type_expr(&f.ty)];
            if let Some(doc) = &f.doc {
                parts.push(text(format!(" {}", quoted(doc))));
            }
            concat(parts)
        };
        self.block(fields, end, layout, place, build)
    }

    /// A `{ … }` block of `children`, whose `}` ends before `end`; comments
    /// before each child go above it, comments before `}` at the end.
    pub(super) fn block<T>(
        &mut self,
        children: &[T],
        end: usize,
        layout: Block,
        place: impl Fn(&Self, &T) -> Place,
        build: impl Fn(&mut Self, &T) -> Doc,
    ) -> Doc {
        let soft = matches!(layout, Block::Soft { .. });
        let places: Vec<Place> = children.iter().map(|c| place(self, c)).collect();
        let mut inner = Vec::new();
        for (index, (child, &(start, child_end))) in children.iter().zip(&places).enumerate() {
            let last = index + 1 == children.len();
            let leading = self.queue.before(start);
            let doc = build(self, child);
            let limit = places.get(index + 1).map_or(end, |p| p.0);
            let around = self.queue.after_child(child_end, limit);
            if matches!(layout, Block::Paragraphs) && index > 0 {
                inner.push(Doc::HardLine);
            }
            inner.push(if soft { Doc::Line } else { Doc::HardLine });
            inner.extend(comments::own_lines(&leading, true, soft));
            inner.extend(comments::own_lines(&around.before, true, soft));
            inner.push(doc);
            inner.push(separator(layout, last));
            inner.extend(around.after.iter().map(|c| comments::end_of_line(c, soft)));
        }
        let closing = self.queue.before(end);
        for line in end_lines(&closing) {
            inner.push(line);
            if soft {
                inner.push(Doc::ForceBreak);
            }
        }
        if inner.is_empty() {
            return text("{}");
        }
        let body = concat(vec![text("{"), nest(2, concat(inner))]);
        match layout {
            Block::Soft { .. } => group(concat(vec![body, Doc::Line, text("}")])),
            Block::Hard | Block::HardCommas | Block::Paragraphs => {
                concat(vec![body, Doc::HardLine, text("}")])
            }
        }
    }
}

/// What follows an entry of a block.
fn separator(layout: Block, last: bool) -> Doc {
    match (layout, last) {
        (Block::HardCommas, _) => text(","),
        (Block::Hard | Block::Paragraphs, _) => text(""),
        (Block::Soft { commas }, last) => Doc::IfBreak {
            broken: if commas { "," } else { "" },
            flat: if last { "" } else { "," },
        },
    }
}

/// Comments at the end of a block or file, each on a line of its own after
/// a line break.
fn end_lines(comments: &[Comment]) -> Vec<Doc> {
    let mut docs = Vec::new();
    let mut blank = false;
    for comment in comments {
        docs.push(Doc::HardLine);
        if blank {
            docs.push(Doc::HardLine);
        }
        docs.push(text(comment.text.clone()));
        blank = comment.blank_after;
    }
    docs
}

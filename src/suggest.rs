//! "Did you mean" candidates by edit distance: [`closest`] over a few
//! names, and an [`Index`] built once over many.

/// The candidate closest to `word`, if one is close enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = limit_for(word);
    candidates
        .into_iter()
        .map(|c| (distance(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

/// The largest edit distance `closest` accepts for `word`.
fn limit_for(word: &str) -> usize {
    limit_for_len(word.chars().count())
}

/// A set of candidate names built once, so that each "did you mean" query
/// looks only at the candidates that can still be close: the names are kept
/// in a trie, and the edit-distance table is computed one trie node at a
/// time, so a prefix shared by many names is compared once, and a branch is
/// left as soon as no name below it can be close enough. It gives the same
/// answer as [`closest`] over the same names.
#[derive(Debug, Clone, Default)]
pub struct Index {
    /// The names, sorted, each once.
    names: Vec<String>,
    /// The trie; node 0 is the root.
    nodes: Vec<TrieNode>,
}

#[derive(Debug, Clone, Default)]
struct TrieNode {
    /// The children, sorted by character.
    children: Vec<(char, usize)>,
    /// The name that ends here, by position in `names`.
    name: Option<usize>,
}

impl Index {
    /// Builds the index of the given names (repeats are kept once).
    pub fn new<'a>(names: impl IntoIterator<Item = &'a str>) -> Index {
        let mut names: Vec<String> = names.into_iter().map(str::to_owned).collect();
        names.sort_unstable();
        names.dedup();
        let mut nodes = vec![TrieNode::default()];
        for (position, name) in names.iter().enumerate() {
            let mut at = 0;
            for c in name.chars() {
                let fresh = nodes.len();
                let Some(node) = nodes.get_mut(at) else { break };
                at = match node.children.binary_search_by_key(&c, |(k, _)| *k) {
                    Ok(found) => node.children.get(found).map_or(0, |(_, n)| *n),
                    Err(place) => {
                        node.children.insert(place, (c, fresh));
                        nodes.push(TrieNode::default());
                        fresh
                    }
                };
            }
            if let Some(node) = nodes.get_mut(at) {
                node.name = Some(position);
            }
        }
        Index { names, nodes }
    }

    /// How many names the index holds.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether the index holds no name.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The name closest to `word`, as [`closest`] would choose it.
    pub fn closest(&self, word: &str) -> Option<&str> {
        self.nearest(word).map(|(_, name)| name)
    }

    /// The name closest to `word` with its distance, if one is close enough
    /// to be a likely typo; ties go to the name that sorts first.
    pub fn nearest(&self, word: &str) -> Option<(usize, &str)> {
        let word: Vec<char> = word.chars().collect();
        let mut search = Search {
            index: self,
            word: &word,
            bound: limit_for_len(word.len()),
            best: None,
        };
        let root: Vec<usize> = (0..=word.len()).collect();
        // The empty name, if it is one, is as far as the word is long.
        if let Some(name) = self.nodes.first().and_then(|n| n.name)
            && word.len() <= search.bound
        {
            search.best = Some((word.len(), name));
            search.bound = word.len().saturating_sub(1);
        }
        if search.best.is_none_or(|(d, _)| d > 0) {
            search.below(0, &root, &[], None);
        }
        let (distance, position) = search.best?;
        self.names.get(position).map(|n| (distance, n.as_str()))
    }
}

fn limit_for_len(chars: usize) -> usize {
    (chars / 3).max(1)
}

/// One query's walk of the trie.
struct Search<'i, 'w> {
    index: &'i Index,
    word: &'w [char],
    /// The largest distance still worth finding.
    bound: usize,
    /// The best name so far: (distance, position).
    best: Option<(usize, usize)>,
}

impl Search<'_, '_> {
    /// Visits the children of `node`, whose row of the distance table is
    /// `row` (its parent's is `parent`, and `last` the character leading to
    /// it), in order.
    fn below(&mut self, node: usize, row: &[usize], parent: &[usize], last: Option<char>) {
        let Some(trie) = self.index.nodes.get(node) else {
            return;
        };
        for &(c, child) in &trie.children {
            let next = self.row(row, parent, last, c);
            if let Some(name) = self.index.nodes.get(child).and_then(|n| n.name) {
                let distance = next.last().copied().unwrap_or(usize::MAX);
                if distance <= self.bound && self.best.is_none_or(|(d, _)| distance < d) {
                    self.best = Some((distance, name));
                    if distance == 0 {
                        return;
                    }
                    self.bound = distance - 1;
                }
            }
            // No name below can come closer than this (a swap reaches back
            // one row, at the cost of one edit).
            let floor = minimum(&next).min(minimum(row).saturating_add(1));
            if floor <= self.bound {
                self.below(child, &next, row, Some(c));
            }
            if self.best.is_some_and(|(d, _)| d == 0) {
                return;
            }
        }
    }

    /// The next row of the table, for candidate character `c` after `last`.
    fn row(&self, row: &[usize], parent: &[usize], last: Option<char>, c: char) -> Vec<usize> {
        let at = |r: &[usize], j: usize| r.get(j).copied().unwrap_or(usize::MAX);
        let mut next = Vec::with_capacity(row.len());
        next.push(at(row, 0).saturating_add(1));
        for (j, wc) in self.word.iter().enumerate() {
            let substitute = at(row, j).saturating_add(usize::from(*wc != c));
            let delete = at(row, j + 1).saturating_add(1);
            let insert = at(&next, j).saturating_add(1);
            let mut best = substitute.min(delete).min(insert);
            let swapped = j > 0 && last == Some(*wc) && self.word.get(j - 1) == Some(&c);
            if swapped {
                best = best.min(at(parent, j - 1).saturating_add(1));
            }
            next.push(best);
        }
        next
    }
}

fn minimum(row: &[usize]) -> usize {
    row.iter().copied().min().unwrap_or(usize::MAX)
}

/// The edit distance between two strings, by characters, counting a swap of
/// two neighbouring characters as one edit (optimal string alignment).
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let at = |row: &[usize], j: usize| row.get(j).copied().unwrap_or(usize::MAX);
    let mut before: Vec<usize> = Vec::new();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = Vec::with_capacity(b.len() + 1);
        current.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let substitute = at(&previous, j).saturating_add(usize::from(ca != cb));
            let delete = at(&previous, j + 1).saturating_add(1);
            let insert = at(&current, j).saturating_add(1);
            let mut best = substitute.min(delete).min(insert);
            let swapped = i > 0 && j > 0 && a.get(i - 1) == Some(cb) && b.get(j - 1) == Some(ca);
            if swapped {
                best = best.min(at(&before, j - 1).saturating_add(1));
            }
            current.push(best);
        }
        before = std::mem::replace(&mut previous, current);
    }
    previous.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("same", "same"), 0);
        assert_eq!(distance("titel", "title"), 1);
        assert_eq!(distance("levle", "level"), 1);
    }

    #[test]
    fn closest_finds_typos_only() {
        let names = ["birth_date", "locus_level", "homeless"];
        assert_eq!(closest("birth_dat", names), Some("birth_date"));
        assert_eq!(closest("homless", names), Some("homeless"));
        assert_eq!(closest("zzz", names), None);
    }

    /// Words from a small alphabet, so that many are near one another.
    fn words(count: usize, seed: u64) -> Vec<String> {
        let mut state = seed;
        let mut next = move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as usize
        };
        let alphabet = ['a', 'b', 'c', '_', 'é'];
        (0..count)
            .map(|_| {
                let length = next() % 9;
                (0..length)
                    .map(|_| {
                        alphabet
                            .get(next() % alphabet.len())
                            .copied()
                            .unwrap_or('a')
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn the_index_agrees_with_closest() {
        let names = words(400, 7);
        let index = Index::new(names.iter().map(String::as_str));
        let mut found = 0;
        for word in words(2_000, 11) {
            let brute = closest(&word, names.iter().map(String::as_str));
            assert_eq!(index.closest(&word), brute, "{word:?}");
            found += usize::from(brute.is_some());
        }
        // The comparison means something: most words have a near name, some not.
        assert!(found > 500 && found < 2_000, "{found}");
    }

    #[test]
    fn the_index_finds_typos_of_long_shared_prefixes() {
        let names: Vec<String> = (0..300).map(|i| format!("rule_number_{i:05}")).collect();
        let index = Index::new(names.iter().map(String::as_str));
        assert_eq!(index.len(), 300);
        assert_eq!(
            index.closest("rule_nubmer_00042"),
            Some("rule_number_00042")
        );
        assert_eq!(index.closest("unknown_name_00042"), None);
        assert_eq!(Index::new([]).closest("x"), None);
    }
}

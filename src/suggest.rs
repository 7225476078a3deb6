//! "Did you mean" candidates by edit distance.

/// The candidate closest to `word`, if one is close enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (distance(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, c)| c)
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
}

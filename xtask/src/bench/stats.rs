//! Medians, spreads and ratios of repeated measurements, and their text.

/// The median and extremes of some runs' figures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    pub median: f64,
    pub min: f64,
    pub max: f64,
}

impl Spread {
    /// `None` for no values. The median of an even count is the mean of the
    /// middle two.
    pub fn of(values: impl IntoIterator<Item = f64>) -> Option<Spread> {
        let mut values: Vec<f64> = values.into_iter().collect();
        values.sort_by(f64::total_cmp);
        let (first, last) = (*values.first()?, *values.last()?);
        let middle = values.len() / 2;
        let median = if values.len() % 2 == 1 { values[middle] } else { (values[middle - 1] + values[middle]) / 2.0 };
        Some(Spread { median, min: first, max: last })
    }

    /// Milliseconds: `412 ms (398–431)`.
    pub fn ms(&self) -> String {
        format!("{:.0} ms ({:.0}–{:.0})", self.median, self.min, self.max)
    }

    /// A ratio: `7.4× (6.9–8.0)`.
    pub fn times(&self) -> String {
        format!("{:.1}× ({:.1}–{:.1})", self.median, self.min, self.max)
    }
}

/// Per-round ratios `slow / fast` of runs paired by round (the two runs of
/// a round ran side by side in time).
pub fn paired_ratios(slow: &[f64], fast: &[f64]) -> Vec<f64> {
    slow.iter().zip(fast).filter(|(_, f)| **f > 0.0).map(|(s, f)| s / f).collect()
}

/// Seconds with one decimal, or empty.
pub fn secs(value: Option<f64>) -> String {
    value.map_or_else(String::new, |s| format!("{s:.1} s"))
}

/// KiB as GB with two decimals (as docs/corpus.md gives peak memory), or empty.
pub fn gb(kib: Option<u64>) -> String {
    kib.map_or_else(String::new, |k| format!("{:.2} GB", k as f64 * 1024.0 / 1e9))
}

/// `before → after`, or the one that is there.
pub fn pair(before: String, after: String) -> String {
    match (before.is_empty(), after.is_empty()) {
        (false, false) => format!("{before} → {after}"),
        (true, _) => after,
        (false, true) => before,
    }
}

/// `lines / operations` without decimals, or empty.
pub fn per_op(lines: usize, operations: usize) -> String {
    if operations == 0 || lines == 0 { String::new() } else { format!("{:.0}", lines as f64 / operations as f64) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(Spread::of([3.0, 1.0, 2.0]), Some(Spread { median: 2.0, min: 1.0, max: 3.0 }));
        assert_eq!(Spread::of([4.0, 1.0, 2.0, 3.0]).map(|s| s.median), Some(2.5));
        assert_eq!(Spread::of([]), None);
    }

    #[test]
    fn ratios_pair_rounds_and_skip_zeroes() {
        assert_eq!(paired_ratios(&[10.0, 20.0, 5.0], &[2.0, 4.0, 0.0]), vec![5.0, 5.0]);
        let spread = Spread::of(paired_ratios(&[9.0, 12.0, 6.0], &[1.0, 2.0, 1.0])).unwrap();
        assert_eq!(spread.times(), "6.0× (6.0–9.0)");
    }

    #[test]
    fn text() {
        assert_eq!(Spread { median: 412.4, min: 398.0, max: 431.6 }.ms(), "412 ms (398–432)");
        assert_eq!(gb(Some(2_685_547)), "2.75 GB");
        assert_eq!(pair("82.3 s".into(), "37.2 s".into()), "82.3 s → 37.2 s");
        assert_eq!(pair(String::new(), "37.2 s".into()), "37.2 s");
        assert_eq!(per_op(259_075, 1223), "212");
        assert_eq!(per_op(10, 0), "");
        assert_eq!(secs(None), "");
    }
}

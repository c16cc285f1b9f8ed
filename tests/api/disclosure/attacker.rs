//! A linear-algebra attacker: it writes every published count and sum as a linear equation over
//! the unknown values of the responding organisations, and asks, with exact rational arithmetic,
//! which sets of organisations have a total that those equations determine.
//!
//! Every figure Soundings publishes about a group (its n, the sums behind its means, each
//! option's count) is `Σ x_i` over the group's members for some per-organisation value `x`, so
//! the equations of every quantity share one coefficient matrix: the groups' indicator vectors.
//! A set's total is determined exactly when its indicator vector lies in their span. A reader
//! that is itself one of the organisations also knows its own values (the unit vector `e_r`).

use num_rational::Ratio;
use num_traits::{One, Zero};
use std::collections::{BTreeSet, HashMap};

type Q = Ratio<i128>;

/// The span of the published groups' indicator vectors, in reduced row echelon form.
pub struct Knowledge {
    n: usize,
    /// Rows with their pivot column; each pivot is 1 and zero in every other row.
    rows: Vec<(usize, Vec<Q>)>,
    /// Normalised residuals of each organisation's unit vector: what an insider adds.
    insiders: HashMap<Vec<Q>, Vec<usize>>,
}

/// A breach: a set of 1 to k − 1 organisations (other than the reader) whose total the published
/// figures determine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breach {
    pub set: BTreeSet<usize>,
    /// The organisation whose own answers were used, if any.
    pub reader: Option<usize>,
}

impl Knowledge {
    /// What readers learn from the published groups (sets of indices into `n` organisations).
    pub fn new(n: usize, published: &[BTreeSet<usize>]) -> Self {
        let mut k = Knowledge {
            n,
            rows: Vec::new(),
            insiders: HashMap::new(),
        };
        for set in published {
            k.add(indicator(n, set));
        }
        for r in 0..n {
            let mut unit = vec![Q::zero(); n];
            unit[r] = Q::one();
            let residual = k.reduce(unit);
            if let Some(key) = normalised(&residual) {
                k.insiders.entry(key).or_default().push(r);
            }
        }
        k
    }

    fn add(&mut self, v: Vec<Q>) {
        let mut v = self.reduce(v);
        let Some(pivot) = v.iter().position(|x| !x.is_zero()) else {
            return;
        };
        let scale = v[pivot];
        for x in &mut v {
            *x /= scale;
        }
        for (_, row) in &mut self.rows {
            let factor = row[pivot];
            if !factor.is_zero() {
                for (x, y) in row.iter_mut().zip(&v) {
                    if !y.is_zero() {
                        *x -= factor * y;
                    }
                }
            }
        }
        self.rows.push((pivot, v));
    }

    /// `v` minus its projection on the span along the pivots: zero exactly when `v` is in it.
    fn reduce(&self, mut v: Vec<Q>) -> Vec<Q> {
        for (pivot, row) in &self.rows {
            let factor = v[*pivot];
            if factor.is_zero() {
                continue;
            }
            for (x, y) in v.iter_mut().zip(row) {
                if !y.is_zero() {
                    *x -= factor * y;
                }
            }
        }
        v
    }

    /// Breaches through `target`: the set itself, for an outsider, and the set without the
    /// reader, for each organisation that could read it with its own answers.
    pub fn breaches(&self, target: &BTreeSet<usize>, k: usize) -> Vec<Breach> {
        let residual = self.reduce(indicator(self.n, target));
        let small = |size: usize| size >= 1 && size < k;
        let mut out = Vec::new();
        // What reader `r` learns about the others in the set.
        let without = |r: usize| {
            let mut rest = target.clone();
            rest.remove(&r);
            small(rest.len()).then_some(Breach {
                set: rest,
                reader: Some(r),
            })
        };
        match normalised(&residual) {
            // Determined outright: by anyone, and by each member about the others.
            None => {
                if small(target.len()) {
                    out.push(Breach {
                        set: target.clone(),
                        reader: None,
                    });
                }
                out.extend(target.iter().filter_map(|&r| without(r)));
            }
            // Determined once some reader's own values are added.
            Some(key) => {
                let readers = self.insiders.get(&key).into_iter().flatten();
                out.extend(readers.filter_map(|&r| without(r)));
            }
        }
        out
    }
}

fn indicator(n: usize, set: &BTreeSet<usize>) -> Vec<Q> {
    let mut v = vec![Q::zero(); n];
    for &i in set {
        v[i] = Q::one();
    }
    v
}

/// The vector scaled so its first non-zero entry is 1; `None` for the zero vector.
fn normalised(v: &[Q]) -> Option<Vec<Q>> {
    let first = *v.iter().find(|x| !x.is_zero())?;
    Some(v.iter().map(|x| x / first).collect())
}

#[test]
fn the_attacker_finds_a_remainder_and_an_insiders_subtraction() {
    // Everyone {0..5} and one group {0,1,2,3} published: {4,5} is determined.
    let all: BTreeSet<usize> = (0..6).collect();
    let big: BTreeSet<usize> = (0..4).collect();
    let k = Knowledge::new(6, &[all.clone(), big.clone()]);
    let rest: BTreeSet<usize> = [4, 5].into();
    assert!(k.breaches(&rest, 5).iter().any(|b| b.reader.is_none()));
    // Organisation 0 subtracts itself from the group of four: three others.
    assert!(
        k.breaches(&big, 5)
            .iter()
            .any(|b| b.reader == Some(0) && b.set.len() == 3)
    );
    // {0, 4} is not determined by an outsider, but 0 knows itself, and {4} is then... not
    // determined either: only {4, 5} together is.
    let pair: BTreeSet<usize> = [0, 4].into();
    assert!(k.breaches(&pair, 5).is_empty());
    // With only everyone published, no part of six is determined by an outsider.
    let k = Knowledge::new(6, &[all]);
    assert!(k.breaches(&rest, 5).is_empty());
}

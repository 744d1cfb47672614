//! Sets of ports as sorted, disjoint, inclusive ranges: what a packet may carry after each
//! filter (a group's rules, an ACL's first matching rule per port) has narrowed it.

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PortSet(Vec<(u16, u16)>);

pub const ALL: (u16, u16) = (0, u16::MAX);

impl PortSet {
    pub fn empty() -> PortSet {
        PortSet(Vec::new())
    }

    pub fn range(from: u16, to: u16) -> PortSet {
        if from <= to {
            PortSet(vec![(from, to)])
        } else {
            PortSet::empty()
        }
    }

    pub fn all() -> PortSet {
        PortSet::range(ALL.0, ALL.1)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn ranges(&self) -> &[(u16, u16)] {
        &self.0
    }

    pub fn first(&self) -> Option<u16> {
        self.0.first().map(|r| r.0)
    }

    pub fn contains(&self, port: u16) -> bool {
        self.0.iter().any(|&(a, b)| a <= port && port <= b)
    }

    pub fn union(&self, other: &PortSet) -> PortSet {
        let mut all: Vec<(u16, u16)> = self.0.iter().chain(other.0.iter()).copied().collect();
        all.sort_unstable();
        let mut out: Vec<(u16, u16)> = Vec::with_capacity(all.len());
        for (a, b) in all {
            match out.last_mut() {
                Some(last) if u32::from(a) <= u32::from(last.1) + 1 => last.1 = last.1.max(b),
                _ => out.push((a, b)),
            }
        }
        PortSet(out)
    }

    pub fn intersect(&self, other: &PortSet) -> PortSet {
        let mut out = Vec::new();
        let (mut i, mut j) = (0, 0);
        while i < self.0.len() && j < other.0.len() {
            let (a, b) = self.0[i];
            let (c, d) = other.0[j];
            let (lo, hi) = (a.max(c), b.min(d));
            if lo <= hi {
                out.push((lo, hi));
            }
            if b < d {
                i += 1;
            } else {
                j += 1;
            }
        }
        PortSet(out)
    }

    pub fn minus(&self, other: &PortSet) -> PortSet {
        let mut out = Vec::new();
        for &(a, b) in &self.0 {
            let mut start = u32::from(a);
            let end = u32::from(b);
            for &(c, d) in &other.0 {
                let (c, d) = (u32::from(c), u32::from(d));
                if d < start || c > end {
                    continue;
                }
                if c > start {
                    out.push((start as u16, (c - 1) as u16));
                }
                start = d + 1;
                if start > end {
                    break;
                }
            }
            if start <= end {
                out.push((start as u16, end as u16));
            }
        }
        PortSet(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_arithmetic() {
        let a = PortSet::range(10, 20).union(&PortSet::range(30, 40));
        assert_eq!(a.ranges(), &[(10, 20), (30, 40)]);
        assert_eq!(a.union(&PortSet::range(21, 29)).ranges(), &[(10, 40)]);
        assert_eq!(
            a.intersect(&PortSet::range(15, 35)).ranges(),
            &[(15, 20), (30, 35)]
        );
        assert_eq!(
            a.minus(&PortSet::range(15, 35)).ranges(),
            &[(10, 14), (36, 40)]
        );
        assert!(PortSet::all().minus(&PortSet::all()).is_empty());
        assert_eq!(PortSet::all().minus(&PortSet::range(0, 0)).first(), Some(1));
        assert!(!a.contains(25) && a.contains(40));
    }
}

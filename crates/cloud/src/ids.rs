//! Deterministic ids. A command's ids derive from the cloud's seed and the command's sequence
//! number, so replaying the log reproduces them exactly and `--seed` makes test runs repeatable.

use sha2::{Digest, Sha256};

pub struct Ids {
    seed: u64,
    seq: u64,
    n: u32,
}

impl Ids {
    pub fn new(seed: u64, seq: u64) -> Self {
        Ids { seed, seq, n: 0 }
    }

    fn bytes(&mut self) -> [u8; 32] {
        self.n += 1;
        let mut h = Sha256::new();
        h.update(self.seed.to_le_bytes());
        h.update(self.seq.to_le_bytes());
        h.update(self.n.to_le_bytes());
        h.finalize().into()
    }

    /// Lower-case hex of the given length (at most 64).
    pub fn hex(&mut self, len: usize) -> String {
        let mut s = hex::encode(self.bytes());
        s.truncate(len);
        s
    }

    /// `prefix-` and 17 hex digits, AWS's long id format.
    pub fn id(&mut self, prefix: &str) -> String {
        format!("{prefix}-{}", self.hex(17))
    }

    /// A locally administered unicast MAC address (02:…), as AWS gives ENIs.
    pub fn mac(&mut self) -> String {
        let b = self.bytes();
        format!(
            "02:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
            b[0], b[1], b[2], b[3], b[4]
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_and_sequence_give_same_ids() {
        let a: Vec<String> = (0..3)
            .map(|_| Ids::new(7, 1))
            .map(|mut i| i.id("sg"))
            .collect();
        assert!(a.iter().all(|x| x == &a[0]));
        let mut i = Ids::new(7, 1);
        assert_ne!(i.id("sg"), i.id("sg"));
        assert_ne!(Ids::new(7, 1).id("sg"), Ids::new(7, 2).id("sg"));
        assert_eq!(Ids::new(7, 1).id("vpc").len(), "vpc-".len() + 17);
    }
}

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

    /// A version-4-shaped UUID.
    pub fn uuid(&mut self) -> String {
        let h = self.hex(32);
        format!(
            "{}-{}-4{}-a{}-{}",
            &h[0..8],
            &h[8..12],
            &h[13..16],
            &h[17..20],
            &h[20..32]
        )
    }

    /// `n` decimal digits, the first not zero (account ids).
    pub fn digits(&mut self, n: usize) -> String {
        let b = self.bytes();
        let mut s: String = b
            .iter()
            .take(n)
            .map(|x| char::from(b'0' + x % 10))
            .collect();
        if s.starts_with('0') {
            s.replace_range(0..1, "1");
        }
        s
    }

    /// A 40-character secret access key.
    pub fn secret(&mut self) -> String {
        use std::fmt::Write;
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::with_capacity(40);
        for b in self.bytes().iter().chain(self.bytes().iter()).take(40) {
            let _ = out.write_char(char::from(ALPHABET[(*b % 64) as usize]));
        }
        out
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

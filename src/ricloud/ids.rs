//! ricloud's ids: UUID v4 strings for every resource (dialects.md 2.6). Fresh ids come from a
//! seeded sequence (md5 of the seed and a counter, with the v4 bits set), so a test that fixes
//! the seed sees the same ids every run (the golden exchanges); ids derived from a name (a
//! token's key, a task's result) are the same for as long as the name is.

use std::sync::atomic::{AtomicU64, Ordering};

use md5::{Digest, Md5};

pub struct Uuids {
    seed: [u8; 16],
    next: AtomicU64,
}

impl Uuids {
    /// A sequence from `seed`, or from a random one when none is given.
    pub fn new(seed: Option<u64>) -> Uuids {
        let seed = match seed {
            Some(seed) => {
                let mut bytes = [0; 16];
                bytes[..8].copy_from_slice(&seed.to_le_bytes());
                bytes
            }
            None => uuid::Uuid::new_v4().into_bytes(),
        };
        Uuids {
            seed,
            next: AtomicU64::new(0),
        }
    }

    pub fn mint(&self) -> String {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let mut hasher = Md5::new();
        hasher.update(self.seed);
        hasher.update(n.to_le_bytes());
        shaped(hasher.finalize().into())
    }
}

/// The id `name` always stands for: md5 of the name, shaped as a UUID v4.
pub fn derived(name: &str) -> String {
    shaped(Md5::digest(name.as_bytes()).into())
}

/// The md5 of `bytes` in hex, as a result's `checksum`.
pub fn md5_hex(bytes: &[u8]) -> String {
    Md5::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn shaped(bytes: [u8; 16]) -> String {
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_gives_the_same_v4_ids_and_names_keep_theirs() {
        let (a, b) = (Uuids::new(Some(7)), Uuids::new(Some(7)));
        let first = a.mint();
        assert_eq!(first, b.mint());
        assert_ne!(first, a.mint());
        let parsed = uuid::Uuid::parse_str(&first).unwrap();
        assert_eq!(parsed.get_version_num(), 4);
        assert_eq!(derived("token"), derived("token"));
        assert_ne!(derived("token"), derived("other"));
        assert!(uuid::Uuid::parse_str(&derived("x")).is_ok());
        assert_eq!(md5_hex(b""), "d41d8cd98f00b204e9800998ecf8427e");
    }
}

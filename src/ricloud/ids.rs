//! ricloud's ids: UUID v4 strings for every resource (dialects.md 2.6). Fresh ids come from
//! `engine::ids::Guids` (seeded in tests); ids derived from a name (a token's key, a task's
//! result) are the same for as long as the name is.

use md5::{Digest, Md5};

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

use crate::engine::ids::shaped_as_uuid as shaped;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::ids::Guids;

    #[test]
    fn a_seed_gives_the_same_v4_ids_and_names_keep_theirs() {
        let (a, b) = (Guids::new(Some(7)), Guids::new(Some(7)));
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

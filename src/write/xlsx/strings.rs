//! The texts of the hand-written sheets (the overview, the submission
//! sheets and Kilder), numbered in order of first use; they join
//! rust_xlsxwriter's shared-string table at its end when the package is
//! spliced.

use super::MAX_CELL_CHARS;
use rust_xlsxwriter::XlsxError;
use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A tiny FxHash: string keys hashed fast (no DoS concern: the texts come
/// from the committee's own submissions, and the map lives for one write).
#[derive(Default)]
struct Fx(u64);

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut h = self.0;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let v = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            h = (h.rotate_left(5) ^ v).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
        self.0 = h;
    }
    fn write_u8(&mut self, i: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(i)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// The texts of the hand-written sheets, numbered locally in order of
/// first use (no duplicates); [`splice_package`](super::splice::splice_package)
/// maps them to the workbook's table.
pub(super) struct Strings<'m> {
    /// Hash → the first string with that hash; `clash` holds the others.
    ids: FxMap<u64, u32>,
    clash: HashMap<String, u32>,
    order: Vec<Cow<'m, str>>,
}

/// A `u64` key that is already a hash.
#[derive(Default)]
pub(super) struct Id(u64);

impl Hasher for Id {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8) | u64::from(*b);
        }
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = i;
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

pub(super) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Id>>;

pub(super) fn fx(bytes: &[u8]) -> u64 {
    let mut h = Fx::default();
    h.write(bytes);
    h.finish()
}

impl<'m> Strings<'m> {
    pub fn new() -> Self {
        Strings {
            ids: FxMap::default(),
            clash: HashMap::new(),
            order: Vec::new(),
        }
    }

    pub fn id(&mut self, s: Cow<'_, str>, borrowed: Option<&'m str>) -> u32 {
        let h = fx(s.as_bytes());
        let next = self.order.len() as u32;
        match self.ids.get(&h) {
            Some(&id) if self.order[id as usize] == s.as_ref() => return id,
            Some(_) => {
                if let Some(&id) = self.clash.get(s.as_ref()) {
                    return id;
                }
                self.clash.insert(s.to_string(), next);
            }
            None => {
                self.ids.insert(h, next);
            }
        }
        self.order.push(match borrowed {
            Some(b) => Cow::Borrowed(b),
            None => Cow::Owned(s.into_owned()),
        });
        next
    }

    /// The string with local index `id`.
    pub fn get(&self, id: u32) -> &str {
        self.order
            .get(id as usize)
            .map(|s| s.as_ref())
            .unwrap_or("")
    }

    /// The strings in order of their local index.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.order.iter().map(|s| s.as_ref())
    }

    /// The number of strings.
    pub fn len(&self) -> usize {
        self.order.len()
    }
}

/// A string too long for Excel's cell, as rust_xlsxwriter reports it.
pub(super) fn check_len(s: &str) -> Result<(), XlsxError> {
    if s.len() > MAX_CELL_CHARS && s.encode_utf16().count() > MAX_CELL_CHARS {
        return Err(XlsxError::MaxStringLengthExceeded);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_string_indices_are_first_use_without_duplicates() {
        let mut s = Strings::new();
        let a = String::from("Beløb");
        assert_eq!(s.id(Cow::Borrowed(&a), Some(&a)), 0);
        assert_eq!(s.id(Cow::Borrowed("x"), None), 1);
        assert_eq!(s.id(Cow::Owned("Beløb".to_string()), None), 0);
        assert_eq!(s.id(Cow::Borrowed("x"), None), 1);
        assert_eq!(s.len(), 2);
    }

    #[test]
    fn a_text_over_the_cell_limit_is_refused() {
        assert!(check_len(&"x".repeat(MAX_CELL_CHARS)).is_ok());
        // Counted in UTF-16 units: 32,767 "€" are 98,301 bytes.
        assert!(check_len(&"€".repeat(MAX_CELL_CHARS)).is_ok());
        assert!(check_len(&"😀".repeat(MAX_CELL_CHARS / 2 + 1)).is_err());
    }
}

//! Little-endian fields of the binary formats the pre-scans walk (the OLE
//! container, BIFF8 records of .xls, BIFF12 records of .xlsb): each read
//! is `None` when the field runs past the end of the bytes.

/// The u16 at byte `at`.
pub(super) fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at.checked_add(2)?)
        .map(|s| u16::from_le_bytes([s[0], s[1]]))
}

/// The u32 at byte `at`.
pub(super) fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at.checked_add(4)?)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// The u64 at byte `at`.
pub(super) fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    b.get(at..at.checked_add(8)?)
        .map(|s| u64::from_le_bytes([s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]]))
}

/// UTF-16LE text (a sheet name in a record); an odd last byte is ignored
/// and unpaired surrogates become U+FFFD.
pub(super) fn utf16(b: &[u8]) -> String {
    let units: Vec<u16> = b
        .chunks_exact(2)
        .map(|p| u16::from_le_bytes([p[0], p[1]]))
        .collect();
    String::from_utf16_lossy(&units)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_inside_and_past_the_end() {
        let b = [0x34, 0x12, 0x78, 0x56, 1, 0, 0, 0];
        assert_eq!(u16_at(&b, 0), Some(0x1234));
        assert_eq!(u32_at(&b, 0), Some(0x5678_1234));
        assert_eq!(u64_at(&b, 0), Some(0x0000_0001_5678_1234));
        assert_eq!(u16_at(&b, 7), None);
        assert_eq!(u32_at(&b, 5), None);
        assert_eq!(u64_at(&b, 1), None);
        assert_eq!(u32_at(&b, usize::MAX), None);
        assert_eq!(utf16(&[b'A', 0, 0xF8, 0, b'x']), "Aø");
    }
}

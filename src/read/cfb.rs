//! A small, bounded reader for the Compound File Binary format (the OLE
//! container of .xls files and of password-encrypted .xlsx/.xlsb files).
//!
//! calamine has its own CFB reader, but it is private. We need one of our own
//! for two things calamine cannot tell us before it allocates: which streams
//! the container holds (an `EncryptedPackage` means an encrypted OOXML file),
//! and the bytes of the `Workbook` stream, so that [`super::xls`] can check the
//! sheets' extents before calamine builds its dense ranges.
//!
//! Every chain walk is bounded by the number of sectors in the file, so a
//! hostile file with looping chains ends in an error, never a hang.

use super::le::{u16_at, u32_at, u64_at};
use std::fmt;

/// The 8-byte signature at the start of every CFB file.
pub(crate) const MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
/// Sector numbers at or above this are markers, not sectors.
const MAXREGSECT: u32 = 0xFFFF_FFFA;

/// Why a CFB container could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CfbError(pub String);

impl fmt::Display for CfbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn err<T>(msg: impl Into<String>) -> Result<T, CfbError> {
    Err(CfbError(msg.into()))
}

/// One directory entry (stream or storage).
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub name: String,
    /// 1 storage, 2 stream, 5 root.
    pub kind: u8,
    start: u32,
    size: u64,
}

/// A parsed CFB container over borrowed bytes.
pub(crate) struct Cfb<'a> {
    data: &'a [u8],
    sector_size: usize,
    fat: Vec<u32>,
    minifat: Vec<u32>,
    mini_stream: Vec<u8>,
    entries: Vec<Entry>,
}

impl<'a> Cfb<'a> {
    /// Parses the header, FAT, directory and mini stream.
    pub fn parse(data: &'a [u8]) -> Result<Cfb<'a>, CfbError> {
        if data.len() < 512 || data[..8] != MAGIC {
            return err("ingen OLE-signatur");
        }
        let major = u16_at(data, 26).unwrap_or(0);
        let shift = u16_at(data, 30).unwrap_or(0);
        let sector_size: usize = match shift {
            9 => 512,
            12 => 4096,
            _ => return err(format!("ukendt sektorstørrelse 2^{shift}")),
        };
        let dir_start = u32_at(data, 48).unwrap_or(ENDOFCHAIN);
        let minifat_start = u32_at(data, 60).unwrap_or(ENDOFCHAIN);
        let difat_start = u32_at(data, 68).unwrap_or(ENDOFCHAIN);

        let mut cfb = Cfb {
            data,
            sector_size,
            fat: Vec::new(),
            minifat: Vec::new(),
            mini_stream: Vec::new(),
            entries: Vec::new(),
        };
        // Sectors after the header; the last one may be cut short.
        let max_sectors = data.len().saturating_sub(sector_size).div_ceil(sector_size);

        // DIFAT: 109 entries in the header, then a chain of DIFAT sectors.
        let mut fat_sectors: Vec<u32> = (0..109)
            .filter_map(|i| u32_at(data, 76 + 4 * i))
            .filter(|&s| s < MAXREGSECT)
            .collect();
        let mut next = difat_start;
        let per_sector = sector_size / 4;
        let mut steps = 0usize;
        while next < MAXREGSECT {
            steps += 1;
            if steps > max_sectors {
                return err("DIFAT-kæden løber i ring");
            }
            let sector = cfb.sector(next)?;
            for i in 0..per_sector - 1 {
                if let Some(s) = u32_at(sector, 4 * i).filter(|&s| s < MAXREGSECT) {
                    fat_sectors.push(s);
                }
            }
            next = u32_at(sector, 4 * (per_sector - 1)).unwrap_or(ENDOFCHAIN);
        }
        if fat_sectors.len() > max_sectors {
            return err("flere FAT-sektorer end filen rummer");
        }
        let mut fat = Vec::with_capacity(fat_sectors.len() * per_sector);
        for s in fat_sectors {
            let sector = cfb.sector(s)?;
            fat.extend((0..sector.len() / 4).filter_map(|i| u32_at(sector, 4 * i)));
        }
        cfb.fat = fat;

        // Directory.
        let dir = cfb.read_chain(dir_start, u64::MAX, false)?;
        for chunk in dir.chunks_exact(128) {
            let name_len = (u16_at(chunk, 64).unwrap_or(0) as usize).min(64);
            let units: Vec<u16> = (0..name_len / 2)
                .filter_map(|i| u16_at(chunk, 2 * i))
                .take_while(|&u| u != 0)
                .collect();
            let kind = chunk[66];
            let start = u32_at(chunk, 116).unwrap_or(ENDOFCHAIN);
            let mut size = u64_at(chunk, 120).unwrap_or(0);
            if major == 3 {
                size &= 0xFFFF_FFFF;
            }
            cfb.entries.push(Entry {
                name: String::from_utf16_lossy(&units),
                kind,
                start,
                size,
            });
        }
        let Some(root) = cfb.entries.first().cloned() else {
            return err("tom OLE-mappe");
        };

        // Mini FAT and mini stream (small streams live there).
        if minifat_start < MAXREGSECT {
            let bytes = cfb.read_chain(minifat_start, u64::MAX, false)?;
            cfb.minifat = (0..bytes.len() / 4)
                .filter_map(|i| u32_at(&bytes, 4 * i))
                .collect();
        }
        if root.start < MAXREGSECT && root.size > 0 {
            cfb.mini_stream = cfb.read_chain(root.start, root.size, false)?;
        }
        Ok(cfb)
    }

    /// All directory entries in directory order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// True if an entry has this name (ASCII case ignored).
    pub fn has(&self, name: &str) -> bool {
        self.entries
            .iter()
            .any(|e| e.name.eq_ignore_ascii_case(name))
    }

    /// The bytes of the first stream with this name (ASCII case ignored), as
    /// calamine picks it: streams under 4096 bytes live in the mini stream.
    pub fn stream(&self, name: &str) -> Result<Option<Vec<u8>>, CfbError> {
        let Some(e) = self
            .entries
            .iter()
            .find(|e| e.name.eq_ignore_ascii_case(name))
        else {
            return Ok(None);
        };
        if e.size > self.data.len() as u64 {
            return err(format!("strømmen {name} er større end filen"));
        }
        self.read_chain(e.start, e.size, e.size < 4096).map(Some)
    }

    fn sector(&self, id: u32) -> Result<&'a [u8], CfbError> {
        let start = (id as usize)
            .checked_add(1)
            .and_then(|n| n.checked_mul(self.sector_size))
            .filter(|&s| s < self.data.len())
            .ok_or_else(|| CfbError(format!("sektor {id} ligger uden for filen")))?;
        let end = (start + self.sector_size).min(self.data.len());
        Ok(&self.data[start..end])
    }

    fn mini_sector(&self, id: u32) -> Result<&[u8], CfbError> {
        let start = (id as usize)
            .checked_mul(64)
            .filter(|&s| s < self.mini_stream.len())
            .ok_or_else(|| CfbError(format!("minisektor {id} ligger uden for ministrømmen")))?;
        let end = (start + 64).min(self.mini_stream.len());
        Ok(&self.mini_stream[start..end])
    }

    /// Follows a sector chain, reading at most `len` bytes. Bounded by the
    /// table size, so a loop ends in an error.
    fn read_chain(&self, start: u32, len: u64, mini: bool) -> Result<Vec<u8>, CfbError> {
        let table = if mini { &self.minifat } else { &self.fat };
        let cap = len.min(self.data.len() as u64) as usize;
        let mut out = Vec::with_capacity(cap.min(1 << 20));
        let mut id = start;
        let mut steps = 0usize;
        while id < MAXREGSECT && (out.len() as u64) < len {
            steps += 1;
            if steps > table.len() + 1 {
                return err("sektorkæden løber i ring");
            }
            let sector = if mini {
                self.mini_sector(id)?
            } else {
                self.sector(id)?
            };
            let want = (len - out.len() as u64).min(sector.len() as u64) as usize;
            out.extend_from_slice(&sector[..want]);
            if out.len() > self.data.len() {
                return err("sektorkæden er længere end filen");
            }
            id = *table
                .get(id as usize)
                .ok_or_else(|| CfbError(format!("sektor {id} mangler i tabellen")))?;
        }
        Ok(out)
    }
}

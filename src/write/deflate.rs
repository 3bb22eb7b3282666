//! One zip part deflated on every core, as pigz does: the part's bytes are
//! cut into chunks that rayon compresses side by side while the writer goes
//! on making the next ones.
//!
//! Each chunk is raw DEFLATE that ends in a sync flush (an empty stored
//! block, byte-aligned, not final), so the chunks one after the other are
//! one valid stream; the zip entry's own deflater, which is given no bytes,
//! closes it with an empty final block. The zip crate documents this way
//! in: write to the archive's writer yourself
//! ([`ZipWriter::get_mut`](zip::ZipWriter::get_mut)), then give the entry
//! its size and CRC ([`ZipWriter::set_file_metadata`](zip::ZipWriter::set_file_metadata)).
//!
//! A chunk starts with an empty window: about 1 % larger output than one
//! stream, for a budget.xlsx of 200,000 lines written in half the time.

use flate2::{Compress, Compression, FlushCompress};
use std::collections::BTreeMap;
use std::io::{self, Seek, Write};
use std::sync::mpsc;
use zip::write::SimpleFileOptions;
use zip::ZipWriter;

/// Bytes per chunk.
const CHUNK: usize = 1 << 20;

/// Chunks handed to the pool and not yet back, before the writer helps.
const IN_FLIGHT: usize = 4;

/// The zip level budget.xlsx uses (Excel's own: about a third faster than
/// the default 6, for a file a few per cent larger).
pub const LEVEL: u32 = 3;

/// What was deflated: the part's length and CRC-32, for its zip entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deflated {
    pub len: u64,
    pub crc: u32,
}

/// Raw DEFLATE of `data`, ending byte-aligned and not final.
fn deflate_chunk(data: &[u8], level: u32) -> io::Result<Vec<u8>> {
    let mut c = Compress::new(Compression::new(level), false);
    let mut out = Vec::with_capacity(data.len() / 4 + 1024);
    loop {
        let done = c.total_in() as usize;
        c.compress_vec(&data[done..], &mut out, FlushCompress::Sync)
            .map_err(io::Error::other)?;
        // The flush is complete once all input is taken and the output
        // buffer was not filled to the brim.
        if c.total_in() as usize == data.len() && out.len() < out.capacity() {
            return Ok(out);
        }
        out.reserve(out.capacity().max(4096));
    }
}

/// Deflates what `fill` writes into `sink`, in chunks of `CHUNK` bytes
/// compressed on rayon's pool; the compressed chunks reach `sink` in order.
/// The stream is left open (see the module text): close it with a final
/// block, as a zip entry's deflater does.
///
/// ```
/// use std::io::{Read, Write};
/// let mut raw = Vec::new();
/// let d = bilag::write::deflate::deflate_part(&mut raw, 3, |w| {
///     w.write_all(b"<row r=\"1\"/>".repeat(100_000).as_slice())
/// })?;
/// raw.extend_from_slice(&[0x03, 0x00]); // an empty final block
/// let mut back = Vec::new();
/// flate2::read::DeflateDecoder::new(&raw[..]).read_to_end(&mut back)?;
/// assert_eq!(back.len() as u64, d.len);
/// assert_eq!(crc32fast::hash(&back), d.crc);
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// # Errors
/// What `fill` or `sink` returns.
pub fn deflate_part<W: Write>(
    sink: &mut W,
    level: u32,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<Deflated> {
    deflate_part_in(sink, level, CHUNK, fill)
}

fn deflate_part_in<W: Write>(
    sink: &mut W,
    level: u32,
    chunk: usize,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<Deflated> {
    let (tx, rx) = mpsc::channel();
    let mut c = Chunker {
        sink,
        level,
        chunk: chunk.max(1),
        buf: Vec::new(),
        crc: crc32fast::Hasher::new(),
        len: 0,
        sent: 0,
        back: 0,
        written: 0,
        done: BTreeMap::new(),
        tx,
        rx,
    };
    rayon::in_place_scope(|s| {
        fill(&mut Scoped { c: &mut c, s })?;
        if !c.buf.is_empty() {
            let last = std::mem::take(&mut c.buf);
            c.send(s, last)?;
        }
        Ok::<(), io::Error>(())
    })?;
    // The scope waited for every chunk: the rest, in order.
    while c.back < c.sent {
        c.receive_one()?;
    }
    c.write_ready()?;
    Ok(Deflated {
        len: c.len,
        crc: c.crc.finalize(),
    })
}

struct Chunker<'w, W: Write> {
    sink: &'w mut W,
    level: u32,
    chunk: usize,
    buf: Vec<u8>,
    crc: crc32fast::Hasher,
    len: u64,
    /// Chunks handed out, results received, chunks written to `sink`.
    sent: usize,
    back: usize,
    written: usize,
    /// Results that came back before an earlier chunk's.
    done: BTreeMap<usize, Vec<u8>>,
    tx: mpsc::Sender<(usize, io::Result<Vec<u8>>)>,
    rx: mpsc::Receiver<(usize, io::Result<Vec<u8>>)>,
}

impl<W: Write> Chunker<'_, W> {
    /// Hands `data` to the pool, after making room: with `IN_FLIGHT`
    /// chunks out, the writer runs queued chunks itself (or waits for the
    /// cores that have them), so memory stays bounded when every core is
    /// busy with other work.
    fn send<'s>(&mut self, s: &rayon::Scope<'s>, data: Vec<u8>) -> io::Result<()> {
        self.crc.update(&data);
        self.len += data.len() as u64;
        let seq = self.sent;
        self.sent += 1;
        let tx = self.tx.clone();
        let level = self.level;
        s.spawn(move |_| {
            let r = deflate_chunk(&data, level);
            drop(data);
            let _ = tx.send((seq, r));
        });
        while let Ok((seq, r)) = self.rx.try_recv() {
            self.back += 1;
            self.done.insert(seq, r?);
        }
        while self.sent - self.back >= IN_FLIGHT {
            match rayon::yield_local() {
                Some(rayon::Yield::Executed) => {
                    while let Ok((seq, r)) = self.rx.try_recv() {
                        self.back += 1;
                        self.done.insert(seq, r?);
                    }
                }
                // Nothing queued here: other threads have the chunks.
                _ => self.receive_one()?,
            }
        }
        self.write_ready()
    }

    fn receive_one(&mut self) -> io::Result<()> {
        let (seq, r) = self
            .rx
            .recv()
            .map_err(|_| io::Error::other("deflate: a chunk was lost"))?;
        self.back += 1;
        self.done.insert(seq, r?);
        Ok(())
    }

    fn write_ready(&mut self) -> io::Result<()> {
        while let Some(bytes) = self.done.remove(&self.written) {
            self.sink.write_all(&bytes)?;
            self.written += 1;
        }
        Ok(())
    }
}

/// The writer `fill` gets: collects a chunk, then hands it on.
struct Scoped<'c, 'w, 's, 'x, W: Write> {
    c: &'c mut Chunker<'w, W>,
    s: &'x rayon::Scope<'s>,
}

impl<W: Write> Write for Scoped<'_, '_, '_, '_, W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let c = &mut *self.c;
        if c.buf.capacity() == 0 {
            c.buf.reserve_exact(c.chunk + c.chunk / 4);
        }
        c.buf.extend_from_slice(bytes);
        if c.buf.len() >= c.chunk {
            let full = std::mem::take(&mut c.buf);
            c.send(self.s, full)?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Adds the part `name` to `zip`, deflated on every core from what `fill`
/// writes (see [`deflate_part`]). `options` should ask for Deflated; the
/// level is [`LEVEL`].
///
/// ```
/// use std::io::{Cursor, Read, Write};
/// let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
/// let options = zip::write::SimpleFileOptions::default()
///     .compression_method(zip::CompressionMethod::Deflated);
/// bilag::write::deflate::zip_part(&mut zip, "a.xml", options, |w| w.write_all(b"<a/>"))?;
/// let bytes = zip.finish()?.into_inner();
/// let mut archive = zip::ZipArchive::new(Cursor::new(bytes))?;
/// let mut text = String::new();
/// archive.by_name("a.xml")?.read_to_string(&mut text)?; // checks the CRC too
/// assert_eq!(text, "<a/>");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// What the zip writer or `fill` returns.
pub fn zip_part<W: Write + Seek>(
    zip: &mut ZipWriter<W>,
    name: &str,
    options: SimpleFileOptions,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> zip::result::ZipResult<()> {
    zip.start_file(
        name,
        options.compression_method(zip::CompressionMethod::Deflated),
    )?;
    // SAFETY (zip's terms for get_mut): we only append whole, byte-aligned
    // DEFLATE blocks at the entry's current end and never seek, so the
    // archive stays consistent and the position is where zip left it; the
    // entry's deflater has been given nothing and closes the stream.
    let sink = unsafe { zip.get_mut() }.ok_or_else(|| io::Error::other("zip: no entry open"))?;
    let d = deflate_part(sink, LEVEL, fill)?;
    // SAFETY: an entry is open, and `d` is the exact length and CRC-32 of
    // the bytes its compressed data stands for.
    unsafe { zip.set_file_metadata(d.len, d.crc) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Read};

    fn inflate(raw: &[u8]) -> Vec<u8> {
        let mut back = Vec::new();
        flate2::read::DeflateDecoder::new(raw)
            .read_to_end(&mut back)
            .unwrap();
        back
    }

    /// Data with long repeats and with none (the compressor's two paths).
    fn sample(n: usize) -> Vec<u8> {
        let mut x: u32 = 12345;
        let xml = b"<c r=\"A1\" s=\"4\" t=\"s\"><v>200029</v></c>";
        (0..n)
            .map(|i| {
                if (i / 5000) % 2 == 0 {
                    xml[i % xml.len()]
                } else {
                    x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    (x >> 16) as u8
                }
            })
            .collect()
    }

    #[test]
    fn chunks_make_one_stream_whatever_the_chunk_size() {
        let data = sample(300_001);
        for chunk in [1, 7, 4096, 65_536, 299_999, 300_001, 1 << 20] {
            // Written in uneven pieces, as the sheet writers do.
            let mut raw = Vec::new();
            let d = deflate_part_in(&mut raw, 3, chunk, |w| {
                for piece in data.chunks(1234) {
                    w.write_all(piece)?;
                }
                Ok(())
            })
            .unwrap();
            assert_eq!(d.len, 300_001, "chunk {chunk}");
            assert_eq!(d.crc, crc32fast::hash(&data), "chunk {chunk}");
            raw.extend_from_slice(&[0x03, 0x00]);
            assert!(inflate(&raw) == data, "chunk {chunk}: bytes differ");
        }
    }

    #[test]
    fn nothing_written_is_an_empty_part() {
        let mut raw = Vec::new();
        let d = deflate_part(&mut raw, 3, |_| Ok(())).unwrap();
        assert_eq!(d, Deflated { len: 0, crc: 0 });
        assert!(raw.is_empty());
    }

    #[test]
    fn an_error_from_fill_comes_back() {
        let mut raw = Vec::new();
        let e = deflate_part_in(&mut raw, 3, 10, |w| {
            w.write_all(&[b'x'; 95])?;
            Err(io::Error::other("disk full"))
        })
        .unwrap_err();
        assert_eq!(e.to_string(), "disk full");
    }

    /// In a zip: the entry reads back (zip checks the CRC), and the
    /// entries around it are untouched.
    #[test]
    fn zip_part_reads_back_between_ordinary_entries() {
        let data = sample(3 * CHUNK + 17);
        let options =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file("before.xml", options).unwrap();
        zip.write_all(b"<before/>").unwrap();
        zip_part(&mut zip, "big.xml", options, |w| w.write_all(&data)).unwrap();
        zip.start_file("after.xml", options).unwrap();
        zip.write_all(b"<after/>").unwrap();
        let bytes = zip.finish().unwrap().into_inner();
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut read = |name: &str| {
            let mut v = Vec::new();
            archive.by_name(name).unwrap().read_to_end(&mut v).unwrap();
            v
        };
        assert_eq!(read("before.xml"), b"<before/>");
        assert!(read("big.xml") == data);
        assert_eq!(read("after.xml"), b"<after/>");
        let big = archive.by_name("big.xml").unwrap();
        assert_eq!(big.size(), data.len() as u64);
        assert_eq!(big.crc32(), crc32fast::hash(&data));
        assert_eq!(big.compression(), zip::CompressionMethod::Deflated);
    }

    /// Run from inside a busy two-thread pool, the writer still finishes
    /// (it compresses queued chunks itself).
    #[test]
    fn finishes_inside_a_busy_pool() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let data = sample(2_000_000);
        let (d, _) = pool.join(
            || {
                let mut raw = Vec::new();
                deflate_part_in(&mut raw, 3, 10_000, |w| w.write_all(&data)).unwrap()
            },
            || std::thread::sleep(std::time::Duration::from_millis(200)),
        );
        assert_eq!(d.len, 2_000_000);
        assert_eq!(d.crc, crc32fast::hash(&data));
    }
}

//! Writing: model → files (budget.xlsx, appendix.docx, the submission
//! template, JSON). Writers know nothing of reading.

pub mod deflate;
pub mod docx;
pub mod overview;
pub mod pdf;
pub mod report;
pub(crate) mod status_sheet;
pub mod template;
pub mod xlsx;
pub(crate) mod xml;

use std::io::Write;
use std::path::Path;

/// Errors while writing an output file.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("kan ikke skrive {path}: {}", crate::internal::oserror::danish(source))]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("kan ikke lave {path}: {message}")]
    Build { path: String, message: String },
}

impl WriteError {
    pub fn build(path: &Path, message: impl std::fmt::Display) -> Self {
        WriteError::Build {
            path: path.display().to_string(),
            message: message.to_string(),
        }
    }
}

/// Writes `bytes` to `path` atomically: into a temporary file in the same
/// folder, flushed and synced, then renamed over `path`. A crash or error
/// leaves either the old file or the new one, never half of one.
///
/// # Errors
/// [`WriteError::Io`] naming the path.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    write_atomic_with(path, |w| w.write_all(bytes))
}

/// As [`write_atomic`], with `fill` writing the contents (buffered) into
/// the temporary file: a large output (model.json of 200,000 budget lines
/// is 250 MB) goes to disk as it is made instead of into memory first.
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("model.json");
/// bilag::write::write_atomic_with(&path, |w| w.write_all(b"{}\n"))?;
/// assert_eq!(std::fs::read(&path)?, b"{}\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`WriteError::Io`] naming the path, also for an error `fill` returns.
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), WriteError> {
    write_atomic_file(path, |w| {
        fill(w).map_err(|source| WriteError::Io {
            path: path.display().to_string(),
            source,
        })
    })
}

/// The temporary file [`write_atomic_file`] fills: buffered, and seekable
/// (a zip writer goes back to finish each entry's header).
pub type AtomicFile = std::io::BufWriter<tempfile::NamedTempFile>;

/// As [`write_atomic_with`], with a seekable file and `fill`'s own errors:
/// budget.xlsx is zipped straight into it. Nothing replaces `path` unless
/// `fill` succeeds; the temporary file is removed otherwise.
///
/// # Errors
/// [`WriteError::Io`] naming the path, or the error `fill` returns.
pub fn write_atomic_file<T>(
    path: &Path,
    fill: impl FnOnce(&mut AtomicFile) -> Result<T, WriteError>,
) -> Result<T, WriteError> {
    let io = |source| WriteError::Io {
        path: path.display().to_string(),
        source,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let tmp = tempfile::Builder::new()
        .prefix(".bilag-tmp-")
        .tempfile_in(dir)
        .map_err(io)?;
    // A temporary file is private (0600); the output is for colleagues on a
    // shared drive: keep the permissions of the file it replaces, else 0644.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let perms = std::fs::metadata(path)
            .map(|m| m.permissions())
            .unwrap_or_else(|_| std::fs::Permissions::from_mode(0o644));
        tmp.as_file().set_permissions(perms).map_err(io)?;
    }
    let mut w = std::io::BufWriter::with_capacity(256 * 1024, tmp);
    let value = fill(&mut w)?;
    let tmp = w.into_inner().map_err(|e| io(e.into_error()))?;
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("model.json");
        write_atomic(&p, b"old").unwrap();
        write_atomic(&p, b"new").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"new");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, vec!["model.json"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
            assert_eq!(
                mode, 0o644,
                "outputs are readable by colleagues, not private temp files"
            );
        }
    }

    #[test]
    fn atomic_write_into_missing_folder_fails_with_the_path() {
        let err = write_atomic(Path::new("/nonexistent/bilag/x.json"), b"x").unwrap_err();
        assert!(
            err.to_string().contains("/nonexistent/bilag/x.json"),
            "{err}"
        );
    }
}

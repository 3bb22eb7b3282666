//! Operating-system errors in Danish. `std::io::Error` displays as "No such
//! file or directory (os error 2)"; a caseworker reads "filen eller mappen
//! findes ikke". Every message bilag prints about a file it could not open,
//! read or write goes through [`danish`].

use std::fmt;
use std::io::{Error, ErrorKind};

/// The Danish reason for an I/O error, without the English text.
///
/// ```
/// use std::io::{Error, ErrorKind};
/// let e = Error::from(ErrorKind::NotFound);
/// assert_eq!(bilag::internal::oserror::danish(&e), "filen eller mappen findes ikke");
/// ```
pub fn danish(e: &Error) -> String {
    let text = match e.kind() {
        ErrorKind::NotFound => "filen eller mappen findes ikke",
        ErrorKind::PermissionDenied => {
            "ingen adgang (filen er skrivebeskyttet, eller du har ikke rettigheder til den)"
        }
        ErrorKind::AlreadyExists => "filen findes allerede",
        ErrorKind::IsADirectory => "det er en mappe, ikke en fil",
        ErrorKind::NotADirectory => "det er en fil, ikke en mappe",
        ErrorKind::DirectoryNotEmpty => "mappen er ikke tom",
        ErrorKind::ReadOnlyFilesystem => "drevet er skrivebeskyttet",
        ErrorKind::StorageFull => "der er ikke mere plads på drevet",
        ErrorKind::QuotaExceeded => "din kvote på drevet er brugt op",
        ErrorKind::FileTooLarge => "filen er for stor",
        ErrorKind::ResourceBusy => "filen er i brug af et andet program",
        ErrorKind::InvalidData => "filens indhold er ugyldigt",
        ErrorKind::InvalidInput | ErrorKind::InvalidFilename => "navnet eller stien er ugyldig",
        ErrorKind::UnexpectedEof => "filen slutter for tidligt (den er afkortet)",
        ErrorKind::Interrupted => "handlingen blev afbrudt",
        ErrorKind::TimedOut => "det tog for lang tid (netværksdrevet svarer ikke)",
        ErrorKind::OutOfMemory => "der er ikke nok hukommelse",
        ErrorKind::CrossesDevices => "filen kan ikke flyttes mellem to drev",
        ErrorKind::StaleNetworkFileHandle => "forbindelsen til netværksdrevet er tabt",
        ErrorKind::WouldBlock => "filen er låst af et andet program",
        ErrorKind::BrokenPipe => "modtageren lukkede forbindelsen",
        ErrorKind::Unsupported => "det understøttes ikke her",
        _ => {
            return match e.raw_os_error() {
                Some(n) => format!("systemfejl {n}"),
                None => "ukendt fejl fra styresystemet".to_string(),
            }
        }
    };
    text.to_string()
}

/// Displays an I/O error in Danish (see [`danish`]), for `format!` and
/// `thiserror` messages.
pub struct Danish<'a>(pub &'a Error);

impl fmt::Display for Danish<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&danish(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_errors_are_danish_and_never_english() {
        let cases = [
            (Error::from(ErrorKind::NotFound), "findes ikke"),
            (Error::from(ErrorKind::PermissionDenied), "ingen adgang"),
            (Error::from(ErrorKind::StorageFull), "ikke mere plads"),
            (Error::from(ErrorKind::IsADirectory), "er en mappe"),
            (Error::from_raw_os_error(2), "findes ikke"),
            (Error::from_raw_os_error(13), "ingen adgang"),
            (Error::from_raw_os_error(28), "ikke mere plads"),
            (Error::from_raw_os_error(21), "er en mappe"),
            (Error::other("boom"), "ukendt fejl"),
        ];
        for (e, want) in cases {
            let d = danish(&e);
            assert!(d.contains(want), "{e}: {d}");
            assert!(!d.contains("os error") && !d.contains("No such"), "{d}");
        }
    }
}

//! Not API: for bilag's own binaries (`bilag`, `bilag-bench`) and
//! integration tests only. Hidden from the documentation; anything here
//! may change or go away in any release.
//!
//! - [`synth`]: synthetic inboxes for the benchmark and scale tests;
//! - [`process`]: process-wide settings the binaries make before any work;
//! - [`oserror`]: operating-system errors in Danish, for the library's
//!   error messages and the command line's.

pub mod oserror;
pub mod process;
pub mod synth;

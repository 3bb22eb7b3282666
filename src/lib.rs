//! bilag reads departmental Excel submissions, normalizes them into one
//! model, reconciles the numbers and writes the committee pack.
//!
//! The pipeline is visible in the modules:
//! [`read`] (workbook → cell grid) → [`normalize`] (grid → [`model`]) →
//! [`reconcile`] (model → [`finding`]s) → [`write`](mod@write) (model → xlsx, docx, json).
//! [`format`](mod@format) is the committee format the steps share, and [`inbox`] runs
//! them over a folder of submissions (intake, archive, ledger, watch).
//!
//! # What is not API
//!
//! The command line lives in the `bilag` binary (`src/cli/`, one file per
//! subcommand), not in this library. The module `internal` is public only
//! because bilag's own binaries and integration tests are separate crates
//! that need it: the generator of synthetic submissions (tests and
//! `bilag-bench`), the process settings the binaries make before any work,
//! and the Danish text for operating-system errors that the command line
//! shares with the library's error messages. It is hidden from the
//! documentation and may change in any release; a library user should not
//! name it.

pub mod finding;
pub mod format;
pub mod inbox;
pub mod model;
pub mod normalize;
pub mod read;
pub mod reconcile;
pub mod write;

#[doc(hidden)]
pub mod internal;

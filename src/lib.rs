//! bilag reads departmental Excel submissions, normalizes them into one
//! model, reconciles the numbers and writes the committee pack.
//!
//! The pipeline is visible in the modules:
//! [`read`] (workbook → cell grid) → [`normalize`] (grid → [`model`]) →
//! [`reconcile`] (model → [`finding`]s) → [`write`] (model → xlsx, docx, json).
//! [`cli`] holds one file per subcommand.

pub mod cli;
pub mod finding;
pub mod format;
pub mod inbox;
pub mod model;
pub mod normalize;
pub mod oserror;
pub mod process;
pub mod read;
pub mod reconcile;
pub mod synth;
pub mod write;

//! Normalizing: cell grid → model. Finds the three parts of a submission by
//! content — metadata, status schemas and budget tables — in any sheet and
//! position, using the committee format's labels.

pub mod danish;
pub mod labels;

//! Reconciling: model → findings, as pure functions.

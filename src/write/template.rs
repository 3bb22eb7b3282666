//! The blank submission template (`bilag template`).

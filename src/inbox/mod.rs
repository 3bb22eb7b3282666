//! Folder intake: listing an inbox, skipping lock and hidden files, atomic
//! output.

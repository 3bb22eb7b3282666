//! Tests that need a tool from outside the crate (LibreOffice, poppler,
//! Python packages, the calamine corpus): with `BILAG_REQUIRE_EXTERNAL=1`
//! (set by `.ci/run`) a missing tool FAILS the test, so CI cannot pass by
//! skipping; a plain local `cargo test` skips with a note.

/// Is every external tool required (CI)?
pub fn required() -> bool {
    std::env::var("BILAG_REQUIRE_EXTERNAL").is_ok_and(|v| v.trim() == "1")
}

/// `present` as given; when false, panics if tools are required, else
/// prints why the test is skipped and returns false.
pub fn available(what: &str, present: bool) -> bool {
    if present {
        return true;
    }
    if required() {
        panic!(
            "{what} is missing and BILAG_REQUIRE_EXTERNAL=1: install it (scripts/install-test-deps.sh)"
        );
    }
    eprintln!("SKIPPED: {what} is missing (set BILAG_REQUIRE_EXTERNAL=1 to make this a failure)");
    false
}

//! `bilag build` publishes its pack like `watch` (issue 14.2, contract §4):
//! staged, swapped in, `pack.json` last naming every file's sha256; stale
//! temporaries of its own removed at start; one bilag at a time on OUT; a
//! pack file that cannot be replaced leaves the previous pack whole; a run
//! killed at any moment never leaves files of two builds.

mod common;

use bilag::inbox::pack::{remove_stale, OutLock};
use common::cli::{bilag, build, command, text};
use common::{fixture, pack_json, sha};
use serde_json::Value;
use std::path::Path;
use std::time::Duration;

/// The pack files in OUT (no hidden files, no pack.json) with their sha256.
fn pack_files(out: &Path) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = std::fs::read_dir(out)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.') && n != "pack.json")
        .map(|n| {
            let b = std::fs::read(out.join(&n)).unwrap();
            (n, sha(&b))
        })
        .collect();
    v.sort();
    v
}

/// pack.json names exactly the pack files in OUT, each with its sha256.
fn assert_manifest_true(out: &Path) -> Value {
    let manifest = pack_json(out);
    let mut named: Vec<(String, String)> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["name"].as_str().unwrap().to_string(),
                f["sha256"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    named.sort();
    let present = pack_files(out);
    assert_eq!(named, present, "pack.json does not describe OUT");
    manifest
}

fn no_leftovers(out: &Path) {
    for e in std::fs::read_dir(out).unwrap() {
        let n = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            !n.starts_with(".bilag") || n == ".bilag.lock",
            "left over: {n}"
        );
    }
}

#[test]
fn build_writes_pack_json_naming_every_file_and_every_input() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("indbakke");
    std::fs::create_dir(&inbox).unwrap();
    for f in ["01-bolig.xlsx", "02-ssp.xlsx"] {
        std::fs::copy(fixture("departments").join(f), inbox.join(f)).unwrap();
    }
    std::fs::copy(
        fixture("departments/02-ssp.xlsx"),
        inbox.join("02-ssp (1).xlsx"),
    )
    .unwrap();
    std::fs::write(
        inbox.join("03-ødelagt.xlsx"),
        b"PK\x03\x04 ikke et regneark",
    )
    .unwrap();
    let out = dir.path().join("pakke");
    let o = bilag(&[
        "build",
        inbox.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let manifest = assert_manifest_true(&out);
    let names: Vec<&str> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    for want in [
        "appendix.docx",
        "budget.xlsx",
        "findings.json",
        "model.json",
    ] {
        assert!(names.contains(&want), "{names:?}");
    }
    let inputs: Vec<(String, String)> = manifest["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["file"].as_str().unwrap().to_string(),
                i["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        inputs,
        [
            ("01-bolig.xlsx".to_string(), "accepted".to_string()),
            ("02-ssp (1).xlsx".to_string(), "duplicate-file".to_string()),
            ("02-ssp.xlsx".to_string(), "accepted".to_string()),
            ("03-ødelagt.xlsx".to_string(), "rejected".to_string()),
        ]
    );
    let ssp = std::fs::read(inbox.join("02-ssp.xlsx")).unwrap();
    assert_eq!(manifest["inputs"][2]["sha256"], sha(&ssp));
    assert_eq!(manifest["inputs"][1]["sha256"], sha(&ssp));
    assert!(!manifest["build"].as_str().unwrap().is_empty());
    no_leftovers(&out);
}

#[test]
fn stale_temporaries_of_a_killed_build_are_removed_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("pakke");
    std::fs::create_dir_all(out.join(".bilag-build-20260101T000000-1")).unwrap();
    std::fs::write(
        out.join(".bilag-build-20260101T000000-1/budget.xlsx"),
        vec![0u8; 1 << 20],
    )
    .unwrap();
    std::fs::write(out.join(".bilag-tmp-abc123"), vec![0u8; 1 << 20]).unwrap();
    std::fs::write(out.join("noter.txt"), b"mine").unwrap();
    let o = build(&fixture("departments"), &out, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    no_leftovers(&out);
    assert_eq!(std::fs::read(out.join("noter.txt")).unwrap(), b"mine");
}

#[test]
fn a_second_bilag_on_the_same_out_is_told_who_holds_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("pakke");
    std::fs::create_dir_all(&out).unwrap();
    let lock = OutLock::acquire(&out, "bilag watch (testen)").unwrap();
    for cmd in ["build", "watch"] {
        let o = bilag(&[
            cmd,
            fixture("departments").to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(2), "{cmd}: {}", text(&o));
        let t = text(&o);
        assert!(t.contains("bruges allerede"), "{t}");
        assert!(t.contains("bilag watch (testen)"), "{t}");
    }
    assert!(pack_files(&out).is_empty(), "nothing written while locked");
    drop(lock);
    let o = build(&fixture("departments"), &out, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}

#[test]
fn a_pack_file_that_cannot_be_replaced_leaves_the_previous_pack_whole() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("pakke");
    let o = build(&fixture("seed"), &out, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let before = pack_files(&out);
    let manifest_before = std::fs::read(out.join("pack.json")).unwrap();
    let held = out.join("budget.xlsx");
    let mut perms = std::fs::metadata(&held).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&held, perms.clone()).unwrap();
    let o = build(&fixture("departments"), &out, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("budget.xlsx"), "{}", text(&o));
    assert_eq!(pack_files(&out), before, "the previous pack is whole");
    assert_eq!(
        std::fs::read(out.join("pack.json")).unwrap(),
        manifest_before
    );
    assert_manifest_true(&out);
    no_leftovers(&out);
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&held, perms).unwrap();
}

#[test]
fn an_interrupted_swap_is_rolled_back_at_the_next_start() {
    // The state a kill -9 between moving the previous files aside and
    // writing pack.json leaves: some new files in OUT, the previous ones in
    // .bilag-old-<id>/, pack.json still the previous build's.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("pakke");
    let o = build(&fixture("seed"), &out, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let previous = pack_files(&out);
    let backup = out.join(".bilag-old-20261205T100000-42");
    std::fs::create_dir(&backup).unwrap();
    std::fs::write(
        backup.join(".new-files"),
        "appendix.docx\nbudget.xlsx\nmodel.json\noversigt.pdf\nfindings.json",
    )
    .unwrap();
    for name in ["appendix.docx", "budget.xlsx"] {
        std::fs::rename(out.join(name), backup.join(name)).unwrap();
        std::fs::write(out.join(name), b"from the interrupted build").unwrap();
    }
    // A file the previous pack did not have (rapport.html is in every pack now).
    std::fs::write(out.join("oversigt.pdf"), b"new in the interrupted build").unwrap();
    remove_stale(&out);
    assert_eq!(pack_files(&out), previous);
    assert_manifest_true(&out);
    no_leftovers(&out);

    // When pack.json already names the new build, the new pack stays.
    let manifest = pack_json(&out);
    let done = out.join(format!(
        ".bilag-old-{}",
        manifest["build"].as_str().unwrap()
    ));
    std::fs::create_dir(&done).unwrap();
    std::fs::write(done.join("budget.xlsx"), b"the build before").unwrap();
    remove_stale(&out);
    assert_eq!(pack_files(&out), previous);
    no_leftovers(&out);
}

#[test]
fn a_build_killed_at_any_moment_never_leaves_files_of_two_builds() {
    // Two different inboxes built in turn into one OUT, each killed after a
    // growing delay; after every kill, pack.json describes OUT exactly (or,
    // if the kill fell into the swap, the next start puts it right).
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("stor");
    bilag::internal::synth::write_inbox(&big, 40, 7, &bilag::format::Format::default_format())
        .unwrap();
    let out = dir.path().join("pakke");
    let o = build(&fixture("seed"), &out, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let mut completed = 0;
    for step in 0..12u64 {
        let inbox = if step % 2 == 0 {
            big.clone()
        } else {
            fixture("departments")
        };
        let mut child = command()
            .args([
                "build",
                inbox.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
                "--quiet",
            ])
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(40 + step * 60));
        let _ = child.kill();
        let status = child.wait().unwrap();
        if status.code().is_some() {
            completed += 1;
        }
        // Until the next start only the swap's microseconds could differ;
        // after it, pack.json is always true.
        remove_stale(&out);
        assert_manifest_true(&out);
        no_leftovers(&out);
    }
    let o = build(&fixture("departments"), &out, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_manifest_true(&out);
    no_leftovers(&out);
    eprintln!("{completed} of 12 builds finished before the kill");
}

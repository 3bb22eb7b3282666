//! `bilag-bench`: synthetic inboxes and the stage-by-stage benchmark.
//!
//! ```text
//! cargo build --release
//! target/release/bilag-bench gen --n 500 --seed 1 --out /tmp/inbox500
//! target/release/bilag-bench gen --huge --out /tmp/inbox-huge
//! target/release/bilag-bench run                      # the README's table
//! target/release/bilag-bench run --sizes 10,100 --no-huge --repeat 1
//! ```
//!
//! `run` generates each inbox once (cached under `--work`), then for each
//! scenario starts a fresh child process (`bilag-bench stages INBOX`) that
//! times read (bytes → grid), normalize (grid → model), reconcile, write
//! xlsx, write docx and write json, and reads its own peak memory (VmHWM in
//! /proc/self/status, reset between stages through /proc/self/clear_refs).
//! It also times the real release binary end to end — `bilag build` and
//! `bilag check` — with the child's peak RSS and CPU time from wait4(2)
//! (this launcher stays a few MB: a forked child's peak starts from it). The
//! result is a markdown table on stdout (and in `--report FILE`).

use bilag::finding::{sort_findings, Code, Finding};
use bilag::format::Format;
use bilag::inbox::pack::{
    write_budget, write_json, write_report, APPENDIX_DOCX, FINDINGS_JSON, MODEL_JSON,
};
use bilag::inbox::{file_name, list_inbox, sha256_hex, Outcome};
use bilag::internal::synth;
use bilag::normalize::normalize_workbook;
use bilag::read::{read_workbook_bytes, Limits, Workbook};
use bilag::reconcile::reconcile;
use bilag::write::{docx, write_atomic};
use clap::{Parser, Subcommand};

/// The allocator the `bilag` binary uses (see src/main.rs), so the stage
/// figures are the ones a build sees.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

/// Synthetic inboxes and the benchmark of bilag's pipeline.
#[derive(Debug, Parser)]
#[command(name = "bilag-bench", version, about, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Write a synthetic inbox: N submissions in varied layouts, or the huge workbook.
    Gen {
        /// Number of submissions.
        #[arg(long, default_value_t = 100)]
        n: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Write the single huge workbook instead.
        #[arg(long)]
        huge: bool,
        /// Budget lines in the huge workbook.
        #[arg(long, default_value_t = synth::HUGE_LINES)]
        lines: usize,
        #[arg(long)]
        out: PathBuf,
    },
    /// Run every scenario and print the markdown table.
    Run {
        /// Inbox sizes (number of submissions).
        #[arg(long, value_delimiter = ',', default_value = "10,100,500,1000,5000")]
        sizes: Vec<usize>,
        /// Budget lines in the huge workbook.
        #[arg(long, default_value_t = synth::HUGE_LINES)]
        huge_lines: usize,
        /// Leave out the huge workbook.
        #[arg(long)]
        no_huge: bool,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Runs per scenario; the median run is reported, the highest peak memory.
        #[arg(long, default_value_t = 3)]
        repeat: usize,
        /// Folder for the generated inboxes (kept between runs) and outputs.
        #[arg(long, default_value = "/tmp/bilag-bench")]
        work: PathBuf,
        /// The bilag binary to time end to end (default: next to this one).
        #[arg(long)]
        bilag: Option<PathBuf>,
        /// Also write the table to this file.
        #[arg(long)]
        report: Option<PathBuf>,
    },
    /// One scenario in this process (used by `run`): prints one JSON line.
    Stages {
        inbox: PathBuf,
        /// Folder for the outputs (default: a temporary folder).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    // As the bilag binary, so the stage figures are made the same way.
    bilag::internal::process::no_transparent_huge_pages();
    let result = match Cli::parse().command {
        Cmd::Gen {
            n,
            seed,
            huge,
            lines,
            out,
        } => gen(n, seed, huge, lines, &out).map(|s| eprintln!("{s}")),
        Cmd::Run {
            sizes,
            huge_lines,
            no_huge,
            seed,
            repeat,
            work,
            bilag,
            report,
        } => run(RunArgs {
            sizes,
            huge_lines: (!no_huge).then_some(huge_lines),
            seed,
            repeat: repeat.max(1),
            work,
            bilag,
            report,
        }),
        Cmd::Stages { inbox, out } => stages(&inbox, out.as_deref()).map(|r| {
            println!("{}", serde_json::to_string(&r).expect("json"));
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bilag-bench: {e}");
            ExitCode::from(2)
        }
    }
}

type Res<T> = Result<T, String>;

fn gen(n: usize, seed: u64, huge: bool, lines: usize, out: &Path) -> Res<String> {
    let format = Format::default_format();
    let t = Instant::now();
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    if huge {
        let g = synth::generate_huge(seed, lines, &format).map_err(|e| e.to_string())?;
        let path = out.join(&g.expect.file);
        std::fs::write(&path, &g.bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        return Ok(format!(
            "wrote {} ({} budget lines, {} status schemas, {:.1} MB) in {:.1} s",
            path.display(),
            g.expect.budget_lines,
            g.expect.initiatives,
            g.bytes.len() as f64 / 1e6,
            t.elapsed().as_secs_f64()
        ));
    }
    let expects = synth::write_inbox(out, n, seed, &format).map_err(|e| e.to_string())?;
    let bytes: u64 = expects
        .iter()
        .filter_map(|e| std::fs::metadata(out.join(&e.file)).ok())
        .map(|m| m.len())
        .sum();
    let count = |l: synth::Layout| expects.iter().filter(|e| e.layout == l).count();
    Ok(format!(
        "wrote {n} submissions to {} ({:.1} KB each on average; layouts: {} template, {} blocks, {} tabular, {} one-sheet; {} schemas, {} budget lines; planted: {} wrong totals, {} duplicate titles) in {:.1} s",
        out.display(),
        bytes as f64 / n.max(1) as f64 / 1024.0,
        count(synth::Layout::Template),
        count(synth::Layout::Blocks),
        count(synth::Layout::Tabular),
        count(synth::Layout::OneSheet),
        expects.iter().map(|e| e.initiatives).sum::<usize>(),
        expects.iter().map(|e| e.budget_lines).sum::<usize>(),
        expects.iter().filter(|e| e.planted_total_error).count(),
        expects.iter().filter(|e| e.duplicate_title).count(),
        t.elapsed().as_secs_f64()
    ))
}

// ---------------------------------------------------------------------------
// One scenario, in this process.

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Stage {
    name: String,
    secs: f64,
    /// Peak resident memory during the stage (KB); the whole run's peak when
    /// the kernel does not let us reset it.
    peak_kb: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct StagesReport {
    files: usize,
    accepted: usize,
    initiatives: usize,
    budget_lines: usize,
    findings: usize,
    errors: usize,
    stages: Vec<Stage>,
    total_secs: f64,
    peak_kb: u64,
    /// Whether per-stage peaks are per stage (clear_refs worked).
    peak_per_stage: bool,
}

fn vm_hwm_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// Resets the peak-RSS counter to the current RSS (Linux ≥ 4.0).
fn reset_hwm() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

struct Timer {
    stages: Vec<Stage>,
    resettable: bool,
}

impl Timer {
    fn stage<T>(&mut self, name: &str, f: impl FnOnce() -> T) -> T {
        if self.resettable {
            self.resettable = reset_hwm();
        }
        let t = Instant::now();
        let out = f();
        self.stages.push(Stage {
            name: name.to_string(),
            secs: t.elapsed().as_secs_f64(),
            peak_kb: vm_hwm_kb(),
        });
        out
    }
}

fn stages(inbox: &Path, out: Option<&Path>) -> Res<StagesReport> {
    let format = Format::default_format();
    let limits = Limits::default();
    let tmp;
    let out = match out {
        Some(o) => o.to_path_buf(),
        None => {
            tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
            tmp.path().to_path_buf()
        }
    };
    std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    let mut t = Timer {
        stages: Vec::new(),
        resettable: true,
    };
    let start = Instant::now();

    // read: list the folder, read every file's bytes and turn them into grids.
    type Read = (String, String, Result<Workbook, String>);
    let grids: Vec<Read> = t.stage("read", || {
        let listing = list_inbox(inbox).map_err(|e| e.to_string())?;
        Ok::<_, String>(
            listing
                .files
                .par_iter()
                .map(|p| {
                    let name = file_name(p);
                    match std::fs::read(p) {
                        Ok(bytes) => {
                            let sha = sha256_hex(&bytes);
                            let wb =
                                read_workbook_bytes(&bytes, &limits).map_err(|e| e.to_string());
                            (name, sha, wb)
                        }
                        Err(e) => (name, String::new(), Err(e.to_string())),
                    }
                })
                .collect(),
        )
    })?;
    let files = grids.len();

    // normalize: grids → one model (as inbox::load_files assembles it).
    let mut loaded = t.stage("normalize", || {
        let outcomes: Vec<(String, Result<_, String>)> = grids
            .into_par_iter()
            .map(|(name, sha, wb)| {
                let r = wb.map(|wb| normalize_workbook(&wb, &name, &sha, &format));
                (name, r)
            })
            .collect();
        // The pipeline's own assembly (versions, roster), not a copy of it.
        let outcomes: Vec<(String, Outcome)> = outcomes
            .into_iter()
            .map(|(name, r)| {
                let outcome = match r {
                    Ok((sub, findings)) => {
                        match findings.iter().find(|f| f.code == Code::FileRejected) {
                            Some(f) => Outcome::Rejected(f.clone()),
                            None => Outcome::Accepted(Box::new(sub), findings),
                        }
                    }
                    Err(e) => Outcome::Rejected(Finding::new(Code::FileRejected, &name, e)),
                };
                (name, outcome)
            })
            .collect();
        bilag::inbox::assemble(&format, outcomes)
    });

    t.stage("reconcile", || {
        loaded.findings.extend(reconcile(&loaded.model, &format));
        sort_findings(&mut loaded.findings);
    });

    // write xlsx: the pack's own writer (twice when writing itself adds
    // findings).
    let all = t.stage("write xlsx", || {
        write_budget(&out, &loaded.model, loaded.findings.clone(), &format)
            .map(|(all, _)| all)
            .map_err(|e| e.to_string())
    })?;

    t.stage("write docx", || {
        let bytes = docx::appendix_bytes(&loaded.model, &format).map_err(|e| e.to_string())?;
        write_atomic(&out.join(APPENDIX_DOCX), &bytes).map_err(|e| e.to_string())
    })?;

    t.stage("write json", || {
        write_json(&out.join(MODEL_JSON), &loaded.model).map_err(|e| e.to_string())?;
        write_json(&out.join(FINDINGS_JSON), &all).map_err(|e| e.to_string())
    })?;

    // write html: rapport.html, as the pack writes it.
    t.stage("write html", || {
        let build = bilag::write::report::BuildInfo {
            id: "bench".into(),
            time: chrono::Local::now().to_rfc3339(),
            watch: false,
            pdf: false,
        };
        write_report(&out, &loaded.model, &all, &format, &build).map_err(|e| e.to_string())
    })?;

    let total_secs = start.elapsed().as_secs_f64();
    let subs = &loaded.model.submissions;
    Ok(StagesReport {
        files,
        accepted: loaded.accepted.len(),
        initiatives: subs.iter().map(|s| s.initiatives.len()).sum(),
        budget_lines: subs.iter().map(|s| s.budget_lines.len()).sum(),
        findings: all.len(),
        errors: bilag::finding::count_by_severity(&all).0,
        peak_kb: t.stages.iter().map(|s| s.peak_kb).max().unwrap_or(0),
        peak_per_stage: t.resettable,
        stages: t.stages,
        total_secs,
    })
}

// ---------------------------------------------------------------------------
// Child processes with their peak memory.

struct Measured {
    secs: f64,
    /// User + system CPU time of the child.
    cpu_secs: f64,
    peak_kb: u64,
    code: i32,
    stdout: Vec<u8>,
}

/// Runs a command to the end; wall time and the child's peak RSS (wait4).
fn measure(cmd: &mut Command) -> Res<Measured> {
    use std::io::Read;
    let t = Instant::now();
    let mut child = cmd
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{cmd:?}: {e}"))?;
    let mut stdout = Vec::new();
    if let Some(mut s) = child.stdout.take() {
        s.read_to_end(&mut stdout).map_err(|e| e.to_string())?;
    }
    let (code, peak_kb, cpu_secs) = wait_rusage(&mut child)?;
    Ok(Measured {
        secs: t.elapsed().as_secs_f64(),
        cpu_secs,
        peak_kb,
        code,
        stdout,
    })
}

#[cfg(unix)]
fn wait_rusage(child: &mut std::process::Child) -> Res<(i32, u64, f64)> {
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain old data; wait4 fills it for our own child.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut ru) };
    if r != pid {
        return Err(format!("wait4: {}", std::io::Error::last_os_error()));
    }
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    let cpu = tv(ru.ru_utime) + tv(ru.ru_stime);
    Ok((code, ru.ru_maxrss.max(0) as u64, cpu))
}

#[cfg(not(unix))]
fn wait_rusage(child: &mut std::process::Child) -> Res<(i32, u64, f64)> {
    let s = child.wait().map_err(|e| e.to_string())?;
    Ok((s.code().unwrap_or(-1), 0, 0.0))
}

// ---------------------------------------------------------------------------
// The benchmark.

struct RunArgs {
    sizes: Vec<usize>,
    huge_lines: Option<usize>,
    seed: u64,
    repeat: usize,
    work: PathBuf,
    bilag: Option<PathBuf>,
    report: Option<PathBuf>,
}

struct Scenario {
    label: String,
    inbox: PathBuf,
    n: usize,
}

struct Row {
    label: String,
    n: usize,
    stages: StagesReport,
    build: Measured,
    check: Measured,
}

/// Generates an inbox unless a finished one is already there.
fn ensure_inbox(dir: &Path, stamp: &str, make: impl FnOnce() -> Res<String>) -> Res<()> {
    let stamp_file = dir.join(".bilag-bench-stamp");
    if std::fs::read_to_string(&stamp_file).ok().as_deref() == Some(stamp) {
        return Ok(());
    }
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    eprintln!("{}", make()?);
    std::fs::write(&stamp_file, stamp).map_err(|e| e.to_string())
}

/// Generates in a child process: this process stays small, and a child's
/// peak memory (wait4) starts from the size of the process that forked it.
fn gen_child(me: &Path, n: usize, seed: u64, huge: Option<usize>, dir: &Path) -> Res<String> {
    let mut cmd = Command::new(me);
    cmd.arg("gen")
        .arg("--n")
        .arg(n.to_string())
        .arg("--seed")
        .arg(seed.to_string())
        .arg("--out")
        .arg(dir);
    if let Some(lines) = huge {
        cmd.arg("--huge").arg("--lines").arg(lines.to_string());
    }
    let out = cmd.output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    Ok(String::from_utf8_lossy(&out.stderr).trim().to_string())
}

fn median_by<T>(mut v: Vec<T>, key: impl Fn(&T) -> f64) -> T {
    v.sort_by(|a, b| key(a).total_cmp(&key(b)));
    let mid = v.len() / 2;
    v.swap_remove(mid)
}

fn run(a: RunArgs) -> Res<()> {
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let bilag = a
        .bilag
        .clone()
        .unwrap_or_else(|| me.with_file_name(format!("bilag{}", std::env::consts::EXE_SUFFIX)));
    if !bilag.is_file() {
        return Err(format!(
            "{} not found: build it with `cargo build --release` or pass --bilag",
            bilag.display()
        ));
    }
    std::fs::create_dir_all(&a.work).map_err(|e| e.to_string())?;
    let version = env!("CARGO_PKG_VERSION");
    let mut scenarios = Vec::new();
    for &n in &a.sizes {
        let dir = a.work.join(format!("inbox-{n}-seed{}", a.seed));
        let stamp = format!("v{version} n={n} seed={}", a.seed);
        ensure_inbox(&dir, &stamp, || gen_child(&me, n, a.seed, None, &dir))?;
        scenarios.push(Scenario {
            label: format!("{n} submissions"),
            inbox: dir,
            n,
        });
    }
    if let Some(lines) = a.huge_lines {
        let dir = a.work.join(format!("inbox-huge-{lines}-seed{}", a.seed));
        let stamp = format!("v{version} huge lines={lines} seed={}", a.seed);
        ensure_inbox(&dir, &stamp, || {
            gen_child(&me, 1, a.seed, Some(lines), &dir)
        })?;
        scenarios.push(Scenario {
            label: format!("1 workbook, {lines} lines"),
            inbox: dir,
            n: 1,
        });
    }

    let mut rows = Vec::new();
    for s in scenarios {
        eprintln!("bench: {} …", s.label);
        let out = a.work.join("out");
        let mut runs = Vec::new();
        let mut builds = Vec::new();
        let mut checks = Vec::new();
        for _ in 0..a.repeat {
            let m = measure(
                Command::new(&me)
                    .arg("stages")
                    .arg(&s.inbox)
                    .arg("--out")
                    .arg(out.join("stages")),
            )?;
            if m.code != 0 {
                return Err(format!("stages {} failed ({})", s.inbox.display(), m.code));
            }
            let r: StagesReport =
                serde_json::from_slice(&m.stdout).map_err(|e| format!("stages output: {e}"))?;
            runs.push(r);
            let b = measure(
                Command::new(&bilag)
                    .arg("build")
                    .arg(&s.inbox)
                    .arg("--out")
                    .arg(out.join("build"))
                    .arg("--quiet")
                    .stderr(Stdio::null()),
            )?;
            if b.code > 1 {
                return Err(format!(
                    "bilag build {} failed ({})",
                    s.inbox.display(),
                    b.code
                ));
            }
            builds.push(b);
            let c = measure(
                Command::new(&bilag)
                    .arg("check")
                    .arg(&s.inbox)
                    .stderr(Stdio::null()),
            )?;
            checks.push(c);
        }
        let peak = runs.iter().map(|r| r.peak_kb).max().unwrap_or(0);
        let build_peak = builds.iter().map(|b| b.peak_kb).max().unwrap_or(0);
        let check_peak = checks.iter().map(|b| b.peak_kb).max().unwrap_or(0);
        let mut stages = median_by(runs, |r| r.total_secs);
        stages.peak_kb = peak;
        let mut build = median_by(builds, |b| b.secs);
        build.peak_kb = build_peak;
        let mut check = median_by(checks, |b| b.secs);
        check.peak_kb = check_peak;
        eprintln!(
            "bench: {}: stages {:.3} s, build {:.3} s / {} MB, check {:.3} s",
            s.label,
            stages.total_secs,
            build.secs,
            build.peak_kb / 1024,
            check.secs
        );
        rows.push(Row {
            label: s.label,
            n: s.n,
            stages,
            build,
            check,
        });
    }
    let table = render(&rows, &a);
    print!("{table}");
    if let Some(p) = &a.report {
        std::fs::write(p, &table).map_err(|e| format!("{}: {e}", p.display()))?;
    }
    Ok(())
}

fn secs(s: f64) -> String {
    if s < 1.0 {
        format!("{:.0} ms", s * 1000.0)
    } else {
        format!("{s:.2} s")
    }
}

fn mb(kb: u64) -> String {
    format!("{} MB", (kb + 512) / 1024)
}

fn render(rows: &[Row], a: &RunArgs) -> String {
    use std::fmt::Write;
    let mut t = String::new();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let _ = writeln!(
        t,
        "bilag {} · {cpus} cores · seed {} · median of {} runs (peak memory: highest) · load average before: {}\n",
        env!("CARGO_PKG_VERSION"),
        a.seed,
        a.repeat,
        load.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
    );
    let names: Vec<String> = rows
        .first()
        .map(|r| r.stages.stages.iter().map(|s| s.name.clone()).collect())
        .unwrap_or_default();
    let _ = writeln!(t, "Stage by stage (one process per scenario, wall time):\n");
    let _ = write!(t, "| scenario |");
    for n in &names {
        let _ = write!(t, " {n} |");
    }
    let _ = writeln!(t, " all stages | per submission | peak memory |");
    let _ = write!(t, "|---|");
    for _ in &names {
        let _ = write!(t, "---:|");
    }
    let _ = writeln!(t, "---:|---:|---:|");
    for r in rows {
        let _ = write!(t, "| {} |", r.label);
        for n in &names {
            let s = r.stages.stages.iter().find(|s| &s.name == n);
            let cell = match s {
                Some(s) => secs(s.secs),
                None => "–".to_string(),
            };
            let _ = write!(t, " {cell} |");
        }
        let _ = writeln!(
            t,
            " {} | {} | {} |",
            secs(r.stages.total_secs),
            per_sub(r.stages.total_secs, r.n),
            mb(r.stages.peak_kb)
        );
    }
    let _ = writeln!(
        t,
        "\nPeak memory per stage{}:\n",
        if rows.iter().all(|r| r.stages.peak_per_stage) {
            ""
        } else {
            " (cumulative: this kernel does not reset VmHWM)"
        }
    );
    let _ = write!(t, "| scenario |");
    for n in &names {
        let _ = write!(t, " {n} |");
    }
    let _ = writeln!(t);
    let _ = write!(t, "|---|");
    for _ in &names {
        let _ = write!(t, "---:|");
    }
    let _ = writeln!(t);
    for r in rows {
        let _ = write!(t, "| {} |", r.label);
        for s in &r.stages.stages {
            let _ = write!(t, " {} |", mb(s.peak_kb));
        }
        let _ = writeln!(t);
    }

    let _ = writeln!(
        t,
        "\nEnd to end with the release binary (`bilag build INBOX --out OUT`, `bilag check INBOX`):\n"
    );
    let _ = writeln!(
        t,
        "| scenario | files | schemas | budget lines | findings | build | build CPU | per submission | build peak memory | check | check CPU | check peak memory |"
    );
    let _ = writeln!(
        t,
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    for r in rows {
        let _ = writeln!(
            t,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            r.label,
            r.stages.files,
            r.stages.initiatives,
            r.stages.budget_lines,
            r.stages.findings,
            secs(r.build.secs),
            secs(r.build.cpu_secs),
            per_sub(r.build.secs, r.n),
            mb(r.build.peak_kb),
            secs(r.check.secs),
            secs(r.check.cpu_secs),
            mb(r.check.peak_kb)
        );
    }

    // The issue's targets, where the scenarios allow checking them.
    let find = |n: usize| {
        rows.iter()
            .find(|r| r.n == n && !r.label.contains("workbook"))
    };
    let mut targets: Vec<(String, String, bool)> = Vec::new();
    if let Some(r) = find(500) {
        targets.push((
            "build, 500 submissions ≤ 0,8 s".into(),
            secs(r.build.secs),
            r.build.secs <= 0.8,
        ));
        targets.push((
            "check, 500 submissions ≤ 0,4 s".into(),
            secs(r.check.secs),
            r.check.secs <= 0.4,
        ));
    }
    if let Some(r) = find(5000) {
        targets.push((
            "build, 5,000 submissions ≤ 8 s, ≤ 500 MB".into(),
            format!("{}, {}", secs(r.build.secs), mb(r.build.peak_kb)),
            r.build.secs <= 8.0 && r.build.peak_kb <= 500 * 1024,
        ));
    }
    if let Some(r) = rows.iter().find(|r| r.label.contains("workbook")) {
        targets.push((
            "one workbook, 200,000 lines ≤ 5 s, ≤ 600 MB".into(),
            format!("{}, {}", secs(r.build.secs), mb(r.build.peak_kb)),
            r.build.secs <= 5.0 && r.build.peak_kb <= 600 * 1024,
        ));
    }
    for (small, big) in [(100, 1000), (500, 5000)] {
        if let (Some(s), Some(b)) = (find(small), find(big)) {
            let ratio = b.build.secs / s.build.secs;
            targets.push((
                format!("linear: build {big} / build {small} ≤ 11×"),
                format!("{ratio:.1}×"),
                ratio <= 11.0,
            ));
        }
    }
    if !targets.is_empty() {
        let _ = writeln!(t, "\nTargets (issue 8):\n");
        let _ = writeln!(t, "| target | measured | met |");
        let _ = writeln!(t, "|---|---:|:---:|");
        for (what, got, ok) in targets {
            let _ = writeln!(t, "| {what} | {got} | {} |", if ok { "yes" } else { "NO" });
        }
    }
    t
}

fn per_sub(total: f64, n: usize) -> String {
    let per = total / n.max(1) as f64;
    if per < 0.001 {
        format!("{:.0} µs", per * 1e6)
    } else {
        secs(per)
    }
}

//! The `bilag` binary: parse the arguments, run the command, map the result
//! to an exit status. Everything else lives in the library.

use clap::Parser;

fn main() -> std::process::ExitCode {
    bilag::read::install_panic_hook();
    bilag::cli::run(bilag::cli::Cli::parse())
}

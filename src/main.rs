//! The `bilag` binary: parse the arguments, run the command, map the result
//! to an exit status. The command line ([`cli`], one file per subcommand) is
//! the binary's own; reading, reconciling and writing live in the library.

mod cli;

/// mimalloc instead of the system allocator: the model of a large inbox is
/// millions of small allocations made from several threads while the
/// workbook grids are freed; glibc's arenas kept the freed space (peak
/// memory), mimalloc returns it and allocates faster.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    bilag::internal::process::no_transparent_huge_pages();
    bilag::read::install_panic_hook();
    cli::run(cli::Cli::parse_danish())
}

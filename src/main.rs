//! The `soundings` binary: parse the command line, then hand over to the library.

use std::process::ExitCode;

/// jemalloc rather than glibc's allocator: a page is many small allocations, and glibc's took a
/// third of a first view's time. With jemalloc the load bench served section pages 1.5–2 times
/// as fast and submissions about 15% faster, with peak memory still under 200 MB (mimalloc
/// gained less and kept too much memory; README, "Performance").
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[tokio::main]
async fn main() -> ExitCode {
    soundings::cli::run().await
}

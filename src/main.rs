//! The `apery` command line. Parsing and printing live here; the work is done by the library.

mod cli;

fn main() {
    // Like other Unix tools, end quietly when the reader of our output goes away (`apery query | head`).
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    if let Err(e) = cli::run() {
        eprintln!("error: {e:#}");
        std::process::exit(2);
    }
}

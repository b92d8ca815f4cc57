//! The `apery` command line. Parsing and printing live here; the work is done by the library.

mod cli;

fn main() -> std::process::ExitCode {
    // Like other Unix tools, end quietly when the reader of our output goes away (`apery query | head`).
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    // GMP's fast loops on Intel CPUs newer than its dispatch table, before any thread starts;
    // APERY_GMP_GENERIC=1 keeps GMP's own choice (for comparing the two: the results are equal).
    if std::env::var_os("APERY_GMP_GENERIC").is_none() {
        apery::gmp_cpu::select();
    }
    match cli::run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::from(2)
        }
    }
}

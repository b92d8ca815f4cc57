//! The `apery` command line. Parsing and printing live here; the work is done by the library.

mod cli;

fn main() {
    if let Err(e) = cli::run() {
        eprintln!("error: {e:#}");
        std::process::exit(2);
    }
}

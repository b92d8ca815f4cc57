//! Set-up shared by the benchmarks.

/// GMP's inner loops as the `apery` binary selects them at start-up ([`apery::gmp_cpu::select`]);
/// `APERY_GMP_GENERIC=1` keeps GMP's own choice, to compare the two.
pub fn gmp_loops() {
    if std::env::var_os("APERY_GMP_GENERIC").is_none() {
        apery::gmp_cpu::select();
    }
}

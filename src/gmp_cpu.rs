//! GMP's CPU-specific inner loops on Intel processors its dispatch table does not know.
//!
//! `gmp-mpfr-sys` builds GMP 6.3 as a "fat" library: every `mpn` inner loop (`addmul_1`,
//! `mul_basecase`, `sqr_basecase`, …) is compiled once per CPU family, and `__gmpn_cpuvec_init`
//! fills a table of function pointers (`struct cpuvec_t` in `gmp-impl.h`) from the CPUID
//! family/model. Its list of Intel models ends with Kaby Lake: any later Intel core (Ice Lake,
//! Sapphire/Emerald Rapids, …) falls through to the generic x86-64 loops, which are 1.1–2.2× slower
//! than the Broadwell/Skylake loops the same library contains (those need only BMI2 `mulx` and ADX
//! `adcx`/`adox`, which every later Intel core has).
//!
//! [`select`] completes GMP's own decision the way GMP makes it for Skylake: when, and only when,
//!
//! * the library is GMP 6.3 (the table layout below is that of 6.3's `gmp-impl.h`),
//! * GMP's initialisation chose the generic x86-64 loops (checked entry by entry against the
//!   generic functions' addresses and thresholds, which also checks the table layout), and
//! * the CPU is a GenuineIntel with BMI2 and ADX,
//!
//! it installs the entries of GMP's Skylake configuration (`CPUVEC_SETUP_core2`, `…_coreinhm`,
//! `…_coreisbr`, `…_coreihwl`, `…_coreibwl`, `…_skylake`, applied in that order). These are GMP's own
//! tested loops; every result is the same integer whichever loops run, only faster. In every other
//! case nothing is changed.
//!
//! It must run before any other thread uses GMP (the table is read without locks).

use std::sync::OnceLock;

/// What [`select`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GmpLoops {
    /// GMP's own choice was kept (a CPU it knows, not an Intel CPU, no BMI2/ADX, or not GMP 6.3).
    Kept,
    /// GMP had chosen the generic x86-64 loops; its Skylake loops were installed.
    Skylake,
}

static CHOICE: OnceLock<GmpLoops> = OnceLock::new();

/// Installs GMP's Skylake loops where GMP fell back to its generic ones (see the module doc); runs
/// once per process, later calls return the first answer. Call it at the start of `main`, before
/// any thread starts.
pub fn select() -> GmpLoops {
    *CHOICE.get_or_init(select_once)
}

/// What [`select`] decided, if it has run.
pub fn selected() -> Option<GmpLoops> {
    CHOICE.get().copied()
}

#[cfg(not(all(target_arch = "x86_64", not(target_os = "windows"))))]
fn select_once() -> GmpLoops {
    GmpLoops::Kept
}

#[cfg(all(target_arch = "x86_64", not(target_os = "windows")))]
fn select_once() -> GmpLoops {
    // SAFETY: see `skylake::install`; called once, guarded by the OnceLock, before other threads.
    unsafe { skylake::install() }
}

#[cfg(all(target_arch = "x86_64", not(target_os = "windows")))]
mod skylake {
    use super::GmpLoops;
    use std::ffi::c_int;

    /// Number of function pointers in GMP 6.3's `struct cpuvec_t`.
    const FNS: usize = 37;

    /// GMP 6.3's `struct cpuvec_t`: 37 function pointers, then five `mp_size_t` thresholds.
    #[repr(C)]
    struct CpuVec {
        fns: [usize; FNS],
        thresholds: [isize; 5],
    }

    // Field indices of `struct cpuvec_t` (gmp-impl.h, GMP 6.3).
    const ADD_N: usize = 0;
    const ADDLSH1_N: usize = 1;
    const ADDLSH2_N: usize = 2;
    const ADDMUL_1: usize = 3;
    const ADDMUL_2: usize = 4;
    const CND_ADD_N: usize = 6;
    const CND_SUB_N: usize = 7;
    const COM: usize = 8;
    const COPYD: usize = 9;
    const COPYI: usize = 10;
    const DIVREM_1: usize = 12;
    const GCD_11: usize = 13;
    const LSHIFT: usize = 14;
    const LSHIFTC: usize = 15;
    const MUL_1: usize = 25;
    const MUL_BASECASE: usize = 26;
    const MULLO_BASECASE: usize = 27;
    const PREINV_DIVREM_1: usize = 28;
    const REDC_1: usize = 30;
    const RSHIFT: usize = 32;
    const SQR_BASECASE: usize = 33;
    const SUB_N: usize = 34;
    const SUBLSH1_N: usize = 35;
    const SUBMUL_1: usize = 36;

    extern "C" {
        static mut __gmpn_cpuvec: CpuVec;
        static __gmpn_cpuvec_initialized: c_int;
        fn __gmpn_cpuvec_init();

        // The generic loops GMP picks for an unknown CPU (`CPUVEC_SETUP_x86_64`).
        fn __gmpn_add_n_x86_64();
        fn __gmpn_addmul_1_x86_64();
        fn __gmpn_mul_1_x86_64();
        fn __gmpn_sub_n_x86_64();
        fn __gmpn_submul_1_x86_64();
        fn __gmpn_lshift_x86_64();
        fn __gmpn_rshift_x86_64();
        fn __gmpn_gcd_11_x86_64();

        // GMP's Skylake configuration, by the family that provides each final entry.
        fn __gmpn_com_core2();
        fn __gmpn_copyd_core2();
        fn __gmpn_copyi_core2();
        fn __gmpn_preinv_divrem_1_core2();
        fn __gmpn_sublsh1_n_core2();
        fn __gmpn_addlsh1_n_coreisbr();
        fn __gmpn_addlsh2_n_coreisbr();
        fn __gmpn_cnd_add_n_coreisbr();
        fn __gmpn_cnd_sub_n_coreisbr();
        fn __gmpn_divrem_1_coreisbr();
        fn __gmpn_gcd_11_coreisbr();
        fn __gmpn_lshift_coreisbr();
        fn __gmpn_lshiftc_coreisbr();
        fn __gmpn_rshift_coreisbr();
        fn __gmpn_add_n_coreihwl();
        fn __gmpn_addmul_2_coreihwl();
        fn __gmpn_redc_1_coreihwl();
        fn __gmpn_sub_n_coreihwl();
        fn __gmpn_submul_1_coreihwl();
        fn __gmpn_addmul_1_coreibwl();
        fn __gmpn_mul_1_coreibwl();
        fn __gmpn_mul_basecase_coreibwl();
        fn __gmpn_mullo_basecase_coreibwl();
        fn __gmpn_sqr_basecase_coreibwl();
    }

    /// The thresholds GMP installs for an unknown CPU (`CPUVEC_SETUP_x86_64`, then
    /// `CPUVEC_SETUP_fat`): toom22, toom33, sqr toom2, sqr toom3, bmod_1.
    const GENERIC_THRESHOLDS: [isize; 5] = [20, 130, 30, 200, 20];
    /// The thresholds of `CPUVEC_SETUP_skylake`.
    const SKYLAKE_THRESHOLDS: [isize; 5] = [26, 73, 32, 117, 20];

    fn is_intel() -> bool {
        // CPUID leaf 0 exists on every x86-64 processor.
        let r = std::arch::x86_64::__cpuid(0);
        let mut v = Vec::with_capacity(12);
        for w in [r.ebx, r.edx, r.ecx] {
            v.extend_from_slice(&w.to_le_bytes());
        }
        v == b"GenuineIntel"
    }

    /// # Safety
    /// Must run before any other thread uses GMP; writes GMP's dispatch table.
    pub(super) unsafe fn install() -> GmpLoops {
        let version = (gmp_mpfr_sys::gmp::VERSION, gmp_mpfr_sys::gmp::VERSION_MINOR);
        if version != (6, 3)
            || !is_intel()
            || !std::arch::is_x86_feature_detected!("bmi2")
            || !std::arch::is_x86_feature_detected!("adx")
        {
            return GmpLoops::Kept;
        }
        if std::ptr::addr_of!(__gmpn_cpuvec_initialized).read() == 0 {
            __gmpn_cpuvec_init();
        }
        let table = std::ptr::addr_of_mut!(__gmpn_cpuvec);
        let current = table.read();
        let generic: [(usize, unsafe extern "C" fn()); 8] = [
            (ADD_N, __gmpn_add_n_x86_64),
            (ADDMUL_1, __gmpn_addmul_1_x86_64),
            (MUL_1, __gmpn_mul_1_x86_64),
            (SUB_N, __gmpn_sub_n_x86_64),
            (SUBMUL_1, __gmpn_submul_1_x86_64),
            (LSHIFT, __gmpn_lshift_x86_64),
            (RSHIFT, __gmpn_rshift_x86_64),
            (GCD_11, __gmpn_gcd_11_x86_64),
        ];
        let chose_generic = current.thresholds == GENERIC_THRESHOLDS
            && generic.iter().all(|&(i, f)| current.fns[i] == f as usize);
        if !chose_generic {
            return GmpLoops::Kept;
        }
        let skylake: [(usize, unsafe extern "C" fn()); 24] = [
            (COM, __gmpn_com_core2),
            (COPYD, __gmpn_copyd_core2),
            (COPYI, __gmpn_copyi_core2),
            (PREINV_DIVREM_1, __gmpn_preinv_divrem_1_core2),
            (SUBLSH1_N, __gmpn_sublsh1_n_core2),
            (ADDLSH1_N, __gmpn_addlsh1_n_coreisbr),
            (ADDLSH2_N, __gmpn_addlsh2_n_coreisbr),
            (CND_ADD_N, __gmpn_cnd_add_n_coreisbr),
            (CND_SUB_N, __gmpn_cnd_sub_n_coreisbr),
            (DIVREM_1, __gmpn_divrem_1_coreisbr),
            (GCD_11, __gmpn_gcd_11_coreisbr),
            (LSHIFT, __gmpn_lshift_coreisbr),
            (LSHIFTC, __gmpn_lshiftc_coreisbr),
            (RSHIFT, __gmpn_rshift_coreisbr),
            (ADD_N, __gmpn_add_n_coreihwl),
            (ADDMUL_2, __gmpn_addmul_2_coreihwl),
            (REDC_1, __gmpn_redc_1_coreihwl),
            (SUB_N, __gmpn_sub_n_coreihwl),
            (SUBMUL_1, __gmpn_submul_1_coreihwl),
            (ADDMUL_1, __gmpn_addmul_1_coreibwl),
            (MUL_1, __gmpn_mul_1_coreibwl),
            (MUL_BASECASE, __gmpn_mul_basecase_coreibwl),
            (MULLO_BASECASE, __gmpn_mullo_basecase_coreibwl),
            (SQR_BASECASE, __gmpn_sqr_basecase_coreibwl),
        ];
        let mut next = current;
        for (i, f) in skylake {
            next.fns[i] = f as usize;
        }
        next.thresholds = SKYLAKE_THRESHOLDS;
        table.write(next);
        GmpLoops::Skylake
    }
}

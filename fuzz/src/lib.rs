//! Helpers shared by the fuzz targets in `fuzz_targets/`: a byte reader that
//! turns fuzz input into choices, generators of valid packets, a JSON writer
//! for round trips, and the two state-machine harnesses with their
//! invariants (the socket rules they share in `socket_model`). Each target is a thin `fuzz_target!` over one of these.

pub mod gobelieve_gen;
pub mod gobelieve_harness;
pub mod input;
pub mod json_text;
pub mod mobileimsdk_gen;
pub mod mobileimsdk_harness;
pub mod socket_model;

/// True when `FUZZ_TRACE` is set: the harnesses then print every op, socket
/// request and event, to read a crash input (`FUZZ_TRACE=1 target crash-…`).
pub fn tracing() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("FUZZ_TRACE").is_some())
}

/// `eprintln!` when [`tracing`] is on.
#[macro_export]
macro_rules! trace {
    ($($arg:tt)*) => {
        if $crate::tracing() {
            eprintln!($($arg)*);
        }
    };
}

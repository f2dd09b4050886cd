//! Phase timings: with `STOWAGE_TIMINGS=1` in the environment, each phase prints its wall time
//! and the process's peak resident memory so far to stderr (`stowage: parse 612 ms, peak 53
//! MB`). Off by default; the benchmark (bench/run.sh) records them.

use std::sync::OnceLock;
use std::time::Instant;

static ON: OnceLock<bool> = OnceLock::new();

/// Print timings whatever the environment says (`stowage -v`); before the first phase.
pub fn enable() {
    let _ = ON.set(true);
}

fn enabled() -> bool {
    *ON.get_or_init(|| {
        std::env::var_os("STOWAGE_TIMINGS").is_some_and(|v| !v.is_empty() && v != "0")
    })
}

/// Peak resident set so far, in MiB (Linux; None elsewhere).
fn peak_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib >> 10)
}

/// Run `f` as the phase `name` (and show it, see [`crate::progress`]).
pub fn phase<T>(name: &str, f: impl FnOnce() -> T) -> T {
    crate::progress::begin(name);
    let out = timed(name, f);
    crate::progress::end();
    out
}

fn timed<T>(name: &str, f: impl FnOnce() -> T) -> T {
    if !enabled() {
        return f();
    }
    let start = Instant::now();
    let out = f();
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    match peak_mib() {
        Some(peak) => eprintln!("stowage: {name} {ms:.0} ms, peak {peak} MiB"),
        None => eprintln!("stowage: {name} {ms:.0} ms"),
    }
    out
}

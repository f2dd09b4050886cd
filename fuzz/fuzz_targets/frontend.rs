//! Arbitrary bytes as a spec: parse, check, render diagnostics, lower and emit.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        stowage_fuzz::pipeline(text);
    }
});

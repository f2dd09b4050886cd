//! Arbitrary text read by stowage's KDL parser and by the `kdl` crate, the reference: both
//! accept it or both refuse it, and they read the same nodes, values and spans.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        stowage_fuzz::same_as_the_kdl_crate(text);
    }
});

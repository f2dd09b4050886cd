//! The example specs, mutated by the fuzz input (values replaced, lines duplicated, deleted and
//! moved, tokens spliced, snippets and properties inserted, nodes renamed), then the pipeline.
#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use stowage_fuzz::mutate::{SEEDS, mutate};

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(seed) = u.choose(SEEDS) else { return };
    let Ok(text) = mutate(&mut u, seed) else { return };
    stowage_fuzz::pipeline(&text);
});

//! Random valid specs from the property tests' generator (tests/generated), drawn from the fuzz
//! input: each must compile without errors, give the same bytes twice and in any order of its
//! top-level nodes, keep every string it hands to Kubernetes, and write YAML that reads back.
//! The same generator runs against real kustomize, Helm and kubernetes-validate in
//! tests/properties.rs; this target runs it in process, for as long as one likes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

#[path = "../../tests/generated/mod.rs"]
mod generated;

fuzz_target!(|data: &[u8]| {
    let mut seed = [0u8; 32];
    for (i, b) in data.iter().take(32).enumerate() {
        seed[i] = *b;
    }
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &seed);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    let spec = generated::spec().new_tree(&mut runner).unwrap().current();
    let order = u64::from_le_bytes(seed[..8].try_into().unwrap());
    if let Err(e) = generated::invariants(&spec, order) {
        panic!("{e}");
    }
});

//! Micro-benchmarks of each compiler phase on a synthetic spec of N = 1000 services (the spec
//! `bench/gen.py 1000` writes; `STOWAGE_BENCH_N` sets N). `cargo bench --bench phases` (add
//! `-- --quick` for a short run). A regression in `stowage build` shows here as the phase it
//! came from. The end-to-end comparison with kustomize and Helm is `bench/run.sh`.

use criterion::{Criterion, criterion_group, criterion_main};
use std::collections::BTreeMap;
use std::hint::black_box;

/// The spec `bench/gen.py N` writes (the generator `bench/run.sh` uses too).
fn spec(n: usize) -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::temp_dir().join(format!("stowage-bench-{}", std::process::id()));
    let status = std::process::Command::new("python3")
        .arg(root.join("bench/gen.py"))
        .arg(n.to_string())
        .arg(&dir)
        .status()
        .expect("python3 runs bench/gen.py");
    assert!(status.success(), "bench/gen.py {n} failed");
    let text = std::fs::read_to_string(dir.join("stowage.kdl")).expect("the spec is written");
    let _ = std::fs::remove_dir_all(&dir);
    text
}

fn phases(c: &mut Criterion) {
    let n: usize = std::env::var("STOWAGE_BENCH_N")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let text = spec(n);
    let (spec, diags) = stowage::syntax::parse(&text);
    let spec = spec.expect("the benchmark spec parses");
    assert!(!diags.has_errors() && !stowage::check::check(&spec).has_errors());
    let files = BTreeMap::new();
    let (ir, _) = stowage::ir::lower(spec.clone(), "stowage.kdl", &files);

    let mut g = c.benchmark_group(format!("n{n}"));
    g.sample_size(10);
    g.bench_function("parse", |b| {
        b.iter(|| stowage::syntax::parse(black_box(&text)))
    });
    g.bench_function("check", |b| {
        b.iter(|| stowage::check::check(black_box(&spec)))
    });
    g.bench_function("lower", |b| {
        b.iter_batched(
            || spec.clone(),
            |spec| stowage::ir::lower(black_box(spec), "stowage.kdl", &files),
            criterion::BatchSize::LargeInput,
        )
    });
    g.bench_function("emit_kustomize", |b| {
        b.iter(|| stowage::emit::kustomize::emit(black_box(&ir)))
    });
    g.bench_function("emit_helm", |b| {
        b.iter(|| stowage::emit::helm::emit(black_box(&ir)))
    });
    g.bench_function("emit_github", |b| {
        b.iter(|| stowage::emit::github::emit(black_box(&ir)))
    });
    g.bench_function("emit_gitlab", |b| {
        b.iter(|| stowage::emit::gitlab::emit(black_box(&ir)))
    });
    g.finish();
}

criterion_group!(benches, phases);
criterion_main!(benches);

#!/usr/bin/env bash
# Fuzz stowage: `fuzz/run.sh SECONDS [TARGET...]` (default targets: frontend structured generated parser).
#
# Builds the targets with cargo-fuzz (nightly; installed into .tools/ when missing), then runs
# every target for SECONDS at once, each on one core, and prints what each did: executions,
# execs/s, corpus growth, peak memory, and whether it found a crash. The corpus libFuzzer grows
# goes to fuzz/work/TARGET (git-ignored); the committed seeds in fuzz/corpus/TARGET are read
# only. Crashes land in fuzz/artifacts/TARGET/; reproduce one with
# `cargo +nightly fuzz run TARGET fuzz/artifacts/TARGET/crash-...`, then add the input to
# tests/regressions.rs once it is fixed.
#
# FUZZ_KEEP_GOING=1 runs libFuzzer's fork mode, which records every crash, hang and OOM in
# fuzz/artifacts/TARGET and keeps fuzzing (by default the first one stops the target).
#
# Limits per input: 10 s (a hang is a bug), 2 GiB RSS, 64 KiB input.
#
# Built without a sanitizer (stowage has no unsafe code; panics, aborts and stack overflows are
# caught without one, and it runs about twice as fast) but with debug assertions, so integer
# overflow panics too. FUZZ_BUILD_FLAGS overrides that (e.g. FUZZ_BUILD_FLAGS="-O -s address").
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

secs=${1:?usage: fuzz/run.sh SECONDS [TARGET...]}
shift
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(frontend structured generated parser)
fi

# cargo-fuzz, pinned, in the git-ignored .tools/ (like the test tools); nightly Rust is needed.
CARGO_FUZZ_VERSION=0.13.1
tools=$(cd .. && pwd)/.tools/cargo
if ! "$tools/bin/cargo-fuzz" --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
    echo "installing cargo-fuzz $CARGO_FUZZ_VERSION into .tools/cargo (about a minute)"
    cargo install cargo-fuzz --locked --version "$CARGO_FUZZ_VERSION" --root "$tools" --quiet
fi
export PATH="$tools/bin:$PATH"

build_flags=${FUZZ_BUILD_FLAGS:--O -s none -a}
for t in "${targets[@]}"; do cargo +nightly fuzz build $build_flags "$t"; done

mkdir -p logs
pids=()
for t in "${targets[@]}"; do
    mkdir -p "work/$t" "corpus/$t"
    extra=()
    if [ "$t" = frontend ]; then
        extra=(-dict=dict/stowage.dict)
    fi
    if [ "${FUZZ_KEEP_GOING:-0}" = 1 ]; then
        extra+=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
    fi
    mkdir -p "artifacts/$t"
    # The binary built above (not `cargo fuzz run`, which would rebuild if src/ changed since).
    "target/x86_64-unknown-linux-gnu/release/$t" -artifact_prefix="artifacts/$t/" \
        "work/$t" "corpus/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1 "${extra[@]}" >"logs/$t.log" 2>&1 &
    pids+=($!)
done

status=0
for i in "${!targets[@]}"; do
    t=${targets[$i]}
    if wait "${pids[$i]}"; then result=ok; else result="FAILED (see fuzz/logs/$t.log)"; status=1; fi
    stat() { grep -o "stat::$1: *[0-9]*" "logs/$t.log" | tail -1 | grep -o '[0-9]*$' || true; }
    execs=$(stat number_of_executed_units)
    if [ -n "$execs" ]; then
        printf '%-11s %ss  execs %s  (%s/s)  new units %s  peak rss %s MB  corpus %s  %s\n' \
            "$t" "$secs" "$execs" "$(stat average_exec_per_sec)" "$(stat new_units_added)" \
            "$(stat peak_rss_mb)" "$(ls "work/$t" | wc -l)" "$result"
    else
        # Fork mode: its last status line (`#EXECS: cov: ... exec/s N oom/timeout/crash: a/b/c`).
        printf '%-11s %ss  %s  corpus %s  %s\n' "$t" "$secs" \
            "$(grep -E '^#[0-9]+: cov:' "logs/$t.log" | tail -1)" "$(ls "work/$t" | wc -l)" "$result"
    fi
done
if compgen -G "artifacts/*/*" >/dev/null; then
    echo "artifacts:"
    ls -l artifacts/*/
fi
exit $status

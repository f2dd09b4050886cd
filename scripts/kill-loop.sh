#!/usr/bin/env bash
# Kill `stowage build` with SIGKILL at random instants while it writes, and check that the
# output is afterwards the old tree or the new one (or, when the kill fell between the commit
# point and the end, that the next build finishes the new one).
#
#   bash scripts/kill-loop.sh [KILLS] [SERVICES] [SEED]     # defaults: 60 kills, 300 services
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export STOWAGE_KILLS="${1:-60}" STOWAGE_KILL_SERVICES="${2:-300}" STOWAGE_KILL_SEED="${3:-$RANDOM}"
cargo test --release --locked --test output killing_a_build_at_random_instants -- --nocapture

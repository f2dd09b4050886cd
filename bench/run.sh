#!/usr/bin/env bash
# The end-to-end benchmark: stowage against kustomize and Helm on the same machine, in one run.
#
#   bash bench/run.sh                 # N = 10, 100, 1000; writes bench/RESULTS.md
#   BENCH_SIZES="10 100" BENCH_RUNS=7 bash bench/run.sh
#
# For each N, bench/gen.py writes a spec of N services and 3 environments; stowage builds it
# once, and then each command is run BENCH_WARMUP times (not counted) and BENCH_RUNS times
# (default 5): the table shows the median wall time, CPU time (user + system) and peak RSS
# (/usr/bin/time). Measured: `stowage build` into an empty folder (every output: kustomize,
# Helm, CI) and into an up-to-date one, `stowage check` on an up-to-date tree, `stowage
# validate`, `stowage render --env production`; the peers making the same production objects
# from N (bench/peers/: Pkl, cdk8s, KCL, Jsonnet; installed by bench/peers/setup.sh, checked
# equal as data at N <= 100); on stowage's own output, `kubectl kustomize` of every environment
# (bench/kustomize-env.sh: the overlay, or each of its parts) and `helm template -f
# values-production.yaml` (.tools/bin/helm, the Helm Go library); `stowage validate` of each
# example. A peer whose
# warm-up run takes longer than BENCH_SLOW seconds (default 60) is run once more only (the
# table says so); one that takes longer than BENCH_TIMEOUT seconds (default 600) is stopped
# and shown as "> BENCH_TIMEOUT s". Not part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SIZES=${BENCH_SIZES:-"10 100 1000"}
RUNS=${BENCH_RUNS:-5}
WARMUP=${BENCH_WARMUP:-1}
SLOW=${BENCH_SLOW:-60}
TIMEOUT=${BENCH_TIMEOUT:-600}
OUT=${BENCH_OUT:-$ROOT/bench/RESULTS.md}

if [ ! -x /usr/bin/time ]; then
    echo "installing GNU time (for peak RSS)" >&2
    apt-get install -y time >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y time >/dev/null; }
fi
KUBECTL=$(command -v kubectl || true)
HELM=$ROOT/.tools/bin/helm
if [ ! -x "$HELM" ]; then
    echo "installing the test tools (.tools/bin/helm)" >&2
    bash scripts/setup-tools.sh >&2
fi
PY=$ROOT/.tools/venv/bin/python
bash bench/peers/setup.sh >&2
# kubectl kustomize of a whole environment takes seconds: fewer runs.
KRUNS=${BENCH_KUSTOMIZE_RUNS:-3}

cargo build --release --quiet
BIN=$ROOT/target/release/stowage
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

# measure NAME PREPARE CMD...: appends "NAME<TAB>wall_ms<TAB>cpu_ms<TAB>rss_kb<TAB>runs" to $ROWS.
measure() {
    local name=$1 prepare=$2
    shift 2
    local tf=$WORK/time.txt runs=$RUNS i walls=() cpus=() rsss=() t0 t1 rc
    for ((i = 0; i < WARMUP + RUNS; i++)); do
        eval "$prepare"
        t0=$EPOCHREALTIME
        rc=0
        timeout "$TIMEOUT" /usr/bin/time -f '%M %U %S' -o "$tf" "$@" >/dev/null 2>"$WORK/stderr" || rc=$?
        t1=$EPOCHREALTIME
        if [ "$rc" = 124 ]; then
            printf '%s\t>%s\t-\t-\t0\n' "$name" "$((TIMEOUT * 1000))" >>"$ROWS"
            echo "  $name: stopped after ${TIMEOUT} s" >&2
            return
        fi
        if [ "$rc" != 0 ]; then
            echo "  $name failed (exit $rc):" >&2
            cat "$WORK/stderr" >&2
            exit 1
        fi
        local wall cpu rss
        wall=$(python3 -c "print(round(($t1 - $t0) * 1000, 1))")
        read -r rss user sys <"$tf"
        cpu=$(python3 -c "print(round(($user + $sys) * 1000))")
        if ((i < WARMUP)); then
            # A slow peer is run once more only.
            if python3 -c "import sys; sys.exit(0 if $wall > $SLOW * 1000 else 1)"; then
                runs=1
                ((i = WARMUP + RUNS - 2)) || true
            fi
            continue
        fi
        walls+=("$wall")
        cpus+=("$cpu")
        rsss+=("$rss")
    done
    python3 - "$name" "$runs" "${walls[*]}" "${cpus[*]}" "${rsss[*]}" >>"$ROWS" <<'EOF'
import statistics, sys
name, runs = sys.argv[1], sys.argv[2]
w, c, r = ([float(x) for x in a.split()] for a in sys.argv[3:6])
print(f"{name}\t{statistics.median(w):.1f}\t{statistics.median(c):.0f}\t{statistics.median(r):.0f}\t{len(w)}")
EOF
    echo "  $(tail -1 "$ROWS")" >&2
}

ROWS=$WORK/rows.tsv
: >"$ROWS"
for N in $SIZES; do
    echo "N = $N" >&2
    D=$WORK/n$N
    python3 bench/gen.py "$N" "$D"
    "$BIN" build -f "$D/stowage.kdl" -o "$D/out" 2>/dev/null
    FILES=$(wc -l <"$D/out/.stowage-manifest")
    BYTES=$(du -sb --apparent-size "$D/out" | cut -f1)
    SPEC=$(wc -c <"$D/stowage.kdl")
    printf '#\t%s\t%s\t%s\t%s\n' "$N" "$SPEC" "$FILES" "$BYTES" >>"$ROWS"
    # The previous run's output is moved aside, not deleted, before each empty-folder build:
    # deleting 11,000 files right before the run made the kernel's clean-up part of the
    # measurement (file creation 5 to 10 times slower). It is deleted after the last run.
    measure "$N stowage build (empty folder)" "[ ! -e '$D/fresh' ] || mv '$D/fresh' \"\$(mktemp -d '$D/old.XXXXXX')/\"" "$BIN" build -f "$D/stowage.kdl" -o "$D/fresh"
    rm -rf "$D"/old.*
    sync
    measure "$N stowage build (up to date)" ":" "$BIN" build -f "$D/stowage.kdl" -o "$D/out"
    measure "$N stowage check" ":" "$BIN" check -f "$D/stowage.kdl" -o "$D/out"
    measure "$N stowage validate" ":" "$BIN" validate -f "$D/stowage.kdl"
    # Where the time goes: one build with phase timings (not a median).
    rm -rf "$D/phases"
    STOWAGE_TIMINGS=1 "$BIN" build -f "$D/stowage.kdl" -o "$D/phases" 2>&1 >/dev/null |
        sed -n 's/^stowage: \(.*\) \([0-9]*\) ms, peak \([0-9]*\) MiB$/\1\t\2\t\3/p' |
        sed "s/^/@\t$N\t/" >>"$ROWS"
    rm -rf "$D/phases"
    sync
    measure "$N stowage render --env production" ":" "$BIN" render -f "$D/stowage.kdl" --env production
    # The peers: programs producing the production environment's objects from N (bench/peers/).
    # Each is checked equal, as data, to stowage's at the smaller sizes before it is timed.
    if [ "$N" -le 100 ]; then
        "$BIN" render -f "$D/stowage.kdl" --env production >"$D/production.yaml"
    fi
    for peer in pkl cdk8s kcl jsonnet; do
        if [ "$N" -le 100 ]; then
            bash "bench/peers/$peer/run.sh" "$N" >"$D/$peer.out"
            "$PY" bench/peers/verify.py "$D/production.yaml" "$D/$peer.out" >&2 ||
                { echo "the $peer peer's objects differ from stowage's at N = $N" >&2; exit 1; }
        fi
        measure "$N $peer (production)" ":" bash "bench/peers/$peer/run.sh" "$N"
    done
    if [ -n "$KUBECTL" ]; then
        # Every environment whole: each of its parts when the tree is written in parts.
        for env in development staging production; do
            RUNS=$KRUNS measure "$N kubectl kustomize overlays/$env" ":" bash bench/kustomize-env.sh "$D/out/deploy/kustomize/overlays/$env"
        done
    fi
    measure "$N helm template -f values-production.yaml" ":" "$HELM" template bench "$D/out/deploy/helm/bench" -f "$D/out/deploy/helm/bench/values-production.yaml"
done
# Editor latency: validating each example.
for spec in examples/*/stowage.kdl; do
    ex=$(basename "$(dirname "$spec")")
    RUNS=10 measure "0 stowage validate examples/$ex" ":" "$BIN" validate -f "$spec"
done
# Many apps in one repository: BENCH_APPS apps of 10 services each, in one run (`--all`).
APPS=${BENCH_APPS:-200}
mkdir -p "$WORK/apps/app0"
python3 bench/gen.py 10 "$WORK/apps/app0" >/dev/null
for ((i = 1; i < APPS; i++)); do
    mkdir -p "$WORK/apps/app$i"
    cp "$WORK/apps/app0/stowage.kdl" "$WORK/apps/app$i/"
done
"$BIN" -q build --all "$WORK/apps" >/dev/null 2>&1
measure "-1 stowage check --all ($APPS apps of 10 services)" ":" "$BIN" -q check --all "$WORK/apps"
measure "-1 stowage validate --all ($APPS apps of 10 services)" ":" "$BIN" -q validate --all "$WORK/apps"
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

python3 - "$ROWS" "$OUT" "$ROOT/bench/NOTES.md" <<EOF
import sys, os, re, subprocess
rows_path, out_path, notes_path = sys.argv[1:4]

def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
    except Exception:
        return "?"

cpu = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip()
mem = sh("awk '/MemTotal/ {printf \"%.1f GiB\", \$2/1048576}' /proc/meminfo")
sizes, rows, phases = {}, {}, {}
for line in open(rows_path):
    f = line.rstrip("\n").split("\t")
    if f[0] == "#":
        sizes[int(f[1])] = f[2:]
        continue
    if f[0] == "@":
        phases.setdefault(int(f[1]), []).append(f[2:])
        continue
    n, cmd = f[0].split(" ", 1)
    rows[(int(n), cmd)] = f[1:]

def ms(v):
    if v.startswith(">"):
        return None
    return float(v)

def fmt_ms(v):
    if v.startswith(">"):
        return "> %d s" % (int(v[1:]) // 1000)
    x = float(v)
    return "%.0f ms" % x if x >= 100 else "%.1f ms" % x

out = []
w = out.append
w("# Benchmark results")
w("")
w("Written by \`bash bench/run.sh\` (do not edit by hand; the notes at the end come from")
w("bench/NOTES.md). Spec: \`bench/gen.py N\` (N services; per 10 services one worker, one")
w("PostgreSQL stateful and one cron job; ingresses of 25 routes; 3 environments with overrides;")
w("a GitHub + GitLab pipeline). Medians of the runs shown after %s warm-up run(s); CPU is user +" % "${WARMUP}")
w("system time; RSS is the peak resident set (GNU time). Ratios are the peer's wall time over")
w("\`stowage render --env production\` for the peers that make the production objects (bench/peers/:")
w("Pkl, cdk8s, KCL, Jsonnet; checked equal to stowage's as data at N <= 100 in the same run), and")
w("over \`stowage build\` into an empty folder for the tools that read its output. \`kubectl")
w("kustomize\` of an environment is bench/kustomize-env.sh: the overlay, or each of its parts.")
w("")
w("## Machine")
w("")
w("| | |")
w("| --- | --- |")
w("| date | %s |" % sh("date -u '+%Y-%m-%d %H:%M UTC'"))
w("| CPU | %s, %s cores (\`nproc\`) |" % (cpu, sh("nproc")))
w("| memory | %s |" % mem)
w("| kernel | %s |" % sh("uname -sr"))
w("| load average (1, 5, 15 min) at start / end | %s / %s |" % ("${LOAD_START}", "${LOAD_END}"))
w("| rustc | %s |" % sh("rustc --version"))
w("| kubectl / kustomize | %s |" % sh("kubectl version --client 2>/dev/null | tr '\n' ' '"))
w("| helm | %s |" % sh("'${HELM}' version"))
w("| stowage | %s (%s) |" % (sh("'${BIN}' --version"), sh("git -C '${ROOT}' rev-parse --short HEAD") + (" + uncommitted changes" if sh("git -C '${ROOT}' status --porcelain --untracked-files=no") else "")))
w("")
w("## Results")
w("")
w("| N | spec | output | command | wall (median) | CPU | peak RSS | runs | peer / stowage |")
w("| ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |")
for n in sorted(sizes):
    if n == 0:
        continue
    spec, files, nbytes = sizes[n]
    build = ms(rows[(n, "stowage build (empty folder)")][0])
    first = True
    for (rn, cmd), (wall, cpu_ms, rss, runs) in rows.items():
        if rn != n:
            continue
        peer = not cmd.startswith("stowage")
        if peer:
            t = ms(wall)
            # The peers rendering production against stowage rendering it; kustomize and Helm
            # (which read stowage's output) against the build that wrote it.
            against = ms(rows[(n, "stowage render --env production")][0]) if cmd.endswith("(production)") else build
            ratio = ("> %.0fx" % (int(wall[1:]) / against)) if t is None else "%.1fx" % (t / against)
        else:
            ratio = ""
        lead = ("%d | %.0f kB | %s files, %.1f MB" % (n, int(spec) / 1000, files, int(nbytes) / 1e6)) if first else " | | "
        first = False
        rss_s = "-" if rss == "-" else "%.0f MB" % (int(rss) / 1024)
        cpu_s = "-" if cpu_ms == "-" else "%s ms" % cpu_ms
        w("| %s | \`%s\` | %s | %s | %s | %s | %s |" % (lead, cmd, fmt_ms(wall), cpu_s, rss_s, runs, ratio))
w("")
if phases:
    w("## Phases of one \`stowage build\` (empty folder)")
    w("")
    w("\`STOWAGE_TIMINGS=1 stowage build\`, one run: wall time of each phase and the peak RSS when it")
    w("ended. The emitters run in parallel (their sum exceeds \`emit\`), as does the")
    w("lowering of environments.")
    w("")
    ns = sorted(phases)
    w("| phase | " + " | ".join("N = %d" % n for n in ns) + " |")
    w("| --- | " + " | ".join("---:" for _ in ns) + " |")
    names = []
    for n in ns:
        for name, _, _ in phases[n]:
            if name not in names:
                names.append(name)
    for name in names:
        cells = []
        for n in ns:
            hit = [(t, p) for (nm, t, p) in phases[n] if nm == name]
            cells.append("%s ms, %s MiB" % hit[0] if hit else "")
        w("| %s | %s |" % (name, " | ".join(cells)))
    w("")
w("## Targets (N = 1000)")
w("")
def get(n, cmd):
    r = rows.get((n, cmd))
    return None if r is None else r
if 1000 in sizes:
    b = get(1000, "stowage build (empty folder)")
    checks = []
    def target(desc, ok, value):
        checks.append("| %s | %s | %s |" % (desc, value, "met" if ok else "**not met**"))
    bw, brss = float(b[0]), int(b[2]) / 1024
    target("\`render --env production\` at most 300 ms", float(get(1000, "stowage render --env production")[0]) <= 300, fmt_ms(get(1000, "stowage render --env production")[0]))
    target("\`render --env production\` at most 150 MB", int(get(1000, "stowage render --env production")[2]) / 1024 <= 150, "%.0f MB" % (int(get(1000, "stowage render --env production")[2]) / 1024))
    pkl = get(1000, "pkl (production)")
    if pkl:
        r = float(get(1000, "stowage render --env production")[0])
        target("\`render --env\` twice as fast as Pkl", float(pkl[0]) / r >= 2, "Pkl / stowage = %.2f" % (float(pkl[0]) / r))
    target("\`build\` at most 1.0 s", bw <= 1000, fmt_ms(b[0]))
    target("\`build\` at most 200 MB peak RSS", brss <= 200, "%.0f MB" % brss)
    c = get(1000, "stowage check")
    target("\`check\` at most 1.0 s", float(c[0]) <= 1000, fmt_ms(c[0]))
    target("\`check\` at most 200 MB peak RSS", int(c[2]) / 1024 <= 200, "%.0f MB" % (int(c[2]) / 1024))
    v = get(1000, "stowage validate")
    target("\`validate\` at most 250 ms", float(v[0]) <= 250, fmt_ms(v[0]))
    for env in ["development", "staging", "production"]:
        k = get(1000, "kubectl kustomize overlays/" + env)
        if k:
            kv = ms(k[0])
            target("\`kubectl kustomize\` of %s (every part) at most 30 s" % env, kv is not None and kv <= 30000, fmt_ms(k[0]))
    ex = [(cmd, r) for (n, cmd), r in rows.items() if n == 0]
    if ex:
        worst = max(ex, key=lambda x: float(x[1][0]))
        target("every example validates in at most 10 ms", float(worst[1][0]) <= 10, "slowest: %s, %s" % (worst[0].split()[-1], fmt_ms(worst[1][0])))
    for cmd, r in [(c, r) for (n, c), r in rows.items() if n == -1 and "check --all" in c]:
        target("\`check --all\` of 200 apps of 10 services at most 2 s", float(r[0]) <= 2000, fmt_ms(r[0]))
    w("| target | measured | |")
    w("| --- | --- | --- |")
    out.extend(checks)
    w("")
many = [(cmd, r) for (n, cmd), r in rows.items() if n == -1]
if many:
    w("## Many apps: \`--all\`")
    w("")
    w("| command | wall (median) | CPU | peak RSS | runs |")
    w("| --- | ---: | ---: | ---: | ---: |")
    for cmd, (wall, cpu_ms, rss, runs) in many:
        w("| \`%s\` | %s | %s ms | %.0f MB | %s |" % (cmd, fmt_ms(wall), cpu_ms, int(rss) / 1024, runs))
    w("")
ex = [(cmd, r) for (n, cmd), r in rows.items() if n == 0]
if ex:
    w("## Examples: \`stowage validate\` (editor latency)")
    w("")
    w("| spec | wall (median) | CPU | peak RSS | runs |")
    w("| --- | ---: | ---: | ---: | ---: |")
    for cmd, (wall, cpu_ms, rss, runs) in ex:
        w("| %s | %s | %s ms | %.0f MB | %s |" % (cmd.split()[-1], fmt_ms(wall), cpu_ms, int(rss) / 1024, runs))
    w("")
if os.path.exists(notes_path):
    out.append(open(notes_path).read().rstrip("\n"))
open(out_path, "w").write("\n".join(out) + "\n")
print("\n".join(out))
EOF
echo "wrote $OUT" >&2

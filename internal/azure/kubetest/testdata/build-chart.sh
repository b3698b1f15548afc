#!/usr/bin/env bash
# Rebuilds flink-kubernetes-operator-1.15.0-helm.tgz from the operator's git repository the
# way its release script packs the chart (tools/releasing/create_source_release.sh at the tag,
# lines 91-105): the helm/flink-kubernetes-operator directory of tag release-1.15.0 (commit
# 79d730bab4d8403f3a447fb027f879f5cbdc59ad), the Apache header prepended to each CRD, the
# image repository and tag lines of values.yaml rewritten (the tag to the short commit hash),
# then tar czf. Usage: build-chart.sh <path to a clone or git dir of apache/flink-kubernetes-operator>
set -euo pipefail
git_dir=$1
out=$(cd "$(dirname "$0")" && pwd)/flink-kubernetes-operator-1.15.0-helm.tgz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git --git-dir "$git_dir" archive --format=tar release-1.15.0 helm/flink-kubernetes-operator tools/releasing/apache_header.yaml | tar x -C "$work"
for f in "$work"/helm/flink-kubernetes-operator/crds/*.yml; do
  cat "$work/tools/releasing/apache_header.yaml" "$f" > "$f.tmp" && mv "$f.tmp" "$f"
done
values=$work/helm/flink-kubernetes-operator/values.yaml
perl -pi -e 's#^  repository: .*#  repository: ghcr.io/apache/flink-kubernetes-operator#' "$values"
perl -pi -e 's#^  tag: .*#  tag: "79d730b"#' "$values"
tar --sort=name --mtime='2026-05-07 09:49:27Z' --owner=0 --group=0 --numeric-owner -czf "$out" -C "$work/helm" flink-kubernetes-operator
echo "$out"

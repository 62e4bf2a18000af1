#!/usr/bin/env bash
# Installs the Debian packages Stocktake builds and tests with. Idempotent: apt-get runs only
# when a package is missing.
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config
  libboost-dev libboost-system-dev librocksdb-dev libssl-dev libpugixml-dev nlohmann-json3-dev
  zlib1g-dev libsnappy-dev libzstd-dev liblz4-dev libbz2-dev libisal-dev
  libcli11-dev libspdlog-dev libfmt-dev libgtest-dev libgmock-dev libbenchmark-dev
  nodejs
  # tests: the reference Prometheus text parser (test_operability.py), the openssl CLI (test_tls.py),
  # a YAML parser for the Kubernetes manifests (test_deploy_manifests.py)
  python3-prometheus-client openssl python3-yaml
)
# Not here: Ceph (radosgw ceph-mon ceph-osd) for tests/integration/test_scan_rgw.py, about 60
# packages and a minute of apt for one optional test; it is skipped without them (README).
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# The image's Node.js ships its own npm (Debian's npm package conflicts with it).
command -v npm >/dev/null || { echo "npm not found: install Node.js with npm" >&2; exit 1; }

# Shared set-up for scripts/start and scripts/test: everything a fresh machine needs.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PIPELINE_PAUSE_CACHE="${PIPELINE_PAUSE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pipeline-pause}"
# The AWS SDK warns at every start that its 2027 releases will need Node 22; that is known here.
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true

step() { printf '\n==> %s\n' "$*"; }

install_node_modules() {
  # Reinstall only when the lockfile changed since the last install.
  local stamp="node_modules/.package-lock.sha"
  local want
  want="$(sha256sum package-lock.json | cut -d' ' -f1)"
  if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
    step "npm ci"
    npm ci --no-audit --no-fund
    echo "$want" > "$stamp"
  fi
}

# Installs Debian packages that are missing, refreshing apt's index only when it has no candidate.
apt_install() {
  local as_root=()
  if [[ "$(id -u)" -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "need root (or passwordless sudo) to install: $*" >&2; exit 1; }
    as_root=(sudo -n)
  fi
  echo "  installing Debian packages: $*"
  export DEBIAN_FRONTEND=noninteractive
  if ! "${as_root[@]}" apt-get install -y -q --no-install-recommends "$@" </dev/null >/dev/null; then
    "${as_root[@]}" apt-get update -q </dev/null >/dev/null
    "${as_root[@]}" apt-get install -y -q --no-install-recommends "$@" </dev/null >/dev/null
  fi
}

# require_tools: Node, npm, Python, a JDK >= 17 and Maven (Kafka, Connect and Flink, installed
# from Debian when missing) and Go (Querator is built from its module; Debian's Go is too old
# for it, so Go must come with the machine). The demo and the tests run all of them.
require_tools() {
  local packages=()
  command -v java >/dev/null || packages+=(default-jdk-headless)
  command -v mvn >/dev/null || packages+=(maven)
  ((${#packages[@]} == 0)) || apt_install "${packages[@]}"
  local missing=()
  local tools=(node npm python3 java mvn go)
  for tool in "${tools[@]}"; do command -v "$tool" >/dev/null || missing+=("$tool"); done
  if ((${#missing[@]})); then
    echo "missing tools: ${missing[*]} (install Node.js >= 20.19, Python >= 3.11, and Go >= 1.24.4; a JDK and Maven come from Debian's packages)" >&2
    exit 1
  fi
  python3 -c 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || {
    echo "Python >= 3.11 with the venv module is needed (buquet 0.1.0 has wheels for 3.11+)" >&2
    exit 1
  }
  go version | awk '{ v = substr($3, 3); split(v, p, "."); exit !(p[1] > 1 || (p[1] == 1 && (p[2] > 24 || (p[2] == 24 && p[3] >= 4)))) }' || {
    echo "Go >= 1.24.4 is needed to build Querator; found $(go version)" >&2
    exit 1
  }
}

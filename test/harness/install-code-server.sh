#!/usr/bin/env bash
# Installs code-server 4.100.3 (= VS Code 1.100.3) from the npm registry into .vscode-test/code-server,
# offline apart from npm: native modules build against Node's own headers (nodedir=/usr) and
# @vscode/ripgrep's GitHub download is replaced by a seeded cache holding the system's rg.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
target="$root/.vscode-test/code-server"
version=4.100.3
if [ -f "$target/node_modules/code-server/package.json" ] && grep -q "\"version\": \"$version\"" "$target/node_modules/code-server/package.json"; then
  exit 0
fi
for need in rg krb5-config; do
  command -v "$need" >/dev/null || { echo "missing '$need': run  sudo apt-get install -y chromium libkrb5-dev ripgrep" >&2; exit 1; }
done
echo "installing code-server $version into .vscode-test/code-server (about a minute, once)..."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cache="$tmp/vscode-ripgrep-cache-1.15.11"
mkdir -p "$cache/s" && cp "$(command -v rg)" "$cache/s/rg"
tar czf "$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$cache/s" rg
rm -rf "$target" && mkdir -p "$target"
cd "$target"
echo '{"name":"code-server-host","private":true}' > package.json
# nodedir=/usr: node-gyp must not download headers (no network but the registries).
TMPDIR="$tmp" npm_config_nodedir="${npm_config_nodedir:-/usr}" npm_config_yes=true \
  npm install --no-audit --no-fund --unsafe-perm "code-server@$version" > "$tmp/install.log" 2>&1 || { tail -40 "$tmp/install.log" >&2; exit 1; }
# Its own XDG homes: code-server writes ~/.config/code-server/config.yaml on any start, --version included.
XDG_CONFIG_HOME="$tmp/xdg" XDG_DATA_HOME="$tmp/xdg" node_modules/.bin/code-server --version

#!/usr/bin/env bash
# The action's install step, after preflight.sh and actions/setup-go: the
# tools a bare Debian image lacks to build ocidiff (a C toolchain, make,
# curl for rustup), Rust through rustup when cargo is missing, then
# `make deps TOOL_PKGS= judges` in the action's own directory: the Debian packages
# and pinned crun .debs `make deps` installs, and every judge
# `ocidiff check` runs.
set -euo pipefail

action=${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}

missing=()
for p in ca-certificates curl make gcc libc6-dev; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
	echo "installing: ${missing[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v cargo >/dev/null; then
	curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs |
		sh -s -- -y --no-modify-path --profile minimal --default-toolchain stable
	PATH=${CARGO_HOME:-$HOME/.cargo}/bin:$PATH
	export PATH
fi

"${MAKE:-make}" -C "$action" deps TOOL_PKGS= judges

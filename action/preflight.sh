#!/usr/bin/env bash
# The action's first step: refuse a runner it cannot work on, before
# anything is installed, and read the Go version the build needs.
#
# ocidiff's C judges are libocispec inside the libcrun.a of Debian's crun
# packages, which `make deps` downloads from the machine's own Debian
# archive (c-adapter/fetch-debs.sh), and it installs its tools with
# apt-get. So the job must run on Debian, as root: a container job on
# debian:bookworm, as ocidiff's own CI does. Ubuntu is not enough: its
# archive does not hold Debian's crun versions.
#
# Writes go-version=V (the go directive of the action's go.mod) to
# $GITHUB_OUTPUT, for actions/setup-go; the path comes from
# $GITHUB_ACTION_PATH, because ${{ github.action_path }} names the host's
# path inside a container job (actions/runner#2185).
set -euo pipefail

action=${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}
os_release=${OCIDIFF_OS_RELEASE:-/etc/os-release}
# shellcheck source=action/commands.sh
. "$action/action/commands.sh"

fail() {
	gh_error "ocidiff: unsupported runner" "$*"
	exit 1
}

os_id=
if [ -r "$os_release" ]; then
	# shellcheck source=/dev/null
	os_id=$(. "$os_release" && echo "${ID:-}")
fi
if [ "$os_id" != debian ]; then
	fail "this action runs on Debian only, and this runner is ${os_id:-not Linux with $os_release}. Run the job in a Debian container (container: debian:bookworm): make deps downloads crun's packages from Debian's archive and installs tools with apt-get."
fi
if [ "$(id -u)" != 0 ]; then
	fail "this action installs Debian packages with apt-get and needs root; a container job (container: debian:bookworm) runs as root."
fi

go_version=$(awk '$1 == "go" { print $2; exit }' "$action/go.mod")
if [ -z "$go_version" ]; then
	fail "no go directive in $action/go.mod"
fi
echo "go-version=$go_version" >>"${GITHUB_OUTPUT:-/dev/stdout}"

#!/usr/bin/env bash
# fetch-debs.sh BUILD: download the pinned Debian packages of every C judge
# listed in crun-versions and unpack each judge's pair (crun, and the JSON
# library it parses with) into BUILD/crun-<version>/.
#
# The packages come from other suites than the machine's (trixie, sid), so
# apt runs against a private sources list and private package lists under
# BUILD/apt: the machine's own apt sources, lists and cache stay as they
# are. The archive is the one the machine's apt already uses for Debian
# 12, so no host is named here.
#
# Versions are exact. When a pinned version can no longer be downloaded
# (sid moves on), this fails and names the versions that can be, rather
# than building a judge from something else.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: fetch-debs.sh BUILD_DIR}
mkdir -p "$build"
build=$(cd "$build" && pwd)
arch=$(dpkg --print-architecture)

apt_dir="$build/apt"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$build/debs"
apt_opts=(
  -o "Dir::Etc::sourcelist=$apt_dir/sources.list"
  -o "Dir::Etc::sourceparts=-"
  -o "Dir::State::Lists=$apt_dir/lists"
  -o "Dir::Cache=$apt_dir/cache"
  -o "Dir::State::status=/dev/null"
  -o "APT::Sandbox::User=root"
)

# The mirror the machine uses for bookworm's main component.
# shellcheck disable=SC2016 # $(REPO_URI) is apt's field name, not a shell expansion
mirror=$(apt-get indextargets --format '$(REPO_URI)' 'Release: bookworm' 'Identifier: Packages' 2>/dev/null | head -n 1)
if [ -z "$mirror" ]; then
  echo "fetch-debs.sh: the machine's apt sources name no Debian 12 (bookworm) archive to take the other suites from" >&2
  exit 1
fi

# One line per judge: crun suite deb jsonpkg jsonver jsonlib.
mapfile -t pins < <(grep -v '^[[:space:]]*\(#\|$\)' "$here/crun-versions")
suites=$(for p in "${pins[@]}"; do read -r _ s _ <<<"$p"; echo "$s"; done | sort -u | paste -sd' ')

: > "$apt_dir/sources.list.new"
for s in $suites; do
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $s main" >> "$apt_dir/sources.list.new"
done
mv "$apt_dir/sources.list.new" "$apt_dir/sources.list"

# deb_path PKG VERSION: where apt-get download leaves that package.
deb_path() { echo "$build/debs/${1}_${2/:/%3a}_${arch}.deb"; }

missing=()
for p in "${pins[@]}"; do
  read -r _ _ deb jsonpkg jsonver _ <<<"$p"
  [ -f "$(deb_path crun "$deb")" ] || missing+=("crun=$deb")
  [ -f "$(deb_path "$jsonpkg" "$jsonver")" ] || missing+=("$jsonpkg=$jsonver")
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "fetch-debs.sh: updating the private package lists ($suites)"
  apt-get "${apt_opts[@]}" -qq update
  for want in "${missing[@]}"; do
    pkg=${want%%=*} ver=${want#*=}
    if ! (cd "$build/debs" && apt-get "${apt_opts[@]}" -qq download "$pkg=$ver" 2>"$apt_dir/download.err"); then
      cat "$apt_dir/download.err" >&2
      {
        echo "fetch-debs.sh: $pkg $ver, pinned in c-adapter/crun-versions, can no longer be downloaded."
        echo "The versions of $pkg the archive has now:"
        apt-cache "${apt_opts[@]}" madison "$pkg" | sed 's/^/  /'
        echo "Pin one of them in c-adapter/crun-versions (the judge's name follows the crun version), then re-record the corpus."
      } >&2
      exit 1
    fi
  done
fi

# Unpack each judge's pair into its own root. The tree is rebuilt from the
# .debs every time, so it never mixes files of two versions.
for p in "${pins[@]}"; do
  read -r crun suite deb jsonpkg jsonver _ <<<"$p"
  root="$build/crun-$crun"
  rm -rf "$root.new"
  mkdir -p "$root.new"
  for f in "$(deb_path crun "$deb")" "$(deb_path "$jsonpkg" "$jsonver")"; do
    dpkg-deb -x "$f" "$root.new"
    # What the Makefile builds the judge's version string from: the
    # packages' own control data, not the pin.
    dpkg-deb -f "$f" Package Version | sed 's/^[^:]*: //' | paste -sd' ' >> "$root.new/debs"
  done
  rm -rf "$root"
  mv "$root.new" "$root"
  echo "fetch-debs.sh: crun $deb ($suite) with $jsonpkg $jsonver in $root"
done

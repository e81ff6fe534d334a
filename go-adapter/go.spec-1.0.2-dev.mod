// runtime-spec at commit 5cfc4c3 (Jan 2023, "1.0.2-dev"), as Debian 12's
// runc 1.1.5+ds1 is built: its Built-Using field names
// golang-github-opencontainers-specs 1.0.2.118.g5cfc4c3-1, and that
// package's files are read here. The Go module proxy does not serve this
// commit. The Debian source has no go.mod; debian-specs.overlay.json
// supplies one (debian-specs.go.mod) at build time.
module github.com/ocidiff/ocidiff/go-adapter

go 1.26

require github.com/opencontainers/runtime-spec v1.0.2-dev

replace github.com/opencontainers/runtime-spec => /usr/share/gocode/src/github.com/opencontainers/runtime-spec

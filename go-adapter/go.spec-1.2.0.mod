module github.com/ocidiff/ocidiff/go-adapter

go 1.26

require github.com/opencontainers/runtime-spec v1.2.0

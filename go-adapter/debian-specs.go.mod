module github.com/opencontainers/runtime-spec

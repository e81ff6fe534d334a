// Package workflows holds no code: its tests lint the GitHub Actions
// workflows in .github/workflows (and the local actions they use) with
// actionlint, used as a library, so that `go test ./...` catches a broken
// workflow before GitHub does. shellcheck and pyflakes check the run:
// scripts too when they are on PATH.
package workflows

// Package workflows holds no code: its tests lint the GitHub Actions
// workflows in .github/workflows (and the local actions they use) with
// actionlint, used as a library, so that `go test ./...` catches a broken
// workflow before GitHub does; and the composite action at the root,
// action.yml, which actionlint does not lint by itself (action_test.go). shellcheck and pyflakes check the run:
// scripts too when they are on PATH.
package workflows

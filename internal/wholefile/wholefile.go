// Package wholefile writes files that a reader sees whole or not at all:
// fuzz workers are separate processes, any of them may be killed at any
// moment, and another process may be reading the directory meanwhile.
package wholefile

import "os"

// TmpPrefix starts the name of every temporary file or directory a writer
// renames into place. Readers skip such names, and a directory's owner may
// remove old ones: they are the leftovers of killed writers.
const TmpPrefix = ".tmp-"

// Write writes data to path through a temporary file in dir, which it
// creates if needed, synced and then renamed into place.
func Write(dir, path string, data []byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, TmpPrefix)
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // a no-op once renamed
	if err := Fill(f, data); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// Fill writes data to f, syncs and closes it: a file is only renamed into
// place once its bytes are on disk, so that a crash leaves it whole or
// absent.
func Fill(f *os.File, data []byte) error {
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

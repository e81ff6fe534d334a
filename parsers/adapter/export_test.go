package adapter

import "bufio"

// Frame reading and writing for the external tests, which talk to the real
// adapters frame by frame to see the verdict objects the client decodes.
func ReadFrame(r *bufio.Reader) ([]byte, error) { return readFrame(r, nil) }

func WriteFrame(w *bufio.Writer, body []byte) error { return writeFrame(w, body) }

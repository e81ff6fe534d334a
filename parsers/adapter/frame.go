package adapter

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
)

// maxFrame is the protocol's limit on one frame, in either direction.
const maxFrame = 256 << 20

// writeFrame writes one frame and flushes it: the adapter reads a frame
// only once it is whole, so nothing may wait in the buffer.
func writeFrame(w *bufio.Writer, body []byte) error {
	if err := bufferFrame(w, body); err != nil {
		return err
	}
	return w.Flush()
}

// bufferFrame writes one frame into w's buffer; the caller flushes before
// it waits for the answer.
func bufferFrame(w *bufio.Writer, body []byte) error {
	if len(body) > maxFrame {
		return fmt.Errorf("frame of %d bytes exceeds the %d-byte protocol limit", len(body), maxFrame)
	}
	var head [4]byte
	binary.BigEndian.PutUint32(head[:], uint32(len(body)))
	if _, err := w.Write(head[:]); err != nil {
		return err
	}
	_, err := w.Write(body)
	return err
}

// readFrame reads one frame into buf, reusing its storage, and returns the
// body. A frame cut short is io.ErrUnexpectedEOF; no frame at all is io.EOF.
func readFrame(r *bufio.Reader, buf []byte) ([]byte, error) {
	var head [4]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(head[:])
	if n > maxFrame {
		return nil, &protocolError{"answer frame over the protocol limit", fmt.Sprintf("length %d exceeds %d bytes", n, maxFrame)}
	}
	if cap(buf) < int(n) {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	if _, err := io.ReadFull(r, buf); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return buf, nil
}

// protocolError is an answer that arrived but is not what the protocol
// allows: the adapter is alive but can no longer be trusted. The class is
// fixed text, the detail quotes what arrived.
type protocolError struct{ class, detail string }

func (e *protocolError) Error() string { return "protocol: " + e.class + ": " + e.detail }

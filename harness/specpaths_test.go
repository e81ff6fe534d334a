package harness_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ocidiff/ocidiff/internal/specmod"
	"github.com/ocidiff/ocidiff/registry"
)

// Signatures name the member that differs, in the spec's names, as the
// real judges read real configs: runtime-spec's own good configs, which
// crun 1.8.1 reads without netDevices and without rdma, once gave one
// signature at /linux for both; and oci-spec 0.6.0 writes
// throttleWriteIopsDevice for the spec's throttleWriteIOPSDevice. The
// judges are named, not a selection, so that a judge added to "default" or
// "all" (crun 1.28 reads netDevices and rdma) leaves the cause in view.
func TestSignatureNamesTheMember(t *testing.T) {
	good, err := specmod.Fixtures("good")
	if err != nil {
		t.Fatal(err)
	}
	fixture := func(name string) []byte {
		i := slices.IndexFunc(good, func(p string) bool { return filepath.Base(p) == name })
		if i < 0 {
			t.Fatalf("no %s among the spec's good configs", name)
		}
		b, err := os.ReadFile(good[i])
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	const blockIO = `{"ociVersion":"1.3.0","root":{"path":"rootfs"},"linux":{"resources":{"blockIO":{"%s":[{"major":8,"minor":0,"rate":100}]}}}}`
	tests := []struct {
		name   string
		judges string
		input  []byte
		want   string // the signature
	}{
		{
			name:   "linux-netdevice.json",
			judges: "go/unmarshal,go/decoder,go/jsonv2,rust/oci-spec@0.10.0,c/libocispec@crun-1.8.1,schema/jsonschema-v6,schema/gojsonschema",
			input:  fixture("linux-netdevice.json"),
			want: "accept: go/unmarshal go/decoder go/jsonv2 rust/oci-spec@0.10.0 c/libocispec@crun-1.8.1 schema/jsonschema-v6 schema/gojsonschema" +
				" | values: go/unmarshal go/decoder go/jsonv2 rust/oci-spec@0.10.0 ≠ c/libocispec@crun-1.8.1 @ /linux/netDevices",
		},
		{
			name:   "linux-rdma.json",
			judges: "go/unmarshal,go/decoder,go/jsonv2,rust/oci-spec@0.10.0,c/libocispec@crun-1.8.1,schema/jsonschema-v6,schema/gojsonschema",
			input:  fixture("linux-rdma.json"),
			want: "accept: go/unmarshal go/decoder go/jsonv2 rust/oci-spec@0.10.0 c/libocispec@crun-1.8.1 schema/jsonschema-v6 schema/gojsonschema" +
				" | values: go/unmarshal go/decoder go/jsonv2 rust/oci-spec@0.10.0 ≠ c/libocispec@crun-1.8.1 @ /linux/resources/rdma",
		},
		{
			// 0.6.0 reads only its own spelling, so it does drop the
			// spec's member: a real split, named by the spec's name.
			name:   "throttleWriteIOPSDevice, the spec's spelling",
			judges: "go/unmarshal,go/decoder,go/jsonv2,rust/oci-spec@0.10.0,rust/oci-spec@0.6.0,c/libocispec@crun-1.8.1,schema/jsonschema-v6,schema/gojsonschema",
			input:  []byte(fmt.Sprintf(blockIO, "throttleWriteIOPSDevice")),
			want: "accept: go/unmarshal go/decoder go/jsonv2 rust/oci-spec@0.10.0 rust/oci-spec@0.6.0 c/libocispec@crun-1.8.1 schema/jsonschema-v6 schema/gojsonschema" +
				" | values: go/unmarshal go/decoder go/jsonv2 rust/oci-spec@0.10.0 c/libocispec@crun-1.8.1 ≠ rust/oci-spec@0.6.0 @ /linux/resources/blockIO/throttleWriteIOPSDevice",
		},
		{
			// encoding/json matches member names without regard to case
			// and 0.6.0 reads its own spelling: both act on the member,
			// and stand together against those that ignore it.
			name:   "throttleWriteIopsDevice, oci-spec 0.6.0's spelling",
			judges: "go/unmarshal,go/decoder,go/jsonv2,rust/oci-spec@0.10.0,rust/oci-spec@0.6.0,c/libocispec@crun-1.8.1,schema/jsonschema-v6,schema/gojsonschema",
			input:  []byte(fmt.Sprintf(blockIO, "throttleWriteIopsDevice")),
			want: "accept: go/unmarshal go/decoder go/jsonv2 rust/oci-spec@0.10.0 rust/oci-spec@0.6.0 c/libocispec@crun-1.8.1 schema/jsonschema-v6 schema/gojsonschema" +
				" | values: go/unmarshal go/decoder rust/oci-spec@0.6.0 ≠ go/jsonv2 rust/oci-spec@0.10.0 c/libocispec@crun-1.8.1 @ /linux/resources/blockIO/throttleWriteIOPSDevice",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := registry.Engine(tt.judges)
			if err != nil {
				t.Fatal(err)
			}
			defer e.Close()
			if got := e.Check(tt.input).Signature; got != tt.want {
				t.Errorf("signature\n got  %s\n want %s", got, tt.want)
			}
		})
	}
}

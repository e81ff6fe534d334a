package gen

// The founding forcers' own vocabulary: the layer folder and root path
// spellings containerd and hcsshim write for Windows containers. The rest
// of the vocabulary is built from the spec itself (model.go).
var (
	windowsVolume = `\\?\Volume{ec84d99e-3f02-11e7-ac6c-00155d7682cf}\`
	windowsLayers = []string{`C:\layers\scratch`, `C:\ProgramData\containerd\root\io.containerd.snapshotter.v1.windows\snapshots\12`, `C:\layers\base`, windowsVolume, `relative\layer`, "/unix/style", ""}
	rootPaths     = []string{"rootfs", "/var/lib/containers/rootfs", windowsVolume, "", ".", "../escape", `C:\rootfs`}
)

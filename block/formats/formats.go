// Package formats builds the registry of every image format gemu has.
package formats

import (
	"gemu/block"
	"gemu/block/qcow2"
	"gemu/block/raw"
	"gemu/block/vmdk"
)

// Default returns a registry of raw, qcow2 and vmdk.
func Default() *block.Registry {
	return block.NewRegistry(raw.Format{}, qcow2.Format{}, vmdk.Format{})
}

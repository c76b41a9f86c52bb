package qcow2

import (
	"fmt"
	"testing"

	"gemu/block"
	"gemu/block/blocktest"
)

func TestSuite(t *testing.T) {
	for _, tc := range []block.Options{
		nil,
		{{Key: "compat", Value: "0.10"}},
		{{Key: "cluster_size", Value: "512"}},
		{{Key: "cluster_size", Value: "4096"}, {Key: "refcount_bits", Value: "1"}},
		{{Key: "cluster_size", Value: "2M"}, {Key: "refcount_bits", Value: "64"}},
		{{Key: "extended_l2", Value: "on"}, {Key: "cluster_size", Value: "32k"}},
		{{Key: "lazy_refcounts", Value: "on"}, {Key: "refcount_bits", Value: "2"}},
		{{Key: "preallocation", Value: "metadata"}},
	} {
		t.Run(fmt.Sprint(tc), func(t *testing.T) {
			blocktest.Run(t, blocktest.Config{Format: Format{}, Opts: tc, DiscardZeroes: true})
		})
	}
}

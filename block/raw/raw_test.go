package raw

import (
	"testing"

	"gemu/block/blocktest"
)

func TestSuite(t *testing.T) {
	blocktest.Run(t, blocktest.Config{Format: Format{}, DiscardZeroes: true})
}

package kafkaconn

import (
	"fmt"
	"strings"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Compression maps a codec name to franz-go's codec. franz-go compresses with snappy unless
// told otherwise; streamscale's producers say "none" by default, so that byte counts are the
// events' own size and comparisons with other producers are like for like.
func Compression(name string) (kgo.CompressionCodec, error) {
	switch strings.ToLower(name) {
	case "", "none":
		return kgo.NoCompression(), nil
	case "gzip":
		return kgo.GzipCompression(), nil
	case "snappy":
		return kgo.SnappyCompression(), nil
	case "lz4":
		return kgo.Lz4Compression(), nil
	case "zstd":
		return kgo.ZstdCompression(), nil
	}
	return kgo.CompressionCodec{}, fmt.Errorf("unknown codec %q: use none, gzip, snappy, lz4 or zstd", name)
}

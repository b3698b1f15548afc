package inspect

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// WriteText writes the record as `peek` prints it: a line with its topic, partition, offset,
// timestamp and key, a line per header, then the value, indented JSON when it is JSON.
func (r Record) WriteText(w io.Writer) error {
	b := bufio.NewWriter(w) // keeps the first write error for Flush
	fmt.Fprintf(b, "── %s/%d@%d  %s  key=%q\n", r.Topic, r.Partition, r.Offset, r.Timestamp.UTC().Format("2006-01-02T15:04:05.000Z"), r.Key)
	for _, h := range r.Headers {
		fmt.Fprintf(b, "   header %s=%q\n", h.Key, h.Value)
	}
	// json.Indent keeps the fields in their order and every number as written (a decode and
	// re-encode would sort the keys and round the sample's 17-digit doubles).
	var v bytes.Buffer
	if json.Valid(r.Value) && json.Indent(&v, r.Value, "   ", "  ") == nil {
		fmt.Fprintf(b, "   %s\n", v.Bytes())
	} else {
		fmt.Fprintf(b, "   %q\n", r.Value)
	}
	return b.Flush()
}

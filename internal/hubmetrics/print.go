package hubmetrics

import (
	"encoding/json"
	"errors"
	"io"
)

// RowFormat is how rows are printed: a table (the default), JSON or CSV.
type RowFormat int

// The row formats.
const (
	FormatTable RowFormat = iota
	FormatJSON
	FormatCSV
)

// RowPrinter prints rows one at a time as they close (SampleConfig.OnRow): one indented JSON
// object per row, CSV after a header, or a table after its legend and header (a followed
// table ends with Ctrl-C, so the legend comes first).
func RowPrinter(w io.Writer, f RowFormat, topics []string, c Capacity) (func(Row) error, error) {
	switch f {
	case FormatJSON:
		return func(r Row) error { writeJSON(w, r); return nil }, nil
	case FormatCSV:
		if err := WriteCSVHeader(w); err != nil {
			return nil, err
		}
		return func(r Row) error { return WriteCSVRows(w, []Row{r}) }, nil
	}
	table := NewTableWriter(w, topics, c)
	if err := errors.Join(table.Legend(), table.Header()); err != nil {
		return nil, err
	}
	return table.Row, nil
}

// WriteRows prints closed rows in format f: a JSON object per row, CSV or the table.
func WriteRows(w io.Writer, f RowFormat, rows []Row, c Capacity) error {
	switch f {
	case FormatJSON:
		for _, r := range rows {
			writeJSON(w, r)
		}
		return nil
	case FormatCSV:
		return WriteCSV(w, rows)
	}
	return WriteTable(w, rows, c)
}

// writeJSON prints v as indented JSON; a row always encodes.
func writeJSON(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

package hubmetrics

// FormatOf is the format --json and --csv pick: JSON, CSV or (neither) the table.
func FormatOf(asJSON, asCSV bool) RowFormat {
	switch {
	case asJSON:
		return FormatJSON
	case asCSV:
		return FormatCSV
	}
	return FormatTable
}

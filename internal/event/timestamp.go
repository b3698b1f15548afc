package event

// AppendTimestampMicros appends Unix microseconds as UTC RFC 3339 with exactly six fraction
// digits, e.g. 2019-05-16T17:16:40.000003Z, without time.Format's allocations.
func AppendTimestampMicros(buf []byte, unixMicros int64) []byte {
	const microsPerDay = 86_400_000_000
	days := floorDiv(unixMicros, microsPerDay)
	us := unixMicros - days*microsPerDay
	y, m, d := civil(days)
	buf = appendDigits(buf, y, 4)
	buf = append(buf, '-')
	buf = appendDigits(buf, m, 2)
	buf = append(buf, '-')
	buf = appendDigits(buf, d, 2)
	buf = append(buf, 'T')
	buf = appendDigits(buf, int(us/3_600_000_000), 2)
	buf = append(buf, ':')
	buf = appendDigits(buf, int(us/60_000_000%60), 2)
	buf = append(buf, ':')
	buf = appendDigits(buf, int(us/1_000_000%60), 2)
	buf = append(buf, '.')
	buf = appendDigits(buf, int(us%1_000_000), 6)
	return append(buf, 'Z')
}

// civil converts days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
// days_from_civil inverse).
func civil(days int64) (year, month, day int) {
	z := days + 719_468
	era := floorDiv(z, 146_097)
	doe := z - era*146_097
	yoe := (doe - doe/1460 + doe/36_524 - doe/146_096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day = int(doy - (153*mp+2)/5 + 1)
	if mp < 10 {
		month = int(mp + 3)
	} else {
		month = int(mp - 9)
	}
	year = int(yoe + era*400)
	if month <= 2 {
		year++
	}
	return year, month, day
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func appendDigits(buf []byte, v, width int) []byte {
	var b [8]byte
	for i := width - 1; i >= 0; i-- {
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return append(buf, b[:width]...)
}

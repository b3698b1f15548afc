package verify

// parseTimestamp reads UTC RFC 3339 "YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z" into Unix microseconds
// without allocating. Offsets other than Z are rejected: the data contract is UTC.
func parseTimestamp(b []byte) (int64, bool) {
	if len(b) < 20 || b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':' || b[len(b)-1] != 'Z' {
		return 0, false
	}
	num := func(from, to int) (int64, bool) {
		var n int64
		for _, c := range b[from:to] {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int64(c-'0')
		}
		return n, true
	}
	y, ok1 := num(0, 4)
	mo, ok2 := num(5, 7)
	d, ok3 := num(8, 10)
	h, ok4 := num(11, 13)
	mi, ok5 := num(14, 16)
	sec, ok6 := num(17, 19)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 {
		return 0, false
	}
	var frac int64
	if len(b) > 20 {
		if b[19] != '.' || len(b) > 30 {
			return 0, false
		}
		digits := b[20 : len(b)-1]
		if len(digits) == 0 {
			return 0, false
		}
		f, ok := num(20, len(b)-1)
		if !ok {
			return 0, false
		}
		for i := len(digits); i < 6; i++ {
			f *= 10
		}
		for i := len(digits); i > 6; i-- {
			f /= 10
		}
		frac = f
	} else if b[19] != 'Z' {
		return 0, false
	}
	days := daysFromCivil(y, mo, d)
	return ((days*24+h)*60+mi)*60_000_000 + sec*1_000_000 + frac, true
}

// daysFromCivil is the number of days from 1970-01-01 to y-m-d (Howard Hinnant).
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146_097 + doe - 719_468
}

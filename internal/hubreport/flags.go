package hubreport

import (
	"github.com/spf13/pflag"

	"github.com/streamscale/streamscale/internal/htmlreport"
)

// AddFileFlags adds --html and --png (WriteFiles), which `report` and `azure report` share.
func AddFileFlags(fs *pflag.FlagSet, files *htmlreport.Files) {
	fs.StringVar(&files.HTML, "html", "", "also write the table and a chart per hub as a self-contained HTML page to this file")
	fs.StringVar(&files.PNG, "png", "", "also render the HTML page to this PNG file with headless Chromium (STREAMSCALE_BROWSER picks the browser)")
}

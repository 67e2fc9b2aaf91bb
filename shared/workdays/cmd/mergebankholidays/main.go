// Command mergebankholidays updates the embedded England and Wales bank
// holiday file from gov.uk's bank-holidays.json and, optionally, projects
// later years from the standard rules. See shared/workdays/README.md.
//
//	curl -sSf https://www.gov.uk/bank-holidays.json -o /tmp/bank-holidays.json
//	go run ./shared/workdays/cmd/mergebankholidays -govuk /tmp/bank-holidays.json -project-to 2032
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/mappa-coordinator/mappa/shared/workdays"
)

func main() {
	file := flag.String("file", "shared/workdays/data/bank-holidays-england-and-wales.json", "the data file to update in place")
	govuk := flag.String("govuk", "", "path of a downloaded https://www.gov.uk/bank-holidays.json")
	projectTo := flag.Int("project-to", 0, "extend the file to this year with projected standard bank holidays")
	flag.Parse()
	if err := run(*file, *govuk, *projectTo); err != nil {
		fmt.Fprintln(os.Stderr, "mergebankholidays:", err)
		os.Exit(1)
	}
}

func run(file, govuk string, projectTo int) error {
	cur, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	if govuk != "" {
		g, err := os.ReadFile(govuk)
		if err != nil {
			return err
		}
		if cur, err = workdays.Merge(cur, g); err != nil {
			return err
		}
	}
	if projectTo > 0 {
		if cur, err = workdays.Project(cur, projectTo); err != nil {
			return err
		}
	}
	return os.WriteFile(file, cur, 0o644)
}

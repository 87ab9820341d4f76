// Command hoctap is the Learning Citizen (Công dân học tập) platform: one binary that serves
// the web pages and runs the administrative commands. See README.md.
package main

import (
	"os"

	"hoctap/internal/app"
)

func main() {
	os.Exit(app.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

package main
import (
 _ "modernc.org/sqlite"
 _ "github.com/jackc/pgx/v5/stdlib"
 _ "golang.org/x/crypto/argon2"
 _ "golang.org/x/text/collate"
 _ "github.com/prometheus/client_golang/prometheus/promhttp"
 _ "github.com/chromedp/chromedp"
 _ "github.com/xuri/excelize/v2"
)
func main(){}

package main

var codes = map[string]int{
	"ok": 200,
}

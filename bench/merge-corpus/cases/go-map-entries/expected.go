package main

var codes = map[string]int{
	"ok": 200,
	"created": 201,
	"gone": 410,
}

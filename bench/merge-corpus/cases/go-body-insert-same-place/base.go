package main

func run() {
	start()
}

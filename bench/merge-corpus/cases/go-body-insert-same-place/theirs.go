package main

func run() {
	log()
	start()
}

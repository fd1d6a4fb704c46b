package main

func run() {
	auth()
	start()
}

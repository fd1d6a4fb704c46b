package main

func a() {}

func helper() int { return 2 }

package main

func a() {}

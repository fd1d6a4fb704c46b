package main

const limit = 10

package main

const limit = 30

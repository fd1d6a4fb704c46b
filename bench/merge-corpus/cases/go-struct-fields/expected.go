package model

type User struct {
	ID string
	Name string
	Email string
}

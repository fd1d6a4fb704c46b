package model

type User struct {
	ID string
}

package store

type S struct{}

func (s *S) Get() {}

func (s *S) Put() {}

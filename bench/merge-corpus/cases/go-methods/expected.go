package store

type S struct{}

func (s *S) Get() {}

func (s *S) Put() {}

func (s *S) Delete() {}

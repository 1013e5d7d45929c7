//go:build unix && !linux

package aio

// Without epoll, every loop uses the portable backend.
func newBackend(r *reactor, _ bool) (backend, error) { return newPortableBackend(r), nil }

package aio

// ring is a FIFO queue on a ring buffer that grows by doubling and shrinks
// by halving: push and pop cost no allocation once it has reached its working
// size.
type ring[T any] struct {
	buf  []T
	head int // index of the first element
	n    int // number of elements
}

func (r *ring[T]) len() int { return r.n }

func (r *ring[T]) push(v T) {
	if r.n == len(r.buf) {
		r.grow()
	}
	i := r.head + r.n
	if i >= len(r.buf) {
		i -= len(r.buf)
	}
	r.buf[i] = v
	r.n++
}

func (r *ring[T]) pop() T {
	var zero T
	v := r.buf[r.head]
	r.buf[r.head] = zero
	r.head++
	if r.head == len(r.buf) {
		r.head = 0
	}
	r.n--
	if r.n <= len(r.buf)>>2 && len(r.buf) > ringKeep {
		r.resize(len(r.buf) / 2)
	}
	return v
}

// ringKeep is the capacity below which a ring does not shrink: 65,536
// slots, 1 MiB for the loop's ready queue, what a burst of an async_tree
// (46,656 leaves) needs again at each tree, so it is not given back and
// regrown every time. Above it, a ring that a bigger burst grew (a million
// tasks made ready at once) halves whenever it is a quarter full, so the
// burst's memory goes back once the burst is over.
const ringKeep = 1 << 16

// at returns the i-th element from the head.
func (r *ring[T]) at(i int) *T {
	j := r.head + i
	if j >= len(r.buf) {
		j -= len(r.buf)
	}
	return &r.buf[j]
}

func (r *ring[T]) grow() {
	size := 2 * len(r.buf)
	if size == 0 {
		size = 16
	}
	r.resize(size)
}

// resize moves the elements to a buffer of size slots, size >= r.n.
func (r *ring[T]) resize(size int) {
	buf := make([]T, size)
	for i := range r.n {
		buf[i] = *r.at(i)
	}
	r.buf, r.head = buf, 0
}

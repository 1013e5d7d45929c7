//aio:library

package aio

// qring is the deque under queues, memory channels and their waiters: a
// ring buffer whose capacity is a power of two, so that pushing and popping
// at either end allocate nothing once it has grown to its working size.
//
// It shrinks by halving when it is a quarter full, but never below
// qringKeep slots nor below its floor (a bounded queue's size), so a queue
// that fills and drains over and over does not give its buffer back and
// grow it again each time.
type qring[T any] struct {
	buf   []T // len 0 or a power of two
	head  int // index in buf of the first element
	n     int // number of elements
	floor int // capacity it does not shrink below
}

const qringKeep = 1 << 10

func (r *qring[T]) len() int { return r.n }

// at returns the i-th element from the front; 0 <= i < len.
func (r *qring[T]) at(i int) *T { return &r.buf[(r.head+i)&(len(r.buf)-1)] }

func (r *qring[T]) pushBack(v T) {
	if r.n == len(r.buf) {
		r.resize(max(2*len(r.buf), 8))
	}
	r.buf[(r.head+r.n)&(len(r.buf)-1)] = v
	r.n++
}

func (r *qring[T]) popFront() T {
	var zero T
	p := &r.buf[r.head]
	v := *p
	*p = zero // the ring must not keep what it gave away alive
	r.head = (r.head + 1) & (len(r.buf) - 1)
	r.n--
	r.shrink()
	return v
}

func (r *qring[T]) popBack() T {
	var zero T
	p := r.at(r.n - 1)
	v := *p
	*p = zero
	r.n--
	r.shrink()
	return v
}

// dropFront removes the first element, which the caller has zeroed.
func (r *qring[T]) dropFront() {
	r.head = (r.head + 1) & (len(r.buf) - 1)
	r.n--
	r.shrink()
}

// clear removes every element and keeps the buffer.
func (r *qring[T]) clear() {
	clear(r.buf)
	r.head, r.n = 0, 0
}

func (r *qring[T]) shrink() {
	if c := len(r.buf); c > qringKeep && c/2 >= r.floor && r.n <= c/4 {
		r.resize(c / 2)
	}
}

func (r *qring[T]) resize(c int) {
	buf := make([]T, c)
	if r.n > 0 {
		k := copy(buf, r.buf[r.head:min(r.head+r.n, len(r.buf))])
		copy(buf[k:], r.buf[:r.n-k])
	}
	r.buf, r.head = buf, 0
}

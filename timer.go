package aio

import "container/heap"

// Timers: a binary heap of (deadline, sequence) with lazy deletion. A timer
// is armed by pushing an entry carrying its current sequence number; it is
// disarmed by changing that number, and the stale entry is skipped when it
// reaches the top. Tasks and handles embed their timer, so arming one for a
// sleep costs no allocation. Equal deadlines fire in the order they were
// armed, which keeps a virtual-clock run deterministic.

// firer is what a timer does when it fires.
type firer interface {
	fire(l *Loop)
}

// timer is a re-armable timer slot, embedded in what it belongs to. What it
// fires and when travel in its heap entry rather than in the slot: every
// task embeds a timer and few have one armed, so the slot is 8 bytes.
type timer struct {
	seq uint64 // the sequence of the armed entry; 0 when disarmed
}

func (t *timer) armed() bool { return t.seq != 0 }

type timerEntry struct {
	when int64
	seq  uint64
	t    *timer
	f    firer
}

type timerHeap struct {
	h    entries
	dead int // entries whose timer was disarmed or re-armed
	seq  uint64
}

type entries []timerEntry

func (h entries) Len() int { return len(h) }
func (h entries) Less(i, j int) bool {
	if h[i].when != h[j].when {
		return h[i].when < h[j].when
	}
	return h[i].seq < h[j].seq
}
func (h entries) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *entries) Push(x any)   { *h = append(*h, x.(timerEntry)) }
func (h *entries) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}

// arm (re)arms t to call f.fire at when.
func (th *timerHeap) arm(t *timer, f firer, when int64) {
	if t.armed() {
		th.dead++
	}
	th.seq++
	t.seq = th.seq
	th.push(timerEntry{when: when, seq: th.seq, t: t, f: f})
}

// disarm cancels t if it is armed.
func (th *timerHeap) disarm(t *timer) {
	if t.armed() {
		t.seq = 0
		th.dead++
		th.compact()
	}
}

// push and popTop avoid container/heap's boxing of entries into any, which
// would allocate on every sleep.
func (th *timerHeap) push(e timerEntry) {
	th.h = append(th.h, e)
	h := th.h
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !h.Less(i, p) {
			break
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

func (th *timerHeap) popTop() timerEntry {
	h := th.h
	e := h[0]
	n := len(h) - 1
	h[0] = h[n]
	h[n] = timerEntry{}
	th.h = h[:n]
	th.down(0)
	return e
}

func (th *timerHeap) down(i int) {
	h := th.h
	n := len(h)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && h.Less(r, l) {
			m = r
		}
		if !h.Less(m, i) {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

// live reports whether entry e still stands for its timer.
func (e *timerEntry) live() bool { return e.t.seq == e.seq }

// next returns the deadline of the earliest live timer, dropping dead
// entries from the top; ok is false when there is none.
func (th *timerHeap) next() (when int64, ok bool) {
	for len(th.h) > 0 {
		if th.h[0].live() {
			return th.h[0].when, true
		}
		th.popTop()
		th.dead--
	}
	return 0, false
}

// due pops the earliest live timer if it is due at now, and returns what
// it fires.
func (th *timerHeap) due(now int64) (firer, bool) {
	when, ok := th.next()
	if !ok || when > now {
		return nil, false
	}
	e := th.popTop()
	e.t.seq = 0
	return e.f, true
}

// compact rebuilds the heap without dead entries once they are most of it,
// so that timeouts which never fire cannot grow it without bound.
func (th *timerHeap) compact() {
	if th.dead < 256 || th.dead*2 < len(th.h) {
		return
	}
	live := th.h[:0]
	for _, e := range th.h {
		if e.live() {
			live = append(live, e)
		}
	}
	clear(th.h[len(live):])
	th.h = live
	th.dead = 0
	heap.Init(&th.h)
}

func (th *timerHeap) len() int { return len(th.h) - th.dead }

package aio

import (
	"math/bits"
	"unsafe"

	"github.com/aio-go/aio/internal/prefetch"
)

// Timers: a hierarchical timing wheel in front of a small exact heap.
//
// Order. Timers fire in (deadline, sequence) order, exactly: equal
// deadlines fire in the order they were armed, which keeps a virtual-clock
// run deterministic. The wheel only sorts timers coarsely; the order is
// decided by a 4-ary heap ("near") that holds every timer whose deadline
// is before the horizon, while the wheel holds those at or after it. The
// earliest timer of the near heap is therefore the earliest of all. When
// the near heap is empty, the wheel's earliest bucket of the finest level
// moves into it (the finer levels' buckets are reached by cascading those
// of the coarser ones) and the horizon moves to that bucket's end.
//
// The wheel has wheelLevels levels of 64 buckets. A tick is 2^tickShift
// ns; a bucket of level L spans 64^L ticks. A timer goes to the level of
// the highest 6-bit digit in which its tick differs from the wheel's
// current tick (elapsed), as in tokio's wheel: so a level's timers all come
// after those of the finer levels, the earliest occupied bucket of the
// finest occupied level holds the earliest timers, and a bucket is found
// with one bit scan. Arming costs an append to a bucket (or a push on the
// near heap when the deadline is before the horizon), whatever the number
// of pending timers; each timer is moved down at most once per level on
// its way to the near heap, in sequential passes over a bucket.
//
// Disarming is lazy, as before: a timer's slot holds the sequence of its
// armed entry, and disarming or re-arming changes it, so a stale entry is
// recognised by its sequence and dropped when it reaches the near heap's
// top, or in a compaction once stale entries are most of them. Tasks and
// handles embed their timer slot (8 bytes), and a bucket is a list of
// reused chunks, so arming one allocates nothing in steady state.
//
// docs/design.md says why this and not a heap alone.

// timer is a re-armable timer slot, embedded in what it belongs to. What it
// fires and when travel in its entry rather than in the slot: every task
// embeds a timer and few have one armed, so the slot is 8 bytes.
type timer struct {
	seq uint64 // the armed entry's seq (sequence and kind); 0 when disarmed
}

func (t *timer) armed() bool { return t.seq != 0 }

// A timerKind says what embeds a timer slot, and so what its firing does.
// An entry holds the slot's address and its kind (in seq's low bits) rather
// than an interface value: 24 bytes with one pointer instead of 40 with
// three, in every entry of a million pending, which the cascades move and
// the collector scans.
type timerKind uint8

const (
	kindTask timerKind = iota
	kindHandle
	kindScope
	kindWakeup
	kindBits  = 3 // an entry's seq is its sequence << kindBits | its kind
	kindLimit = 1 << kindBits
)

// timerOwner is what a kind of owner is to its timer slot: where the slot
// sits in it, and what the owner does when the timer fires.
type timerOwner struct {
	off  uintptr
	fire func(owner unsafe.Pointer, l *Loop)
}

// timerOwners is the owners by kind; the package's tests add a kind of
// their own.
var timerOwners = [kindLimit]timerOwner{
	kindTask: {unsafe.Offsetof(taskBase{}.timer),
		func(p unsafe.Pointer, l *Loop) { (*taskBase)(p).fire(l) }},
	kindHandle: {unsafe.Offsetof(Handle{}.timer),
		func(p unsafe.Pointer, l *Loop) { (*Handle)(p).fire(l) }},
	kindScope: {unsafe.Offsetof(Scope{}.timer),
		func(p unsafe.Pointer, l *Loop) { (*Scope)(p).fire(l) }},
	kindWakeup: {unsafe.Offsetof(wakeup{}.timer),
		func(p unsafe.Pointer, l *Loop) { (*wakeup)(p).fire(l) }},
}

type timerEntry struct {
	when int64
	seq  uint64 // sequence << kindBits | kind
	t    *timer // inside its owner, at timerOwners[kind].off
}

// fire runs what the entry's timer does: its owner's fire method.
func (e timerEntry) fire(l *Loop) {
	timerOwners[e.seq&(kindLimit-1)].fire(e.owner(), l)
}

// owner returns the address of what embeds the entry's timer slot.
func (e timerEntry) owner() unsafe.Pointer {
	return unsafe.Add(unsafe.Pointer(e.t), -int(timerOwners[e.seq&(kindLimit-1)].off))
}

// live reports whether entry e still stands for its timer.
func (e *timerEntry) live() bool { return e.t.seq == e.seq }

func (e *timerEntry) before(o *timerEntry) bool {
	return e.when < o.when || e.when == o.when && e.seq < o.seq
}

const (
	tickShift   = 10 // a tick is 1,024 ns
	levelBits   = 6  // 64 buckets a level
	wheelLevels = 9  // 10 + 9*6 bits cover every non-negative int64
	chunkLen    = 16 // entries a chunk of a bucket holds
)

// timerQueue is the loop's timers.
type timerQueue struct {
	near    []timerEntry // 4-ary heap of the timers before horizon
	horizon int64        // wheel timers are at or after it; = elapsed << tickShift
	elapsed uint64       // the wheel's current tick
	wheel   *wheel       // made at the first timer beyond the horizon
	inWheel int          // entries in the wheel, stale ones included
	dead    int          // stale entries, in the heap or the wheel
	seq     uint64
	jumps   bool // the clock is virtual: it jumps to next's time
}

type wheel struct {
	occupied [wheelLevels]uint64
	buckets  [wheelLevels][1 << levelBits]bucket
	// free holds emptied chunks for reuse: as many as the wheel's entries
	// fill, and one a bucket more (a bucket holding one timer holds a
	// chunk), so that timers in steady state allocate nothing, while a
	// burst's chunks go back to the collector.
	free  *chunk
	nfree int
}

// A bucket is a list of chunks: it grows without copying what it holds
// (a slice that doubled moved 600 bytes an operation at a million
// pending timers) and its chunks are reused. min is the earliest deadline
// of the entries added to it, so that the real clock's wait can end at the
// exact deadline without moving the wheel (see next); an entry disarmed
// since may make it early, never late.
type bucket struct {
	head, tail *chunk
	min        int64
}

type chunk struct {
	n    int
	next *chunk
	e    [chunkLen]timerEntry
}

func (w *wheel) add(b *bucket, e timerEntry) {
	if b.head == nil || e.when < b.min {
		b.min = e.when
	}
	c := b.tail
	if c == nil || c.n == chunkLen {
		c = w.chunk()
		if b.tail == nil {
			b.head = c
		} else {
			b.tail.next = c
		}
		b.tail = c
	}
	c.e[c.n] = e
	c.n++
}

func (w *wheel) chunk() *chunk {
	c := w.free
	if c == nil {
		return new(chunk)
	}
	w.free, c.next = c.next, nil
	w.nfree--
	return c
}

// release gives back a chunk that has been read, keeping it for reuse if
// the wheel may need it.
func (w *wheel) release(c *chunk, inWheel int) {
	clear(c.e[:c.n])
	c.n = 0
	if w.nfree > inWheel/chunkLen+wheelLevels<<levelBits {
		c.next = nil
		return
	}
	c.next, w.free = w.free, c
	w.nfree++
}

// arm (re)arms t, the slot of an owner of kind k, to fire at when.
func (q *timerQueue) arm(t *timer, k timerKind, when int64) {
	if t.armed() {
		q.dead++
	}
	q.seq++
	seq := q.seq<<kindBits | uint64(k)
	t.seq = seq
	e := timerEntry{when: when, seq: seq, t: t}
	if when < q.horizon {
		q.push(e)
		return
	}
	q.toWheel(e)
}

// disarm cancels t if it is armed.
func (q *timerQueue) disarm(t *timer) {
	if t.armed() {
		t.seq = 0
		q.dead++
		q.compact()
	}
}

// toWheel puts e, due at or after the horizon, in its bucket.
func (q *timerQueue) toWheel(e timerEntry) {
	w := q.wheel
	if w == nil {
		w = new(wheel)
		q.wheel = w
	}
	tick := uint64(e.when) >> tickShift
	level := 0
	if d := tick ^ q.elapsed; d >= 1<<levelBits {
		level = (bits.Len64(d) - 1) / levelBits
	}
	slot := tick >> (level * levelBits) & (1<<levelBits - 1)
	w.add(&w.buckets[level][slot], e)
	w.occupied[level] |= 1 << slot
	q.inWheel++
}

// earliest returns the wheel's earliest bucket and the tick it starts at;
// the wheel must not be empty.
func (q *timerQueue) earliest() (level int, slot, start uint64) {
	w := q.wheel
	for w.occupied[level] == 0 {
		level++
	}
	slot = uint64(bits.TrailingZeros64(w.occupied[level]))
	shift := uint(level * levelBits)
	above := shift + levelBits
	return level, slot, q.elapsed>>above<<above | slot<<shift
}

// step moves the wheel to its earliest bucket: a bucket of a coarser level
// cascades into the finer ones, one of level 0 goes into the near heap.
func (q *timerQueue) step(level int, slot, start uint64) {
	q.advance(start)
	if level == 0 {
		q.drain(slot)
		q.advance(start + 1)
	}
}

// advance moves the wheel's current tick to to, which no timer in the
// wheel precedes, and cascades the buckets of the coarser levels whose
// span begins to include it: their timers now differ from the current
// tick at a finer digit.
func (q *timerQueue) advance(to uint64) {
	from := q.elapsed
	q.elapsed = to
	q.horizon = int64(to << tickShift)
	w := q.wheel
	for level := 1; level < wheelLevels; level++ {
		shift := uint(level * levelBits)
		if from>>shift == to>>shift {
			return
		}
		slot := to >> shift & (1<<levelBits - 1)
		if w.occupied[level]&(1<<slot) == 0 {
			continue
		}
		for c := w.take(level, slot); c != nil; {
			q.inWheel -= c.n
			// The chunks of a bucket are a list, which the processor
			// cannot fetch ahead by itself; and a bucket of level 1
			// goes into level 0 and from there into the near heap
			// within the next 64 ticks, whose firing reads each timer:
			// with a million pending, a random object out of the cache.
			// Fetching them now overlaps those misses.
			fetchChunk(c.next)
			for i := range c.e[:c.n] {
				if level == 1 {
					prefetch.Line(uintptr(unsafe.Pointer(c.e[i].t)))
				}
				q.toWheel(c.e[i])
			}
			next := c.next
			w.release(c, q.inWheel)
			c = next
		}
	}
}

// drain moves a bucket of level 0 (its timers are before the new horizon)
// into the near heap, dropping the stale ones.
func (q *timerQueue) drain(slot uint64) {
	w := q.wheel
	for c := w.take(0, slot); c != nil; {
		q.inWheel -= c.n
		fetchChunk(c.next)
		for i := range c.e[:c.n] {
			if c.e[i].live() {
				q.push(c.e[i])
			} else {
				q.dead--
			}
		}
		next := c.next
		w.release(c, q.inWheel)
		c = next
	}
}

// fetchChunk starts fetching every cache line of c, if it is not nil: a
// chunk is several lines, read in a pass soon after.
func fetchChunk(c *chunk) {
	if c == nil {
		return
	}
	p := uintptr(unsafe.Pointer(c))
	for off := uintptr(0); off < unsafe.Sizeof(*c); off += 64 {
		prefetch.Line(p + off)
	}
}

// take empties a bucket and returns its chunks, which the caller reads and
// releases.
func (w *wheel) take(level int, slot uint64) *chunk {
	c := w.buckets[level][slot].head
	w.buckets[level][slot] = bucket{}
	w.occupied[level] &^= 1 << slot
	return c
}

// push adds e to the near heap. The heap is written out for its entry type:
// container/heap would box each entry into an any, an allocation a sleep.
func (q *timerQueue) push(e timerEntry) {
	q.near = append(q.near, e)
	h := q.near
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / 4
		if !e.before(&h[p]) {
			break
		}
		h[i] = h[p]
		i = p
	}
	h[i] = e
}

func (q *timerQueue) popTop() timerEntry {
	h := q.near
	top := h[0]
	n := len(h) - 1
	last := h[n]
	h[n] = timerEntry{}
	h = h[:n]
	q.near = h
	if n > 0 {
		q.down(0, last)
	}
	return top
}

// down places e at the hole i, moving it down past smaller children.
func (q *timerQueue) down(i int, e timerEntry) {
	h := q.near
	n := len(h)
	for {
		c := 4*i + 1
		if c >= n {
			break
		}
		m := c
		for j := c + 1; j < c+4 && j < n; j++ {
			if h[j].before(&h[m]) {
				m = j
			}
		}
		if !h[m].before(&e) {
			break
		}
		h[i] = h[m]
		i = m
	}
	h[i] = e
}

// dropStale pops the stale entries off the near heap's top.
func (q *timerQueue) dropStale() {
	for len(q.near) > 0 && !q.near[0].live() {
		q.popTop()
		q.dead--
	}
}

// next returns the deadline of the earliest live timer; ok is false when
// there is none. A virtual clock jumps to next's time, so there next moves
// the wheel and returns the exact deadline. On the real clock next does not
// move the wheel beyond a bucket of level 0: it returns the earliest
// deadline of the wheel's earliest bucket (bucket.min), which is exact
// unless that bucket's earliest timer was disarmed, and then earlier. The
// loop wakes then, and due cascades the bucket. So the horizon never runs
// ahead of the clock by more than a bucket of level 0, which keeps the
// timers armed meanwhile in the wheel rather than in the heap, and the
// loop's wait ends at a deadline, never at a bucket's start: a wake-up
// earlier than the deadline, which lands after it when the thread is late,
// would fire the timer before the outside completions due at the same
// instant reach the inbox (asyncio looks at I/O first, then at the timers
// due).
func (q *timerQueue) next() (when int64, ok bool) {
	for {
		q.dropStale()
		if len(q.near) > 0 {
			return q.near[0].when, true
		}
		if q.inWheel == 0 {
			return 0, false
		}
		level, slot, start := q.earliest()
		if level > 0 && !q.jumps {
			return q.wheel.buckets[level][slot].min, true
		}
		q.step(level, slot, start)
	}
}

// due pops the earliest live timer if it is due at now, and returns its
// entry, whose fire runs it.
func (q *timerQueue) due(now int64) (timerEntry, bool) {
	for {
		q.dropStale()
		if len(q.near) > 0 {
			if q.near[0].when > now {
				return timerEntry{}, false
			}
			e := q.popTop()
			e.t.seq = 0
			return e, true
		}
		if q.inWheel == 0 {
			return timerEntry{}, false
		}
		level, slot, start := q.earliest()
		if now < 0 || start > uint64(now)>>tickShift {
			return timerEntry{}, false // the wheel's timers are all after now
		}
		q.step(level, slot, start)
	}
}

// compact drops the stale entries once they are most of them, so that
// timeouts which never fire cannot grow the timers without bound.
func (q *timerQueue) compact() {
	if q.dead < 256 || q.dead*2 < q.entries() {
		return
	}
	live := q.near[:0]
	for _, e := range q.near {
		if e.live() {
			live = append(live, e)
		}
	}
	clear(q.near[len(live):])
	q.near = live
	for i := (len(live) - 2) / 4; len(live) > 1 && i >= 0; i-- {
		q.down(i, live[i])
	}
	if w := q.wheel; w != nil {
		for level := range w.buckets {
			for slot := range w.buckets[level] {
				if w.occupied[level]&(1<<slot) == 0 {
					continue
				}
				b := &w.buckets[level][slot]
				c := b.head
				*b = bucket{}
				for c != nil {
					q.inWheel -= c.n
					for _, e := range c.e[:c.n] {
						if e.live() {
							w.add(b, e)
							q.inWheel++
						}
					}
					next := c.next
					w.release(c, q.inWheel)
					c = next
				}
				if b.head == nil {
					w.occupied[level] &^= 1 << slot
				}
			}
		}
	}
	q.dead = 0
}

// entries counts the entries held, stale ones included: zero means that no
// timer is armed and the clock need not be read.
func (q *timerQueue) entries() int { return len(q.near) + q.inWheel }

func (q *timerQueue) len() int { return q.entries() - q.dead }

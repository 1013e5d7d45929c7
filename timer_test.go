package aio

import (
	"cmp"
	"container/heap"
	"math/rand/v2"
	"slices"
	"testing"
	"unsafe"
)

// White-box tests of the timer queue: the order is (deadline, sequence)
// exactly, whatever the wheel does, checked against models that are
// obviously right (a sorted slice, a binary heap on container/heap).

// probe is a timer owner that records its firings.
type probe struct {
	id    int
	tm    timer
	fired *[]int
}

func (p *probe) fire(*Loop) { *p.fired = append(*p.fired, p.id) }

// kindProbe is the probes' timer kind: the tests' own, in a slot no kind
// of the package uses.
const kindProbe timerKind = kindLimit - 1

func init() {
	timerOwners[kindProbe] = timerOwner{unsafe.Offsetof(probe{}.tm),
		func(p unsafe.Pointer, l *Loop) { (*probe)(p).fire(l) }}
}

// armed is what a model knows of an armed timer.
type armed struct {
	when int64
	seq  uint64
	id   int
}

func cmpArmed(a, b armed) int { return cmp.Or(cmp.Compare(a.when, b.when), cmp.Compare(a.seq, b.seq)) }

// randomDeadline draws deadlines after now that hit every level of the
// wheel, with many equal ones and some in the past.
func randomDeadline(rng *rand.Rand, now int64, recent []int64) int64 {
	switch r := rng.IntN(16); {
	case r == 0:
		return now - rng.Int64N(1<<20) // in the past
	case r < 4 && len(recent) > 0:
		return recent[rng.IntN(len(recent))] // equal to another's
	case r < 8:
		return now + rng.Int64N(1<<14) // within a few ticks
	default:
		return now + rng.Int64N(int64(1)<<uint(14+rng.IntN(44))) // up to years
	}
}

func TestTimersFireInDeadlineThenSequenceOrderAgainstASortedModel(t *testing.T) {
	n := 1_000_000
	if raceEnabled || testing.Short() {
		n = 50_000
	}
	for _, jumps := range []bool{true, false} {
		name, n := "real clock", n/4
		if jumps {
			name, n = "virtual clock", n*4
		}
		t.Run(name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(n), 7))
			var q timerQueue
			q.jumps = jumps
			var fired []int
			probes := make([]probe, n)
			model := make([]armed, n) // by id; seq 0 when disarmed
			recent := make([]int64, 0, 64)
			for i := range probes {
				probes[i] = probe{id: i, fired: &fired}
				when := randomDeadline(rng, 0, recent)
				if len(recent) < cap(recent) {
					recent = append(recent, when)
				} else {
					recent[i%len(recent)] = when
				}
				q.arm(&probes[i].tm, kindProbe, when)
				model[i] = armed{when, probes[i].tm.seq, i}
				switch rng.IntN(10) {
				case 0: // disarmed
					j := rng.IntN(i + 1)
					q.disarm(&probes[j].tm)
					model[j] = armed{}
				case 1: // re-armed: a new sequence, the old entry stale
					j := rng.IntN(i + 1)
					when := randomDeadline(rng, 0, recent)
					q.arm(&probes[j].tm, kindProbe, when)
					model[j] = armed{when, probes[j].tm.seq, j}
				}
			}
			want := make([]armed, 0, len(model))
			for _, a := range model {
				if a.seq != 0 {
					want = append(want, a)
				}
			}
			slices.SortFunc(want, cmpArmed)
			if q.len() != len(want) {
				t.Fatalf("len = %d, want %d", q.len(), len(want))
			}
			now := int64(-1 << 21)
			k := 0 // want[:k] have fired
			for q.len() > 0 {
				when, ok := q.next()
				if !ok {
					t.Fatalf("next reports no timer with %d pending", q.len())
				}
				if jumps && when != want[k].when || when > want[k].when {
					t.Fatalf("next = %d, earliest pending is %d", when, want[k].when)
				}
				// Move to next's time, or (on the real clock, half the time)
				// a random step: both must fire exactly what is due.
				if jumps || rng.IntN(2) == 0 {
					now = max(now, when)
				} else {
					now += rng.Int64N(1 << uint(rng.IntN(50)))
				}
				before := len(fired)
				for {
					f, ok := q.due(now)
					if !ok {
						break
					}
					f.fire(nil)
				}
				for _, id := range fired[before:] {
					if k >= len(want) || want[k].id != id {
						t.Fatalf("fired timer %d as number %d, want %v", id, k, want[k])
					}
					if want[k].when > now {
						t.Fatalf("timer %d due at %d fired at %d", id, want[k].when, now)
					}
					k++
				}
				if k < len(want) && want[k].when <= now {
					t.Fatalf("timer %v not fired at %d", want[k], now)
				}
			}
			if k != len(want) {
				t.Fatalf("fired %d timers, want %d", k, len(want))
			}
		})
	}
}

// refHeap is the model of the interleaved test: a binary heap of every
// armed entry, the stale ones skipped when they reach the top.
type refHeap []armed

func (h refHeap) Len() int           { return len(h) }
func (h refHeap) Less(i, j int) bool { return cmpArmed(h[i], h[j]) < 0 }
func (h refHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *refHeap) Push(x any)        { *h = append(*h, x.(armed)) }
func (h *refHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func TestTimersInterleavedWithFiringMatchAReferenceHeap(t *testing.T) {
	ops := 300_000
	if raceEnabled || testing.Short() {
		ops = 30_000
	}
	for _, jumps := range []bool{true, false} {
		rng := rand.New(rand.NewPCG(uint64(ops), 11))
		var q timerQueue
		q.jumps = jumps
		var fired []int
		probes := make([]probe, 4096)
		live := make([]uint64, len(probes)) // the model's armed sequence per probe
		var ref refHeap
		for i := range probes {
			probes[i] = probe{id: i, fired: &fired}
		}
		var now int64
		var recent []int64
		for op := range ops {
			i := rng.IntN(len(probes))
			switch r := rng.IntN(8); {
			case r < 4:
				when := randomDeadline(rng, now, recent)
				recent = append(recent[max(0, len(recent)-31):], when)
				q.arm(&probes[i].tm, kindProbe, when)
				live[i] = probes[i].tm.seq
				heap.Push(&ref, armed{when, live[i], i})
			case r < 5:
				q.disarm(&probes[i].tm)
				live[i] = 0
			default:
				if jumps {
					if when, ok := q.next(); ok {
						now = max(now, when)
					}
				} else {
					now += rng.Int64N(1 << uint(rng.IntN(40)))
				}
				fired = fired[:0]
				for {
					f, ok := q.due(now)
					if !ok {
						break
					}
					f.fire(nil)
				}
				var want []int
				for len(ref) > 0 && ref[0].when <= now {
					a := heap.Pop(&ref).(armed)
					if live[a.id] == a.seq {
						want = append(want, a.id)
						live[a.id] = 0
					}
				}
				if !slices.Equal(fired, want) {
					t.Fatalf("jumps=%v op %d at %d: fired %v, want %v", jumps, op, now, fired, want)
				}
			}
		}
	}
}

func TestTimersWithEqualDeadlinesFireInArmingOrder(t *testing.T) {
	for _, jumps := range []bool{true, false} {
		var q timerQueue
		q.jumps = jumps
		var fired []int
		probes := make([]probe, 300)
		// Equal deadlines in the near heap, in one wheel bucket, and split
		// between both: armed in an order unrelated to the ids.
		const far = 5 << 30
		for k, i := range rand.New(rand.NewPCG(1, 2)).Perm(len(probes)) {
			probes[i] = probe{id: k, fired: &fired}
			when := int64(far)
			if k%3 == 0 {
				when = 7
			}
			q.arm(&probes[i].tm, kindProbe, when)
			if k == 150 {
				q.next() // moves the wheel: later equal ones go elsewhere
			}
		}
		for {
			f, ok := q.due(far)
			if !ok {
				break
			}
			f.fire(nil)
		}
		var want []int
		for k := 0; k < 300; k += 3 {
			want = append(want, k)
		}
		for k := range 300 {
			if k%3 != 0 {
				want = append(want, k)
			}
		}
		if !slices.Equal(fired, want) {
			t.Fatalf("jumps=%v: fired %v, want %v", jumps, fired, want)
		}
	}
}

func TestATimerDisarmedAndRearmedInOneStepFiresOnceAtItsLastDeadlineAfterEqualOnes(t *testing.T) {
	for _, jumps := range []bool{true, false} {
		var q timerQueue
		q.jumps = jumps
		var fired []int
		a := &probe{id: 1, fired: &fired}
		b := &probe{id: 2, fired: &fired}
		q.arm(&a.tm, kindProbe, 1000)
		q.arm(&b.tm, kindProbe, 1000)
		// In one step: a is disarmed, re-armed at another deadline, then
		// at its first one again. It fires once, after b: re-arming gives
		// it a new sequence.
		q.disarm(&a.tm)
		q.arm(&a.tm, kindProbe, 1<<40)
		q.arm(&a.tm, kindProbe, 1000)
		// And b is re-armed to the same deadline without a disarm.
		q.arm(&b.tm, kindProbe, 1000)
		for now := int64(0); now <= 1<<41; now += 1 << 39 {
			for {
				f, ok := q.due(now)
				if !ok {
					break
				}
				f.fire(nil)
			}
		}
		if !slices.Equal(fired, []int{1, 2}) {
			t.Fatalf("jumps=%v: fired %v, want [1 2]", jumps, fired)
		}
		if q.len() != 0 || a.tm.armed() || b.tm.armed() {
			t.Fatalf("jumps=%v: %d timers left armed", jumps, q.len())
		}
	}
}

// On the real clock the loop sleeps until next's time. It must be the
// earliest deadline itself, not the start of the wheel bucket that holds
// it: a wake-up at a bucket's start that comes late lands after the
// deadline, and the loop fires the timer before an outside completion due
// at the same instant has reached the inbox (asyncio-executor's a and b).
// Nor may next move the wheel's horizon past the clock by more than a tick
// of level 0, or the timers armed meanwhile go to the heap.
func TestTheRealClocksNextIsTheEarliestDeadlineAndLeavesTheWheelAtTheClock(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for round := range 2000 {
		var q timerQueue
		var fired []int
		n := 1 + rng.IntN(64)
		probes := make([]probe, n)
		deadline := make([]int64, n) // of the armed probes
		now := int64(0)
		recent := make([]int64, 0, 8)
		disarmed := false // in this round
		for i := range probes {
			probes[i] = probe{id: i, fired: &fired}
			deadline[i] = max(randomDeadline(rng, now, recent), 0)
			if len(recent) < cap(recent) {
				recent = append(recent, deadline[i])
			}
			q.arm(&probes[i].tm, kindProbe, deadline[i])
		}
		for q.len() > 0 {
			earliest := int64(1<<63 - 1)
			for i := range probes {
				if probes[i].tm.armed() {
					earliest = min(earliest, deadline[i])
				}
			}
			when, ok := q.next()
			switch {
			case !ok || when > earliest:
				t.Fatalf("round %d: next = %d, %v; the earliest deadline is %d", round, when, ok, earliest)
			case when != earliest && !disarmed:
				t.Fatalf("round %d: next = %d with no timer disarmed; the earliest deadline is %d", round, when, earliest)
			}
			if limit := (max(now, when)>>tickShift + 1) << tickShift; q.horizon > limit {
				t.Fatalf("round %d: next moved the horizon to %d, the clock is at %d and the deadline %d", round, q.horizon, now, when)
			}
			now = max(now, when) // the loop wakes at the deadline
			for {
				f, ok := q.due(now)
				if !ok {
					break
				}
				f.fire(nil)
			}
			// What fired may be armed again, earlier than those left; in
			// half the rounds, a timer left is disarmed: next may then be
			// the deadline it had (the loop wakes early, for nothing), never
			// later than the earliest armed one.
			for i := range probes {
				if !probes[i].tm.armed() && rng.IntN(4) == 0 && len(fired) < 10*n {
					deadline[i] = now + rng.Int64N(1<<uint(10+rng.IntN(40)))
					q.arm(&probes[i].tm, kindProbe, deadline[i])
				}
			}
			if i := rng.IntN(n); round%2 == 1 && probes[i].tm.armed() {
				q.disarm(&probes[i].tm)
				disarmed = true
			}
		}
	}
}

// TestTimerKindsFindTheirOwner checks that an entry finds what embeds its
// timer slot from the slot's address and kind, for every kind of owner.
func TestTimerKindsFindTheirOwner(t *testing.T) {
	var q timerQueue
	task, h, s, w, p := new(taskBase), new(Handle), new(Scope), new(wakeup), new(probe)
	for _, c := range []struct {
		name  string
		slot  *timer
		kind  timerKind
		owner unsafe.Pointer
	}{
		{"task", &task.timer, kindTask, unsafe.Pointer(task)},
		{"handle", &h.timer, kindHandle, unsafe.Pointer(h)},
		{"scope", &s.timer, kindScope, unsafe.Pointer(s)},
		{"wakeup", &w.timer, kindWakeup, unsafe.Pointer(w)},
		{"probe", &p.tm, kindProbe, unsafe.Pointer(p)},
	} {
		q.arm(c.slot, c.kind, 1)
		e, ok := q.due(1)
		if !ok {
			t.Fatalf("%s: armed timer not due", c.name)
		}
		if got := e.owner(); got != c.owner {
			t.Errorf("%s: owner %p, want %p", c.name, got, c.owner)
		}
		if e.t.armed() {
			t.Errorf("%s: a fired slot is still armed", c.name)
		}
	}
}

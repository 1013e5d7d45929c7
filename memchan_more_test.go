package aio_test

// Memory channels: trio's test_inf_capacity and test_statistics, zero
// values, the misuse rules, allocations, and the randomized run of the
// queues (asyncqueue_random_test.go) on channels.

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/aio-go/aio"
)

func TestMemoryChannelWithAnUnboundedBufferNeverBlocksASend(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		tx, rx := aio.NewMemoryChannel[int](math.MaxInt)
		for i := range 10000 {
			if err := tx.TrySend(i); err != nil {
				t.Fatalf("TrySend(%d): %v", i, err)
			}
		}
		tx.Close()
		n := 0
		for v, err := range rx.All(ctx) {
			if v != n || err != nil {
				t.Fatalf("got %d, %v; want %d", v, err, n)
			}
			n++
		}
		if n != 10000 {
			t.Errorf("received %d values", n)
		}
		return nil
	})
}

func TestMemoryChannelStatsCountClonesWaitersAndTheBuffer(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		tx, rx := aio.NewMemoryChannel[int](1)
		tx2, _ := tx.Clone()
		tx3, _ := tx2.Clone()
		tx2.Close()
		rx2, _ := rx.Clone()
		tx.TrySend(1)
		aqGo(t, ctx, "sender", func(ctx context.Context) (int, error) { return 0, tx3.Send(ctx, 2) })
		aqUntil(t, ctx, "the sender waits", func() bool { return tx.Stats().WaitingSend == 1 })
		want := aio.MemoryChannelStats{BufferUsed: 1, BufferSize: 1, OpenSenders: 2, OpenReceivers: 2, WaitingSend: 1}
		if s := rx2.Stats(); s != want {
			t.Errorf("Stats = %+v, want %+v", s, want)
		}
		rx.Receive(ctx)
		rx.Receive(ctx)
		receiver := aqGo(t, ctx, "receiver", rx2.Receive)
		aqUntil(t, ctx, "the receiver waits", func() bool { return rx.Stats().WaitingReceive == 1 })
		want = aio.MemoryChannelStats{BufferSize: 1, OpenSenders: 2, OpenReceivers: 2, WaitingReceive: 1}
		if s := tx.Stats(); s != want {
			t.Errorf("Stats = %+v, want %+v", s, want)
		}
		tx.Close()
		tx3.Close()
		if _, err := receiver.Await(ctx); !errors.Is(err, aio.ErrEndOfChannel) {
			t.Errorf("the receiver: %v", err)
		}
		return nil
	})
}

func TestNewMemoryChannelWithANegativeBufferPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Errorf("NewMemoryChannel(-1) did not panic")
		}
	}()
	aio.NewMemoryChannel[int](-1)
}

func TestZeroMemoryChannelSidesAreInvalidState(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		var tx aio.MemorySendChannel[int]
		var rx aio.MemoryReceiveChannel[int]
		for name, err := range map[string]error{
			"Send":       tx.Send(ctx, 1),
			"TrySend":    tx.TrySend(1),
			"send Close": tx.Close(),
			"recv Close": rx.Close(),
		} {
			if !errors.Is(err, aio.ErrInvalidState) {
				t.Errorf("%s: %v", name, err)
			}
		}
		if _, err := rx.Receive(ctx); !errors.Is(err, aio.ErrInvalidState) {
			t.Errorf("Receive: %v", err)
		}
		if _, err := rx.TryReceive(); !errors.Is(err, aio.ErrInvalidState) {
			t.Errorf("TryReceive: %v", err)
		}
		if _, err := tx.Clone(); !errors.Is(err, aio.ErrInvalidState) {
			t.Errorf("Clone: %v", err)
		}
		if s := rx.Stats(); s != (aio.MemoryChannelStats{}) {
			t.Errorf("Stats: %+v", s)
		}
		return nil
	})
}

func TestMemoryChannelOfAnotherLoopIsErrWrongLoop(t *testing.T) {
	tx, rx := aio.NewMemoryChannel[int](1)
	ktRun(t, func(ctx context.Context) error { return tx.Send(ctx, 1) })
	ktRun(t, func(ctx context.Context) error {
		if err := tx.Send(ctx, 2); !errors.Is(err, aio.ErrWrongLoop) {
			t.Errorf("Send: %v", err)
		}
		if _, err := rx.Receive(ctx); !errors.Is(err, aio.ErrWrongLoop) {
			t.Errorf("Receive: %v", err)
		}
		return nil
	})
}

func TestMemoryChannelMethodsWithoutContextRefuseForeignGoroutines(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		tx, rx := aio.NewMemoryChannel[int](2)
		tx.Send(ctx, 1) // binds the channel to this loop
		_, err := aio.ToThread(ctx, func(context.Context) (int, error) {
			errs := map[string]error{"MemorySendChannel.TrySend": tx.TrySend(2), "MemorySendChannel.Close": tx.Close(), "MemoryReceiveChannel.Close": rx.Close()}
			_, errs["MemoryReceiveChannel.TryReceive"] = rx.TryReceive()
			_, errs["MemorySendChannel.Clone"] = tx.Clone()
			for name, err := range errs {
				if !errors.Is(err, aio.ErrWrongTask) || !strings.Contains(err.Error(), name) {
					t.Errorf("%s from another goroutine: %v", name, err)
				}
			}
			return 0, nil
		})
		want := aio.MemoryChannelStats{BufferUsed: 1, BufferSize: 2, OpenSenders: 1, OpenReceivers: 1}
		if s := tx.Stats(); s != want {
			t.Errorf("after the refused calls: %+v", s)
		}
		return err
	})
}

func TestMemoryChannelSendAndReceiveAllocateNothingInSteadyState(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		tx, rx := aio.NewMemoryChannel[int](0)
		backTx, backRx := aio.NewMemoryChannel[int](1)
		partner := aqGo(t, ctx, "partner", func(ctx context.Context) (int, error) {
			for v, err := range rx.All(ctx) {
				if err != nil {
					return 0, err
				}
				backTx.Send(ctx, v)
			}
			return 0, nil
		})
		f := func() {
			tx.Send(ctx, 1)
			backRx.Receive(ctx)
		}
		f()
		if n := testing.AllocsPerRun(1000, f); n != 0 {
			t.Errorf("%v allocations per round trip", n)
		}
		tx.Close()
		_, err := partner.Await(ctx)
		return err
	})
}

// aqChannel is a memory channel seen as a queue, for the randomized run.
type aqChannel struct {
	tx *aio.MemorySendChannel[int]
	rx *aio.MemoryReceiveChannel[int]
}

func (c aqChannel) Put(ctx context.Context, v int) error { return c.tx.Send(ctx, v) }
func (c aqChannel) Get(ctx context.Context) (int, error) { return c.rx.Receive(ctx) }
func (c aqChannel) TryPut(v int) error                   { return c.tx.TrySend(v) }
func (c aqChannel) TryGet() (int, error)                 { return c.rx.TryReceive() }
func (c aqChannel) TaskDone() error                      { return nil }
func (c aqChannel) Stats() aio.QueueStats {
	s := c.tx.Stats()
	return aio.QueueStats{Len: s.BufferUsed, MaxSize: s.BufferSize, Getters: s.WaitingReceive, Putters: s.WaitingSend}
}

func TestMemoryChannelRandomizedSendsReceivesAndCancellationsLoseNoValue(t *testing.T) {
	for _, size := range []int{0, 2} {
		for seed := range uint64(6) {
			t.Run(fmt.Sprintf("buffer %d seed %d", size, seed), func(t *testing.T) {
				tx, rx := aio.NewMemoryChannel[int](size)
				aqRandomRun(t, aqChannel{tx, rx}, seed)
			})
		}
	}
}

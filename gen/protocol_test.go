package gen_test

// The generator protocol of PEP 342 and PEP 479 on a single generator, after
// the tests of CPython's Lib/test/test_generators.py (the coroutine and PEP
// 255 doctests, ExceptionTest) and the talk's generator examples.

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aio-go/aio/gen"
)

type (
	intGen = gen.Generator[int, int, int]
	intY   = gen.Yielder[int, int]
)

var (
	errBoom = errors.New("boom")
	errFoo  = errors.New("FOO")
	errFie  = errors.New("fie!")
)

// summing is the talk's summing_gen: it yields the running sum of what it
// is sent, and passes on whatever error its Yield returns.
func summing(y *intY) (int, error) {
	s := 0
	for {
		x, err := y.Yield(s)
		if err != nil {
			return s, err
		}
		s += x
	}
}

// mustYield resumes g with send and fails the test unless it yields want.
func mustYield(t *testing.T, what string, want int, resume func() (int, error)) {
	t.Helper()
	v, err := resume()
	if err != nil || v != want {
		t.Fatalf("%s = (%v, %v), want (%v, nil)", what, v, err, want)
	}
}

// stopValue returns the value of a *StopIteration[R] in err, and whether
// there is one.
func stopValue[R any](err error) (R, bool) {
	var st *gen.StopIteration[R]
	if errors.As(err, &st) {
		return st.Value, true
	}
	var zero R
	return zero, false
}

func TestFirstResumeMustSendTheZeroValue(t *testing.T) {
	t.Run("a non-zero Send returns ErrNonZeroStart and leaves the generator unstarted", func(t *testing.T) {
		ran := 0
		var got []int
		g := gen.New(func(y *intY) (int, error) {
			ran++
			for i := 10; ; i++ {
				x, err := y.Yield(i)
				if err != nil {
					return 0, err
				}
				got = append(got, x)
			}
		})
		v, err := g.Send(42)
		if !errors.Is(err, gen.ErrNonZeroStart) || v != 0 {
			t.Fatalf("Send(42) on an unstarted generator = (%v, %v), want (0, ErrNonZeroStart)", v, err)
		}
		if ran != 0 || g.Done() {
			t.Fatalf("after the refused Send: body ran %d times, Done = %v; want 0, false", ran, g.Done())
		}
		if _, err := g.Result(); err != gen.ErrNotDone {
			t.Fatalf("Result after the refused Send: %v, want ErrNotDone", err)
		}
		mustYield(t, "Next after the refused Send", 10, g.Next)
		mustYield(t, "Send(42)", 11, func() (int, error) { return g.Send(42) })
		if ran != 1 || !slices.Equal(got, []int{42}) {
			t.Fatalf("body ran %d times and received %v, want 1 and [42]", ran, got)
		}
		if err := g.Close(); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("a non-nil pointer is a non-zero value", func(t *testing.T) {
		g := gen.New(func(y *gen.Yielder[int, *int]) (int, error) {
			_, err := y.Yield(1)
			return 0, err
		})
		x := 5
		if _, err := g.Send(&x); !errors.Is(err, gen.ErrNonZeroStart) {
			t.Fatalf("Send(&x) = %v, want ErrNonZeroStart", err)
		}
		mustYield(t, "Send(nil)", 1, func() (int, error) { return g.Send(nil) })
		g.Close()
	})
	for _, start := range []struct {
		name   string
		resume func(*intGen) (int, error)
	}{
		{"Next starts it", (*intGen).Next},
		{"Send of the zero value starts it", func(g *intGen) (int, error) { return g.Send(0) }},
	} {
		t.Run(start.name, func(t *testing.T) {
			g := gen.New(summing)
			mustYield(t, "first resume", 0, func() (int, error) { return start.resume(g) })
			mustYield(t, "Send(3)", 3, func() (int, error) { return g.Send(3) })
			g.Close()
		})
	}
}

func TestSentValuesArriveAtYieldAndYieldedValuesComeOut(t *testing.T) {
	// The talk's generator-send: send(None), 1, 2, 3 -> 0, 1, 3, 6.
	g := gen.New(summing)
	for i, step := range []struct{ send, want int }{{0, 0}, {1, 1}, {2, 3}, {3, 6}} {
		v, err := g.Send(step.send)
		if err != nil || v != step.want {
			t.Fatalf("step %d: Send(%d) = (%v, %v), want (%d, nil)", i, step.send, v, err, step.want)
		}
	}
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestReturnFromTheBodyEndsWithStopIterationCarryingTheResult(t *testing.T) {
	// CPython's test_send_and_return_with_value and test_return_tuple: the
	// value sent in is returned, and the resume that ends the generator
	// carries it.
	for _, end := range []struct {
		name   string
		resume func(*gen.Generator[int, string, string]) (int, error)
		want   string
	}{
		{"the ending resume is a Send", func(g *gen.Generator[int, string, string]) (int, error) { return g.Send("spam") }, "spam"},
		{"the ending resume is a Next", (*gen.Generator[int, string, string]).Next, ""},
	} {
		t.Run(end.name, func(t *testing.T) {
			g := gen.New(func(y *gen.Yielder[int, string]) (string, error) {
				if _, err := y.Yield(1); err != nil {
					return "", err
				}
				x, err := y.Yield(2)
				return x, err
			})
			if _, err := g.Result(); err != gen.ErrNotDone {
				t.Fatalf("Result before the start = %v, want ErrNotDone", err)
			}
			mustYield(t, "Next", 1, g.Next)
			mustYield(t, "Next", 2, g.Next)
			if _, err := g.Result(); err != gen.ErrNotDone {
				t.Fatalf("Result while suspended = %v, want ErrNotDone", err)
			}
			v, err := end.resume(g)
			if v != 0 || !errors.Is(err, gen.ErrStopIteration) {
				t.Fatalf("ending resume = (%v, %v), want (0, a StopIteration)", v, err)
			}
			if got, ok := stopValue[string](err); !ok || got != end.want {
				t.Fatalf("ending resume's StopIteration value = %q (found: %v), want %q", got, ok, end.want)
			}
			if !g.Done() {
				t.Fatal("Done = false after the body returned")
			}
			if r, err := g.Result(); err != nil || r != end.want {
				t.Fatalf("Result = (%q, %v), want (%q, nil)", r, err, end.want)
			}
		})
	}
}

func TestEveryResumeAfterTheEndReturnsErrStopIteration(t *testing.T) {
	bodyRuns := 0
	newGen := func() *intGen {
		return gen.New(func(y *intY) (int, error) {
			bodyRuns++
			x, err := y.Yield(1)
			if err != nil {
				return 0, err
			}
			if x == 99 {
				panic("asked to")
			}
			if x == 13 {
				return 0, errBoom
			}
			return x, nil
		})
	}
	for _, c := range []struct {
		name string
		end  func(*intGen)
	}{
		{"after the body returned", func(g *intGen) { g.Next(); g.Send(5) }},
		{"after the body failed", func(g *intGen) { g.Next(); g.Send(13) }},
		{"after the body panicked", func(g *intGen) { g.Next(); catch(func() { g.Send(99) }) }},
		{"after a Throw into the unstarted generator", func(g *intGen) { g.Throw(errFoo) }},
		{"after a Throw the body passed on", func(g *intGen) { g.Next(); g.Throw(errFoo) }},
		{"after a Close of the unstarted generator", func(g *intGen) { g.Close() }},
		{"after a Close of the suspended generator", func(g *intGen) { g.Next(); g.Close() }},
	} {
		t.Run(c.name, func(t *testing.T) {
			g := newGen()
			c.end(g)
			if !g.Done() {
				t.Fatal("Done = false")
			}
			runs := bodyRuns
			r0, e0 := g.Result()
			if v, err := g.Next(); err != gen.ErrStopIteration || v != 0 {
				t.Errorf("Next = (%v, %v), want (0, ErrStopIteration) itself", v, err)
			}
			if v, err := g.Send(7); err != gen.ErrStopIteration || v != 0 {
				t.Errorf("Send(7) = (%v, %v), want (0, ErrStopIteration) itself", v, err)
			}
			if v, err := g.Throw(errFie); err != errFie || v != 0 {
				t.Errorf("Throw(fie) = (%v, %v), want (0, fie)", v, err)
			}
			if err := g.Close(); err != nil {
				t.Errorf("Close = %v, want nil", err)
			}
			if r, err := g.Result(); r != r0 || err != e0 {
				t.Errorf("Result changed from (%v, %v) to (%v, %v)", r0, e0, r, err)
			}
			if bodyRuns != runs {
				t.Error("the body ran again")
			}
		})
	}
}

func TestErrorFromTheBodyIsTheResumesError(t *testing.T) {
	// PEP 255's "Generators and Exception Propagation": the error comes out
	// of the resume, and the generator cannot be resumed.
	wrapped := fmt.Errorf("reading: %w", errBoom)
	for _, c := range []struct {
		name   string
		yields int // before failing
		err    error
	}{
		{"on the first resume", 0, errBoom},
		{"after two yields", 2, errBoom},
		{"a wrapped error comes out as it is", 1, wrapped},
	} {
		t.Run(c.name, func(t *testing.T) {
			g := gen.New(func(y *intY) (int, error) {
				for i := range c.yields {
					y.Yield(i)
				}
				return 7, c.err
			})
			for i := range c.yields {
				mustYield(t, "Next", i, g.Next)
			}
			if v, err := g.Next(); err != c.err || v != 0 {
				t.Fatalf("failing resume = (%v, %v), want (0, %v)", v, err, c.err)
			}
			if r, err := g.Result(); r != 7 || err != c.err {
				t.Fatalf("Result = (%v, %v), want (7, %v)", r, err, c.err)
			}
			if _, err := g.Next(); err != gen.ErrStopIteration {
				t.Fatalf("Next after the failure = %v, want ErrStopIteration", err)
			}
		})
	}
}

func TestThrowRaisesTheErrorAtTheSuspendedYield(t *testing.T) {
	t.Run("a body that handles it and yields again makes Throw return that value", func(t *testing.T) {
		// The talk's generator-throw-handled.
		var seen error
		g := gen.New(func(y *intY) (int, error) {
			s := 0
			for {
				x, err := y.Yield(s)
				if err != nil {
					seen = err
					y.Yield(-1)
					return s, nil
				}
				s += x
			}
		})
		g.Next()
		g.Send(1)
		mustYield(t, "Throw(FOO)", -1, func() (int, error) { return g.Throw(errFoo) })
		if seen != errFoo {
			t.Fatalf("the body's Yield returned %v, want the thrown FOO", seen)
		}
		if _, err := g.Next(); !errors.Is(err, gen.ErrStopIteration) {
			t.Fatalf("Next after the handled throw = %v, want the end", err)
		}
	})
	t.Run("a body that keeps handling sees every thrown error", func(t *testing.T) {
		// The coroutine doctest: a loop that catches ValueError.
		var seen []error
		g := gen.New(func(y *intY) (int, error) {
			for {
				x, err := y.Yield(0)
				if errors.Is(err, errFoo) {
					seen = append(seen, err)
					continue
				}
				if err != nil {
					return 0, err
				}
				if _, err := y.Yield(x); err != nil {
					return 0, err
				}
			}
		})
		g.Next()
		for range 3 {
			mustYield(t, "Throw(FOO)", 0, func() (int, error) { return g.Throw(errFoo) })
		}
		mustYield(t, "Send(1)", 1, func() (int, error) { return g.Send(1) })
		if _, err := g.Throw(errFie); err != errFie {
			t.Fatalf("Throw(fie) = %v, want fie: the body passes it on", err)
		}
		if len(seen) != 3 || !g.Done() {
			t.Fatalf("handled %d throws, Done = %v; want 3, true", len(seen), g.Done())
		}
	})
	t.Run("a body that passes it on finishes and Throw returns it", func(t *testing.T) {
		// The talk's generator-throw.
		g := gen.New(summing)
		g.Next()
		g.Send(1)
		if v, err := g.Throw(errFoo); err != errFoo || v != 0 {
			t.Fatalf("Throw(FOO) = (%v, %v), want (0, FOO)", v, err)
		}
		if !g.Done() {
			t.Fatal("Done = false after the body returned the thrown error")
		}
		if r, err := g.Result(); r != 1 || err != errFoo {
			t.Fatalf("Result = (%v, %v), want (1, FOO)", r, err)
		}
		if _, err := g.Send(1); err != gen.ErrStopIteration {
			t.Fatalf("Send after the failed throw = %v, want ErrStopIteration", err)
		}
	})
	t.Run("a body that returns a value makes Throw return its StopIteration", func(t *testing.T) {
		g := gen.New(func(y *intY) (int, error) {
			if _, err := y.Yield(1); err != nil {
				return 42, nil
			}
			return 0, nil
		})
		g.Next()
		_, err := g.Throw(errFoo)
		if v, ok := stopValue[int](err); !ok || v != 42 {
			t.Fatalf("Throw = %v, want a StopIteration with 42", err)
		}
	})
}

func TestThrowIntoUnstartedGeneratorFinishesItWithoutRunningTheBody(t *testing.T) {
	ran := false
	g := gen.New(func(y *intY) (int, error) {
		ran = true
		y.Yield(1)
		return 0, nil
	})
	if v, err := g.Throw(errFoo); err != errFoo || v != 0 {
		t.Fatalf("Throw = (%v, %v), want (0, FOO)", v, err)
	}
	if !g.Done() {
		t.Fatal("Done = false")
	}
	if r, err := g.Result(); r != 0 || err != errFoo {
		t.Fatalf("Result = (%v, %v), want (0, FOO)", r, err)
	}
	if _, err := g.Next(); err != gen.ErrStopIteration {
		t.Fatalf("Next = %v, want ErrStopIteration", err)
	}
	if ran {
		t.Fatal("the body ran")
	}
}

func TestThrowOfNilReturnsErrNilThrowAndChangesNothing(t *testing.T) {
	t.Run("on an unstarted generator", func(t *testing.T) {
		g := gen.New(summing)
		if _, err := g.Throw(nil); err != gen.ErrNilThrow {
			t.Fatalf("Throw(nil) = %v, want ErrNilThrow", err)
		}
		if g.Done() {
			t.Fatal("the generator finished")
		}
		mustYield(t, "Next", 0, g.Next)
		g.Close()
	})
	t.Run("on a suspended generator", func(t *testing.T) {
		g := gen.New(summing)
		g.Next()
		g.Send(2)
		if _, err := g.Throw(nil); err != gen.ErrNilThrow {
			t.Fatalf("Throw(nil) = %v, want ErrNilThrow", err)
		}
		mustYield(t, "Send(3) after Throw(nil)", 5, func() (int, error) { return g.Send(3) })
		g.Close()
	})
	t.Run("on a finished generator", func(t *testing.T) {
		g := gen.New(summing)
		g.Next()
		g.Throw(errFoo)
		if _, err := g.Throw(nil); err != gen.ErrNilThrow {
			t.Fatalf("Throw(nil) = %v, want ErrNilThrow", err)
		}
		if _, err := g.Result(); err != errFoo {
			t.Fatalf("Result = %v, want FOO", err)
		}
	})
}

func TestCloseRaisesGeneratorExitAtTheYield(t *testing.T) {
	// The talk's generator-close, and the doctest's "exiting".
	var trace []string
	g := gen.New(func(y *intY) (int, error) {
		defer func() { trace = append(trace, "deferred cleanup") }()
		_, err := y.Yield(1)
		if errors.Is(err, gen.ErrGeneratorExit) {
			trace = append(trace, "saw GeneratorExit")
		}
		return 0, err
	})
	g.Next()
	if err := g.Close(); err != nil {
		t.Fatalf("Close = %v, want nil", err)
	}
	if want := []string{"saw GeneratorExit", "deferred cleanup"}; !slices.Equal(trace, want) {
		t.Fatalf("trace = %q, want %q", trace, want)
	}
	if !g.Done() {
		t.Fatal("Done = false after Close")
	}
	if _, err := g.Send(2); err != gen.ErrStopIteration {
		t.Fatalf("Send after Close = %v, want ErrStopIteration", err)
	}
	if err := g.Close(); err != nil {
		t.Fatalf("second Close = %v, want nil", err)
	}
	if len(trace) != 2 {
		t.Fatalf("the second Close ran the body: %q", trace)
	}
}

func TestCloseOfUnstartedGeneratorIsNoOp(t *testing.T) {
	ran := false
	g := gen.New(func(y *intY) (int, error) {
		ran = true
		y.Yield(1)
		return 5, nil
	})
	if err := g.Close(); err != nil {
		t.Fatalf("Close = %v, want nil", err)
	}
	if !g.Done() {
		t.Fatal("Done = false")
	}
	if r, err := g.Result(); r != 0 || err != nil {
		t.Fatalf("Result = (%v, %v), want (0, nil)", r, err)
	}
	if _, err := g.Next(); err != gen.ErrStopIteration {
		t.Fatalf("Next = %v, want ErrStopIteration", err)
	}
	if ran {
		t.Fatal("the body ran")
	}
}

func TestCloseOfFinishedGeneratorIsNoOp(t *testing.T) {
	for _, c := range []struct {
		name    string
		err     error
		wantErr error
	}{
		{"that returned", nil, nil},
		{"that failed", errBoom, errBoom},
	} {
		t.Run(c.name, func(t *testing.T) {
			runs := 0
			g := gen.New(func(y *intY) (int, error) {
				runs++
				return 3, c.err
			})
			g.Next()
			if err := g.Close(); err != nil {
				t.Fatalf("Close = %v, want nil: it must not report the end again", err)
			}
			if r, err := g.Result(); r != 3 || err != c.wantErr {
				t.Fatalf("Result = (%v, %v), want (3, %v)", r, err, c.wantErr)
			}
			if runs != 1 {
				t.Fatalf("the body ran %d times, want 1", runs)
			}
		})
	}
}

func TestCloseOfGeneratorThatYieldsAgainReturnsErrIgnoredExit(t *testing.T) {
	// The doctest's ill-behaved generator: except GeneratorExit: yield "foo!".
	g := gen.New(func(y *intY) (int, error) {
		if _, err := y.Yield(1); errors.Is(err, gen.ErrGeneratorExit) {
			y.Yield(2)
			y.Yield(3)
		}
		return 0, nil
	})
	g.Next()
	err := g.Close()
	if !errors.Is(err, gen.ErrIgnoredExit) || err.Error() != "generator ignored GeneratorExit" {
		t.Fatalf("Close = %v, want ErrIgnoredExit", err)
	}
	if g.Done() {
		t.Fatal("Done = true: the generator must stay suspended at the yield")
	}
	if _, err := g.Result(); err != gen.ErrNotDone {
		t.Fatalf("Result = %v, want ErrNotDone", err)
	}
	mustYield(t, "Next after the ignored close", 3, g.Next)
	if _, err := g.Next(); !errors.Is(err, gen.ErrStopIteration) {
		t.Fatalf("last Next = %v, want the end", err)
	}
}

func TestSecondCloseAfterIgnoredExitIsHonoured(t *testing.T) {
	// The talk's generator-ignores-exit.
	var trace []string
	g := gen.New(func(y *intY) (int, error) {
		if _, err := y.Yield(1); errors.Is(err, gen.ErrGeneratorExit) {
			trace = append(trace, "caught GeneratorExit, yielding again")
		}
		if _, err := y.Yield(2); errors.Is(err, gen.ErrGeneratorExit) {
			trace = append(trace, "caught GeneratorExit again, returning")
		}
		return 0, nil
	})
	g.Send(0)
	if err := g.Close(); !errors.Is(err, gen.ErrIgnoredExit) {
		t.Fatalf("first Close = %v, want ErrIgnoredExit", err)
	}
	if err := g.Close(); err != nil {
		t.Fatalf("second Close = %v, want nil", err)
	}
	want := []string{"caught GeneratorExit, yielding again", "caught GeneratorExit again, returning"}
	if !slices.Equal(trace, want) || !g.Done() {
		t.Fatalf("trace = %q, Done = %v; want %q, true", trace, g.Done(), want)
	}
}

func TestCloseReturnsTheBodysOtherError(t *testing.T) {
	// The doctest's "errors thrown during closing should propagate".
	g := gen.New(func(y *intY) (int, error) {
		if _, err := y.Yield(1); errors.Is(err, gen.ErrGeneratorExit) {
			return 0, errFie
		}
		return 0, nil
	})
	g.Next()
	if err := g.Close(); err != errFie {
		t.Fatalf("Close = %v, want fie!", err)
	}
	if !g.Done() {
		t.Fatal("Done = false")
	}
	if _, err := g.Result(); err != errFie {
		t.Fatalf("Result = %v, want fie!", err)
	}
}

func TestCloseSucceedsWhenTheBodyEndsWithoutAnotherError(t *testing.T) {
	wrapped := fmt.Errorf("cleaning up: %w", gen.ErrGeneratorExit)
	for _, c := range []struct {
		name string
		r    int
		err  error
	}{
		{"the body returns nil", 0, nil},
		{"the body returns a value and nil", 5, nil},
		{"the body returns GeneratorExit", 0, gen.ErrGeneratorExit},
		{"the body returns a wrapped GeneratorExit", 0, wrapped},
	} {
		t.Run(c.name, func(t *testing.T) {
			cleaned := false
			g := gen.New(func(y *intY) (int, error) {
				defer func() { cleaned = true }()
				y.Yield(1)
				return c.r, c.err
			})
			g.Next()
			if err := g.Close(); err != nil {
				t.Fatalf("Close = %v, want nil", err)
			}
			if !cleaned || !g.Done() {
				t.Fatalf("cleanup ran: %v, Done: %v; want both", cleaned, g.Done())
			}
			if r, err := g.Result(); r != c.r || err != c.err {
				t.Fatalf("Result = (%v, %v), want (%v, %v)", r, err, c.r, c.err)
			}
		})
	}
}

func TestStopIterationFromTheBodyIsRaisedStopIteration(t *testing.T) {
	// PEP 479, CPython's test_stopiteration_error and
	// test_tutorial_stopiteration.
	stop3 := gen.Stop(3)
	wrapped := fmt.Errorf("next: %w", gen.ErrStopIteration)
	for _, c := range []struct {
		name  string
		body  func(y *intY) (int, error)
		drive func(g *intGen) error
		want  error // RaisedStopIteration.Err
	}{
		{
			name:  "Stop on the first resume",
			body:  func(y *intY) (int, error) { return 0, stop3 },
			drive: func(g *intGen) error { _, err := g.Next(); return err },
			want:  stop3,
		},
		{
			name: "Stop after a yield",
			body: func(y *intY) (int, error) { y.Yield(1); return 0, stop3 },
			drive: func(g *intGen) error {
				g.Next()
				_, err := g.Next()
				return err
			},
			want: stop3,
		},
		{
			name:  "an error that wraps ErrStopIteration",
			body:  func(y *intY) (int, error) { return 0, wrapped },
			drive: func(g *intGen) error { _, err := g.Next(); return err },
			want:  wrapped,
		},
		{
			name:  "ErrStopIteration itself",
			body:  func(y *intY) (int, error) { return 0, gen.ErrStopIteration },
			drive: func(g *intGen) error { _, err := g.Next(); return err },
			want:  gen.ErrStopIteration,
		},
		{
			name: "a thrown StopIteration that the body passes on",
			body: summing,
			drive: func(g *intGen) error {
				g.Next()
				_, err := g.Throw(stop3)
				return err
			},
			want: stop3,
		},
		{
			name: "a StopIteration returned on Close",
			body: func(y *intY) (int, error) { y.Yield(1); return 0, stop3 },
			drive: func(g *intGen) error {
				g.Next()
				return g.Close()
			},
			want: stop3,
		},
		{
			// CPython: gen().throw(StopIteration(3)) raises
			// RuntimeError("generator raised StopIteration").
			name:  "a StopIteration thrown into an unstarted generator",
			body:  summing,
			drive: func(g *intGen) error { _, err := g.Throw(stop3); return err },
			want:  stop3,
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			g := gen.New(c.body)
			err := c.drive(g)
			var rs *gen.RaisedStopIteration
			if !errors.As(err, &rs) {
				t.Fatalf("got %v (%T), want *RaisedStopIteration", err, err)
			}
			if rs.Error() != "generator raised StopIteration" || rs.Err != c.want {
				t.Fatalf("got %q wrapping %v, want %q wrapping %v", rs.Error(), rs.Err, "generator raised StopIteration", c.want)
			}
			if errors.Is(err, gen.ErrStopIteration) {
				t.Fatal("errors.Is(err, ErrStopIteration) holds: a loop would take the bug for an end")
			}
			if _, rerr := g.Result(); rerr != err {
				t.Fatalf("Result's error = %v, want the RaisedStopIteration", rerr)
			}
			if _, err := g.Next(); err != gen.ErrStopIteration {
				t.Fatalf("Next afterwards = %v, want ErrStopIteration", err)
			}
		})
	}
}

func TestResumingARunningGeneratorReturnsErrRunning(t *testing.T) {
	// PEP 255: "A generator cannot be resumed while it is actively running".
	for _, op := range []struct {
		name string
		call func(*intGen) error
	}{
		{"Send", func(g *intGen) error { _, err := g.Send(1); return err }},
		{"Next", func(g *intGen) error { _, err := g.Next(); return err }},
		{"Throw", func(g *intGen) error { _, err := g.Throw(errFoo); return err }},
		{"Close", func(g *intGen) error { return g.Close() }},
	} {
		t.Run(op.name+" from the generator's own body", func(t *testing.T) {
			var g *intGen
			var inner error
			g = gen.New(func(y *intY) (int, error) {
				x, _ := y.Yield(1)
				inner = op.call(g)
				x, err := y.Yield(x + 1)
				return x, err
			})
			mustYield(t, "Next", 1, g.Next)
			mustYield(t, "Send(10)", 11, func() (int, error) { return g.Send(10) })
			if inner != gen.ErrRunning || inner.Error() != "generator already executing" {
				t.Fatalf("%s from the body = %v, want ErrRunning", op.name, inner)
			}
			_, err := g.Send(4)
			if v, ok := stopValue[int](err); !ok || v != 4 {
				t.Fatalf("the generator did not carry on normally: Send(4) = %v", err)
			}
		})
	}
}

// panicValue is what the panic tests panic with: a pointer, so that only
// the very value compares equal.
type panicValue struct{ name string }

func TestPanicInTheBodyComesOutOfTheResume(t *testing.T) {
	for _, c := range []struct {
		name        string
		immediately bool // the body panics before its first yield
		resume      func(*intGen)
	}{
		{"from the first Next", true, func(g *intGen) { g.Next() }},
		{"from Send", false, func(g *intGen) { g.Next(); g.Send(1) }},
		{"from Throw", false, func(g *intGen) { g.Next(); g.Throw(errFoo) }},
		{"from Close", false, func(g *intGen) { g.Next(); g.Close() }},
		{"from a range loop", false, func(g *intGen) {
			for range g.All() {
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			pv := &panicValue{c.name}
			cleaned := false
			g := gen.New(func(y *intY) (int, error) {
				defer func() { cleaned = true }()
				if !c.immediately {
					y.Yield(1)
				}
				panic(pv)
			})
			p := catch(func() { c.resume(g) })
			if p != pv {
				t.Fatalf("recovered %v, want the body's panic value", p)
			}
			if !cleaned || !g.Done() {
				t.Fatalf("deferred cleanup ran: %v, Done: %v; want both", cleaned, g.Done())
			}
			if _, err := g.Next(); err != gen.ErrStopIteration {
				t.Fatalf("Next after the panic = %v, want ErrStopIteration", err)
			}
			if _, err := g.Result(); err == nil || err == gen.ErrNotDone {
				t.Fatalf("Result's error = %v, want an error for the panic", err)
			}
			// The pool is not corrupted: a new generator runs as usual.
			h := gen.New(summing)
			mustYield(t, "new generator's Next", 0, h.Next)
			mustYield(t, "new generator's Send(2)", 2, func() (int, error) { return h.Send(2) })
			if err := h.Close(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func fibBody(n int) func(y *gen.Yielder[int, struct{}]) (int, error) {
	return func(y *gen.Yielder[int, struct{}]) (int, error) {
		a, b := 0, 1
		for range n {
			if _, err := y.Yield(a); err != nil {
				return 0, err
			}
			a, b = b, a+b
		}
		return n, nil
	}
}

func TestRangeIteratesEveryValue(t *testing.T) {
	t.Run("the talk's fib", func(t *testing.T) {
		g := gen.New(fibBody(10))
		got := slices.Collect(g.All())
		if want := []int{0, 1, 1, 2, 3, 5, 8, 13, 21, 34}; !slices.Equal(got, want) {
			t.Fatalf("got %v, want %v", got, want)
		}
		if r, err := g.Result(); r != 10 || err != nil {
			t.Fatalf("Result = (%v, %v), want (10, nil)", r, err)
		}
	})
	t.Run("a loop continues where an earlier Next left off", func(t *testing.T) {
		g := gen.New(fibBody(5))
		g.Next()
		g.Next()
		if got, want := slices.Collect(g.All()), []int{1, 2, 3}; !slices.Equal(got, want) {
			t.Fatalf("got %v, want %v", got, want)
		}
		if got := slices.Collect(g.All()); len(got) != 0 {
			t.Fatalf("a loop over the finished generator yielded %v", got)
		}
	})
}

func TestBreakingOutOfRangeClosesTheGenerator(t *testing.T) {
	for _, c := range []struct {
		name string
		loop func(g *gen.Generator[int, struct{}, int]) []int
	}{
		{"break", func(g *gen.Generator[int, struct{}, int]) (got []int) {
			for v := range g.All() {
				got = append(got, v)
				if v == 1 {
					break
				}
			}
			return got
		}},
		{"return from inside the loop", func(g *gen.Generator[int, struct{}, int]) (got []int) {
			for v := range g.All() {
				got = append(got, v)
				if v == 1 {
					return got
				}
			}
			return nil
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var seen error
			cleaned := false
			g := gen.New(func(y *gen.Yielder[int, struct{}]) (int, error) {
				defer func() { cleaned = true }()
				for i := 0; ; i++ {
					if _, err := y.Yield(i); err != nil {
						seen = err
						return -1, nil
					}
				}
			})
			if got := c.loop(g); !slices.Equal(got, []int{0, 1}) {
				t.Fatalf("loop got %v, want [0 1]", got)
			}
			if !errors.Is(seen, gen.ErrGeneratorExit) || !cleaned || !g.Done() {
				t.Fatalf("body saw %v, cleaned %v, Done %v; want GeneratorExit, true, true", seen, cleaned, g.Done())
			}
			if r, err := g.Result(); r != -1 || err != nil {
				t.Fatalf("Result = (%v, %v), want (-1, nil)", r, err)
			}
		})
	}
}

func TestRangeLeavesTheBodysErrorToResult(t *testing.T) {
	g := gen.New(func(y *gen.Yielder[int, struct{}]) (int, error) {
		y.Yield(1)
		y.Yield(2)
		return 0, errBoom
	})
	if got := slices.Collect(g.All()); !slices.Equal(got, []int{1, 2}) {
		t.Fatalf("got %v, want [1 2]", got)
	}
	if _, err := g.Result(); err != errBoom {
		t.Fatalf("Result = %v, want boom", err)
	}
}

func TestMisusePanicsWithAPrefixedMessage(t *testing.T) {
	type Y = gen.Yielder[int, struct{}]
	var escaped *Y
	escapee := gen.New(func(y *Y) (int, error) { escaped = y; return 0, nil })
	escapee.Next()
	for _, c := range []struct {
		name string
		f    func()
		want string // the whole message, or "" for any with the prefix
	}{
		{"New with a nil body", func() { gen.New[int, struct{}, int](nil) }, ""},
		{"Yield through a Yielder that escaped its body", func() { escaped.Yield(1) }, "gen: Yield outside the generator's body"},
		{"YieldFrom through a Yielder that escaped its body", func() {
			gen.YieldFrom(escaped, gen.New(fibBody(1)))
		}, ""},
		{"YieldFrom of a nil generator", func() {
			gen.New(func(y *Y) (int, error) { return gen.YieldFrom[int, struct{}, int](y, nil) }).Next()
		}, ""},
		{"YieldFromIter of a nil iterator", func() {
			gen.New(func(y *Y) (int, error) { return gen.YieldFromIter[int](y, nil) }).Next()
		}, ""},
		{"YieldFromSeq of a nil sequence", func() {
			gen.New(func(y *Y) (int, error) { return 0, gen.YieldFromSeq(y, nil) }).Next()
		}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := catch(c.f)
			msg, ok := p.(string)
			if !ok || !strings.HasPrefix(msg, "gen: ") || (c.want != "" && msg != c.want) {
				t.Fatalf("panicked with %#v, want a message starting with %q (%q)", p, "gen: ", c.want)
			}
		})
	}
}

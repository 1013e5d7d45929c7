package workloads

import (
	"context"

	"github.com/aio-go/aio"
)

// async_generators: pyperformance's "async_generators", an in-order
// traversal of a balanced binary tree of size nodes by recursive async
// generators, summed by an `async for` in one task; one traversal is one
// op, 10 ops in one event loop.
//
//	class Tree:
//	    async def __aiter__(self):
//	        if self.left:
//	            async for i in self.left:
//	                yield i
//	        yield self.value
//	        if self.right:
//	            async for i in self.right:
//	                yield i
//
// Each `async for i in self.left: yield i` is aio.YieldFromAsync: the
// subtree's async generator runs inline in its parent's, as gen's
// YieldFromFunc does for `yield from`, so the walk is one coroutine.

func walkAsync(n *node) func(context.Context, *aio.AsyncYielder[int, struct{}]) error {
	return func(ctx context.Context, y *aio.AsyncYielder[int, struct{}]) error {
		if n.left != nil {
			if err := aio.YieldFromAsync(ctx, y, walkAsync(n.left)); err != nil {
				return err
			}
		}
		if _, err := y.Yield(ctx, n.value); err != nil {
			return err
		}
		if n.right != nil {
			return aio.YieldFromAsync(ctx, y, walkAsync(n.right))
		}
		return nil
	}
}

func asyncGeneratorsAIO(size int) (measure, error) {
	root := buildTree(0, size)
	var m measure
	_, err := aio.Run(func(ctx context.Context) (struct{}, error) {
		var err error
		m, err = timed(traversals, func() error {
			for range traversals {
				s := 0
				g := aio.NewAsyncGenerator(walkAsync(root))
				for v, err := range g.All(ctx) {
					if err != nil {
						return err
					}
					s += v
				}
				if err := checkSum(s, size); err != nil {
					return err
				}
			}
			return nil
		})
		return struct{}{}, err
	})
	return m, err
}

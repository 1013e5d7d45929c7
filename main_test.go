package aio_test

import (
	"testing"

	"github.com/aio-go/aio/internal/leakcheck"
)

func TestMain(m *testing.M) { leakcheck.Main(m) }

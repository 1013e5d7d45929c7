package streams_test

import (
	"testing"

	"github.com/aio-go/aio/streams"
)

func TestTheAddressesOfAZeroOrNilStreamAreNil(t *testing.T) {
	for name, s := range map[string]*streams.Stream{"nil": nil, "zero": {}} {
		if a := s.LocalAddr(); a != nil {
			t.Errorf("%s Stream: LocalAddr = %v, want nil", name, a)
		}
		if a := s.RemoteAddr(); a != nil {
			t.Errorf("%s Stream: RemoteAddr = %v, want nil", name, a)
		}
	}
}

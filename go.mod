module github.com/aio-go/aio

go 1.26

require go.uber.org/goleak v1.3.0

require golang.org/x/sys v0.47.0

// Command stack starts the local services (DynamoDB Local and the local SES
// server) for a test run.
//
//	stack -- go test ./...   start, run the command with
//	                         MAPPA_TEST_DYNAMODB_ENDPOINT and
//	                         MAPPA_TEST_SES_ENDPOINT set, stop, exit with
//	                         the command's status
//	stack                    start, print the endpoints as shell
//	                         assignments, run until a signal or until
//	                         stdin closes (with -stdin)
//
// Either way the services are stopped on exit, and on Linux they die with
// this process even if it is killed.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"

	"github.com/mappa-coordinator/mappa/infra/localstack"
)

func main() {
	os.Exit(run())
}

func run() int {
	dataDir := flag.String("data", "", "keep DynamoDB data in this directory (default: in memory)")
	dynPort := flag.Int("dynamodb-port", 0, "DynamoDB Local port (0: a free port)")
	sesPort := flag.Int("ses-port", 0, "local SES port (0: a free port)")
	watchStdin := flag.Bool("stdin", false, "without a command: stop when stdin closes")
	verbose := flag.Bool("v", false, "show the services' output")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: stack [flags] [-- command args...]\n")
		flag.PrintDefaults()
	}
	flag.Parse()

	opts := localstack.Options{DataDir: *dataDir, DynamoPort: *dynPort, SESPort: *sesPort}
	if *verbose {
		opts.Log = os.Stderr
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()

	began := time.Now()
	s, err := localstack.Start(ctx, opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "stack:", err)
		return 1
	}
	defer s.Stop()
	fmt.Fprintf(os.Stderr, "stack: DynamoDB Local %s, local SES %s (started in %s)\n",
		s.DynamoEndpoint, s.SESEndpoint, time.Since(began).Round(10*time.Millisecond))

	if args := flag.Args(); len(args) > 0 {
		return runCommand(ctx, s, args)
	}
	fmt.Printf("%s=%s\n%s=%s\n", localstack.EnvDynamoEndpoint, s.DynamoEndpoint, localstack.EnvSESEndpoint, s.SESEndpoint)
	if *watchStdin {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}
	<-ctx.Done()
	return 0
}

// runCommand runs args with the endpoints in its environment. A signal
// to this process is passed on to the command; the stack stays up until
// the command has exited.
func runCommand(ctx context.Context, s *localstack.Stack, args []string) int {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(),
		localstack.EnvDynamoEndpoint+"="+s.DynamoEndpoint,
		localstack.EnvSESEndpoint+"="+s.SESEndpoint,
	)
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "stack:", err)
		return 127
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err = <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			err = <-done
		}
	}
	if err == nil {
		return 0
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if code := exit.ExitCode(); code >= 0 {
			return code
		}
		return 130
	}
	fmt.Fprintln(os.Stderr, "stack:", err)
	return 1
}

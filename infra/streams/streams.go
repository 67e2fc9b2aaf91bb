// Package streams drives a stream-consuming function locally the way
// Lambda's DynamoDB event source mapping does on AWS, because DynamoDB
// Local has streams but nothing that invokes functions from them.
//
// A Consumer polls one table's stream on DynamoDB Local (ListStreams,
// DescribeStream, GetShardIterator, GetRecords; TRIM_HORIZON or LATEST;
// parent shards before their children), turns each record into the
// events.DynamoDBEventRecord Lambda would deliver, drops records that match
// none of the function's FilterCriteria patterns, and calls the function's
// real handler with batches of up to BatchSize records. Failures follow the
// event source mapping's rules:
//
//   - ReportBatchItemFailures: the records before the first reported
//     sequence number are done; processing resumes at that record. An
//     identifier that is not a sequence number of the batch fails the whole
//     batch, as on AWS.
//   - A function error (or a reported failure) with
//     BisectBatchOnFunctionError splits what remains in two and processes
//     each half separately; the halves inherit the attempt count plus one,
//     so a record that always fails ends up alone.
//   - After MaximumRetryAttempts retries (negative: no limit, as on AWS) or
//     once older than MaximumRecordAgeInSeconds, the remaining records are
//     "parked": OnFailure gets their event ids and sequence numbers (what
//     an SQS on-failure destination gets on AWS) and the stream moves on.
//
// Records within a shard are processed strictly in order and one batch at
// a time, as Lambda does with ParallelizationFactor 1.
//
// Batching: Poll (the dev server) honours MaximumBatchingWindowInSeconds as
// Lambda does: a batch smaller than BatchSize waits for more records until
// the oldest has waited the window, so a burst of writes arrives in full
// batches rather than one invocation per poll. RunOnce (tests) delivers
// everything at once.
package streams

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"

	"github.com/mappa-coordinator/mappa/infra/template"
	"github.com/mappa-coordinator/mappa/shared/dynamo"
)

// Handler is a stream function's handler, as lambda.Start would call it.
type Handler func(context.Context, events.DynamoDBEvent) (events.DynamoDBEventResponse, error)

// API is the part of the DynamoDB Streams API the consumer uses;
// *dynamodbstreams.Client implements it.
type API interface {
	ListStreams(context.Context, *dynamodbstreams.ListStreamsInput, ...func(*dynamodbstreams.Options)) (*dynamodbstreams.ListStreamsOutput, error)
	DescribeStream(context.Context, *dynamodbstreams.DescribeStreamInput, ...func(*dynamodbstreams.Options)) (*dynamodbstreams.DescribeStreamOutput, error)
	GetShardIterator(context.Context, *dynamodbstreams.GetShardIteratorInput, ...func(*dynamodbstreams.Options)) (*dynamodbstreams.GetShardIteratorOutput, error)
	GetRecords(context.Context, *dynamodbstreams.GetRecordsInput, ...func(*dynamodbstreams.Options)) (*dynamodbstreams.GetRecordsOutput, error)
}

var _ API = (*dynamodbstreams.Client)(nil)

// Parked describes records given up on: ids only, never item images.
type Parked struct {
	Function       string    `json:"function"`
	Table          string    `json:"table"`
	EventSourceArn string    `json:"eventSourceArn"`
	EventIDs       []string  `json:"eventIds"`
	FirstSequence  string    `json:"firstSequenceNumber"`
	LastSequence   string    `json:"lastSequenceNumber"`
	Attempts       int       `json:"attempts"`
	Reason         string    `json:"reason"`
	At             time.Time `json:"at"`
}

// Checkpoints remember, per stream shard, the last sequence number done, so
// a restarted dev server does not replay its stream. Optional.
type Checkpoints interface {
	Load(shardKey string) (sequence string, ok bool)
	Save(shardKey, sequence string) error
}

// Consumer drives one function from one table's stream.
type Consumer struct {
	// Function names the function in logs and parked records.
	Function string
	// Streams is the DynamoDB Streams client (DynamoDB Local).
	Streams API
	// Table is the physical table name.
	Table string
	// Handler is the function's real handler.
	Handler Handler

	// Event source mapping settings (FromTemplate fills them in).
	StartingPosition           string        // TRIM_HORIZON (default) or LATEST
	BatchSize                  int           // default 100
	BatchingWindow             time.Duration // MaximumBatchingWindowInSeconds; Poll only
	MaximumRetryAttempts       int           // < 0: retry until the record is too old
	MaximumRecordAge           time.Duration
	BisectBatchOnFunctionError bool
	ReportBatchItemFailures    bool
	Filter                     Filter

	// OnFailure receives parked records (the on-failure destination).
	OnFailure func(context.Context, Parked)
	// Checkpoints, if set, persist progress.
	Checkpoints Checkpoints
	// PollInterval is the pause between polls of an idle stream (250ms).
	PollInterval time.Duration
	// RetryDelay is the pause before the first retry; it doubles per
	// attempt up to 5s (default 100ms).
	RetryDelay time.Duration
	// Logger (default slog.Default()).
	Logger *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time

	mu        sync.Mutex // one drain at a time
	streamArn string
	shards    map[string]*shardState
	started   bool
}

type shardState struct {
	id       string
	parent   string
	iterator string
	lastSeq  string
	done     bool // closed and fully read
	latest   bool // first iterator at LATEST

	// A partial batch held for the batching window (Poll only).
	pending      []events.DynamoDBEventRecord
	pendingEnd   string    // sequence number of the last record read into it
	pendingSince time.Time // when its first record was read
}

// FromTemplate returns a consumer configured as template.yaml configures
// the function's stream event. table is the physical name of ev.Table.
func FromTemplate(function string, ev template.StreamEvent, table string, api API, h Handler) (*Consumer, error) {
	f, err := CompileFilter(ev.FilterPatterns)
	if err != nil {
		return nil, fmt.Errorf("streams: %s: %w", function, err)
	}
	c := &Consumer{
		Function: function, Streams: api, Table: table, Handler: h,
		StartingPosition:           ev.StartingPosition,
		BatchSize:                  ev.BatchSize,
		BatchingWindow:             time.Duration(ev.MaximumBatchingWindowInSeconds) * time.Second,
		MaximumRetryAttempts:       ev.MaximumRetryAttempts,
		BisectBatchOnFunctionError: ev.BisectBatchOnFunctionError,
		ReportBatchItemFailures:    slices.Contains(ev.FunctionResponseTypes, "ReportBatchItemFailures"),
		Filter:                     f,
	}
	if ev.MaximumRecordAgeInSeconds > 0 {
		c.MaximumRecordAge = time.Duration(ev.MaximumRecordAgeInSeconds) * time.Second
	}
	return c, nil
}

func (c *Consumer) logger() *slog.Logger {
	if c.Logger != nil {
		return c.Logger
	}
	return slog.Default()
}

func (c *Consumer) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// Poll processes the stream until ctx is done. Errors reading the stream
// are logged and retried; it returns ctx's error.
func (c *Consumer) Poll(ctx context.Context) error {
	interval := c.PollInterval
	if interval <= 0 {
		interval = 250 * time.Millisecond
	}
	for {
		n, err := c.run(ctx, true)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			c.logger().Warn("stream poll failed", slog.String("function", c.Function), slog.String("error", err.Error()))
		}
		if n > 0 && err == nil {
			continue
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(interval):
		}
	}
}

// RunOnce processes every record in the stream now and returns how many
// records were read (delivered, filtered out or parked). It does not wait
// for the batching window.
func (c *Consumer) RunOnce(ctx context.Context) (int, error) { return c.run(ctx, false) }

// run reads every shard to its end; with hold, a partial batch younger than
// the batching window is kept for the next run.
func (c *Consumer) run(ctx context.Context, hold bool) (int, error) {
	hold = hold && c.BatchingWindow > 0
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.streamArn == "" {
		arn, err := c.findStream(ctx)
		if err != nil {
			return 0, err
		}
		c.streamArn = arn
	}
	if err := c.refreshShards(ctx); err != nil {
		return 0, err
	}
	total := 0
	// Parents before children: repeat while a pass makes progress.
	for {
		progressed := false
		for _, id := range slices.Sorted(maps.Keys(c.shards)) {
			s := c.shards[id]
			if s.done {
				continue
			}
			if p, ok := c.shards[s.parent]; ok && !p.done {
				continue
			}
			n, err := c.drainShard(ctx, s, hold)
			total += n
			if err != nil {
				return total, err
			}
			if s.done {
				progressed = true
			}
		}
		if !progressed {
			return total, nil
		}
		if err := c.refreshShards(ctx); err != nil {
			return total, err
		}
	}
}

// findStream returns the table's newest stream.
func (c *Consumer) findStream(ctx context.Context) (string, error) {
	var newest types.Stream
	in := &dynamodbstreams.ListStreamsInput{TableName: aws.String(c.Table)}
	for {
		out, err := c.Streams.ListStreams(ctx, in)
		if err != nil {
			return "", fmt.Errorf("streams: list streams of %s: %w", c.Table, err)
		}
		for _, s := range out.Streams {
			if aws.ToString(s.TableName) == c.Table && aws.ToString(s.StreamLabel) >= aws.ToString(newest.StreamLabel) {
				newest = s
			}
		}
		if out.LastEvaluatedStreamArn == nil {
			break
		}
		in.ExclusiveStartStreamArn = out.LastEvaluatedStreamArn
	}
	if newest.StreamArn == nil {
		return "", fmt.Errorf("streams: table %s has no stream", c.Table)
	}
	return aws.ToString(newest.StreamArn), nil
}

func (c *Consumer) refreshShards(ctx context.Context) error {
	first := !c.started
	if c.shards == nil {
		c.shards = map[string]*shardState{}
	}
	in := &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(c.streamArn)}
	for {
		out, err := c.Streams.DescribeStream(ctx, in)
		if err != nil {
			return fmt.Errorf("streams: describe stream of %s: %w", c.Table, err)
		}
		for _, sh := range out.StreamDescription.Shards {
			id := aws.ToString(sh.ShardId)
			if _, known := c.shards[id]; known {
				continue
			}
			s := &shardState{id: id, parent: aws.ToString(sh.ParentShardId)}
			// LATEST applies to the shards open when the consumer starts;
			// shards that appear later are read from their beginning.
			s.latest = first && c.StartingPosition == "LATEST" && sh.SequenceNumberRange != nil &&
				sh.SequenceNumberRange.EndingSequenceNumber == nil
			if first && c.StartingPosition == "LATEST" && !s.latest {
				s.done = true // closed before we started
			}
			if c.Checkpoints != nil {
				if seq, ok := c.Checkpoints.Load(c.checkpointKey(id)); ok {
					s.lastSeq, s.latest, s.done = seq, false, false
				}
			}
			c.shards[id] = s
		}
		if out.StreamDescription.LastEvaluatedShardId == nil {
			break
		}
		in.ExclusiveStartShardId = out.StreamDescription.LastEvaluatedShardId
	}
	c.started = true
	return nil
}

func (c *Consumer) checkpointKey(shard string) string {
	return c.Function + "|" + c.streamArn + "|" + shard
}

func (c *Consumer) iterator(ctx context.Context, s *shardState) (string, error) {
	in := &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(c.streamArn), ShardId: aws.String(s.id)}
	switch {
	case s.lastSeq != "":
		in.ShardIteratorType = types.ShardIteratorTypeAfterSequenceNumber
		in.SequenceNumber = aws.String(s.lastSeq)
	case s.latest:
		in.ShardIteratorType = types.ShardIteratorTypeLatest
	default:
		in.ShardIteratorType = types.ShardIteratorTypeTrimHorizon
	}
	out, err := c.Streams.GetShardIterator(ctx, in)
	if err != nil {
		var expired *types.TrimmedDataAccessException
		if errors.As(err, &expired) && s.lastSeq != "" {
			s.lastSeq = ""
			return c.iterator(ctx, s)
		}
		return "", fmt.Errorf("streams: shard iterator of %s: %w", c.Table, err)
	}
	s.latest = false
	return aws.ToString(out.ShardIterator), nil
}

// drainShard reads shard s to its current end. With hold, a partial batch
// is kept until the batching window has passed since its first record.
func (c *Consumer) drainShard(ctx context.Context, s *shardState, hold bool) (total int, err error) {
	defer func() {
		if err == nil && len(s.pending) > 0 && (!hold || s.done || c.now().Sub(s.pendingSince) >= c.BatchingWindow) {
			err = c.flushPending(ctx, s)
		}
	}()
	renewed := false
	for {
		if s.iterator == "" {
			it, err := c.iterator(ctx, s)
			if err != nil {
				return total, err
			}
			s.iterator = it
		}
		out, err := c.Streams.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: aws.String(s.iterator), Limit: aws.Int32(1000)})
		if err != nil {
			var expired *types.ExpiredIteratorException
			if errors.As(err, &expired) {
				s.iterator = ""
				continue
			}
			// DynamoDB Local invalidates an iterator taken while the shard
			// was empty once records arrive (TrimmedDataAccessException); a
			// fresh iterator from the same position reads them. Once per
			// drain, so a real trim cannot loop.
			var trimmed *types.TrimmedDataAccessException
			if errors.As(err, &trimmed) && !renewed {
				s.iterator, renewed = "", true
				continue
			}
			return total, fmt.Errorf("streams: get records of %s: %w", c.Table, err)
		}
		if len(out.Records) > 0 {
			// Until the page is fully handled, a restart must re-read it
			// (records held for the batching window are not checkpointed).
			s.iterator = ""
			if err := c.handlePage(ctx, s, out.Records); err != nil {
				return total, err
			}
			total += len(out.Records)
		}
		if out.NextShardIterator == nil {
			s.done, s.iterator = true, ""
			return total, nil
		}
		s.iterator = aws.ToString(out.NextShardIterator)
		if len(out.Records) == 0 {
			return total, nil
		}
	}
}

// handlePage filters and batches one GetRecords page and delivers every full
// batch; what is left stays pending (drainShard delivers it, now or after
// the batching window).
func (c *Consumer) handlePage(ctx context.Context, s *shardState, recs []types.Record) error {
	size := c.BatchSize
	if size <= 0 {
		size = 100
	}
	for _, r := range recs {
		ev, raw := c.convert(r)
		s.pendingEnd = ev.Change.SequenceNumber
		if !c.Filter.Match(raw) {
			continue
		}
		if len(s.pending) == 0 {
			s.pendingSince = c.now()
		}
		s.pending = append(s.pending, ev)
		if len(s.pending) == size {
			if err := c.flushPending(ctx, s); err != nil {
				return err
			}
		}
	}
	if len(s.pending) == 0 {
		// Only filtered-out records since the last batch: done with them.
		return c.checkpoint(s, s.pendingEnd)
	}
	return nil
}

// flushPending delivers the pending batch and checkpoints past it.
func (c *Consumer) flushPending(ctx context.Context, s *shardState) error {
	if len(s.pending) > 0 {
		if err := c.deliver(ctx, s.pending, 0); err != nil {
			// Re-read from the last checkpoint next time.
			s.pending, s.iterator = nil, ""
			return err
		}
	}
	s.pending = nil
	return c.checkpoint(s, s.pendingEnd)
}

func (c *Consumer) checkpoint(s *shardState, seq string) error {
	if seq == "" {
		return nil
	}
	s.lastSeq = seq
	if c.Checkpoints != nil {
		if err := c.Checkpoints.Save(c.checkpointKey(s.id), seq); err != nil {
			return fmt.Errorf("streams: checkpoint: %w", err)
		}
	}
	return nil
}

// deliver invokes the handler with batch until it is done or parked.
// attempts counts the failed invocations the batch has already had.
func (c *Consumer) deliver(ctx context.Context, batch []events.DynamoDBEventRecord, attempts int) error {
	for len(batch) > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		if c.MaximumRecordAge > 0 {
			oldest := batch[0].Change.ApproximateCreationDateTime.Time
			if !oldest.IsZero() && c.now().Sub(oldest) > c.MaximumRecordAge {
				c.park(ctx, batch, attempts, "record older than MaximumRecordAgeInSeconds")
				return nil
			}
		}
		failedAt, reason := c.invoke(ctx, batch)
		if failedAt < 0 {
			return nil
		}
		batch = batch[failedAt:] // records before the failure are done
		attempts++
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if c.MaximumRetryAttempts >= 0 && attempts > c.MaximumRetryAttempts {
			c.park(ctx, batch, attempts, reason)
			return nil
		}
		c.logger().Warn("stream batch failed; retrying",
			slog.String("function", c.Function), slog.Int("records", len(batch)),
			slog.String("firstEventId", batch[0].EventID), slog.Int("attempt", attempts), slog.String("reason", reason))
		c.sleep(ctx, attempts)
		if c.BisectBatchOnFunctionError && len(batch) > 1 {
			half := len(batch) / 2
			if err := c.deliver(ctx, batch[:half], attempts); err != nil {
				return err
			}
			return c.deliver(ctx, batch[half:], attempts)
		}
	}
	return nil
}

func (c *Consumer) sleep(ctx context.Context, attempts int) {
	d := c.RetryDelay
	if d == 0 {
		d = 100 * time.Millisecond
	}
	if d < 0 {
		return
	}
	for i := 1; i < attempts && d < 5*time.Second; i++ {
		d *= 2
	}
	select {
	case <-ctx.Done():
	case <-time.After(min(d, 5*time.Second)):
	}
}

// invoke calls the handler once. It returns -1 on success, otherwise the
// index of the first record to retry from and why.
func (c *Consumer) invoke(ctx context.Context, batch []events.DynamoDBEventRecord) (int, string) {
	resp, err := c.call(ctx, events.DynamoDBEvent{Records: slices.Clone(batch)})
	if err != nil {
		c.logger().Warn("stream function returned an error", slog.String("function", c.Function), slog.String("error", err.Error()))
		return 0, "function error"
	}
	if !c.ReportBatchItemFailures || len(resp.BatchItemFailures) == 0 {
		return -1, ""
	}
	first := len(batch)
	for _, f := range resp.BatchItemFailures {
		i := slices.IndexFunc(batch, func(r events.DynamoDBEventRecord) bool {
			return f.ItemIdentifier != "" && r.Change.SequenceNumber == f.ItemIdentifier
		})
		if i < 0 {
			return 0, "batch item failure with an identifier not in the batch"
		}
		first = min(first, i)
	}
	return first, "reported batch item failure"
}

// call runs the handler, turning a panic into a function error as the
// Lambda runtime does.
func (c *Consumer) call(ctx context.Context, ev events.DynamoDBEvent) (resp events.DynamoDBEventResponse, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return c.Handler(ctx, ev)
}

func (c *Consumer) park(ctx context.Context, batch []events.DynamoDBEventRecord, attempts int, reason string) {
	p := Parked{
		Function: c.Function, Table: c.Table, EventSourceArn: c.streamArn,
		FirstSequence: batch[0].Change.SequenceNumber, LastSequence: batch[len(batch)-1].Change.SequenceNumber,
		Attempts: attempts, Reason: reason, At: c.now().UTC(),
	}
	for _, r := range batch {
		p.EventIDs = append(p.EventIDs, r.EventID)
	}
	c.logger().Error("stream records parked",
		slog.String("function", c.Function), slog.Any("eventIds", p.EventIDs), slog.Int("attempts", attempts), slog.String("reason", reason))
	if c.OnFailure != nil {
		c.OnFailure(ctx, p)
	}
}

// NewClient returns a DynamoDB Streams client for DynamoDB Local at
// endpoint (or AWS when endpoint is "").
func NewClient(ctx context.Context, endpoint string) (*dynamodbstreams.Client, error) {
	cfg, err := dynamo.LoadConfig(ctx, endpoint)
	if err != nil {
		return nil, err
	}
	return dynamodbstreams.NewFromConfig(cfg, func(o *dynamodbstreams.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	}), nil
}

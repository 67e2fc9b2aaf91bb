// Package store keeps referrals and cases in DynamoDB: the referral items
// and their decisions, idempotency records, cases with their referral
// links, identifier claims, the name-and-birth-date match index and level
// history. Every write is one TransactWriteItems call that carries its audit
// entry (shared/audit) and its conditions; nothing here scans a table.
//
// # Item types
//
// Times in keys are UTC, fixed width ("2006-01-02T15:04:05.000000000Z"), so
// they sort as strings. Personal data never appears in a key: names and
// dates of birth only as a SHA-256 (referral.NameKey).
//
// ReferralsTable (stream: INSERT of type "referral" starts classify)
//
//	type         pk                              sk                          gsi1pk / gsi1sk                 gsi2pk / gsi2sk
//	referral     REFERRAL#<id>                   REFERRAL                    REFERRALS#<shard> / <urgency>   STATUS#<status>#<shard> / <urgency>
//	decision     REFERRAL#<id>                   DECISION#<at>#<decisionId>  -                               -
//	idempotency  IDEMPOTENCY#<scope>#<sha256(key)> IDEMPOTENCY               -                               -
//	search-entry FIND#<kind>#<value>             REFERRAL#<id>               -                               -
//	queue-count  QUEUECOUNT#<0..15>              <status>                    -                               -
//
// <shard> is FNV-1a(id) mod ListShards; <urgency> is UrgencyKey (queue.go);
// search entries are written with the first classification; received
// referrals have no counter (QueueCounts counts their list).
//
// CasesTable
//
//	type             pk                   sk                               gsi1pk / gsi1sk
//	case             CASE#<id>            CASE                             CASES / <createdAt>#<id> (merged: CASES#merged)
//	case-classification CASE#<id>         CASE#CLASSIFICATION              -
//	case-referral    CASE#<id>            REFERRAL#<receivedAt>#<refId>    -
//	level-change     CASE#<id>            LEVEL#<at>#<changeId>            -
//	identifier-claim IDENT#<kind>#<value> IDENT                            -
//	name-key         NAMEKEY#<sha256>     CASE#<caseId>                    -
//
// # Access patterns
//
//   - Referral by id (agency status, staff view, classify): GetItem
//     REFERRAL#<id>/REFERRAL; with its decision history: Query pk
//     REFERRAL#<id> (the referral item and every DECISION# item, oldest first).
//   - The queue, most urgent first: by status, Query gsi2 gsi2pk
//     STATUS#<status>#<shard> for every shard; all statuses, Query gsi1
//     gsi1pk REFERRALS#<shard>; the shards merged in sort-key order
//     (ListReferrals). The cursor holds every shard's position. Counts per
//     status: one BatchGetItem of the queue-count items (QueueCounts).
//     Search: Query FIND#<kind>#<value> per way the text can be read, then
//     BatchGetItem of the referrals (SearchReferrals). A member of staff
//     who sees only some cases: ReferralsOfCases.
//   - Before intake stores a referral (Lookup, two round trips): one
//     consistent BatchGetItem of IDEMPOTENCY#<scope>#<sha256(key)> for each
//     key (scope the agency id, key the Idempotency-Key header or the
//     agency's own reference) and of IDENT#crn#<X123456>,
//     IDENT#pnc#<YY/NNNNNNNL>, IDENT#councilNumber#<N>, then a Query of
//     pk NAMEKEY#<sha256(family name|dob)> (likely matches). Each record
//     and claim is written with attribute_not_exists(pk) in the referral's
//     transaction, so one key names one referral and one identifier
//     belongs to one case whatever the reads saw.
//   - Case: Query pk CASE#<id> begins_with(sk, CASE) (the case item and
//     its classification item).
//   - Case view: Query pk CASE#<id> (the case, its classification, its
//     referral links and its level and traffic-light history, 100 items a
//     page), then BatchGetItem of the linked referrals.
//   - Case list, newest first: Query gsi1 gsi1pk CASES.
//
// # Versions and conditions
//
// Referral and case items carry a number attribute "version", starting at
// 1 and incremented by every change; decisions, level changes, match
// resolutions and classification are conditional on the version the caller
// read (409 on a stale one). Transactions cancelled only by
// TransactionConflict are retried here with jittered backoff.
//
// # For classify
//
// classify stores the engine's answer with UpdateReferral (the id is in
// the stream record's keys: pk "REFERRAL#<id>"): its closure leaves a
// referral that is no longer received alone and otherwise sets the
// status and the referral.Classification, with the email and the audit
// entry as effects. The store writes the classification item (once) and
// the case's classification item in the same transaction, so replaying a
// stream record is safe.
//
// # Tests
//
// shared/store/storetest is the store's contract: TestContractDynamoDB
// runs it on DynamoDB Local and TestContractMemory on Memory, the one
// in-memory stand-in other packages' unit tests use.
// TestConsumedCapacity measures each operation's consumed capacity
// against the minimum for the items it touches (docs/data-model.md).
package store

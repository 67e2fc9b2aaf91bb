// Package e2e holds the end-to-end tests of the referral flow that span
// several functions: an agency posts a referral (intake, through the API
// Gateway emulator with a dev token), the referrals table's stream drives
// the real classify handler, the outbox table's stream drives the real
// mailer, and the email lands in the local SES server. They run against
// DynamoDB Local and the local SES server (infra/localstack), with the
// streams driven by infra/streams exactly as template.yaml configures the
// event source mappings, and with the whole system in-process
// (infra/localapp). Test code only.
package e2e

// The referral work page and the forms' pure parts in Node: what is needed
// next for each role, the history in words (never "Level set to 2 (was
// 2)"), refusals in words, times as people write them, and every problem
// in one round.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { _test as referral, abilities } from '../static/app/views/referral.mjs'
import { _test as enter } from '../static/app/views/enter-referral.mjs'
import { _test as eligibility, overdue } from '../static/app/views/eligibility.mjs'
import { mergeProblems } from '../static/app/views/facts-form.mjs'

const BSO = { subject: 'staff-bso-1', roles: ['business-support-officer'] }
const TM = { subject: 'staff-tm-1', roles: ['team-manager'] }
const SM = { subject: 'staff-sm-1', roles: ['service-manager'] }

test('times as people write them become HH:MM; anything else is refused', () => {
  const cases = { '2pm': '14:00', '2 pm': '14:00', '2:30pm': '14:30', '2.30 p.m.': '14:30', '12pm': '12:00', '12am': '00:00', '10am': '10:00', '14:30': '14:30', '14.30': '14:30', '1430': '14:30', '9': '09:00', '09:05': '09:05', noon: '12:00', Midday: '12:00' }
  for (const [raw, want] of Object.entries(cases)) assert.equal(enter.parseTime(raw), want, raw)
  for (const bad of ['25:00', '13pm', '2:75pm', 'soon', '', '0pm', '12:3']) assert.equal(enter.parseTime(bad), '', bad)
})

test('what is needed next depends on the status and on what the role may do', () => {
  const classified = { status: 'classified' }
  assert.match(referral.nextStep(classified, abilities(BSO)).text, /^Decide/)
  assert.equal(referral.nextStep(classified, abilities(BSO)).href, '#decide')
  assert.match(referral.nextStep(classified, abilities(TM)).text, /A business support officer decides/)
  assert.equal(referral.nextStep(classified, abilities(TM)).href, undefined)
  const match = { status: 'classified', matchState: 'pending', possibleMatches: ['c2'] }
  assert.equal(referral.nextStep(match, abilities(BSO)).href, '#possible-match')
  const accepted = { status: 'accepted', case: {} }
  assert.match(referral.nextStep(accepted, abilities(SM)).text, /Confirm the level/)
  assert.match(referral.nextStep(accepted, abilities(TM)).text, /confirms the level/)
  assert.match(referral.nextStep({ status: 'accepted', case: { level: 2 } }, abilities(BSO)).text, /level 2 is confirmed/)
  assert.match(referral.nextStep({ status: 'received' }, abilities(BSO)).text, /updates itself/)
})

test('forms only for the roles that may act', () => {
  const view = { id: 'r1', status: 'classified', caseId: 'c1', case: { id: 'c1', version: 1 }, classification: { result: { outcome: 'eligible', primaryCategory: 2 }, suggestedLevel: 2 } }
  const asBSO = String(referral.page(view, { errors: {} }, BSO, '2027-01-01'))
  assert.match(asBSO, /id="decision-form"/)
  assert.match(asBSO, /id="level-form"/)
  const asTM = String(referral.page(view, { errors: {} }, TM, '2027-01-01'))
  assert.doesNotMatch(asTM, /id="decision-form"/)
  assert.doesNotMatch(asTM, /id="level-form"/)
  assert.match(asTM, /Your role cannot decide referrals/)
  const asSM = String(referral.page(view, { errors: {} }, SM, '2027-01-01'))
  assert.doesNotMatch(asSM, /id="decision-form"/)
  assert.match(asSM, /id="level-form"/)
})

test('no level is pre-selected; a confirmed level is shown as confirmed and is not offered again', () => {
  const view = { id: 'r1', status: 'accepted', caseId: 'c1', case: { id: 'c1', version: 2 }, suggestedLevel: 2, classification: { result: { outcome: 'eligible', primaryCategory: 2 }, suggestedLevel: 2 } }
  const fresh = String(referral.page(view, { errors: {} }, BSO, '2027-01-01'))
  assert.doesNotMatch(fresh.slice(fresh.indexOf('id="level-form"')), /checked/)
  assert.match(fresh, /Level 2 \(suggested\)/)
  const confirmed = String(referral.page({ ...view, case: { id: 'c1', version: 3, level: 2 } }, { errors: {} }, BSO, '2027-01-01'))
  assert.match(confirmed, /Level 2 <strong class="govuk-tag govuk-tag--green">Confirmed<\/strong>/)
  assert.match(confirmed, /Change the level of management/)
  const form = confirmed.slice(confirmed.indexOf('id="level-form"'))
  assert.doesNotMatch(form, /value="2"/)
  assert.doesNotMatch(confirmed, /no suggested level yet/i)
})

test('the history is in words, with who did it', () => {
  const rows = referral.historyRows({
    decisions: [{ decision: 'accept', actor: 'staff-bso-2', at: '2027-01-02T10:00:00Z' }, { decision: 'match:different-person', actor: 'staff-bso-1', at: '2027-01-01T10:00:00Z' }],
    case: { levelHistory: [{ action: 'confirm', level: 2, suggestedLevel: 2, actor: 'staff-sm-1', at: '2027-01-03T10:00:00Z' }, { action: 'set', level: 3, previousLevel: 2, actor: 'staff-hos-1', at: '2027-01-04T10:00:00Z', reason: 'Media' }] }
  }, { who: BSO })
  assert.deepEqual(rows.map((r) => r.what), ['Level changed from 2 to 3', 'Level 2 confirmed (the suggested level)', 'Referral accepted', 'Possible match checked: a different person'])
  assert.equal(rows[2].who, 'Business support officer (staff-bso-2)')
  assert.equal(rows[3].who, 'You (Business support officer)')
  for (const r of rows) assert.doesNotMatch(r.what, /was 2\)/)
})

test('a refused save says why in words', () => {
  assert.match(referral.refusalText('decision', { status: 403, problem: {} }), /only business support officers/)
  assert.match(referral.refusalText('level', { status: 403, problem: {} }), /service managers and heads of service/)
  assert.match(referral.refusalText('decision', { status: 409, problem: { detail: 'Someone changed this since you loaded it.' } }), /someone else changed/)
  assert.match(referral.refusalText('decision', { status: 409, problem: { detail: 'the referral has no possible match waiting' } }), /no possible match waiting/)
  assert.doesNotMatch(referral.refusalText('decision', { status: 403, problem: {} }), /problem with the service/)
})

test('an empty eligibility check is refused in the browser', () => {
  const { clientErrors } = eligibility.readRequest({}, 1)
  assert.match(clientErrors['offence-0-code'], /Enter at least one offence/)
  const filled = eligibility.readRequest({ 'offence-0-code': 'OAPA1861-S18' }, 1)
  assert.deepEqual(filled.clientErrors, {})
})

test('an overdue review window is flagged', () => {
  assert.equal(overdue({ earliest: '2027-02-18', latest: '2027-03-04', invitationsBy: '2027-02-18' }, '2027-03-05'), 'window')
  assert.equal(overdue({ earliest: '2027-02-18', latest: '2027-03-04', invitationsBy: '2027-02-18' }, '2027-02-19'), 'invitations')
  assert.equal(overdue({ earliest: '2027-02-18', latest: '2027-03-04', invitationsBy: '2027-02-18' }, '2027-02-01'), null)
})

test('browser and service problems merge into one summary in page order, one per question', () => {
  const fields = [{ id: 'a', href: '#a' }, { id: 'dob', href: '#dob-day' }, { id: 'c', href: '#c' }]
  const client = { messages: { dob: 'Date of birth must be a real date' }, summary: [{ href: '#dob-day', text: 'Date of birth must be a real date' }] }
  const server = { messages: { dob: 'Enter the date of birth', c: 'Enter c', a: 'Enter a' }, summary: [{ href: '#a', text: 'Enter a' }, { href: '#dob-day', text: 'Enter the date of birth' }, { href: '#c', text: 'Enter c' }] }
  const m = mergeProblems(client, server, fields, { dob: { parts: ['day'] } })
  assert.deepEqual(m.summary.map((x) => x.text), ['Enter a', 'Date of birth must be a real date', 'Enter c'])
  assert.equal(m.messages.dob, 'Date of birth must be a real date')
  assert.deepEqual(m.messages['dob:parts'], ['day'])
})

test('entering a referral reads associated children and victims', () => {
  const v = {
    _children: '1', 'child-0-given-names': 'Ava', 'child-0-family-name': 'Example', 'child-0-dob-day': '2', 'child-0-dob-month': '5', 'child-0-dob-year': '2016', 'child-0-open': 'yes', 'child-0-worker': 'Jo Worker',
    _victims: '1', 'victim-0-relationship': 'former partner', 'victim-0-details': 'Adult', 'has-meeting': 'yes', 'meeting-time': '2pm'
  }
  const { body, clientErrors } = enter.readReferral(v, 1)
  assert.deepEqual(body.associatedChildren, [{ givenNames: 'Ava', familyName: 'Example', dateOfBirth: '2016-05-02', openToChildrensSocialCare: true, allocatedWorker: { name: 'Jo Worker' } }])
  assert.deepEqual(body.victims, [{ relationship: 'former partner', details: 'Adult' }])
  assert.equal(body.meetingInvitation.time, '14:00')
  assert.deepEqual(clientErrors, {})
  assert.match(enter.readReferral({ 'has-meeting': 'yes', 'meeting-time': 'soon' }, 1).clientErrors['meeting-time'], /for example 2pm/)
})

// The forms' pure modules in Node (no browser): GOV.UK date inputs,
// problem+json pointers to fields, and the JSON the two forms send.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readDate, mapProblems, pointerLabel } from '../static/app/forms.mjs'
import { _test as entry } from '../static/app/views/enter-referral.mjs'
import { _test as check } from '../static/app/views/eligibility.mjs'

test('GOV.UK date inputs: real dates only, with the part that is wrong', () => {
  const v = (day, month, year) => ({ 'd-day': day, 'd-month': month, 'd-year': year })
  assert.deepEqual(readDate(v('', '', ''), 'd', 'Date of birth'), {})
  assert.deepEqual(readDate(v('14', '3', '1988'), 'd', 'Date of birth'), { iso: '1988-03-14' })
  assert.deepEqual(readDate(v('31', '2', '1988'), 'd', 'Date of birth'), { error: 'Date of birth must be a real date', parts: ['day'] })
  assert.deepEqual(readDate(v('1', '13', '1988'), 'd', 'Date of birth'), { error: 'Date of birth must be a real date', parts: ['month'] })
  assert.deepEqual(readDate(v('29', '2', '2024'), 'd', 'Date of birth'), { iso: '2024-02-29' })
  assert.deepEqual(readDate(v('1', '', '88'), 'd', 'Date of birth'), { error: 'Date of birth must include a month', parts: ['month'] })
  assert.deepEqual(readDate(v('1', '2', '88'), 'd', 'Date of birth'), { error: 'Year must include 4 numbers', parts: ['year'] })
  assert.deepEqual(readDate(v('x', '2', '1988'), 'd', 'Date of birth'), { error: 'Date of birth must be a real date', parts: ['day'] })
})

test('problem pointers land on their fields, nearest ancestor first; the rest are listed unlinked', () => {
  const fields = [
    { id: 'given-names', pointers: ['/person/givenNames'], label: 'Given names', required: 'Enter the person’s given names' },
    { id: 'dob', pointers: ['/person/dateOfBirth'], label: 'Date of birth', href: '#dob-day' },
    { id: 'offence-0-code', pointers: ['/facts/offences/0', '/facts/offences/0/code'], label: 'Offence 1:', required: 'Enter the code', requiredIf: /^give the offence/ }
  ]
  const { messages, summary } = mapProblems([
    { pointer: '/victims/0', detail: 'needs a name or details' },
    { pointer: '/facts/offences/0', detail: "give the offence's code from the offence list, its statute reference or a description" },
    { pointer: '/facts/offences/0/inchoate', detail: 'must be one of: attempt' },
    { pointer: '/person/dateOfBirth', detail: 'must not be in the future' },
    { pointer: '/person/givenNames', detail: 'is required' }
  ], fields)
  assert.deepEqual(messages, { 'given-names': 'Enter the person’s given names', dob: 'Date of birth must not be in the future', 'offence-0-code': 'Enter the code' })
  assert.deepEqual(summary, [
    { href: '#given-names', text: 'Enter the person’s given names' },
    { href: '#dob-day', text: 'Date of birth must not be in the future' },
    { href: '#offence-0-code', text: 'Enter the code' },
    { href: null, text: 'Victims 1 needs a name or details' }
  ])
  assert.equal(pointerLabel('/associatedChildren/2/openToChildrensSocialCare'), 'Associated children 3 open to childrens social care')
})

const REFERRAL_FORM = {
  'referring-type': 'police', 'referring-name': 'Thames Valley Police', 'lead-type': 'probation', 'lead-name': 'Probation',
  'agency-reference': ' TVP-1 ', 'referrer-name': 'DC Example', 'referrer-role': 'PPU', 'referrer-email': 'a@example.police.uk',
  'given-names': 'Sam', 'family-name': 'Example', 'dob-day': '14', 'dob-month': '3', 'dob-year': '1988', gender: 'male',
  crn: 'x123456', 'address-kind': 'no-fixed-abode', 'address-area': 'Reading', 'address-line-1': 'ignored',
  'offence-0-code': 'oapa1861-s18', 'offence-0-disposal': 'conviction', 'offence-0-date-day': '', 'offence-0-date-month': '', 'offence-0-date-year': '',
  'sentence-type': 'imprisonment', 'sentence-months': '48', 'licence-end-date-day': '31', 'licence-end-date-month': '5', 'licence-end-date-year': '2029',
  'notification-status': 'no', 'risk-children': 'medium', 'risk-public': 'very-high', 'risk-known-adult': 'low', 'risk-staff': 'low',
  'risk-to-whom': 'Former partner', reason: 'Released', 'level-requested': '2', 'has-meeting': 'no'
}

test('the referral form sends the referral JSON; facts take the date of birth and the highest risk', () => {
  const { body, dateErrors } = entry.readReferral(REFERRAL_FORM, 1)
  assert.deepEqual(dateErrors, {})
  assert.equal(body.agencyReference, 'TVP-1')
  assert.deepEqual(body.address, { noFixedAbode: true, areaOfClosestLinks: 'Reading' })
  assert.equal(body.person.identifiers.crn, 'X123456')
  assert.equal(body.person.dateOfBirth, '1988-03-14')
  assert.deepEqual(body.facts, {
    dateOfBirth: '1988-03-14',
    currentRisk: 'very-high',
    offences: [{ code: 'OAPA1861-S18', disposal: 'conviction' }],
    sentence: { type: 'imprisonment', lengthMonths: 48 },
    dates: { licenceEndDate: '2029-05-31' },
    notification: { status: 'no' }
  })
  assert.equal(body.levelRequested, 2)
  assert.equal(body.meetingInvitation, undefined)
  const page = String(entry.page({ values: REFERRAL_FORM, offences: 1, messages: {}, summary: [] }))
  assert.match(page, /value="Sam"/)
  assert.doesNotMatch(page, /<script|style=/, 'CSP-safe markup')
})

test('the eligibility check sends the facts and the questions asked', () => {
  const { body } = check.readRequest({
    'offence-0-code': 'OAPA1861-S18', 'offence-0-disposal': 'conviction', 'sentence-type': 'imprisonment', 'sentence-months': '48',
    'notification-status': 'no', 'ask-notice': 'true', 'notice-meeting-day': '25', 'notice-meeting-month': '3', 'notice-meeting-year': '2027',
    'notice-received-day': '17', 'notice-received-month': '3', 'notice-received-year': '2027'
  }, 1)
  assert.deepEqual(body, {
    offences: [{ code: 'OAPA1861-S18', disposal: 'conviction' }],
    sentence: { type: 'imprisonment', lengthMonths: 48 },
    notification: { status: 'no' },
    notice: { meeting: '2027-03-25', received: '2027-03-17' }
  })
  assert.deepEqual(check.readRequest({}, 1).body, {}, 'an empty form asks about no offence')
})

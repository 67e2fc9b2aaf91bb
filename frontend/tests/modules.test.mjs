// The app's pure modules in Node (no browser): escaping, formats, the
// short-notice rule, and the mapping of problem+json errors to fields.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { html, orNotKnown, errorSummary } from '../static/app/html.mjs'
import { categoryText, levelText, dateText, dateTimeText, statusTag, agencyText } from '../static/app/format.mjs'
import { classificationOf, caseRef, personName, suggestedLevelOf, suggestedLevelReasons, isShortNotice } from '../static/app/model.mjs'
import { safeReturnPath } from '../static/app/auth.mjs'
import { _test } from '../static/app/views/referral.mjs'
import { _test as queue } from '../static/app/views/queue.mjs'

test('interpolated values are escaped; nested templates are not', () => {
  const name = '<img src=x onerror=alert(1)>'
  assert.equal(String(html`<p>${name}</p>`), '<p>&lt;img src=x onerror=alert(1)&gt;</p>')
  assert.equal(String(html`<p title="${'"x"'}">${html`<b>ok</b>`}</p>`), '<p title="&quot;x&quot;"><b>ok</b></p>')
  assert.equal(String(html`${[1, '<', null, undefined, false]}`), '1&lt;')
})

test('missing values read "Not known"', () => {
  for (const v of [undefined, null, '', []]) assert.match(String(orNotKnown(v)), /Not known/)
  assert.equal(orNotKnown(0), 0)
  assert.equal(categoryText(undefined), 'Not known')
  assert.equal(levelText(null), 'Not known')
  assert.equal(dateText(undefined), 'Not known')
  assert.equal(agencyText(undefined), 'Not known')
})

test('formats', () => {
  const cases = [
    [categoryText(2), 'Category 2: Violent or other sexual offender'],
    [categoryText('category-1'), 'Category 1: Registered sexual offender'],
    [categoryText('M4'), 'Category 4: Terrorist or terrorism-risk offender'],
    [levelText('M3'), 'Level 3'],
    [dateText('2027-03-25'), '25 March 2027'],
    [dateTimeText('2027-03-17T09:30:00Z'), '17 March 2027 at 9:30am'],
    [dateTimeText('2027-07-01T12:05:00Z'), '1 July 2027 at 1:05pm'], // BST
    [agencyText({ type: 'police', name: 'Thames Valley Police' }), 'Thames Valley Police (Police)'],
    [String(statusTag('more-information-needed')), '<strong class="govuk-tag govuk-tag--yellow">More information needed</strong>']
  ]
  for (const [got, want] of cases) assert.equal(got, want)
})

test('short notice is what the server says (one rule, counted from receipt: worked example 7)', () => {
  const view = (notice) => ({ receivedAt: '2027-03-17T10:00:00Z', referral: { meetingInvitation: { date: '2027-03-25' } }, classification: notice && { result: { outcome: 'eligible' }, notice } })
  assert.deepEqual(_test.notice(view({ days: 8, short: true, reasons: [] })), { days: 8, short: true })
  assert.deepEqual(_test.notice(view({ days: 14, short: false, reasons: [] })), { days: 14, short: false })
  // Before classification the page makes no verdict of its own.
  assert.deepEqual(_test.notice(view(null)), { days: null, short: false })
  assert.equal(_test.notice({ receivedAt: '2027-03-17T10:00:00Z', referral: {} }), null)
})

test('problem+json field errors become GOV.UK messages on the right fields', () => {
  const ids = { '/decision': 'decision', '/reason': 'reason', '': 'decision' }
  assert.deepEqual(_test.fieldErrors('decision', [
    { pointer: '/reason', detail: 'is required to ask for more information or to decline' },
    { pointer: '/decision', detail: 'is required' }
  ], ids), { reason: 'Enter the reason for asking for more information or declining', decision: 'Select what you want to do with this referral' })
  assert.deepEqual(_test.fieldErrors('decision', [{ pointer: '/reason', detail: 'is too long' }], ids), { reason: 'Reason is too long' })
  const summary = String(errorSummary([{ href: '#reason', text: 'Enter a reason' }]))
  assert.match(summary, /<a href="#reason">Enter a reason<\/a>/)
  assert.match(summary, /There is a problem/)
})

test('the stored classification is read through its result', () => {
  const c = classificationOf({ classification: { result: { outcome: 'eligible', primaryCategory: 2 }, levelSuggestion: { level: 2 }, asOf: '2027-03-17', classifiedAt: 't' } })
  assert.deepEqual(c, { outcome: 'eligible', primaryCategory: 2, levelSuggestion: { level: 2 }, asOf: '2027-03-17', classifiedAt: 't' })
  assert.deepEqual(classificationOf({ classification: null }), {})
  assert.equal(caseRef({ caseId: 'c1' }), 'c1')
  assert.equal(personName({ person: { givenNames: 'A', familyName: 'B' } }), 'A B')
})

test('after sign-in only same-site paths are returned to', () => {
  assert.equal(safeReturnPath('/referrals/abc?x=1'), '/referrals/abc?x=1')
  for (const bad of ['https://evil.example/', '//evil.example', '/\\evil.example', 'javascript:alert(1)', '/auth/callback', undefined]) {
    assert.equal(safeReturnPath(bad), '/referrals', String(bad))
  }
})

test('the classifier\'s stored result: level suggestion and short notice', () => {
  const view = {
    receivedAt: '2027-03-01T10:00:00Z',
    referral: { meetingInvitation: { date: '2027-03-25' } },
    classification: {
      result: {
        outcome: 'eligible',
        primaryCategory: 2,
        reasons: [{ rule: 'R1', sentence: 'S', source: 'CJA 2003' }]
      },
      levelSuggestion: { level: 2, levelCode: 'M2', reasons: [{ rule: 'L2', sentence: 'High risk', source: 'MAPPA Guidance' }], missing: [] },
      notice: { days: 8, short: true, reasons: [] },
      asOf: '2027-03-17',
      classifiedAt: '2027-03-17T10:00:00Z'
    },
    suggestedLevel: 2
  }
  assert.equal(suggestedLevelOf(view), 2)
  assert.deepEqual(suggestedLevelReasons(view), [{ rule: 'L2', sentence: 'High risk', source: 'MAPPA Guidance' }])
  assert.equal(isShortNotice({ shortNotice: true }), true) // a work-list item says it itself
  assert.deepEqual(_test.notice(view), { days: 8, short: true }) // the server's answer
  const page = String(_test.page(view, { errors: {} }))
  assert.match(page, /High risk/)
  assert.match(page, /Category 2: Violent or other sexual offender/)
  assert.match(page, /Short notice/)
})

test('a referral with nothing but an id renders with "Not known", never an error', () => {
  const page = String(_test.page({ id: 'x' }, { errors: {} }))
  assert.match(page, /Not known/)
  assert.match(page, /has not been classified yet/)
})

test('the queue says why a classified referral has no category', () => {
  const cell = (item) => String(queue.row({ id: 'r1', status: 'classified', ...item })[4])
  assert.match(cell({ outcome: 'not-eligible' }), /Not eligible/)
  assert.match(cell({ outcome: 'cannot-decide' }), /Cannot decide/)
  assert.match(cell({ outcome: 'eligible', primaryCategory: 2 }), /Category 2/)
  assert.match(String(queue.row({ id: 'r2', status: 'received' })[4]), /Not classified yet/)
  assert.match(String(queue.row({ id: 'r3', status: 'classified', meeting: { date: '2099-01-01' } })[1]), /1 January 2099[\s\S]*in \d+ days/)
  assert.equal(String(queue.row({ id: 'r4', status: 'classified' })[1]), 'No meeting yet')
})

// The replies and attendance page's rendering in Node (no browser): replies
// with what was offered instead, the written report due, outcomes and the
// escalation step, data escaped, and the form for business support
// officers only.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { _test as att } from '../static/app/views/attendance.mjs'

const v = {
  meeting: { id: 'm1', caseId: 'c1', caseRef: 'c1', level: 2, start: '2027-03-25T10:00:00Z', status: 'scheduled', sequence: 1, shortNotice: true, reportReceived: false },
  reportDue: true,
  invitations: [
    { id: 'sm-1', staffId: 'sm-1', role: 'service-manager', reply: 'declined', instead: 'deputy', deputy: 'TM <East>', escalation: 'Not escalated', escalationStep: 0 },
    { id: 'sw-1', staffId: 'sw-1', role: 'social-worker', reply: 'accepted', outcome: 'did-not-attend', escalation: 'Chair told', escalationStep: 1 }
  ]
}

test('replies, report due, outcomes and escalation; the form for BSOs only', () => {
  const bso = String(att.attendancePage(v, { roles: ['business-support-officer'] }, { 'sm-1': 'Hana Dummy' }))
  assert.match(bso, /Hana Dummy/)
  assert.match(bso, /Someone else will go: TM &lt;East&gt;/, 'deputy escaped')
  assert.match(bso, /Accepted/)
  assert.match(bso, /Did not attend/)
  assert.match(bso, /Chair told/)
  assert.match(bso, /A written report must be sent/)
  assert.match(bso, /Record attendance/)
  assert.match(bso, /Record that the written report has gone/)
  assert.match(bso, /Short notice/)
  const sm = String(att.attendancePage(v, { roles: ['service-manager'] }, {}))
  assert.doesNotMatch(sm, /attendance-form/)
  assert.doesNotMatch(sm, /report-form/)
})

test('API field errors become GOV.UK messages linked to their fields', () => {
  const errs = att.fieldErrors({ fieldErrors: [{ pointer: '/deputy', detail: 'Enter who went instead' }, { pointer: '/x', detail: 'Other' }], message: '' })
  assert.equal(errs.messages['at-deputy'], 'Enter who went instead')
  assert.deepEqual(errs.summary[0], { href: '#at-deputy', text: 'Enter who went instead' })
  assert.equal(errs.summary[1].href, null)
})

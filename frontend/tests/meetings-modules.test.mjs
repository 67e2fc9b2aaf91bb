// The meetings and staff pages' rendering in Node (no browser): every
// attendee shows the rule and the reason that chose them, data is escaped,
// a place nobody can fill is flagged, and the rota lists loads and leave.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { _test as meetings } from '../static/app/views/meetings.mjs'
import { _test as staff } from '../static/app/views/staff.mjs'

const meeting = {
  id: 'm1', caseId: 'c1', level: 2, kind: 'initial', status: 'scheduled', start: '2027-03-25T10:00:00Z', date: '2027-03-25', time: '10:00',
  place: 'Room <1>', notice: { days: 8, short: true }, knownToCouncil: false,
  attendees: [
    { slot: 'senior', staffId: 'sm-a', role: 'service-manager', rule: 'ROTA-BACKUP', reason: 'SM A is on leave; SM D covers this meeting only', checklist: [{ item: 'read-referral', label: 'Read the referral', done: true }, { item: 'read-previous-minutes', label: 'Read', done: false }] },
    { slot: 'child:k1', staffId: 'sw-1', role: 'social-worker', rule: 'ROTA-CHILD-SW', reason: '<b>x</b>', checklist: [] }
  ],
  gaps: [{ slot: 'child:k2', rule: 'ROTA-NOBODY-AVAILABLE', reason: 'Nobody can attend for child 2' }],
  history: [{ at: '2027-03-17T10:00:00Z', actor: 'bso-1', kind: 'created', to: '2027-03-25 10:00' }]
}

test('a meeting shows each attendee with the rule and reason, and flags a place nobody can fill', () => {
  const page = String(meetings.meetingPage({ meeting, names: { 'sm-a': 'SM D', 'sw-1': 'Cara', 'bso-1': 'Ada' }, compulsory: true, openActions: [] },
    { subject: 'bso-1', roles: ['business-support-officer'] }, 'bso-1', [{ id: 'sm-a', name: 'SM D', role: 'service-manager' }]))
  assert.match(page, /Backup for this meeting/)
  assert.match(page, /covers this meeting only/)
  assert.match(page, /Child&#39;s social worker/)
  assert.match(page, /&lt;b&gt;x&lt;\/b&gt;/, 'reasons are escaped')
  assert.match(page, /Room &lt;1&gt;/)
  assert.match(page, /Nobody available: Nobody can attend for child 2/)
  assert.match(page, /1 of 2 done/)
  assert.match(page, /Short notice: 8 days/)
  assert.match(page, /Compulsory: first meeting/)
  assert.match(page, /Reassign a place/, 'business support officers can reassign')
  assert.match(page, /Ada/, 'history shows names')
  const sw = String(meetings.meetingPage({ meeting, names: {}, openActions: [] }, { subject: 'sw-1', roles: ['social-worker'] }, 'sw-1', []))
  assert.doesNotMatch(sw, /Reassign a place/)
  assert.match(sw, /Your checklist before the meeting/)
})

test('the timeline lists meetings with status and short notice', () => {
  const t = String(meetings.timeline([meeting, { ...meeting, id: 'm2', status: 'cancelled', notice: { short: false }, gaps: [] }], { 'sm-a': 'SM D' }))
  assert.match(t, /href="\/meetings\/m1"/)
  assert.match(t, /Short notice/)
  assert.match(t, /Cancelled/)
  assert.match(t, /Nobody available/)
  assert.equal(meetings.ruleText('ROTA-CONTINUITY'), 'Continuity')
})

test('the rota shows each person\'s load, backup and leave', () => {
  const page = String(staff.rotaPage({ names: { a: 'Hana', b: 'Jo' }, rotas: {
    'service-manager': [{ role: 'service-manager', staffId: 'a', position: 1, active: true, load: 2, cases: ['c1'], leave: [{ from: '2027-03-22', to: '2027-03-26', kind: 'annual-leave' }] },
      { role: 'service-manager', staffId: 'b', position: 2, active: true, backup: true, backupFor: 'a', load: 0, cases: [], leave: [] }],
    'head-of-service': []
  } }))
  assert.match(page, /Hana/)
  assert.match(page, /22 March 2027 to 26 March 2027 \(Annual leave\)/)
  assert.match(page, /Backup for Hana/)
  assert.match(page, /href="\/cases\/c1\/meetings"/)
})

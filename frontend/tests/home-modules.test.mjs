// The home page's rendering in Node (no browser): the person's open tasks
// (supervision of a new case, the month's internal risk meeting, an
// emergency one) are listed soonest due first, overdue and due today
// flagged, each linked to its case, titles escaped; roles that do not work
// on cases get no task list.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { _test as home } from '../static/app/views/home.mjs'

const sm = { subject: 'sm-1', roles: ['service-manager'] }
const today = '2027-03-10'
const tasks = [
  { id: 'risk-meeting-c1-2027-04-10', caseId: 'c1', kind: 'risk-meeting', title: 'Hold this month’s internal risk meeting (high or very high risk)', due: '2027-04-09' },
  { id: 'supervision-c2', caseId: 'c2', kind: 'supervision', title: 'Supervise this new case (within 4 weeks of its acceptance)', due: '2027-03-10' },
  { id: 'risk-emergency-c1-v4', caseId: 'c1', kind: 'risk-emergency', title: 'URGENT: call an emergency internal risk meeting <now>', due: '2027-03-09' }
]

test('a service manager’s home lists their tasks soonest due first, overdue and due today flagged', () => {
  const page = String(home.homePage(sm, 'Hana Dummy', home.homeSections(sm, { tasks }, today)))
  const at = (s) => page.indexOf(s)
  assert.ok(at('Levels to confirm') < at('Your tasks'), 'the role’s own list comes first')
  assert.match(page, /Your tasks <span class="app-count" data-count="3">\(3\)/)
  assert.ok(at('emergency internal risk meeting') < at('Supervise this new case') && at('Supervise this new case') < at('internal risk meeting (high'), 'soonest due first')
  assert.match(page, /&lt;now&gt;/, 'titles are escaped')
  assert.match(page, /Overdue/)
  assert.match(page, /Due today/)
  assert.match(page, /href="\/cases\/c2\/meetings"/)
})

test('no open tasks says so; an assistant director gets no task list', () => {
  assert.match(String(home.homePage(sm, 'Hana Dummy', home.homeSections(sm, { tasks: [] }, today))), /You have no open tasks/)
  const ad = { subject: 'ad-1', roles: ['assistant-director'] }
  assert.doesNotMatch(String(home.homePage(ad, 'Ad', home.homeSections(ad, {}, today))), /Your tasks/)
})

// Every field the front end reads from the API is in the OpenAPI document
// (GET /v1/openapi.json, printed here by `go run ./infra/openapidoc`).
//
// The test builds API bodies from the document's own schemas, wraps them so
// that every property read is checked against the schema it comes from, and
// runs the modules that read referrals, cases, the work list, classifications
// and the offence search (model.mjs, the pages that show them, the offence
// picker's labels), and the meeting, staff, person, rota, panel-day, minutes,
// reports and audit pages over them. The attendance page reads
// GET /v1/staff/meetings/{id}/replies, whose answer the document does not
// describe yet, so it is not covered. A read
// of a name the document does not have fails the test: a field renamed in
// the front end only, or in the API only (the document follows the Go
// types), or an undocumented alternative name kept "just in case".
//
// Each body is given three ways: every field present (with several values
// for the fields pages branch on), every object present but no plain values
// (so every alternative name a reader would try is tried), and empty.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { repoRoot } from './helpers.mjs'

import * as model from '../static/app/model.mjs'
import { classificationSection, levelSection } from '../static/app/views/classification.mjs'
import { _test as referralPage } from '../static/app/views/referral.mjs'
import { _test as queuePage } from '../static/app/views/queue.mjs'
import { _test as casePages } from '../static/app/views/case.mjs'
import { _test as eligibilityPage } from '../static/app/views/eligibility.mjs'
import { _test as homePage } from '../static/app/views/home.mjs'
import { factsReceived } from '../static/app/views/facts-view.mjs'
import { offenceLabel } from '../static/app/offence-picker.mjs'
import { _test as meetingsPage } from '../static/app/views/meetings.mjs'
import { _test as staffPages } from '../static/app/views/staff.mjs'
import { _test as minutesPages } from '../static/app/views/minutes.mjs'
import { _test as reportsPages } from '../static/app/views/reports.mjs'
import { _test as auditPages } from '../static/app/views/audit.mjs'

const run = promisify(execFile)

let docPromise
function openapiDocument () {
  docPromise ||= run('go', ['run', './infra/openapidoc'], { cwd: repoRoot, maxBuffer: 64 << 20, timeout: 240000 })
    .then(({ stdout }) => JSON.parse(stdout))
  return docPromise
}

// ---- schemas

function resolver (doc) {
  const schemas = doc.components.schemas
  // A $ref is followed; a nullable member (anyOf/oneOf with a null
  // alternative) is read as its non-null alternative.
  const resolve = (s) => {
    let n = 0
    while (s && n++ < 20) {
      if (s.$ref) {
        s = schemas[s.$ref.split('/').pop()]
        continue
      }
      const alts = (s.anyOf || s.oneOf || []).filter((a) => a.type !== 'null')
      if (!s.type && !s.properties && alts.length === 1) {
        s = alts[0]
        continue
      }
      break
    }
    return s || {}
  }
  /** The properties of an object schema (allOf/oneOf/anyOf merged), and whether it is open. */
  const fields = (schema) => {
    const s = resolve(schema)
    const props = { ...(s.properties || {}) }
    let open = s.additionalProperties === true || (typeof s.additionalProperties === 'object' && s.additionalProperties) || false
    for (const k of ['allOf', 'oneOf', 'anyOf']) {
      for (const sub of s[k] || []) {
        const f = fields(sub)
        Object.assign(props, f.props)
        open = open || f.open
      }
    }
    return { props, open }
  }
  const items = (schema) => resolve(resolve(schema).items)
  return { schemas, resolve, fields, items }
}

// ---- bodies from schemas

const DATE = ['2027-03-25', '2026-11-20', '2025-05-01']
const NAMED = {
  status: ['received', 'classified', 'more-information-needed', 'accepted', 'declined'],
  matchState: ['pending', 'resolved', 'none'],
  source: ['staff', 'agency'],
  decision: ['accept', 'more-information', 'decline', 'match:same-person', 'information'],
  kind: ['date', 'indefinite', 'while-licence', 'while-order', 'ra-decides', 'consider-child-protection'],
  rag: ['green', 'amber', 'red'],
  action: ['confirm', 'set']
}

function stringValue (name, s, v) {
  if (Array.isArray(s.enum) && s.enum.length) return s.enum[v % s.enum.length]
  if (NAMED[name]) return NAMED[name][v % NAMED[name].length]
  if (s.format === 'date') return DATE[v % DATE.length]
  if (s.format === 'date-time') return ['2027-03-17T09:30:00Z', '2026-11-20T14:05:00Z'][v % 2]
  return `${name}-${v}`
}

/**
 * A body for schema. mode: "full" (every property), "hollow" (objects and
 * arrays only, no plain values), "empty". v picks among values.
 */
function body (R, schema, mode, v = 0, name = '', depth = 0) {
  const s = R.resolve(schema)
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type
  if (depth > 12) return undefined
  if (type === 'array' || s.items) {
    if (mode === 'empty') return []
    const first = body(R, s.items, mode, v, name, depth + 1)
    if (first === undefined) return [] // a list of plain values, in a hollow body
    return [first, ...(mode === 'full' && v % 2 ? [body(R, s.items, mode, v + 1, name, depth + 1)] : [])]
  }
  const { props } = R.fields(s)
  if (type === 'object' || Object.keys(props).length) {
    const out = {}
    if (mode === 'empty') return out
    for (const [k, ps] of Object.entries(props)) {
      const val = body(R, ps, mode, v, k, depth + 1)
      if (val !== undefined) out[k] = val
    }
    return out
  }
  if (mode !== 'full') return undefined
  switch (type) {
    case 'string': return stringValue(name, s, v)
    case 'integer': return Array.isArray(s.enum) ? s.enum[v % s.enum.length] : (v % 4) + (name === 'days' ? 6 : 0)
    case 'number': return v + 0.5
    case 'boolean': return v % 2 === 0
    default: return undefined
  }
}

// ---- watching reads

const HARMLESS = new Set([...Object.getOwnPropertyNames(Object.prototype), 'toJSON', 'then'])

/** value, wrapped so every property read is checked against schema; misses are added to log. */
function watch (R, value, schema, where, log) {
  if (value === null || typeof value !== 'object') return value
  const s = R.resolve(schema)
  const check = (k) => {
    if (typeof k === 'symbol' || HARMLESS.has(k)) return true
    log.reads.add(`${where}.${k}`)
    if (Array.isArray(value)) return true
    const { props, open } = R.fields(s)
    if (k in props || open) return true
    log.misses.add(`${where}.${k}`)
    return false
  }
  const child = (k) => {
    if (Array.isArray(value)) return R.items(s)
    const { props, open } = R.fields(s)
    return props[k] || (typeof open === 'object' ? open : {})
  }
  return new Proxy(value, {
    get (t, k, r) {
      const v = Reflect.get(t, k, r)
      if (typeof k === 'symbol' || HARMLESS.has(k)) return v
      if (Array.isArray(t) && !/^\d+$/.test(k)) return v // length, map, slice...
      check(k)
      return watch(R, v, child(k), Array.isArray(t) ? `${where}[]` : `${where}.${k}`, log)
    },
    has (t, k) {
      check(k)
      return Reflect.has(t, k)
    }
  })
}

// ---- what the pages are given

const WHO = { subject: 'staff-1', roles: ['business-support-officer', 'service-manager'] }
const TODAY = '2027-03-17'

/**
 * The bodies the front end reads: each with the schema it is checked
 * against. The referral page's view is GET /v1/staff/referrals/{id} with
 * what load() adds: the case (GET /v1/staff/cases/{id}, or null when the
 * role cannot see it) and the possibly matching cases. names is the staff
 * directory's id -> name map, read by the front end itself.
 */
function bodies (R, mode, v) {
  const doc = (name) => R.schemas[name] ? body(R, { $ref: `#/components/schemas/${name}` }, mode, v) : assert.fail(`the document has no schema ${name}`)
  const ref = (name) => ({ $ref: `#/components/schemas/${name}` })
  const referral = doc('StaffapiReferralBody')
  const theCase = doc('StaffapiCaseBody')
  const viewSchema = {
    allOf: [ref('StaffapiReferralBody'), {
      properties: {
        case: ref('StaffapiCaseBody'),
        matchCases: { type: 'object', additionalProperties: ref('StaffapiCaseBody') },
        names: { type: 'object', additionalProperties: { type: 'string' } }
      }
    }]
  }
  const matches = Array.isArray(referral.possibleMatches) ? referral.possibleMatches : []
  const view = { ...referral, case: v === 3 ? null : theCase, matchCases: Object.fromEntries(matches.map((m) => [m, theCase])), names: { 'staff-1': 'Sam Jones' } }
  const caseSchema = { allOf: [ref('StaffapiCaseBody'), { properties: { names: { type: 'object', additionalProperties: { type: 'string' } } } }] }
  return {
    view: [view, viewSchema],
    referral: [referral, ref('StaffapiReferralBody')],
    case: [{ ...theCase, names: { 'staff-1': 'Sam Jones' } }, caseSchema],
    list: [doc('StaffapiList'), ref('StaffapiList')],
    eligibility: [doc('EligibilityapiResponse'), ref('EligibilityapiResponse')],
    offences: [doc('EligibilityapiOffencePage'), ref('EligibilityapiOffencePage')],
    meeting: [doc('MeetingapiMeetingBody'), ref('MeetingapiMeetingBody')],
    people: [doc('MeetingapiPeopleBody'), ref('MeetingapiPeopleBody')],
    person: [doc('MeetingapiPersonBody'), ref('MeetingapiPersonBody')],
    rota: [doc('MeetingapiRotaBody'), ref('MeetingapiRotaBody')],
    panelDays: [doc('MeetingapiPanelDaysBody'), ref('MeetingapiPanelDaysBody')],
    minutes: [doc('MinutesapiBody'), ref('MinutesapiBody')],
    reports: [doc('Body'), ref('Body')],
    audit: [doc('Page'), ref('Page')]
  }
}

/** Runs every reader over bodies watched with log; returns the errors thrown. */
function readAll (R, bs, log) {
  const w = (k) => watch(R, bs[k][0], bs[k][1], k, log)
  const errors = []
  const tryRun = (what, f) => {
    try { String(f()) } catch (err) { errors.push(`${what}: ${err.stack}`) }
  }
  const view = w('view')
  for (const f of ['referralId', 'referralOf', 'personOf', 'caseRef', 'caseIdOf', 'classificationOf', 'levelSuggestionOf', 'suggestedLevelOf', 'suggestedLevelReasons', 'meetingOf']) {
    tryRun(`model.${f}(referral view)`, () => model[f](view))
  }
  tryRun('model.reasonsOf / basesOf', () => [model.reasonsOf(model.classificationOf(view)), model.basesOf(model.classificationOf(view))])
  tryRun('referral page', () => referralPage.page(view, { errors: {} }, WHO, TODAY))
  tryRun('referral page (another role)', () => referralPage.page(view, { errors: {} }, { subject: 'x', roles: ['social-worker'] }, TODAY))
  tryRun('referral history', () => referralPage.historyRows(view, { who: WHO, names: view.names }))
  tryRun('classification section', () => classificationSection(view))
  tryRun('level section', () => levelSection(view))
  tryRun('facts as received', () => factsReceived(view, referralPage.notice(view)))
  const list = w('list')
  const { items } = queuePage.pageOf(list)
  for (const f of ['referralId', 'personName', 'caseRef', 'isShortNotice']) {
    tryRun(`model.${f}(work-list item)`, () => items.map((r) => model[f](r)))
  }
  tryRun('work list rows', () => items.map((r) => queuePage.row(r)))
  for (const roles of [['business-support-officer'], ['service-manager'], ['social-worker']]) {
    const lists = { received: items, classified: items, moreInformation: items, accepted: items }
    tryRun(`home page (${roles})`, () => homePage.homeSections({ subject: 'staff-1', roles }, lists, TODAY))
  }
  const c = w('case')
  tryRun('case page', () => casePages.casePage(c, WHO, { latest: w('referral'), state: {} }))
  tryRun('case traffic light', () => casePages.ragSection(c, WHO))
  tryRun('eligibility check result', () => eligibilityPage.resultPage(w('eligibility')))
  const offences = w('offences')
  tryRun('offence picker labels', () => (offences.items || []).map(offenceLabel))
  const people = w('people')
  for (const who of [WHO, { subject: 'staff-1', roles: ['social-worker'] }]) {
    tryRun(`meeting page (${who.roles})`, () => meetingsPage.meetingPage(w('meeting'), who, 'staff-1', people.people || []))
  }
  tryRun('staff page', () => staffPages.peoplePage(people))
  tryRun('person page', () => staffPages.personPage(w('person'), true, null, '', people.people || []))
  tryRun('rota page', () => staffPages.rotaPage(w('rota')))
  tryRun('panel days page', () => staffPages.panelDaysPage(w('panelDays').days || [], true))
  tryRun('minutes record page', () => minutesPages.minutesPage(w('minutes'), { 'staff-1': 'Sam Jones' }))
  tryRun('reports page', () => reportsPages.reportsPage(w('reports')))
  tryRun('reports CSV', () => reportsPages.toCSV(w('reports')))
  tryRun('audit records', () => auditPages.recordsTable(w('audit'), { 'staff-1': 'Sam Jones' }, 'Records'))
  return errors
}

test('every field the front end reads from the API is in the OpenAPI document', async () => {
  const R = resolver(await openapiDocument())
  const log = { reads: new Set(), misses: new Set() }
  const errors = []
  for (const [mode, variants] of [['full', 5], ['hollow', 1], ['empty', 1]]) {
    for (let v = 0; v < variants; v++) errors.push(...readAll(R, bodies(R, mode, v), log).map((e) => `${mode}/${v} ${e}`))
  }
  assert.deepEqual([...log.misses].sort(), [], 'the front end reads fields the OpenAPI document does not have (rename them in both places, or document them)')
  // The hollow and empty bodies are read for names outside the document; a
  // page may fail on them (the meeting page needs the meeting, the reports
  // page each month's month, which the API always sends), so only complete
  // bodies must render.
  assert.deepEqual(errors.filter((e) => e.startsWith('full/')), [], 'a page failed on a complete API body')
  // The test really watched the pages: well over a hundred distinct reads.
  assert.ok(log.reads.size > 150, `only ${log.reads.size} reads were seen`)
})

test('the check fails when a field is renamed on one side only', async () => {
  const R = resolver(await openapiDocument())
  // The front end reading a name the API does not send.
  const log = { reads: new Set(), misses: new Set() }
  const bs = bodies(R, 'full', 0)
  const view = watch(R, bs.view[0], bs.view[1], 'view', log)
  model.pick(view, 'receivedOn')
  assert.deepEqual([...log.misses], ['view.receivedOn'])
  // The API renaming a field the front end reads: the document without
  // ReferralBody.status (as if renamed in the Go type).
  const doc = structuredClone(await openapiDocument())
  delete doc.components.schemas.StaffapiReferralBody.properties.status
  const R2 = resolver(doc)
  const log2 = { reads: new Set(), misses: new Set() }
  readAll(R2, bodies(R, 'full', 1), log2)
  assert.ok(log2.misses.has('view.status'), [...log2.misses].join(', '))
})

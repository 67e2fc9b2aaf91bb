// Words and formats for the values the API sends: statuses, categories,
// levels, dates. Unknown values are shown as they came, never dropped.

import { html, tag, NOT_KNOWN } from './html.mjs'

export const STATUSES = [
  { value: 'received', text: 'Received', colour: 'grey' },
  { value: 'classified', text: 'Classified', colour: '' },
  { value: 'more-information-needed', text: 'More information needed', colour: 'yellow' },
  { value: 'accepted', text: 'Accepted', colour: 'green' },
  { value: 'declined', text: 'Declined', colour: 'red' }
]

export function statusTag (status) {
  const s = STATUSES.find((x) => x.value === status)
  if (!s) return status ? tag(status, 'grey') : tag(NOT_KNOWN, 'grey')
  return tag(s.text, s.colour)
}

export function statusText (status) {
  const s = STATUSES.find((x) => x.value === status)
  return s ? s.text : (status || NOT_KNOWN)
}

const CATEGORY_NAMES = {
  1: 'Registered sexual offender',
  2: 'Violent or other sexual offender',
  3: 'Other dangerous offender',
  4: 'Terrorist or terrorism-risk offender'
}

/** Accepts 1, "1", "category-1", "M1", "C1". */
export function categoryNumber (c) {
  if (c === null || c === undefined || c === '') return null
  if (typeof c === 'object') return categoryNumber(c.category ?? c.number ?? c.id)
  const m = String(c).match(/([1-4])\s*$/)
  return m ? Number(m[1]) : null
}

export function categoryText (c) {
  const n = categoryNumber(c)
  if (!n) return c ? String(c) : NOT_KNOWN
  return `Category ${n}: ${CATEGORY_NAMES[n]}`
}

export function categoryTag (c) {
  const n = categoryNumber(c)
  if (!n) return c ? tag(String(c), 'grey') : ''
  return tag(`Category ${n}`, 'purple')
}

const OUTCOMES = {
  eligible: { text: 'Eligible for MAPPA', colour: 'green' },
  'not-eligible': { text: 'Not eligible', colour: 'grey' },
  'cannot-decide': { text: 'Cannot decide: information missing', colour: 'orange' },
  'needs-person': { text: 'A person must decide', colour: 'orange' }
}

export function outcomeTag (o) {
  const x = OUTCOMES[o]
  if (!x) return o ? tag(String(o).replace(/-/g, ' '), 'grey') : tag(NOT_KNOWN, 'grey')
  return tag(x.text, x.colour)
}

/** Accepts 2, "2", "level-2", "M2". */
export function levelNumber (l) {
  if (l === null || l === undefined || l === '' || l === 0) return null
  if (typeof l === 'object') return levelNumber(l.level)
  const m = String(l).match(/([1-3])\s*$/)
  return m ? Number(m[1]) : null
}

export function levelText (l) {
  const n = levelNumber(l)
  return n ? `Level ${n}` : NOT_KNOWN
}

const RISK = {
  low: { text: 'Low', colour: 'green' },
  medium: { text: 'Medium', colour: 'yellow' },
  high: { text: 'High', colour: 'orange' },
  'very-high': { text: 'Very high', colour: 'red' }
}

export function riskTag (r) {
  const x = RISK[r]
  if (!x) return r ? tag(String(r), 'grey') : ''
  return tag(x.text, x.colour)
}

const RAG = { green: 'green', amber: 'orange', red: 'red' }

export function ragTag (r) {
  const c = RAG[String(r || '').toLowerCase()]
  return c ? tag(String(r).toUpperCase(), c) : ''
}

export const AGENCIES = {
  police: 'Police',
  probation: 'Probation',
  prison: 'Prison',
  'youth-justice': 'Youth justice',
  other: 'Other'
}

export function agencyText (a) {
  if (!a) return NOT_KNOWN
  if (typeof a === 'string') return AGENCIES[a] || a
  const type = AGENCIES[a.type] || a.type
  if (a.name && type && a.name !== type) return `${a.name} (${type})`
  return a.name || type || NOT_KNOWN
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']

/** "2027-03-25" -> "25 March 2027" (calendar dates carry no time zone). */
export function dateText (d) {
  if (!d || typeof d !== 'string') return NOT_KNOWN
  const m = d.match(/^(\d{4})-(\d{2})-(\d{2})$/)
  if (m) return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]} ${m[1]}`
  return dateTimeText(d)
}

/** An instant shown in Europe/London: "25 March 2027 at 2:05pm". */
export function dateTimeText (t) {
  if (!t) return NOT_KNOWN
  const d = new Date(t)
  if (Number.isNaN(d.getTime())) return String(t)
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London', year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit', hour12: true
  }).formatToParts(d).map((p) => [p.type, p.value]))
  return `${parts.day} ${parts.month} ${parts.year} at ${parts.hour}:${parts.minute}${(parts.dayPeriod || '').toLowerCase().replace(/\s/g, '')}`
}

/** Just the time of an instant in Europe/London: "2:05pm". */
export function timeText (t) {
  const d = new Date(t)
  if (!t || Number.isNaN(d.getTime())) return NOT_KNOWN
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London', hour: 'numeric', minute: '2-digit', hour12: true
  }).formatToParts(d).map((p) => [p.type, p.value]))
  return `${parts.hour}:${parts.minute}${(parts.dayPeriod || '').toLowerCase().replace(/\s/g, '')}`
}

/** Just the date part of an instant in Europe/London: "25 March 2027". */
export function dayText (t) {
  if (!t) return NOT_KNOWN
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) return dateText(t)
  const d = new Date(t)
  if (Number.isNaN(d.getTime())) return String(t)
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', year: 'numeric', month: 'long', day: 'numeric' }).format(d)
}

export function shortNoticeTag () {
  return tag('Short notice', 'red')
}

export function sourceText (s) {
  if (!s) return NOT_KNOWN
  if (typeof s === 'string') return s
  return [s.statute || s.title || s.name, s.section, s.url].filter(Boolean).join(', ') || NOT_KNOWN
}

export function yesNo (b) {
  if (b === true) return 'Yes'
  if (b === false) return 'No'
  return NOT_KNOWN
}

export function listText (items) {
  return html`${items.filter(Boolean).map((x, i) => html`${i ? html`<br>` : ''}${x}`)}`
}

export const ROLE_NAMES = {
  'business-support-officer': 'Business support officer',
  'social-worker': 'Social worker',
  'team-manager': 'Team manager',
  'service-manager': 'Service manager',
  'head-of-service': 'Head of service',
  'assistant-director': 'Assistant director',
  administrator: 'Administrator'
}

export function roleText (r) {
  return ROLE_NAMES[r] || r || NOT_KNOWN
}

/**
 * Who did something, in words: "You" for the signed-in person; otherwise the
 * role (when the route allows only one) and the staff id. A staff directory
 * replaces the id with the person's name when it is available.
 */
export function actorText (actor, { who, role, names } = {}) {
  if (!actor) return NOT_KNOWN
  const you = who && who.subject === actor
  const name = names && names[actor]
  if (name) return you ? `${name} (you)` : name
  if (you) return role ? `You (${roleText(role)})` : 'You'
  return role ? `${roleText(role)} (${actor})` : actor
}

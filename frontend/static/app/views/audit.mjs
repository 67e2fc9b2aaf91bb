// The audit for administrators: who viewed or changed what, and when, for
// one case (the case and each of its referrals) or for one person (a
// member of staff or an agency client) over some days. It reads the admin
// audit API (GET /v1/admin/audit/cases/{id}, GET /v1/admin/audit/people/
// {subject}); every read is itself audited by the API ("Read the audit").
// Administrators see ids, actions, routes and times, never case contents.
//
// URLs carry ids only: /audit?case=<id>, /audit?person=<subject>&from=&to=.
// The page title is "Audit" (no personal data).

import { html, table, input, select, button, errorSummary, dateInput } from '../html.mjs'
import { api, staffNames, ApiError } from '../api.mjs'
import { dateTimeText, dateText } from '../format.mjs'
import { formValues, readDate, dateParts } from '../forms.mjs'

// What each recorded action means, in words. An action not listed here is
// shown as recorded (new features add actions before this list knows them).
export const ACTION_TEXT = {
  'audit.read': 'Read the audit',
  'case.create': 'Created the case',
  'case.read': 'Viewed the case',
  'case.level': 'Changed the level',
  'case.level-consequence': 'Level change follow-up',
  'case.rag': 'Changed the traffic light',
  'case.close': 'Closed the case',
  'case.hold': 'Placed a hold',
  'case.hold-lift': 'Lifted a hold',
  'retention.expired': 'Record expired (retention)',
  'referral.create': 'Created a referral',
  'referral.read': 'Viewed a referral',
  'referral.list': 'Listed referrals',
  'referral.classify': 'Classified a referral',
  'referral.decide': 'Decided on a referral',
  'referral.match': 'Resolved a possible match',
  'meeting.create': 'Recorded a meeting',
  'meeting.read': 'Viewed a meeting',
  'meeting.change': 'Changed a meeting',
  'meeting.assign': 'Chose attendees',
  'meeting.attendance': 'Recorded attendance',
  'meeting.cancel': 'Cancelled a meeting',
  'meeting.invite': 'Sent invitations',
  'meeting.reply': 'Replied to an invitation',
  'meeting.report': 'Recorded a written report',
  'minutes.read': 'Viewed the minutes record',
  'minutes.write': 'Changed the minutes record',
  'minutes.extract-read': 'Read the child-relevant extract',
  'child.read': 'Viewed children',
  'child.write': 'Changed a child',
  'work.read': 'Viewed actions and tasks',
  'work.write': 'Changed actions or tasks',
  'staff.write': 'Changed the staff directory'
}

export function actionText (a) {
  return ACTION_TEXT[a] || a || ''
}

/** "case:01H…" -> "Case 01H…" (subjects are kinds and ids, never names). */
export function subjectText (s) {
  const m = /^([a-z-]+):(.+)$/.exec(s || '')
  if (!m) return s || ''
  const kind = { case: 'Case', referral: 'Referral', meeting: 'Meeting', minutes: 'Minutes', actor: 'Person', child: 'Child' }[m[1]] || m[1]
  return `${kind} ${m[2]}`
}

function whoText (actor, names) {
  if (!actor) return ''
  if (actor.startsWith('system:')) return `The system (${actor.slice(7)})`
  return names[actor] ? `${names[actor]} (${actor})` : actor
}

/** The records as a table: when, who, what, which record, through which route. */
export function recordsTable (page, names, caption) {
  const items = (page && page.items) || []
  if (items.length === 0) return html`<p class="govuk-body" id="audit-empty">Nothing was recorded.</p>`
  return html`<div class="app-table-wrap" tabindex="0" role="region" aria-label="Audit records (scrolls sideways on a small screen)">${table({
    id: 'audit-table',
    caption,
    captionSize: 's',
    head: ['When', 'Who', 'What', 'Record', 'How'],
    rows: items.map((r) => [
      dateTimeText(r.at),
      whoText(r.actor, names),
      actionText(r.action),
      html`${/^case:[A-Za-z0-9_-]{1,100}$/.test(r.subject || '') ? html`<a class="govuk-link" href="/audit?case=${encodeURIComponent(r.subject.slice(5))}">${subjectText(r.subject)}</a>` : subjectText(r.subject)}${r.subjects && r.subjects.length ? html`<br><span class="govuk-hint govuk-!-font-size-16">and ${r.subjects.length} more shown in a list</span>` : ''}`,
      r.reason || ''
    ])
  })}</div>`
}

function today () {
  return new Date().toISOString().slice(0, 10)
}

function daysBefore (iso, n) {
  const d = new Date(iso + 'T00:00:00Z')
  d.setUTCDate(d.getUTCDate() - n)
  return d.toISOString().slice(0, 10)
}

/** The two search forms; values and errors keep what was typed. */
export function searchForms ({ people = [], caseId = '', person = '', from, to, errors = {} }) {
  const list = [{ value: '', text: 'Choose a person' }, ...people.map((p) => ({ value: p.value, text: p.text }))]
  return html`
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-one-half">
        <form id="case-form" novalidate>
          <h2 class="govuk-heading-m">A case</h2>
          ${input({ id: 'case', label: 'Case id', hint: 'The case’s id, as in its web address (/cases/…).', error: errors.case, value: caseId, width: 'full', spellcheck: false, autocomplete: 'off' })}
          ${button('Show the case’s audit', { secondary: true })}
        </form>
      </div>
      <div class="govuk-grid-column-one-half">
        <form id="person-form" novalidate>
          <h2 class="govuk-heading-m">A person</h2>
          ${select({ id: 'person', label: 'Member of staff', error: errors.person, value: person, items: list })}
          ${dateInput({ id: 'from', legend: 'From', error: errors.from, value: dateParts(from) })}
          ${dateInput({ id: 'to', legend: 'To', hint: 'At most 31 days after From.', error: errors.to, value: dateParts(to) })}
          ${button('Show what they did', { secondary: true })}
        </form>
      </div>
    </div>`
}

export async function renderAudit (ctx, params) {
  const caseId = (params.get('case') || '').trim()
  const person = (params.get('person') || '').trim()
  const to = /^\d{4}-\d{2}-\d{2}$/.test(params.get('to') || '') ? params.get('to') : today()
  const from = /^\d{4}-\d{2}-\d{2}$/.test(params.get('from') || '') ? params.get('from') : daysBefore(to, 6)
  const names = await staffNames()
  let directory = []
  try {
    const body = await api('/v1/staff/people')
    directory = ((body && body.people) || []).filter((p) => p && (p.subject || p.id))
      .map((p) => ({ value: p.subject || p.id, text: p.name || p.subject || p.id }))
  } catch (err) {
    if (!(err instanceof ApiError)) throw err
  }
  if (person && !directory.some((p) => p.value === person)) directory.push({ value: person, text: person })

  let result = ''
  let problems = []
  const errors = {}
  try {
    if (caseId) {
      const page = await api(`/v1/admin/audit/cases/${encodeURIComponent(caseId)}`)
      result = html`<h2 class="govuk-heading-m govuk-!-text-break-word" id="audit-result">Case ${caseId}</h2>
        <p class="govuk-body">${page.count} ${page.count === 1 ? 'record' : 'records'}, newest first: the case and each of its referrals. Your reading of this is recorded too.</p>
        ${recordsTable(page, names, `Who viewed or changed case ${caseId}`)}`
    } else if (person) {
      const q = new URLSearchParams({ from, to })
      const page = await api(`/v1/admin/audit/people/${encodeURIComponent(person)}?${q}`)
      const name = names[person] || person
      result = html`<h2 class="govuk-heading-m govuk-!-text-break-word" id="audit-result">${name}</h2>
        <p class="govuk-body">${page.count} ${page.count === 1 ? 'record' : 'records'} from ${dateText(from)} to ${dateText(to)}, newest first. Your reading of this is recorded too.</p>
        ${recordsTable(page, names, `What ${name} did from ${dateText(from)} to ${dateText(to)}`)}`
    }
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      errors.case = 'There is no case with that id'
      problems = [{ href: '#case', text: errors.case }]
    } else if (err instanceof ApiError && err.status === 422) {
      errors.from = 'From must be on or before To, and at most 31 days before it'
      problems = [{ href: '#from-day', text: errors.from }]
    } else {
      throw err
    }
  }
  const state = { people: directory, caseId, person, from, to }
  show(ctx, state, errors, problems, result)
}

function pageHtml (state, errors, problems, result) {
  return html`
    ${errorSummary(problems)}
    <span class="govuk-caption-l">Administration</span>
    <h1 class="govuk-heading-l">Audit</h1>
    <p class="govuk-body">Who viewed or changed what, and when. You see ids, actions and times, never what a case holds. Every time you read the audit it is recorded.</p>
    ${searchForms({ ...state, errors })}
    ${result}`
}

const ORDER = [['case', '#case'], ['person', '#person'], ['from', '#from-day'], ['to', '#to-day']]

// show renders the page and wires its forms; a form with mistakes renders
// the page again with the GOV.UK error summary (the result stays).
function show (ctx, state, errors, problems, result) {
  if (!ctx.show('Audit', pageHtml(state, errors, problems, result), { error: problems.length > 0 })) return
  const again = (next, errs) => show(ctx, next, errs, ORDER.filter(([k]) => errs[k]).map(([k, href]) => ({ href, text: errs[k] })), result)
  document.getElementById('case-form')?.addEventListener('submit', (e) => {
    e.preventDefault()
    const id = String(formValues(e.target).case || '').trim()
    if (!/^[A-Za-z0-9_-]{1,100}$/.test(id)) {
      again({ ...state, caseId: id }, { case: 'Enter a case id (letters, numbers, - and _ only)' })
      return
    }
    ctx.navigate(`/audit?${new URLSearchParams({ case: id })}`)
  })
  document.getElementById('person-form')?.addEventListener('submit', (e) => {
    e.preventDefault()
    const v = formValues(e.target)
    const who = String(v.person || '')
    const f = readDate(v, 'from', 'From')
    const t = readDate(v, 'to', 'To')
    const errs = {}
    if (!who) errs.person = 'Choose a person'
    if (f.error || !f.iso) errs.from = f.error || 'Enter the first day'
    if (t.error || !t.iso) errs.to = t.error || 'Enter the last day'
    if (!errs.from && !errs.to && (t.iso < f.iso || daysBefore(t.iso, 31) > f.iso)) errs.from = 'From must be on or before To, and at most 31 days before it'
    if (Object.keys(errs).length) {
      again({ ...state, person: who, from: f.iso || state.from, to: t.iso || state.to }, errs)
      return
    }
    ctx.navigate(`/audit?${new URLSearchParams({ person: who, from: f.iso, to: t.iso })}`)
  })
}

export const _test = { recordsTable, searchForms, actionText, subjectText }

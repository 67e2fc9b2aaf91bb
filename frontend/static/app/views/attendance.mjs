// Replies and attendance of one meeting (issue 10): who was invited, what
// each replied through the one-click links (accepted; declined with a
// deputy or a written report), whether a written report is due, and, after
// the meeting, what happened for each attendee (business support officers
// record it) with the escalation step an unexplained absence has reached.

import { html, table, tag, errorSummary, warningText, radios, input, button, notificationBanner, summaryList } from '../html.mjs'
import { api, ApiError, hasRole, ROLE_BSO } from '../api.mjs'
import { dateTimeText, roleText } from '../format.mjs'
import { formValues, text } from '../forms.mjs'

const enc = encodeURIComponent

const REPLY = {
  awaiting: ['Not replied', 'grey'],
  accepted: ['Accepted', 'green'],
  declined: ['Declined', 'orange']
}
const INSTEAD = {
  deputy: 'Someone else will go',
  'written-report': 'Will send a written report',
  nothing: 'Nobody will go and no report'
}
export const OUTCOMES = [
  { value: 'attended', text: 'Attended' },
  { value: 'deputy', text: 'Sent a deputy' },
  { value: 'written-report', text: 'Sent a written report' },
  { value: 'apologies', text: 'Gave apologies' },
  { value: 'did-not-attend', text: 'Did not attend' }
]
const OUTCOME_TEXT = Object.fromEntries(OUTCOMES.map((o) => [o.value, o.text]))

const FIELDS = [
  { id: 'at-who', pointers: ['/invitationId'], label: 'Attendee', required: 'Select who you are recording' },
  { id: 'at-outcome', pointers: ['/outcome'], label: 'What happened', required: 'Select what happened at the meeting' },
  { id: 'at-deputy', pointers: ['/deputy'], label: 'Deputy', required: 'Enter who went instead' }
]

/** The API's field errors as GOV.UK messages (the details are written for people). */
export function fieldErrors (err) {
  const messages = {}
  const summary = []
  const list = err.fieldErrors.length ? err.fieldErrors : [{ pointer: '', detail: err.message }]
  for (const fe of list) {
    const f = FIELDS.find((x) => x.pointers.includes(fe.pointer))
    if (f && !messages[f.id]) {
      messages[f.id] = fe.detail
      summary.push({ href: `#${f.id}`, text: fe.detail })
    } else if (!f) {
      summary.push({ href: null, text: fe.detail })
    }
  }
  return { messages, summary }
}

function nameOf (names, id) { return (names && names[id]) || id }

function replyCell (i) {
  const [t, colour] = REPLY[i.reply] || [i.reply, 'grey']
  const extra = i.reply === 'declined' ? (i.instead === 'deputy' ? `${INSTEAD.deputy}: ${i.deputy}` : INSTEAD[i.instead] || '') : ''
  return html`${tag(t, colour)}${extra ? html`<br><span class="govuk-body-s">${extra}</span>` : ''}${i.repliedAt ? html`<br><span class="govuk-body-s">${dateTimeText(i.repliedAt)}</span>` : ''}`
}

function outcomeCell (i) {
  if (!i.outcome) return 'Not recorded'
  return i.outcome === 'deputy' ? `${OUTCOME_TEXT.deputy}: ${i.outcomeDeputy}` : (OUTCOME_TEXT[i.outcome] || i.outcome)
}

function escalationCell (i) {
  return i.escalationStep > 0 ? tag(i.escalation, 'red') : 'None'
}

/** The page's HTML: v is GET /v1/staff/meetings/{id}/replies. */
export function attendancePage (v, who, names, state = {}) {
  const m = v.meeting
  const bso = hasRole(who, ROLE_BSO)
  const invs = v.invitations || []
  const errs = state.errors || { messages: {}, summary: [] }
  const e = errs.messages || {}
  const when = dateTimeText(m.start)
  return html`
    ${errorSummary(errs.summary)}
    ${state.flash ? notificationBanner({ success: true, heading: state.flash }) : ''}
    <span class="govuk-caption-l">Level ${m.level} meeting, case ${m.caseRef}</span>
    <h1 class="govuk-heading-l">Replies and attendance</h1>
    <p class="govuk-body"><a class="govuk-link" href="/meetings/${enc(m.id)}">Back to the meeting</a></p>
    ${summaryList([
      { key: 'Date and time', value: when, id: 'att-when' },
      { key: 'Status', value: m.status === 'cancelled' ? tag('Cancelled', 'grey') : tag('Invitations sent', 'blue') },
      { key: 'Invitation version', value: `${m.sequence + 1}` },
      { key: 'Notice', value: m.shortNotice ? tag('Short notice', 'red') : 'At least 14 days' },
      { key: 'Written report', value: m.reportReceived ? 'Sent to the chair' : (v.reportDue ? tag('Due before the meeting', 'red') : 'Not needed') }
    ])}
    ${v.reportDue ? warningText('Nobody from the council can attend. A written report must be sent to the chair before the meeting; it is chased every day until it is recorded as sent.') : ''}
    ${v.reportDue && bso ? html`<form id="report-form" novalidate>${button('Record that the written report has gone', { secondary: true })}</form>` : ''}
    <div class="app-table-wrap" tabindex="0" role="region" aria-label="Table (scrolls sideways on a small screen)">${table({ id: 'replies', caption: 'Invited from the council', captionSize: 'm',
      head: ['Name', 'Role', 'Reply', 'Attendance', 'Escalation'],
      rows: invs.map((i) => [html`<span data-staff="${i.staffId}">${nameOf(names, i.staffId)}</span>`, roleText(i.role) || 'Not known', replyCell(i), outcomeCell(i), escalationCell(i)]) })}</div>
    ${!invs.length ? html`<p class="govuk-body">Nobody has been invited yet. Invitations go when the rota has chosen the attendees.</p>` : ''}
    ${bso && invs.length ? html`
      <h2 class="govuk-heading-m" id="record-heading">Record attendance</h2>
      <p class="govuk-body">From the day of the meeting. An unexplained absence is escalated: the chair is told at once, then the line manager after 5 working days, and a repeated failure goes to the Strategic Management Board through the MAPPA co-ordinator.</p>
      <form id="attendance-form" novalidate>
        ${radios({ id: 'at-who', name: 'invitationId', legend: 'Who are you recording?', legendSize: 's', error: e['at-who'], value: state.values && state.values.invitationId,
          items: invs.map((i) => ({ value: i.id, text: nameOf(names, i.staffId) })) })}
        ${radios({ id: 'at-outcome', name: 'outcome', legend: 'What happened?', legendSize: 's', error: e['at-outcome'], value: state.values && state.values.outcome, items: OUTCOMES })}
        ${input({ id: 'at-deputy', name: 'deputy', label: 'If they sent a deputy, who went (name or role)', error: e['at-deputy'], value: (state.values && state.values.deputy) || '' })}
        ${button('Record attendance')}
      </form>` : ''}`
}

export async function renderAttendance (ctx, id, state = {}) {
  const [v, people] = await Promise.all([
    api(`/v1/staff/meetings/${enc(id)}/replies`),
    api('/v1/staff/people').catch((err) => { if (err instanceof ApiError) return { people: [] }; throw err })
  ])
  const names = Object.fromEntries((people.people || []).map((p) => [p.id, p.name]))
  if (!ctx.show('Replies and attendance', attendancePage(v, ctx.who, names, state), { focus: !state.quiet })) return
  const again = (s) => renderAttendance(ctx, id, s)
  const form = document.getElementById('attendance-form')
  if (form) {
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault()
      const values = formValues(form)
      const body = { invitationId: values.invitationId || '', outcome: values.outcome || '' }
      const dep = text(values, 'deputy')
      if (dep) body.deputy = dep
      try {
        await api(`/v1/staff/meetings/${enc(id)}/attendance`, { method: 'POST', body })
        await again({ flash: 'Attendance recorded.' })
      } catch (err) {
        if (!(err instanceof ApiError) || !err.problem) throw err
        await again({ errors: fieldErrors(err), values })
      }
    })
  }
  const report = document.getElementById('report-form')
  if (report) {
    report.addEventListener('submit', async (ev) => {
      ev.preventDefault()
      await api(`/v1/staff/meetings/${enc(id)}/report`, { method: 'POST' })
      await again({ flash: 'The written report is recorded as sent. The chasers stop.' })
    })
  }
}

export const _test = { attendancePage, fieldErrors }
